import type { Kysely } from 'kysely';

// After the window to reopen a closed item, the resident's tracking code only rates (1–5) and comments (DOMAIN §9a).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('items').addColumn('resident_rating', 'integer').execute();
  await db.schema.alterTable('items').addColumn('resident_comment', 'text').execute();
  await db.schema.alterTable('items').addColumn('resident_rated_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['resident_rated_at', 'resident_comment', 'resident_rating'])
    await db.schema.alterTable('items').dropColumn(c).execute();
}
