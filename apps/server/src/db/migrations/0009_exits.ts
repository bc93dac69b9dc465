import type { Kysely } from 'kysely';

// Poverty exit (DOMAIN §6) and per-county, per-year settings (poverty line, notice days…).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('settings_pk', ['county_code', 'year', 'key'])
    .execute();

  await db.schema
    .createTable('exit_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('applied_on', 'text', (c) => c.notNull())
    .addColumn('reviewed_on', 'text')
    .addColumn('verified_on', 'text')
    .addColumn('criteria_json', 'text')
    .addColumn('acknowledged_on', 'text')
    .addColumn('notice_start_on', 'text')
    .addColumn('notice_days', 'integer')
    .addColumn('announced_on', 'text')
    .addColumn('rejected_on', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exit_applications_household')
    .on('exit_applications')
    .columns(['household_id', 'status'])
    .execute();

  await db.schema
    .createTable('exit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('exit_applications.id'))
    .addColumn('on', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exit_events_application').on('exit_events').column('application_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['exit_events', 'exit_applications', 'settings']) await db.schema.dropTable(t).execute();
}
