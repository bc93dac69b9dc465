import type { Kysely } from 'kysely';

// Types are the portable subset: text, integer. See db/types.ts for the conventions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_code', 'text', (c) => c.references('regions.code'))
    .addColumn('name_initials', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('regions_parent').on('regions').column('parent_code').execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('name_initials', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('units_region').on('units').column('region_code').execute();

  await db.schema
    .createTable('party_orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_initials', 'text', (c) => c.notNull())
    .addColumn('name_pinyin', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('party_status', 'text', (c) => c.notNull())
    .addColumn('home_party_org_id', 'text', (c) => c.references('party_orgs.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('title', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_region').on('members').column('region_code').execute();
  await db.schema.createIndex('members_unit').on('members').column('unit_id').execute();
  await db.schema.createIndex('members_initials').on('members').column('name_initials').execute();

  await db.schema
    .createTable('member_skills')
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('skill', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_skills_pk', ['member_id', 'skill'])
    .execute();
  await db.schema.createIndex('member_skills_skill').on('member_skills').column('skill').execute();

  await db.schema
    .createTable('temporary_orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_initials', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('anchor_type', 'text', (c) => c.notNull())
    .addColumn('anchor_name', 'text', (c) => c.notNull())
    .addColumn('mission', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('approving_party_org_id', 'text', (c) => c.references('party_orgs.id'))
    .addColumn('approving_org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('approved_on', 'text')
    .addColumn('approval_doc_no', 'text')
    .addColumn('established_on', 'text', (c) => c.notNull())
    .addColumn('planned_end_on', 'text')
    .addColumn('dissolved_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('temporary_orgs_parent').on('temporary_orgs').column('parent_id').execute();
  await db.schema.createIndex('temporary_orgs_path').on('temporary_orgs').column('path').execute();
  await db.schema.createIndex('temporary_orgs_region').on('temporary_orgs').column('region_code').execute();

  await db.schema
    .createTable('org_regions')
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addPrimaryKeyConstraint('org_regions_pk', ['org_id', 'region_code'])
    .execute();

  await db.schema
    .createTable('org_units')
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('linked_on', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addPrimaryKeyConstraint('org_units_pk', ['org_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('org_units_unit').on('org_units').column('unit_id').execute();

  await db.schema
    .createTable('memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('start_on', 'text', (c) => c.notNull())
    .addColumn('end_on', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('link_reason', 'text', (c) => c.notNull())
    .addColumn('designated_by_party_org_id', 'text', (c) => c.references('party_orgs.id'))
    .addColumn('designated_by_org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('memberships_org').on('memberships').columns(['org_id', 'end_on']).execute();
  await db.schema.createIndex('memberships_member').on('memberships').columns(['member_id', 'end_on']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('scope_region_code', 'text', (c) => c.references('regions.code'))
    .addColumn('scope_org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('acting_party_org_id', 'text', (c) => c.references('party_orgs.id'))
    .addColumn('member_id', 'text', (c) => c.references('members.id'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_entity').on('audit_events').columns(['entity_type', 'entity_id']).execute();

  // One row that every audited transaction updates: it serializes writers so the hash chain never forks.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'meta',
    'audit_head',
    'audit_events',
    'sessions',
    'users',
    'memberships',
    'org_units',
    'org_regions',
    'temporary_orgs',
    'member_skills',
    'members',
    'party_orgs',
    'units',
    'regions',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
