import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Signatures on the acts a county may later be asked to prove (issue 26 §3): one row per act, written in the act's
// transaction with its audit event. The canonical content is kept beside the signature so that a reader can see what
// was signed; `verify-signatures` recomputes it from the records and never trusts the copy. Like the audit trail, the
// table is append-only for the application: a trigger refuses UPDATE and DELETE on both databases.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signatures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('act', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('content_json', 'text', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('sig', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('signatures_act_entity')
    .unique()
    .on('signatures')
    .columns(['act', 'entity_id'])
    .execute();
  await db.schema.createIndex('signatures_entity').on('signatures').column('entity_id').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create or replace function signatures_append_only() returns trigger language plpgsql as $$
      begin raise exception 'signatures is append-only'; end $$`.execute(db);
    await sql`create trigger signatures_append_only before update or delete on signatures for each row execute function signatures_append_only()`.execute(
      db,
    );
  } else {
    await sql`create trigger signatures_no_update before update on signatures begin select raise(abort, 'signatures is append-only'); end`.execute(
      db,
    );
    await sql`create trigger signatures_no_delete before delete on signatures begin select raise(abort, 'signatures is append-only'); end`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('signatures').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`drop function if exists signatures_append_only()`.execute(db);
}
