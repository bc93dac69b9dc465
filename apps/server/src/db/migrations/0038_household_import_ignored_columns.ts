import type { Kysely } from 'kysely';

// The columns of an imported file that were not read (unknown headings, a second column of one field), with their
// place in the file: shown with the import's outcome so that nothing the clerk's file holds is dropped silently.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('household_imports').addColumn('ignored_columns_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('household_imports').dropColumn('ignored_columns_json').execute();
}
