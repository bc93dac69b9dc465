import type { Kysely } from 'kysely';

// Supervision and assessment (DOMAIN §9): supervision records, yearly schemes with weighted indicators, stored
// ledgers (inputs and results, versioned), tilts, rectification, and recommendations to home organizations.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('supervision_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('member_id', 'text', (c) => c.references('members.id'))
    .addColumn('supervised_on', 'text', (c) => c.notNull())
    .addColumn('supervisor', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('indicator', 'text')
    .addColumn('score_effect', 'real')
    .addColumn('rectification', 'text')
    .addColumn('deadline', 'text')
    .addColumn('follow_up', 'text')
    .addColumn('closed_on', 'text')
    .addColumn('created_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('supervision_org')
    .on('supervision_records')
    .columns(['org_id', 'supervised_on'])
    .execute();

  await db.schema
    .createTable('assessment_schemes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('daily_weight', 'integer', (c) => c.notNull())
    .addColumn('final_weight', 'integer', (c) => c.notNull())
    .addColumn('cutoffs_json', 'text', (c) => c.notNull())
    .addColumn('indicators_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assessment_schemes_year')
    .on('assessment_schemes')
    .columns(['county_code', 'year', 'tier'])
    .unique()
    .execute();

  await db.schema
    .createTable('assessor_scores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scheme_id', 'text', (c) => c.notNull().references('assessment_schemes.id'))
    .addColumn('indicator_key', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('assessor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assessor_scores_key')
    .on('assessor_scores')
    .columns(['scheme_id', 'org_id', 'indicator_key'])
    .execute();

  await db.schema
    .createTable('ledgers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scheme_id', 'text', (c) => c.notNull().references('assessment_schemes.id'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('scope_code', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('inputs_json', 'text', (c) => c.notNull())
    .addColumn('rows_json', 'text', (c) => c.notNull())
    .addColumn('computed_by', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledgers_scope')
    .on('ledgers')
    .columns(['scope_code', 'tier', 'period_from', 'version'])
    .execute();

  await db.schema
    .createTable('tilts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('ledger_id', 'text', (c) => c.notNull().references('ledgers.id'))
    .addColumn('amount_yuan', 'integer', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('approver', 'text', (c) => c.notNull())
    .addColumn('decided_on', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rectifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('ledger_id', 'text', (c) => c.references('ledgers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('listed_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('tasks_json', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('responsible', 'text', (c) => c.notNull())
    .addColumn('review_note', 'text')
    .addColumn('delisted_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rectifications_org').on('rectifications').columns(['org_id', 'status']).execute();

  await db.schema
    .createTable('recommendations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('home_party_org_id', 'text', (c) => c.notNull().references('party_orgs.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('filed_on', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text')
    .addColumn('answer', 'text')
    .addColumn('answer_text', 'text')
    .addColumn('answered_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recommendations_home')
    .on('recommendations')
    .columns(['home_party_org_id', 'answered_on'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'recommendations',
    'rectifications',
    'tilts',
    'ledgers',
    'assessor_scores',
    'assessment_schemes',
    'supervision_records',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
