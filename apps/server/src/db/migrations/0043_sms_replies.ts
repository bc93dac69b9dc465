import type { Kysely } from 'kysely';

// Residents' text replies, pushed by the SMS provider: each kept once, by the provider and its own id of the message
// (Aliyun's sequence_id, the county platform's id), so that a provider retrying a push, or pushing it twice at the
// same moment, has it processed once. The phone is kept as its keyed hash (matched against reports' phone_index)
// and masked for reading; the words as the resident wrote them, encrypted with the data key. What the reply did
// (confirmed, reopened, opted out) or why it did nothing (unknown phone, nothing asked, two items waiting, refused)
// is its outcome.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // aliyun | gateway
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('phone_index', 'text')
    .addColumn('phone_masked', 'text')
    .addColumn('content_enc', 'text', (c) => c.notNull())
    // The time the provider says the resident sent it, as given: recorded, never trusted to widen anything.
    .addColumn('sent_at_given', 'text')
    // The server's clock when the reply was taken.
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    // For a reply refused by the rules of the resident's word: the problem code (reopen_window_over, …).
    .addColumn('refusal_code', 'text')
    .addColumn('report_id', 'text')
    .addColumn('item_id', 'text')
    // The message it answered (item_done or follow_up): a question is answered once.
    .addColumn('notice_id', 'text')
    .execute();
  await db.schema
    .createIndex('sms_replies_provider_message')
    .on('sms_replies')
    .columns(['provider', 'provider_message_id'])
    .unique()
    .execute();
  await db.schema.createIndex('sms_replies_notice').on('sms_replies').column('notice_id').execute();
  await db.schema.createIndex('sms_replies_item').on('sms_replies').columns(['item_id', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sms_replies').execute();
}
