import type { Kysely } from 'kysely';

// Disputes, industry chains and projects (DOMAIN §8). Lists of names are JSON text, as elsewhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('disputes')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('items.id'))
    .addColumn('parties_json', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('outcome_note', 'text')
    .addColumn('outcome_on', 'text')
    .addColumn('follow_up_due_on', 'text')
    .addColumn('follow_up_on', 'text')
    .addColumn('follow_up_result', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mediation_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('disputes.item_id'))
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mediation_sessions_item')
    .on('mediation_sessions')
    .columns(['item_id', 'held_on'])
    .execute();

  await db.schema
    .createTable('mediation_mediators')
    .addColumn('session_id', 'text', (c) => c.notNull().references('mediation_sessions.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addPrimaryKeyConstraint('mediation_mediators_pk', ['session_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('chains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('chain_stages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('chain_stages_seq', ['chain_id', 'seq'])
    .execute();

  await db.schema
    .createTable('stage_placements')
    .addColumn('stage_id', 'text', (c) => c.notNull().references('chain_stages.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addPrimaryKeyConstraint('stage_placements_pk', ['stage_id', 'kind', 'ref_id'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('investment_yuan', 'integer', (c) => c.notNull())
    .addColumn('area_mu', 'integer', (c) => c.notNull())
    .addColumn('beneficiaries', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('land_contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('area_mu', 'integer', (c) => c.notNull())
    .addColumn('signed_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('items')
    .addColumn('stage_id', 'text', (c) => c.references('chain_stages.id'))
    .execute();
  await db.schema
    .alterTable('items')
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('items').dropColumn('project_id').execute();
  await db.schema.alterTable('items').dropColumn('stage_id').execute();
  for (const t of [
    'land_contracts',
    'projects',
    'stage_placements',
    'chain_stages',
    'chains',
    'mediation_mediators',
    'mediation_sessions',
    'disputes',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
