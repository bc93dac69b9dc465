import { type Kysely, sql } from 'kysely';

// Residents' phone numbers on reports are kept encrypted (`phone_enc`), as the register's are. The clear `phone`
// column stays for the rows written before: a migration cannot see the data key, so the server seals those rows at
// start-up (db/seal.ts) and never writes the column again; a partial index finds those rows at each start without
// reading the table.
// A registration refused because a person is registered outside the caller's scope is audited, and an account's
// refusals of the last day are counted with each registration (households.service.ts): this index keeps that
// count to the few events of one account instead of the whole trail.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('phone_enc', 'text').execute();
  await sql`create index reports_clear_phone on reports (id) where phone is not null`.execute(db);
  await sql`create index audit_events_duplicate_attempts on audit_events (user_id, at) where action = 'household.duplicate_attempt'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_events_duplicate_attempts').execute();
  await db.schema.dropIndex('reports_clear_phone').execute();
  await db.schema.alterTable('reports').dropColumn('phone_enc').execute();
}
