import type { Kysely } from 'kysely';

// A report that is not taken up (a duplicate, nothing to act on, another body's duty) is dismissed with a kind and a
// reason the resident reads on the tracking page; who dismissed it and when are kept with it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('dismissal_kind', 'text').execute();
  await db.schema.alterTable('reports').addColumn('dismissal_reason', 'text').execute();
  await db.schema.alterTable('reports').addColumn('dismissed_at', 'text').execute();
  await db.schema.alterTable('reports').addColumn('dismissed_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['dismissed_by', 'dismissed_at', 'dismissal_reason', 'dismissal_kind'])
    await db.schema.alterTable('reports').dropColumn(c).execute();
}
