import { type Kysely, sql } from 'kysely';

// The audit chain keyed end to end: the client's request id kept beside the server's, and a head that carries a
// keyed seal, so that deleting the last events (and setting the head back to match) no longer goes unseen.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('client_request_id', 'text').execute();
  await db.schema
    .alterTable('audit_head')
    .addColumn('legacy_upto', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('audit_head').addColumn('seal', 'text').execute();
  // A migration cannot see the key. A head written before seals existed waits for the first start with the key,
  // which checks the whole chain and seals it, once (setup.ts, `openDataKey`).
  await sql`update audit_head set seal = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_head').dropColumn('seal').execute();
  await db.schema.alterTable('audit_head').dropColumn('legacy_upto').execute();
  await db.schema.alterTable('audit_events').dropColumn('client_request_id').execute();
}
