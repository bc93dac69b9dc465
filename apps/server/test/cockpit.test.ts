import { CompiledQuery, sql } from 'kysely';
import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { reopensBy, statusOn } from '../src/modules/items/items.repository.ts';
import { registerHousehold } from './households-fixture.ts';
import { listedJanuary2020, transition } from './items-history.ts';
import { useCounty } from './setup-county.ts';

describe('the cockpit: figures at any date, from dated records, within scope', () => {
  const ctx = useCounty();

  /**
   * The plan of a statement, one line per step. On PostgreSQL with sequential and bitmap scans off: a test database
   * is small enough to be read whole, and the question is what the indexes offer.
   */
  const planOf = async (q: CompiledQuery): Promise<string[]> => {
    const db = ctx.t.db.db;
    if (ctx.t.db.dialect === 'sqlite') {
      return (await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows.map(
        (r) => (r as { detail: string }).detail,
      );
    }
    return db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      await sql`set local enable_bitmapscan = off`.execute(tx);
      return (await tx.executeQuery(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]))).rows.map(
        (r) => (r as { 'QUERY PLAN': string })['QUERY PLAN'],
      );
    });
  };

  it('item figures at two dates match a hand-built history; another township sees none of them', async () => {
    // 甲: in progress on 10 Jan, closed on 10 Feb (confirmed 12 Feb); 乙: in progress on 12 Jan; 丙: untouched, due 20 Jan.
    const { listId, items } = await listedJanuary2020(ctx);
    const db = ctx.t.db.db;
    await transition(db, items[1], '2020-01-12T02:00:00.000Z', 'open', 'in_progress');
    await db.updateTable('items').set({ status: 'in_progress' }).where('id', '=', items[1]).execute();

    const qiao = await ctx.user('qiaoduan');
    const jan = (await qiao.get('/stats/overview?asOf=2020-01-11')).json().work.items;
    expect(jan).toMatchObject({
      open: 2,
      in_progress: 1,
      awaiting_confirmation: 0,
      closed: 0,
      overdue: 0,
      closedThisMonth: 0,
      medianDaysToClose: null,
    });
    const feb = (await qiao.get('/stats/overview?asOf=2020-02-15')).json().work;
    // 乙 and 丙 are past their one deadline, roads' 20 working days after 5 Jan (the Spring Festival not counted, the
    // make-up Sunday 19 Jan counted: the twentieth is 7 Feb), and not closed; 丙's staff-set due date plays no part.
    // 甲 took 36 days (5 Jan → 10 Feb); its confirmation came by the 15th.
    expect(feb.items).toMatchObject({
      open: 1,
      in_progress: 1,
      closed: 1,
      overdue: 2,
      closedThisMonth: 1,
      medianDaysToClose: 36,
      confirmedShare: 1,
      reopenRate: 0,
    });
    // 甲 rated five stars at one in the morning of 16 Feb (Shanghai): not yet on the 15th; counted on the 16th.
    await db
      .updateTable('items')
      .set({ resident_rating: 5, resident_rated_at: '2020-02-15T17:00:00.000Z' })
      .where('id', '=', items[0])
      .execute();
    expect((await qiao.get('/stats/overview?asOf=2020-02-15')).json().work.items).toMatchObject({
      satisfaction: null,
      rated: 0,
    });
    expect((await qiao.get('/stats/overview?asOf=2020-02-16')).json().work.items).toMatchObject({
      satisfaction: 5,
      rated: 1,
    });
    expect(feb.trend.at(-1)).toEqual({ month: '2020-02', created: 0, closed: 1 });
    expect(feb.trend.at(-2)).toEqual({ month: '2020-01', created: 3, closed: 0 });
    // Before the list existed there was nothing; the item list agrees with the cockpit at a date.
    expect((await qiao.get('/stats/overview?asOf=2020-01-04')).json().work.items).toMatchObject({ open: 0, closed: 0 });
    const listAt = (await qiao.get(`/items?listId=${listId}&asOf=2020-01-11`))
      .json()
      .items.map((i: { problem: string; status: string }) => [i.problem, i.status]);
    expect(listAt.sort()).toEqual([
      ['丙', 'open'],
      ['乙', 'open'],
      ['甲', 'in_progress'],
    ]);
    expect((await qiao.get(`/items?overdue=true&asOf=2020-02-15`)).json().total).toBe(2);
    // The county sees the township ranking; 乔端镇 first, with its overdue items.
    const county = (await (await ctx.user('admin')).get('/stats/overview?asOf=2020-02-15')).json().work;
    expect(county.byTownship).toEqual([
      {
        regionCode: '411321106',
        name: '乔端镇',
        open: 2,
        overdue: 2,
        closed: 1,
        confirmedShare: 1,
        satisfaction: null,
        registered: 0,
      },
      {
        regionCode: '411321300',
        name: '城郊乡',
        open: 0,
        overdue: 0,
        closed: 0,
        confirmedShare: null,
        satisfaction: null,
        registered: 0,
      },
    ]);
    expect(feb.byTownship).toEqual([]);
    const cheng = (await (await ctx.user('chengjiao')).get('/stats/overview?asOf=2020-02-15')).json().work.items;
    expect(cheng).toMatchObject({ open: 0, in_progress: 0, closed: 0, overdue: 0 });
  });

  it("today's statuses are read from the items themselves and agree with their transitions; reopenings are counted", async () => {
    const { items } = await listedJanuary2020(ctx);
    const db = ctx.t.db.db;
    // The listing's own transitions (to open), dated when the list was made, as the items were.
    await db
      .updateTable('item_events')
      .set({ at: '2020-01-05T02:00:00.000Z' })
      .where('item_id', 'in', items)
      .where('from_status', 'is', null)
      .execute();
    // 甲 (closed on 10 Feb) reopened on 1 Mar; 乙 taken up today through the workflow; 丙 untouched.
    await transition(db, items[0], '2020-03-01T02:00:00.000Z', 'closed', 'in_progress');
    await db.updateTable('items').set({ status: 'in_progress', closed_at: null }).where('id', '=', items[0]).execute();
    const qiao = await ctx.user('qiaoduan');
    const version = (await qiao.get(`/items/${items[1]}`)).json().version;
    expect((await qiao.post(`/items/${items[1]}/transitions`, { to: 'in_progress', version })).statusCode).toBe(204);

    const today = todayInShanghai();
    const work = (await qiao.get('/stats/overview')).json().work.items;
    expect(work).toMatchObject({ open: 1, in_progress: 2, awaiting_confirmation: 0, closed: 0, reopenRate: 1 });
    expect((await qiao.get(`/stats/overview?asOf=${today}`)).json().work.items).toEqual(work);
    // The same statuses taken from the transitions, as a past day takes them.
    const byTransitions = await db
      .selectFrom('items as i')
      .where('i.list_id', 'in', db.selectFrom('items').select('list_id').where('id', '=', items[0]))
      .select([statusOn(today).as('s'), sql<number>`count(*)`.as('n')])
      .groupBy(sql`1`)
      .execute();
    expect(Object.fromEntries(byTransitions.map((r) => [r.s, Number(r.n)]))).toEqual({ open: 1, in_progress: 2 });
    // Yesterday 乙 was still open: a past day is read from the transitions.
    expect((await qiao.get(`/stats/overview?asOf=${addDays(today, -1)}`)).json().work.items).toMatchObject({
      open: 2,
      in_progress: 1,
      reopenRate: 1,
    });
  });

  it('households registered poor and monitored are counted as of the day', async () => {
    const qiao = await ctx.user('qiaoduan');
    const db = ctx.t.db.db;
    const h1 = await registerHousehold(qiao);
    const h2 = await registerHousehold(qiao);
    await registerHousehold(qiao, {
      people: [
        {
          name: '单人户',
          relationship: '户主',
          gender: 'male',
          idNumber: (await import('./households-fixture.ts')).newIdNumber(1950),
          health: 'healthy',
          labour: 'none',
        },
      ],
    });
    await db.updateTable('households').set({ created_at: '2016-01-01T00:00:00.000Z' }).execute();
    // h1 exited in 2019, then was monitored from a decision of 2020-06-01.
    await db.updateTable('households').set({ status: 'monitored', exit_year: 2019 }).where('id', '=', h1).execute();
    await db
      .insertInto('monitoring_cases')
      .values({
        id: newId(),
        household_id: h1,
        category: 'unstable_exited',
        source: 'cadre_visit',
        risk: 'x',
        status: 'monitored',
        identified_on: '2020-05-01',
        notice_start_on: '2020-05-05',
        notice_days: 5,
        decided_on: '2020-06-01',
        eliminated_on: null,
        version: 1,
        created_at: 'x',
        updated_at: 'x',
      })
      .execute();
    void h2;
    const in2018 = (await qiao.get('/stats/overview?asOf=2018-06-01')).json().work.households;
    expect(in2018).toMatchObject({ registered: 3, people: 7, monitored: { unstable_exited: 0 } });
    const in2020 = (await qiao.get('/stats/overview?asOf=2020-07-01')).json().work.households;
    expect(in2020).toMatchObject({
      registered: 2,
      people: 4,
      monitored: { unstable_exited: 1, marginal: 0, sudden_hardship: 0 },
    });
    expect(
      (await (await ctx.user('chengjiao')).get('/stats/overview?asOf=2020-07-01')).json().work.households.registered,
    ).toBe(0);
    // The register at a date agrees with the cockpit.
    expect((await qiao.get('/households?status=registered&asOf=2018-06-01')).json().total).toBe(3);
    expect((await qiao.get('/households?status=registered&asOf=2020-07-01')).json().total).toBe(2);
    expect((await qiao.get('/households?status=monitored&asOf=2020-07-01')).json().total).toBe(1);
    expect((await qiao.get('/households?status=monitored&asOf=2020-05-15')).json().total).toBe(0);
    expect((await qiao.get('/households?status=exited&asOf=2020-05-15')).json().total).toBe(1);
    expect((await qiao.get('/households?asOf=2015-06-01')).json().total).toBe(0);
  });

  it("a status on a past day is an item's last transition by then, read from its events' index in order", async () => {
    const { listId, items } = await listedJanuary2020(ctx);
    const db = ctx.t.db.db;
    // Two transitions of 乙 at the same instant: the one with the larger id counts as the later.
    const at = '2020-01-15T02:00:00.000Z';
    const event = (id: string, to: string) => ({
      id,
      item_id: items[1],
      at,
      user_id: null,
      actor_label: '测试',
      kind: 'transition' as const,
      text: to,
      public: 1,
      from_status: 'open',
      to_status: to,
    });
    await db
      .insertInto('item_events')
      .values([
        event('ffffffff-0000-4000-8000-000000000000', 'in_progress'),
        event('00000000-0000-4000-8000-000000000000', 'awaiting_confirmation'),
      ])
      .execute();
    const qiao = await ctx.user('qiaoduan');
    const on = async (day: string) =>
      Object.fromEntries(
        (await qiao.get(`/items?listId=${listId}&asOf=${day}`))
          .json()
          .items.map((i: { problem: string; status: string }) => [i.problem, i.status]),
      );
    expect(await on('2020-01-14')).toMatchObject({ 乙: 'open' });
    expect(await on('2020-01-15')).toMatchObject({ 甲: 'in_progress', 乙: 'in_progress', 丙: 'open' });

    // The plan: each item's events come out of the index (item, time, id, statuses) newest first, no table read and
    // no sort per item (a county's cockpit reads 20,000 items this way).
    const plan = await planOf(db.selectFrom('items as i').select(statusOn('2020-01-15').as('s')).compile());
    if (ctx.t.db.dialect === 'sqlite') {
      expect(plan.some((d) => d.includes('USING COVERING INDEX item_events_item_status'))).toBe(true);
      expect(plan.filter((d) => d.includes('TEMP B-TREE'))).toEqual([]);
    } else {
      expect(plan.join('\n')).toMatch(/Index Only Scan Backward using item_events_item_status/);
      expect(plan.join('\n')).not.toMatch(/Sort/);
    }
  });

  it('reopenings are counted from their own small index, not from all the events', async () => {
    const plan = await planOf(ctx.t.db.db.selectFrom('items as i').select(reopensBy('2020-02-01').as('n')).compile());
    expect(plan.join('\n')).toMatch(/item_events_reopened/);
  });
});
