import type { Executor } from '../db/index.ts';
import type { NoticePurpose } from '../db/types.ts';
import { maskNumbersInText } from './mask.ts';
import { type QueuedNotice, queueNotice } from './notices.ts';

/**
 * The text messages a resident who left a phone receives about their report, each queued in the transaction of the
 * change it tells of: acceptance (with the tracking code, queued by the reports module), the item it was listed as,
 * the item done (confirm or reopen by the code, or by replying), and four weeks after closing, "问题是否仍然解决？".
 * A report whose resident said no gets none.
 */

const DAY = 86_400_000;
/** The follow-up goes four weeks after the item closed. */
export const FOLLOW_UP_DAYS = 28;
/** A message that could not go within this long after it was due is not sent at all. */
const VALID_DAYS = 3;

const after = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

/**
 * The reports of an item (or those of them named) with a phone on file and no "no" to messages, neither the
 * report's nor its phone's (said by any report), oldest first.
 */
function reportersOf(tx: Executor, itemId: string, reportIds?: readonly string[]) {
  let q = tx
    .selectFrom('item_reports as ir')
    .innerJoin('reports as r', 'r.id', 'ir.report_id')
    .leftJoin('sms_opt_outs as o', 'o.phone_index', 'r.phone_index')
    .select(['r.id', 'r.phone_enc', 'r.phone_index', 'r.region_code'])
    .where('ir.item_id', '=', itemId)
    .where('r.phone_enc', 'is not', null)
    .where('r.sms_opted_out_at', 'is', null)
    .where('o.phone_index', 'is', null)
    .orderBy('r.reported_at')
    .orderBy('r.id');
  if (reportIds) q = q.where('r.id', 'in', reportIds.length ? [...reportIds] : ['']);
  return q.execute();
}

/** The name residents know a branch by, for their messages. */
export async function orgNameOf(tx: Executor, orgId: string): Promise<string> {
  const o = await tx.selectFrom('temporary_orgs').select('name').where('id', '=', orgId).executeTakeFirst();
  return o?.name ?? '';
}

/**
 * Queues one message to each resident who reported the item (or to those of the named reports): one per phone, by
 * its first report, however many reports it made of the item.
 */
export async function messageReporters(
  tx: Executor,
  itemId: string,
  purpose: Exclude<NoticePurpose, 'phone_code' | 'report_accepted' | 'staff_assigned'>,
  params: Record<string, string>,
  now: string,
  opts: { reportIds?: readonly string[]; notBefore?: string } = {},
) {
  const due = opts.notBefore ?? now;
  const told = new Set<string>();
  for (const r of await reportersOf(tx, itemId, opts.reportIds)) {
    if (r.phone_index !== null) {
      if (told.has(r.phone_index)) continue;
      told.add(r.phone_index);
    }
    const n: QueuedNotice = {
      channel: 'sms',
      purpose,
      countyCode: r.region_code.slice(0, 6),
      reportId: r.id,
      itemId,
      toEnc: r.phone_enc,
      params,
      notBefore: due,
      expiresAt: after(due, VALID_DAYS),
    };
    await queueNotice(tx, n);
  }
}

/** The item closed: the follow-up four weeks later, with a link to the page that takes the tracking code. */
export function followUpLater(tx: Executor, itemId: string, closedAt: string) {
  return messageReporters(tx, itemId, 'follow_up', { path: '/r/follow' }, closedAt, {
    notBefore: after(closedAt, FOLLOW_UP_DAYS),
  });
}

/**
 * Queues a message to a branch's WeCom group robot, if the branch has one (a message nothing could send would only
 * wait in the outbox). A group chat is no place for residents' phone or ID numbers: they are masked in the text.
 */
export async function messageBranch(tx: Executor, m: { orgId: string; itemId: string; text: string; now: string }) {
  const robot = await tx.selectFrom('wecom_robots').select('org_id').where('org_id', '=', m.orgId).executeTakeFirst();
  if (!robot) return null;
  const seat = await tx.selectFrom('temporary_orgs').select('region_code').where('id', '=', m.orgId).executeTakeFirst();
  return queueNotice(tx, {
    channel: 'wecom',
    purpose: 'staff_assigned',
    countyCode: seat ? seat.region_code.slice(0, 6) : null,
    itemId: m.itemId,
    orgId: m.orgId,
    params: { text: maskNumbersInText(m.text).text },
    expiresAt: after(m.now, VALID_DAYS),
  });
}
