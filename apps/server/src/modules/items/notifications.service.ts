import { addDays, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { type Cursor, decodeCursor, encodeCursor, invalidCursor } from '../../lib/paging.ts';
import { openItemsDue } from './items.repository.ts';
import type { InboxEntry, InboxQuery } from './items.schemas.ts';
import { type NoticeKind, insertNotices, noticesOf } from './notifications.repository.ts';
import { known } from '../../lib/known.ts';

type Entry = z.infer<typeof InboxEntry>;

/** Entries other modules add to the caller's inbox (the meetings due of a branch's party groups). */
export type InboxSource = (actor: Actor) => Promise<Entry[]>;

/**
 * Tells members about an item, inside the caller's transaction: an assignment, a link by need, a reopening, an
 * escalation. The one place notices are written.
 */
export function notify(
  tx: Executor,
  memberIds: Iterable<string>,
  notice: { itemId: string; kind: NoticeKind; text: string; at: string },
) {
  return insertNotices(tx, memberIds, notice);
}

/** The inbox reads in three parts, in this order; a cursor says which part it stopped in. */
const PART = { others: 'o', due: 'd', stored: 's' } as const;

/**
 * What is due for the caller, paged: first what other modules add (meetings due), then the items they work on (and, for
 * the account of an organization, the open items of the organization and its party groups, whoever works them) that
 * are overdue or due within three days, oldest deadline first, then their stored notices (assigned, linked, reopened,
 * escalated), newest first.
 */
export class NotificationService {
  constructor(private readonly db: Db) {}

  async inbox(actor: Actor, q: z.infer<typeof InboxQuery>, more: InboxSource[] = []) {
    const today = todayInShanghai();
    const soon = addDays(today, 3);
    const limit = q.limit;
    const at = decodeCursor(q.cursor);
    const part = at ? at.id.slice(0, 1) : PART.others;
    const after: Cursor | null = at ? { v: at.v, id: at.id.slice(2) } : null;
    // A cursor this list did not give: a part it does not have, a place that is not one, a keyset that is not a day.
    if (
      at &&
      (at.id[1] !== ':' ||
        (part === PART.others && !(Number.isInteger(at.v) && Number(at.v) >= 0)) ||
        ((part === PART.due || part === PART.stored) && typeof at.v !== 'string') ||
        !(Object.values(PART) as string[]).includes(part))
    )
      throw invalidCursor();
    // Chases (催办) waiting for the caller's acknowledgement come first, newest first; then the rest, oldest first.
    const chaseFirst = (a: Entry, b: Entry) =>
      a.kind === 'chase' || b.kind === 'chase'
        ? Number(b.kind === 'chase') - Number(a.kind === 'chase') || b.at.localeCompare(a.at)
        : a.at.localeCompare(b.at);
    const others = (await Promise.all(more.map((m) => m(actor)))).flat().sort(chaseFirst);
    const memberId = actor.memberId;
    const items: (Entry & { key: string; sort?: string })[] = [];
    // Each part gives what is left of the page, and one more to know whether anything follows.
    if (part === PART.others) {
      const from = after ? Number(after.v) + 1 : 0;
      items.push(...others.slice(from, from + limit + 1).map((e, i) => ({ ...e, key: `${PART.others}:${from + i}` })));
    }
    const wanted = () => (items.length <= limit ? limit + 1 - items.length : 0);
    const due = await openItemsDue(
      this.db,
      { memberId, orgPath: actor.orgPath },
      today,
      soon,
      part === PART.stored ? 0 : wanted(),
      part === PART.due ? after : null,
    );
    items.push(
      ...due.rows.map((d) => {
        const dueOn = known(d.due_on, 'a due item’s deadline');
        // Late by the same count as everywhere (more working days used than the target), not by comparing days.
        const late = Number(d.overdue) === 1;
        const group = d.group_name ? `【${d.group_name}】` : '';
        return {
          itemId: d.id,
          orgId: null,
          kind: (late ? 'overdue' : 'due_soon') as 'overdue' | 'due_soon',
          // The tag beside it says overdue or due soon; the text names the group, the problem and its deadline.
          text: `${group}${d.problem}（期限 ${d.due_on}）`,
          at: `${d.due_on}T00:00:00+08:00`,
          read: false,
          key: `${PART.due}:${d.id}`,
          sort: dueOn,
        };
      }),
    );
    const stored = memberId
      ? await noticesOf(this.db, memberId, wanted(), part === PART.stored ? after : null)
      : { rows: [], total: 0 };
    items.push(
      ...stored.rows.map((n) => ({
        itemId: n.item_id,
        orgId: null,
        kind: n.kind,
        text: n.text,
        at: n.created_at,
        read: n.read_at !== null,
        key: `${PART.stored}:${n.id}`,
        sort: n.created_at,
      })),
    );
    const total = others.length + due.total + stored.total;
    const page = items.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      items.length > limit && last
        ? encodeCursor({
            v: last.sort ?? Number(last.key.slice(2)),
            id: last.key.startsWith(PART.others) ? `${PART.others}:` : last.key,
          })
        : null;
    return {
      items: page.map(({ key: _key, sort: _sort, ...e }) => e),
      nextCursor,
      total,
    };
  }
}
