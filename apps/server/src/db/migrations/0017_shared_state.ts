import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Province scale (issue 9): daily statistics per county, read by overviews wider than one county; and request
// counters shared by every application server, so that a rate limit holds across a pool of servers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stat_snapshots')
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('scope_code', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stat_snapshots_pk', ['as_of', 'scope_code'])
    .execute();
  // A day is complete when every county's snapshot of it has been written (one row, written last).
  await db.schema
    .createTable('stat_snapshot_days')
    .addColumn('as_of', 'text', (c) => c.primaryKey())
    .addColumn('counties', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('seconds', 'real', (c) => c.notNull())
    .execute();
  // Counters need no durability: on PostgreSQL the table is unlogged (no WAL, emptied after a crash).
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create unlogged table rate_limit_windows (key text primary key, window_start bigint not null, hits integer not null)`.execute(
      db,
    );
  } else {
    await db.schema
      .createTable('rate_limit_windows')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_windows').execute();
  await db.schema.dropTable('stat_snapshot_days').execute();
  await db.schema.dropTable('stat_snapshots').execute();
}
