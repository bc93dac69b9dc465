import type { Kysely } from 'kysely';

// Tracking codes reserved while online by a staff account's device, so that a resident's report entered with no
// connection can hand the resident her code at once. Only the code's keyed hash is kept, as for reports; the row is
// taken (deleted) by the report that uses it, in that report's transaction. Each is tied to the session (its hashed
// token, as sessions.id) that reserved it: signing out releases them, so a device's next account cannot use them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tracking_code_reservations')
    .addColumn('tracking_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('reserved_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tracking_code_reservations_user')
    .on('tracking_code_reservations')
    .columns(['user_id', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('tracking_code_reservations_session')
    .on('tracking_code_reservations')
    .column('session_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tracking_code_reservations').execute();
}
