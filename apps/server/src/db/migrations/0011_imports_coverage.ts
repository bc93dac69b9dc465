import type { Kysely } from 'kysely';

// Register imports (one row per uploaded file; idempotent by file hash) and per-county coverage rules for
// stacked assistance (DOMAIN §5: "households with serious illness need a health helper"…).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('household_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope_code', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('households', 'integer', (c) => c.notNull())
    .addColumn('people', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('errors_json', 'text')
    .addColumn('message', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('household_imports_hash')
    .on('household_imports')
    .columns(['file_hash', 'status'])
    .execute();
  await db.schema
    .createIndex('household_imports_scope')
    .on('household_imports')
    .columns(['scope_code', 'created_at'])
    .execute();

  await db.schema
    .createTable('coverage_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('roles_json', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Risks a visit finds (new serious illness, disaster, large rigid spending) feed the early warning (§7).
  await db.schema.alterTable('visits').addColumn('risks_json', 'text').execute();

  await db.schema
    .createIndex('coverage_rules_county')
    .on('coverage_rules')
    .columns(['county_code', 'condition'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visits').dropColumn('risks_json').execute();
  for (const t of ['coverage_rules', 'household_imports']) await db.schema.dropTable(t).execute();
}
