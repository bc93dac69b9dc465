import type { Kysely } from 'kysely';

// Reports, problem lists, items and their trail (DOMAIN §8). Portable types only, as in 0001.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Local additions to the official division data (a relocation community, say) are marked as such.
  await db.schema
    .alterTable('regions')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('official'))
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tracking_hash', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('reporter_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reports_region').on('reports').columns(['region_code', 'reported_at']).execute();
  await db.schema.createIndex('reports_org').on('reports').columns(['org_id', 'status']).execute();

  await db.schema
    .createTable('problem_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('no', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('listed_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('problem_lists_org_no', ['org_id', 'no'])
    .execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('list_id', 'text', (c) => c.notNull().references('problem_lists.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('no', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.references('regions.code'))
    .addColumn('responsible_group_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('measures', 'text')
    .addColumn('due_on', 'text')
    .addColumn('needed_skill', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reopened_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_by', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('close_evidence', 'text')
    .addColumn('resident_confirmed_at', 'text')
    .addColumn('escalated_to_org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('escalated_at', 'text')
    .addColumn('escalation_reason', 'text')
    .addColumn('handed_over_to_org_id', 'text', (c) => c.references('temporary_orgs.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('items_list_no', ['list_id', 'no'])
    .execute();
  await db.schema.createIndex('items_org_status').on('items').columns(['org_id', 'status']).execute();
  await db.schema.createIndex('items_escalated').on('items').column('escalated_to_org_id').execute();
  await db.schema.createIndex('items_due').on('items').columns(['status', 'due_on']).execute();

  await db.schema
    .createTable('item_reports')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
    .addPrimaryKeyConstraint('item_reports_pk', ['item_id', 'report_id'])
    .execute();
  await db.schema.createIndex('item_reports_report').on('item_reports').column('report_id').execute();

  await db.schema
    .createTable('item_members')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('membership_id', 'text', (c) => c.references('memberships.id'))
    .addColumn('added_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('item_members_pk', ['item_id', 'member_id'])
    .execute();
  await db.schema.createIndex('item_members_member').on('item_members').column('member_id').execute();

  await db.schema
    .createTable('item_units')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('item_units_pk', ['item_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('item_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .execute();
  await db.schema.createIndex('item_events_item').on('item_events').columns(['item_id', 'at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_member').on('notifications').columns(['member_id', 'read_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'notifications',
    'item_events',
    'item_units',
    'item_members',
    'item_reports',
    'items',
    'problem_lists',
    'reports',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('regions').dropColumn('source').execute();
}
