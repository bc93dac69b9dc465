import type { Kysely } from 'kysely';

// Visits (走访) and assistance measures (帮扶措施) of a household (DOMAIN §5).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('visited_on', 'text', (c) => c.notNull())
    .addColumn('checks_json', 'text', (c) => c.notNull())
    .addColumn('findings', 'text')
    .addColumn('measures_agreed', 'text')
    .addColumn('report_id', 'text', (c) => c.references('reports.id'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visits_household').on('visits').columns(['household_id', 'visited_on']).execute();
  await db.schema
    .createTable('visit_helpers')
    .addColumn('visit_id', 'text', (c) => c.notNull().references('visits.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addPrimaryKeyConstraint('visit_helpers_pk', ['visit_id', 'member_id'])
    .execute();
  await db.schema
    .createTable('measures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('cost_yuan', 'integer', (c) => c.notNull())
    .addColumn('start_on', 'text', (c) => c.notNull())
    .addColumn('end_on', 'text')
    .addColumn('acknowledged_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('measures_household').on('measures').column('household_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['measures', 'visit_helpers', 'visits']) await db.schema.dropTable(t).execute();
}
