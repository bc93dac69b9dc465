import { type Kysely, sql } from 'kysely';

// An account runs one register import at a time: each import that meets people registered outside the importer's
// scope answers one question about the county's register, and the account's daily limit on such attempts is
// counted when an import ends; several at once would each pass the limit's check at upload.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index household_imports_one_running on household_imports (created_by) where status = 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('household_imports_one_running').execute();
}
