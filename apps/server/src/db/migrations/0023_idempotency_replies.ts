import type { Kysely } from 'kysely';

// A key's reply is now written by the request that holds the key, inside its business transaction. `claimed_by`
// names that request (a random token, never shown), so that a request which lost the key to another one at the
// same moment can never write over the holder's row, and the holder alone may complete a claim left open.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('claimed_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('claimed_by').execute();
}
