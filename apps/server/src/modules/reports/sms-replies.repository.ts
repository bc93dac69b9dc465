import type { Executor } from '../../db/index.ts';
import type { SmsReplyTable } from '../../db/types.ts';

/** Takes the reply by the provider's id of it: false when that id was taken before (a retried or doubled push). */
export async function claimReply(tx: Executor, row: SmsReplyTable): Promise<boolean> {
  const r = await tx
    .insertInto('sms_replies')
    .values(row)
    .onConflict((oc) => oc.columns(['provider', 'provider_message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export const settleReply = (
  tx: Executor,
  id: string,
  s: Pick<SmsReplyTable, 'outcome' | 'report_id' | 'item_id' | 'notice_id' | 'refusal_code'>,
) => tx.updateTable('sms_replies').set(s).where('id', '=', id).execute();

/** The reports made from the phone (by its keyed hashes under every index key), oldest first. */
export const reportsOfPhone = (tx: Executor, phoneIndexes: readonly string[]) =>
  tx
    .selectFrom('reports')
    .select(['id', 'tracking_hash'])
    .where('phone_index', 'in', phoneIndexes)
    .orderBy('reported_at')
    .orderBy('id')
    .execute();

/**
 * The text messages about items that went to the phone (to any of its reports), newest first: listed, handed in as
 * done, the follow-up. Only those the provider took: a message never sent asked nothing.
 */
export const itemMessagesToPhone = (tx: Executor, phoneIndexes: readonly string[]) =>
  tx
    .selectFrom('notices as n')
    .innerJoin('reports as r', 'r.id', 'n.report_id')
    .select(['n.id', 'n.item_id', 'n.report_id', 'n.purpose', 'n.sent_at'])
    .where('r.phone_index', 'in', phoneIndexes)
    .where('n.channel', '=', 'sms')
    .where('n.status', '=', 'sent')
    .where('n.item_id', 'is not', null)
    .where('n.purpose', 'in', ['item_listed', 'item_done', 'follow_up'])
    .orderBy('n.sent_at', 'desc')
    // Two messages sent in the same millisecond (one run of the outbox: the listing and the hand-in): the later made
    // is the last. Ids are random and decide nothing.
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .execute();

/**
 * Where each of these items stands for a question about it: its status, and when it last entered the status a
 * question asks about (handed in as done: awaiting confirmation; closed: the follow-up).
 */
export async function itemStands(
  tx: Executor,
  itemIds: string[],
): Promise<Map<string, { status: string; handedInAt: string | null; closedAt: string | null }>> {
  if (itemIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('items as i')
    .select((eb) => [
      'i.id',
      'i.status',
      'i.closed_at',
      eb
        .selectFrom('item_events as e')
        .select((e) => e.fn.max('e.at').as('at'))
        .whereRef('e.item_id', '=', 'i.id')
        .where('e.kind', '=', 'transition')
        .where('e.to_status', '=', 'awaiting_confirmation')
        .as('handed_in_at'),
    ])
    .where('i.id', 'in', itemIds)
    .execute();
  return new Map(
    rows.map((r) => [r.id, { status: r.status, handedInAt: r.handed_in_at ?? null, closedAt: r.closed_at ?? null }]),
  );
}

/** The questions among these already answered by a reply (whatever it did). */
export async function answered(tx: Executor, noticeIds: string[]): Promise<Set<string>> {
  if (noticeIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('sms_replies')
    .select('notice_id')
    .where('notice_id', 'in', noticeIds)
    .where('outcome', 'in', ['confirmed', 'reopened', 'refused'])
    .execute();
  return new Set(rows.map((r) => r.notice_id as string));
}

/** The report of a tracking code (by its hash) made from this phone, and its item. */
export const reportOfPhoneByCode = (tx: Executor, phoneIndexes: readonly string[], trackingHashes: readonly string[]) =>
  tx
    .selectFrom('reports as r')
    .innerJoin('item_reports as ir', 'ir.report_id', 'r.id')
    .select(['r.id', 'ir.item_id'])
    .where('r.phone_index', 'in', phoneIndexes)
    .where('r.tracking_hash', 'in', trackingHashes)
    .executeTakeFirst();
