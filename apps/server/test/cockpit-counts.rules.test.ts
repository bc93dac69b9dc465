import { randomUUID } from 'node:crypto';
import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../src/lib/actor.ts';
import { cockpit } from '../src/modules/stats/cockpit.ts';
import { referenceItemFigures } from './cockpit-reference.ts';
import { listedJanuary2020, transition } from './items-history.ts';
import { useCounty } from './setup-county.ts';

/**
 * The cockpit's item figures are counted in the database (cockpit.repository.ts `itemFiguresOn`). They must be the
 * figures the cockpit computed before from every item row (`cockpit-reference.ts`), for today and for any past day,
 * for the county, a township and a region asked for, after items were taken up, paused, escalated, closed, confirmed,
 * rated and reopened.
 */
describe('the cockpit counted in SQL gives the figures computed item by item, on any day', () => {
  const ctx = useCounty();
  const db = () => ctx.t.db.db;
  const county = { ...systemActor('county'), regionCode: '411321' };
  const township = { ...systemActor('township'), regionCode: '411321106' };

  /** The new figures in the reference's shape. */
  async function counted(actor: typeof county, asOf: string, region?: string) {
    const { figures, parts } = await cockpit(db(), actor, asOf, region);
    return {
      items: figures.items,
      escalations: figures.escalations,
      trend: figures.trend,
      townships: figures.byTownship
        .map(({ name: _name, registered: _registered, ...t }) => t)
        .sort((a, b) => a.regionCode.localeCompare(b.regionCode)),
      parts,
    };
  }

  async function expectSame(asOf: string) {
    for (const [actor, region] of [
      [county, undefined],
      [county, '411321106'],
      [township, undefined],
    ] as const) {
      const reference = await referenceItemFigures(db(), actor, asOf, region);
      // The ranking is shown when the scope holds more than one township.
      const expected = { ...reference, townships: actor === county && !region ? reference.townships : [] };
      expect(await counted(actor, asOf, region), `${asOf} ${actor.regionCode} ${region ?? ''}`).toEqual(expected);
    }
  }

  it('after a history of transitions, pauses, an escalation, closures, a reopening and ratings', async () => {
    const { items } = await listedJanuary2020(ctx);
    const [jia, yi, bing] = items;
    // 乙 taken up on 12 Jan and escalated on 15 Jan at a time of day that rounds to half a hundredth of a day.
    await transition(db(), yi, '2020-01-12T02:00:00.000Z', 'open', 'in_progress');
    await db()
      .updateTable('items')
      .set({ status: 'in_progress', escalated_at: '2020-01-15T02:07:12.000Z' })
      .where('id', '=', yi)
      .execute();
    // 丙 paused from 5 to 12 Feb.
    await db()
      .insertInto('item_pauses')
      .values({
        id: randomUUID(),
        item_id: bing,
        reason: 'waiting_resident',
        note: '等待群众答复',
        started_on: '2020-02-05',
        started_at: '2020-02-05T02:00:00.000Z',
        started_by: 'u',
        ended_on: '2020-02-12',
        ended_at: '2020-02-12T02:00:00.000Z',
        ended_by: 'u',
      })
      .execute();
    // 甲 reopened on 1 Mar, closed again late in the evening of 31 Mar (Shanghai: 1 Apr), rated four stars on 2 Apr.
    await transition(db(), jia, '2020-03-01T02:00:00.000Z', 'closed', 'in_progress');
    await transition(db(), jia, '2020-03-31T17:30:00.000Z', 'in_progress', 'closed');
    await db()
      .updateTable('items')
      .set({
        closed_at: '2020-03-31T17:30:00.000Z',
        resident_rating: 4,
        resident_rated_at: '2020-04-02T02:00:00.000Z',
      })
      .where('id', '=', jia)
      .execute();
    // Today: a list of 城郊乡's branch, one of its items taken up and handed in through the workflow.
    const cheng = await ctx.user('chengjiao');
    const list = await cheng.post('/problem-lists', {
      orgId: ctx.county.orgs.chengBranch.id,
      title: '今日清单',
      listedOn: todayInShanghai(),
      items: [
        { problem: '丁', category: 'water', regionCode: '411321300214' },
        { problem: '戊', category: 'electricity', regionCode: '411321300214' },
      ],
    });
    expect(list.statusCode, list.body).toBe(201);
    const [ding] = list.json().itemIds as string[];
    const version = async () => (await cheng.get(`/items/${ding}`)).json().version;
    expect(
      (await cheng.post(`/items/${ding}/transitions`, { to: 'in_progress', version: await version() })).statusCode,
    ).toBe(204);
    const handIn = await cheng.post(`/items/${ding}/transitions`, {
      to: 'awaiting_confirmation',
      evidence: '已修复',
      version: await version(),
    });
    expect(handIn.statusCode, handIn.body).toBe(204);

    const today = todayInShanghai();
    for (const day of [
      '2020-01-04',
      '2020-01-11',
      '2020-01-15',
      '2020-02-15',
      '2020-03-05',
      '2020-03-31',
      '2020-04-01',
    ])
      await expectSame(day);
    for (const day of ['2020-04-02', '2021-01-01', addDays(today, -1), today]) await expectSame(day);
    // The counts are what they should be, not only what the reference says: 甲 closed twice, reopened once.
    const april = await counted(county, '2020-04-02');
    expect(april.items).toMatchObject({ closed: 1, in_progress: 1, open: 1, rated: 1, satisfaction: 4, reopenRate: 1 });
    expect(april.escalations.count).toBe(1);
    expect(april.trend.at(-1)).toEqual({ month: '2020-04', created: 0, closed: 1 });
  });

  it('an empty scope and a day before anything was listed', async () => {
    await expectSame('2019-12-31');
    await listedJanuary2020(ctx);
    await expectSame('2020-01-04');
  });
});
