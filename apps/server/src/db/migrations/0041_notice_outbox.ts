import type { Kysely } from 'kysely';

// One outbox for every notice that leaves the system: text messages to residents (through the county's SMS
// provider) and messages to a branch's WeCom group robot. A notice is written in the transaction of the change that
// causes it; a dispatcher sends it later with retries, and every try is kept with the provider's answer.
// The one-time codes of the earlier `sms_outbox` are sent through it too; that table goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // Whose settings (sign name, template codes) the message is sent with.
    .addColumn('county_code', 'text')
    .addColumn('report_id', 'text')
    .addColumn('item_id', 'text')
    // The branch whose WeCom robot a staff message goes to.
    .addColumn('org_id', 'text')
    // The phone, encrypted with the data key (null for a robot message).
    .addColumn('to_enc', 'text')
    // Template parameters: what is no one's personal data as JSON; what is (a tracking code, a one-time code)
    // encrypted with the data key.
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('secret_params_enc', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('tries', 'integer', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('provider_ref', 'text')
    .addColumn('last_code', 'text')
    .addColumn('last_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_due').on('notices').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notices_item').on('notices').columns(['item_id', 'created_at']).execute();
  await db.schema.createIndex('notices_report').on('notices').columns(['report_id', 'status']).execute();
  await db.schema.createIndex('notices_county').on('notices').columns(['county_code', 'created_at', 'id']).execute();
  await db.schema
    .createTable('notice_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    // sent | retry | failed
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_code', 'text')
    .addColumn('provider_message', 'text')
    .execute();
  await db.schema.createIndex('notice_attempts_notice').on('notice_attempts').columns(['notice_id', 'at']).execute();
  // A county's SMS sign name and template codes (one per kind of message), set by its administrator.
  await db.schema
    .createTable('sms_settings')
    .addColumn('county_code', 'text', (c) => c.primaryKey())
    .addColumn('sign_name', 'text', (c) => c.notNull())
    .addColumn('templates', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // A branch's WeCom group robot: its webhook address holds the robot's key, so it is kept encrypted.
  await db.schema
    .createTable('wecom_robots')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('temporary_orgs.id'))
    .addColumn('url_enc', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The resident said no to messages (by the tracking code): nothing more is sent for the report.
  await db.schema.alterTable('reports').addColumn('sms_opted_out_at', 'text').execute();
  // The keyed hash of the report's phone, written with the report: a "no" holds for every report from the phone,
  // and a phone that reported an item twice hears of it once. Reports of earlier versions have none (their "no"
  // holds for the report itself).
  await db.schema.alterTable('reports').addColumn('phone_index', 'text').execute();
  await db.schema.createIndex('reports_phone_index').on('reports').column('phone_index').execute();
  // The phones (by their keyed hash) whose residents said no to text messages.
  await db.schema
    .createTable('sms_opt_outs')
    .addColumn('phone_index', 'text', (c) => c.primaryKey())
    .addColumn('opted_out_at', 'text', (c) => c.notNull())
    .execute();
  // The one-time codes still waiting there are valid for minutes; a resident whose code is lost with the table asks
  // for a new one on the tracking page.
  await db.schema.dropTable('sms_outbox').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('phone_enc', 'text', (c) => c.notNull())
    .addColumn('text_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('tries', 'integer', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('sms_outbox_pending').on('sms_outbox').columns(['sent_at', 'created_at']).execute();
  await db.schema.dropTable('sms_opt_outs').execute();
  await db.schema.dropIndex('reports_phone_index').execute();
  await db.schema.alterTable('reports').dropColumn('phone_index').execute();
  await db.schema.alterTable('reports').dropColumn('sms_opted_out_at').execute();
  await db.schema.dropTable('wecom_robots').execute();
  await db.schema.dropTable('sms_settings').execute();
  await db.schema.dropTable('notice_attempts').execute();
  await db.schema.dropTable('notices').execute();
}
