import type { Kysely } from 'kysely';

// Households taking part in an industry chain or a project: jobs, land transfer, purchase contracts, and
// the income each brings. `household_id` links to the household register once it exists for the place.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('participations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chain_id', 'text', (c) => c.references('chains.id'))
    .addColumn('stage_id', 'text', (c) => c.references('chain_stages.id'))
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('household_id', 'text')
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('income_yuan', 'integer', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('participations_chain').on('participations').column('chain_id').execute();
  await db.schema.createIndex('participations_project').on('participations').column('project_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('participations').execute();
}
