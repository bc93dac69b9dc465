import { type Kysely, sql } from 'kysely';

// The column-mapping step of the register import. An import whose file's headings are not all known stops in
// `awaiting_mapping`, its headings, proposed mapping and masked preview kept on its row (`mapping_json`), until the
// clerk confirms which column is which field. The headings a county's clerks have confirmed are remembered per
// county and used to map that county's next files.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('household_imports').addColumn('mapping_json', 'text').execute();
  await db.schema
    .createTable('import_heading_synonyms')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('heading', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_heading_synonyms_pk', ['county_code', 'heading'])
    .execute();
  // An import waiting for its mapping holds its upload on the server like a running one: one of either per account,
  // so that an account cannot park file after file on the server's disk (a new upload supersedes a waiting one).
  await db.schema.dropIndex('household_imports_one_running').execute();
  await sql`create unique index household_imports_one_running on household_imports (created_by) where status in ('running', 'awaiting_mapping')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update household_imports set status = 'failed', failure = 'interrupted', phase = 'done'
    where status = 'awaiting_mapping'`.execute(db);
  await db.schema.dropIndex('household_imports_one_running').execute();
  await sql`create unique index household_imports_one_running on household_imports (created_by) where status = 'running'`.execute(
    db,
  );
  await db.schema.dropTable('import_heading_synonyms').execute();
  await db.schema.alterTable('household_imports').dropColumn('mapping_json').execute();
}
