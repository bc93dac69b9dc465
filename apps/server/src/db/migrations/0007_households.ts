import type { Kysely } from 'kysely';

// The poverty register (DOMAIN §5). ID numbers, phone numbers and health details are stored encrypted
// (`*_enc`), with keyed hashes (`*_index`) for exact search and duplicate detection.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('head_name', 'text', (c) => c.notNull())
    .addColumn('head_initials', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('standard', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('exit_year', 'integer')
    .addColumn('primary_cause', 'text', (c) => c.notNull())
    .addColumn('secondary_causes', 'text', (c) => c.notNull())
    .addColumn('income_wages', 'integer', (c) => c.notNull())
    .addColumn('income_business', 'integer', (c) => c.notNull())
    .addColumn('income_transfer', 'integer', (c) => c.notNull())
    .addColumn('income_property', 'integer', (c) => c.notNull())
    .addColumn('per_capita_income', 'integer', (c) => c.notNull())
    .addColumn('housing_area', 'integer')
    .addColumn('danger_rating', 'text')
    .addColumn('water_safe', 'integer', (c) => c.notNull())
    .addColumn('relocated_to', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('households_region').on('households').columns(['region_code', 'status']).execute();

  await db.schema
    .createTable('household_people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('in_school', 'integer', (c) => c.notNull())
    .addColumn('labour', 'text', (c) => c.notNull())
    .addColumn('health_enc', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_number_index', 'text', (c) => c.notNull().unique())
    .addColumn('phone_enc', 'text')
    .addColumn('phone_index', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('household_people_household').on('household_people').column('household_id').execute();

  await db.schema
    .createTable('helpers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('start_on', 'text', (c) => c.notNull())
    .addColumn('end_on', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('helpers_household').on('helpers').columns(['household_id', 'end_on']).execute();
  await db.schema.createIndex('helpers_member').on('helpers').columns(['member_id', 'end_on']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['helpers', 'household_people', 'households']) await db.schema.dropTable(t).execute();
}
