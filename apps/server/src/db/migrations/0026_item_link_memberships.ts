import type { Kysely } from 'kysely';

// A membership made by linking a member by need for one item gives its organization no wider reach (lib/scope.ts
// notLinkedByNeed): every scope check of an organization account asks whether a membership is such a link.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('item_members_membership').on('item_members').column('membership_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('item_members_membership').execute();
}
