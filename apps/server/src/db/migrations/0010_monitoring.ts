import type { Kysely } from 'kysely';

// Return-to-poverty monitoring (DOMAIN §7).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitoring_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identified_on', 'text', (c) => c.notNull())
    .addColumn('notice_start_on', 'text')
    .addColumn('notice_days', 'integer')
    .addColumn('decided_on', 'text')
    .addColumn('eliminated_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_cases_household')
    .on('monitoring_cases')
    .columns(['household_id', 'status'])
    .execute();
  await db.schema
    .createTable('monitoring_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('monitoring_cases.id'))
    .addColumn('on', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitoring_events_case').on('monitoring_events').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['monitoring_events', 'monitoring_cases']) await db.schema.dropTable(t).execute();
}
