import type { Kysely } from 'kysely';

// Organizational life (DOMAIN §4): meetings and study sessions with attendance and decisions, reminders for
// party groups that have not met in their period, and observations sent to members' home organizations.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('host_member_id', 'text', (c) => c.references('members.id'))
    .addColumn('agenda', 'text')
    .addColumn('minutes', 'text')
    .addColumn('list_id', 'text', (c) => c.references('problem_lists.id'))
    .addColumn('created_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_org').on('activities').columns(['org_id', 'held_on']).execute();

  await db.schema
    .createTable('activity_attendance')
    .addColumn('activity_id', 'text', (c) => c.notNull().references('activities.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('membership_id', 'text', (c) => c.references('memberships.id'))
    .addPrimaryKeyConstraint('activity_attendance_pk', ['activity_id', 'member_id'])
    .execute();
  await db.schema.createIndex('activity_attendance_member').on('activity_attendance').column('member_id').execute();

  await db.schema
    .createTable('activity_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('activity_id', 'text', (c) => c.notNull().references('activities.id'))
    .addColumn('no', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.references('items.id'))
    .execute();
  await db.schema.createIndex('activity_decisions_activity').on('activity_decisions').column('activity_id').execute();

  // A party group meets monthly unless its branch sets another period.
  await db.schema.alterTable('temporary_orgs').addColumn('meeting_period_months', 'integer').execute();

  await db.schema
    .createTable('meeting_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('last_met_on', 'text')
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('raised_on', 'text', (c) => c.notNull())
    .addColumn('resolved_on', 'text')
    .addColumn('resolved_by_activity_id', 'text', (c) => c.references('activities.id'))
    .execute();
  await db.schema
    .createIndex('meeting_reminders_org')
    .on('meeting_reminders')
    .columns(['org_id', 'resolved_on'])
    .execute();

  await db.schema
    .createTable('feedback_to_home')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('temporary_orgs.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
    .addColumn('home_party_org_id', 'text', (c) => c.notNull().references('party_orgs.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sent_on', 'text', (c) => c.notNull())
    .addColumn('sent_by', 'text')
    .addColumn('acknowledged_on', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('ack_note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_home')
    .on('feedback_to_home')
    .columns(['home_party_org_id', 'acknowledged_on'])
    .execute();
  await db.schema.createIndex('feedback_member').on('feedback_to_home').column('member_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['feedback_to_home', 'meeting_reminders', 'activity_decisions', 'activity_attendance', 'activities'])
    await db.schema.dropTable(t).execute();
  await db.schema.alterTable('temporary_orgs').dropColumn('meeting_period_months').execute();
}
