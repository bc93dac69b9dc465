import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Security (GB/T 22239 level 3): login lockout counters, and an audit trail the application cannot rewrite —
// a trigger refuses UPDATE and DELETE on audit_events, on both databases.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('locked_until', 'text').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create or replace function audit_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_events is append-only'; end $$`.execute(db);
    await sql`create trigger audit_events_append_only before update or delete on audit_events for each row execute function audit_append_only()`.execute(
      db,
    );
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events begin select raise(abort, 'audit_events is append-only'); end`.execute(
      db,
    );
    await sql`create trigger audit_events_no_delete before delete on audit_events begin select raise(abort, 'audit_events is append-only'); end`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger if exists audit_events_append_only on audit_events`.execute(db);
    await sql`drop function if exists audit_append_only()`.execute(db);
  } else {
    await sql`drop trigger if exists audit_events_no_update`.execute(db);
    await sql`drop trigger if exists audit_events_no_delete`.execute(db);
  }
  await db.schema.alterTable('users').dropColumn('locked_until').execute();
  await db.schema.alterTable('users').dropColumn('failed_logins').execute();
}
