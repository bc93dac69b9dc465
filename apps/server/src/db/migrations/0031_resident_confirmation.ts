import type { Kysely } from 'kysely';

// A resident's word is the resident's (DOMAIN §9a): an item closes on the reporter's confirmation. For a report that
// staff entered (a visit, the hotline, a meeting) the tracking code alone is not the resident's: the confirmation
// needs a one-time code sent to the phone on file, or a call back recorded by another account.
export async function up(db: Kysely<unknown>): Promise<void> {
  // How the resident's confirmation came: 'code' (the reporter's own tracking code), 'phone' (tracking code and a
  // one-time code sent to the phone on file), 'call' (a call back recorded by a staff account that did not enter the
  // report nor work the item, with the call's time and the resident's words).
  await db.schema.alterTable('items').addColumn('resident_confirm_channel', 'text').execute();
  await db.schema.alterTable('items').addColumn('resident_confirm_recorded_by', 'text').execute();
  await db.schema.alterTable('items').addColumn('resident_call_at', 'text').execute();
  await db.schema.alterTable('items').addColumn('resident_words', 'text').execute();
  // The one-time code last sent for a report: its keyed hash, when it expires, the wrong tries left. One row per
  // report, so a second request inside the resend interval is refused by the database, not by a read before it.
  await db.schema
    .createTable('resident_phone_codes')
    .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('sent_today', 'integer', (c) => c.notNull())
    .addColumn('sent_on', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  // Text messages waiting for the county's SMS platform: phone and text encrypted with the data key; a sender
  // marks them sent (or counts failed tries). Nothing here is ever shown on a screen.
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
    // A sender holds a message until then while it hands it over; another sender leaves it alone meanwhile.
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('sms_outbox_pending').on('sms_outbox').columns(['sent_at', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sms_outbox').execute();
  await db.schema.dropTable('resident_phone_codes').execute();
  for (const c of ['resident_words', 'resident_call_at', 'resident_confirm_recorded_by', 'resident_confirm_channel']) {
    await db.schema.alterTable('items').dropColumn(c).execute();
  }
}
