import type { Db } from '../src/db/index.ts';
import { newId } from '../src/lib/ids.ts';
import type { Ctx } from './setup-county.ts';

/** A dated status change of an item, as the workflow records it. */
export const transition = (db: Db, item: string, at: string, from: string, to: string) =>
  db
    .insertInto('item_events')
    .values({
      id: newId(),
      item_id: item,
      at,
      user_id: null,
      actor_label: '测试',
      kind: 'transition',
      text: to,
      public: 1,
      from_status: from,
      to_status: to,
    })
    .execute();

/**
 * Three items listed by 乔端镇's branch on 5 Jan 2020 (丙 due on 20 Jan). 甲 went in progress on 10 Jan and was
 * closed on 10 Feb, confirmed by the resident on 12 Feb; 乙 and 丙 are untouched.
 */
export async function listedJanuary2020(ctx: Ctx): Promise<{ listId: string; items: [string, string, string] }> {
  const list = await (await ctx.user('baihe')).post('/problem-lists', {
    orgId: ctx.county.orgs.qiaoBranch.id,
    title: '测试清单',
    listedOn: '2020-01-05',
    items: [
      { problem: '甲', category: 'roads', regionCode: '411321106200' },
      { problem: '乙', category: 'roads', regionCode: '411321106200' },
      { problem: '丙', category: 'roads', regionCode: '411321106200', dueOn: '2020-01-20' },
    ],
  });
  const items = list.json().itemIds as [string, string, string];
  const db = ctx.t.db.db;
  await db
    .updateTable('items')
    .set({ created_at: '2020-01-05T02:00:00.000Z' })
    .where('list_id', '=', list.json().id)
    .execute();
  await transition(db, items[0], '2020-01-10T02:00:00.000Z', 'open', 'in_progress');
  await transition(db, items[0], '2020-02-10T02:00:00.000Z', 'in_progress', 'closed');
  await db
    .updateTable('items')
    .set({ status: 'closed', closed_at: '2020-02-10T02:00:00.000Z', resident_confirmed_at: '2020-02-12T02:00:00.000Z' })
    .where('id', '=', items[0])
    .execute();
  return { listId: list.json().id, items };
}
