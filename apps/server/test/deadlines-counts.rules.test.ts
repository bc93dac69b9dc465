import { randomUUID } from 'node:crypto';
import { DEADLINE_TARGET_DEFAULTS, addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { CALENDAR, isWorkingDay } from '../src/lib/working-days.ts';
import { clockOf } from '../src/modules/items/deadline-clock.ts';
import { resolutionUsedOn } from '../src/modules/items/deadlines.repository.ts';
import { clockFacts, pausesOf } from '../src/modules/items/deadlines.repository.ts';
import { transition } from './items-history.ts';
import { useCounty } from './setup-county.ts';

/**
 * DOMAIN §9a, one deadline: the working-day resolution target, or the date staff set when it is earlier. An item is
 * overdue on a day when it is not closed then and has used more working days than its target (pauses recorded by then
 * deducted) or is past the date staff set. The cockpit, its township ranking, the drill-down, the lists' overdue
 * counts, the bell and the ledger all count so. Electricity's resolution target is 5 working days by default.
 */
describe('DOMAIN §9a: one deadline in working days for the cockpit, the ranking, the lists and the ledger', () => {
  const ctx = useCounty();
  const db = () => ctx.t.db.db;
  const TARGET = DEADLINE_TARGET_DEFAULTS.electricity.resolution;

  /** Items of 乔端镇's branch on a list of `listedOn`, made that day (electricity). */
  async function listed(listedOn: string, problems: string[]) {
    const list = await (await ctx.user('baihe')).post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: `清单${listedOn}`,
      listedOn,
      items: problems.map((problem) => ({ problem, category: 'electricity', regionCode: '411321106200' })),
    });
    expect(list.statusCode, list.body).toBe(201);
    await db()
      .updateTable('items')
      .set({ created_at: `${listedOn}T02:00:00.000Z` })
      .where('list_id', '=', list.json().id)
      .execute();
    return { listId: list.json().id as string, ids: list.json().itemIds as string[] };
  }

  const pause = (itemId: string, from: string, to: string | null) =>
    db()
      .insertInto('item_pauses')
      .values({
        id: randomUUID(),
        item_id: itemId,
        reason: 'waiting_resident',
        note: '等待群众答复',
        started_on: from,
        started_at: `${from}T02:00:00.000Z`,
        started_by: 'u',
        ended_on: to,
        ended_at: to ? `${to}T02:00:00.000Z` : null,
        ended_by: to ? 'u' : null,
      })
      .execute();

  /** What the township's cockpit counts overdue on a day, and what its drill-down lists. */
  async function overdueOn(asOf: string) {
    const qiao = await ctx.user('qiaoduan');
    const cockpit = (await qiao.get(`/stats/overview?asOf=${asOf}`)).json().work.items.overdue as number;
    const drill = (await qiao.get(`/items?overdue=true&asOf=${asOf}&limit=100`)).json();
    const ids = (drill.items as { id: string }[]).map((i) => i.id).sort();
    expect(drill.total).toBe(ids.length);
    return { cockpit, ids };
  }

  it('an item listed before the Spring Festival is not overdue on a day past by the calendar but not by working days; the make-up Sunday counts', async () => {
    // 2025: Spring Festival 28 Jan – 4 Feb; Sunday 26 Jan and Saturday 8 Feb are make-up working days.
    expect([isWorkingDay('2025-01-26'), isWorkingDay('2025-01-29'), isWorkingDay('2025-02-08')]).toEqual([
      true,
      false,
      true,
    ]);
    const { ids } = await listed('2025-01-24', ['村口变压器跳闸']);
    const item = ids[0] as string;
    // Five calendar days ran out on 29 Jan; by working days (26 Jan, 27 Jan, 5–7 Feb) the fifth is 7 Feb.
    for (const day of ['2025-01-30', '2025-02-05', '2025-02-07'])
      expect(await overdueOn(day), day).toEqual({ cockpit: 0, ids: [] });
    // The make-up Saturday is the sixth working day; without the make-up Sunday it would be only the fifth.
    expect(await overdueOn('2025-02-08')).toEqual({ cockpit: 1, ids: [item] });
    // The item shows that one deadline, the day its target runs out.
    const qiao = await ctx.user('qiaoduan');
    const row = (await qiao.get(`/items?asOf=2025-02-05&limit=10`)).json().items[0];
    expect([row.id, row.dueOn, row.overdue]).toEqual([item, '2025-02-07', false]);

    // The county's township ranking counts the same way: 乔端镇 first with its overdue item on 8 Feb, none on 7 Feb.
    const admin = await ctx.user('admin');
    const ranking = async (asOf: string) =>
      (await admin.get(`/stats/overview?asOf=${asOf}`))
        .json()
        .work.byTownship.map((t: { regionCode: string; overdue: number }) => [t.regionCode, t.overdue]);
    expect(await ranking('2025-02-07')).toEqual([
      ['411321106', 0],
      ['411321300', 0],
    ]);
    expect(await ranking('2025-02-08')).toEqual([
      ['411321106', 1],
      ['411321300', 0],
    ]);
  });

  it('a paused item stops counting; a pause recorded after the day asked about and a closure after it change nothing of that day', async () => {
    const { ids } = await listed('2025-01-24', ['甲', '乙']);
    const [paused, later] = ids as [string, string];
    // 甲 waits on the resident from 5 to 12 Feb: the six working days after the 5th up to the 12th do not count.
    await pause(paused, '2025-02-05', '2025-02-12');
    // 乙 is paused on 12 Feb and closed on 3 Mar, both after 10 Feb.
    await pause(later, '2025-02-12', null);
    await transition(db(), later, '2025-03-03T02:00:00.000Z', 'open', 'closed');
    await db()
      .updateTable('items')
      .set({ status: 'closed', closed_at: '2025-03-03T02:00:00.000Z' })
      .where('id', '=', later)
      .execute();

    // 10 Feb: 甲 has used 3 working days (26, 27 Jan, 5 Feb); 乙 has used 7 and was late then, whatever came after.
    expect(await overdueOn('2025-02-10')).toEqual({ cockpit: 1, ids: [later] });
    // 14 Feb: 甲 at its fifth; 乙, paused since the 12th, stopped late (9 used) and stays overdue until it closed.
    expect(await overdueOn('2025-02-14')).toEqual({ cockpit: 1, ids: [later] });
    // 17 Feb: 甲 at its sixth.
    expect(await overdueOn('2025-02-17')).toEqual({ cockpit: 2, ids: [paused, later].sort() });
    expect(await overdueOn('2025-03-03')).toEqual({ cockpit: 1, ids: [paused] });

    // The count SQL makes is the item clock's count, day by day.
    const facts = await clockFacts(db(), [paused]);
    const pauses = await pausesOf(db(), [paused]);
    const targets = { response: DEADLINE_TARGET_DEFAULTS.electricity.response, resolution: TARGET };
    for (let day = '2025-01-24'; day <= '2025-03-10'; day = addDays(day, 1)) {
      const row = await db()
        .selectFrom('items as i')
        .select(resolutionUsedOn(day).as('used'))
        .where('i.id', '=', paused)
        .executeTakeFirstOrThrow();
      const clock = clockOf(facts[0] as (typeof facts)[number], targets, pauses, day);
      expect([day, Number(row.used)]).toEqual([day, clock.known ? clock.resolution.usedDays : null]);
    }
  });

  it('the lists, the bell and the item count by the one deadline: a later staff date does not loosen the target, an earlier one tightens it', async () => {
    const today = todayInShanghai();
    if (Number(today.slice(0, 4)) > CALENDAR.lastYear) return; // no clock past the calendar: tested in working-days
    const old = await listed('2025-01-24', ['老问题']);
    const fresh = await listed(today, ['新问题']);
    // A date far ahead set on the old item does not loosen its target; the fresh one is due today by its staff's date.
    await db()
      .updateTable('items')
      .set({ due_on: today })
      .where('id', '=', fresh.ids[0] as string)
      .execute();
    await db()
      .updateTable('items')
      .set({ due_on: '2099-01-01' })
      .where('id', '=', old.ids[0] as string)
      .execute();

    const baihe = await ctx.user('baihe');
    const lists = (await baihe.get(`/problem-lists?orgId=${ctx.county.orgs.qiaoBranch.id}`)).json().items as {
      id: string;
      overdueCount: number;
    }[];
    expect(lists.find((l) => l.id === old.listId)?.overdueCount).toBe(1);
    expect(lists.find((l) => l.id === fresh.listId)?.overdueCount).toBe(0);
    const freshItem = (await baihe.get(`/items/${fresh.ids[0]}`)).json();
    expect([freshItem.overdue, freshItem.dueOn]).toEqual([false, today]);
    // Tomorrow it is past the date staff set, though its working days are not used up.
    const tomorrow = addDays(today, 1);
    if (Number(tomorrow.slice(0, 4)) <= CALENDAR.lastYear)
      expect((await overdueOn(tomorrow)).ids).toEqual([old.ids[0], fresh.ids[0]].sort());
    const oldItem = (await baihe.get(`/items/${old.ids[0]}`)).json();
    expect([oldItem.overdue, oldItem.dueOn]).toEqual([true, '2025-02-07']);
    expect((await overdueOn(today)).ids).toEqual([old.ids[0]]);

    // The branch secretary's bell: the old item overdue with its working-day deadline; the fresh one not yet due.
    const bell = (await baihe.get('/inbox?limit=50')).json().items as {
      itemId: string;
      kind: string;
      text: string;
    }[];
    const due = bell.filter((n) => n.kind === 'overdue' || n.kind === 'due_soon');
    expect(due.map((n) => [n.itemId, n.kind, n.text])).toEqual([
      [old.ids[0], 'overdue', '老问题（期限 2025-02-07）'],
      [fresh.ids[0], 'due_soon', `新问题（期限 ${today}）`],
    ]);
  });

  it('a member’s record counts an item on time when closed by its one deadline, not by a later date staff set', async () => {
    const { ids } = await listed('2025-01-24', ['按期', '逾期', '早于']);
    const [inTime, late, early] = ids as [string, string, string];
    const { qiaoSecretary } = ctx.county.members;
    for (const [id, closedOn, due] of [
      // Both within a date staff set: only the one closed by its fifth working day is on time.
      [inTime, '2025-02-07', '2025-03-01'],
      [late, '2025-02-10', '2025-03-01'],
      // Within its working days but after the earlier date staff set: late.
      [early, '2025-02-06', '2025-02-05'],
    ] as const) {
      await db()
        .updateTable('items')
        .set({ status: 'closed', closed_at: `${closedOn}T03:00:00.000Z`, due_on: due })
        .where('id', '=', id)
        .execute();
      await db()
        .insertInto('item_members')
        .values({
          item_id: id,
          member_id: qiaoSecretary,
          role: 'responsible',
          added_on: '2025-01-24',
          membership_id: null,
          reason: null,
        })
        .execute();
    }
    const record = (await (await ctx.user('qiaoduan')).get(`/members/${qiaoSecretary}/record`)).json();
    expect(record.items).toMatchObject({ closed: 3, closedOnTime: 1 });
  });
});
