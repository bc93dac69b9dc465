import { randomUUID } from 'node:crypto';
import { DEADLINE_TARGET_DEFAULTS, addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it, vi } from 'vitest';
import { CALENDAR, addWorkingDays, isWorkingDay, workingDaysBetween } from '../src/lib/working-days.ts';
import { type Clock, clockOf } from '../src/modules/items/deadline-clock.ts';
import type { ClockFacts, PauseRow } from '../src/modules/items/deadlines.repository.ts';
import { PASSWORD, addUser } from './factories.ts';
import { as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

type Target = { category: string; response: number; resolution: number };
const targetOf = (body: { targets: Target[] }, category: string) => body.targets.find((t) => t.category === category);

describe('DOMAIN §9a: each category has working-day targets, county settings with defaults', () => {
  const ctx = useCounty();

  it('a county sees the defaults until it sets its own; a year set holds for later years; the change is audited', async () => {
    const admin = await ctx.user('admin');
    const before = (await admin.get('/settings?year=2025')).json();
    expect(targetOf(before, 'electricity')).toEqual({
      category: 'electricity',
      ...DEADLINE_TARGET_DEFAULTS.electricity,
    });
    expect(before.targets).toHaveLength(12);

    const put = await admin.put('/settings?year=2025', {
      targets: [{ category: 'roads', response: 3, resolution: 15 }],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(targetOf(put.json(), 'roads')).toEqual({ category: 'roads', response: 3, resolution: 15 });
    expect(put.json().setThisYear).toEqual(['resolution_days:roads', 'response_days:roads']);
    // Later years inherit the latest year set; earlier ones keep the default.
    expect(targetOf((await admin.get('/settings?year=2026')).json(), 'roads')).toMatchObject({ resolution: 15 });
    expect(targetOf((await admin.get('/settings?year=2024')).json(), 'roads')).toMatchObject({
      resolution: DEADLINE_TARGET_DEFAULTS.roads.resolution,
    });
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('action', '=', 'settings.update')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json ?? '{}')).toMatchObject({ year: 2025, 'targets.roads': '2/20' });
    expect(JSON.parse(audit.after_json ?? '{}')).toMatchObject({ year: 2025, 'targets.roads': '3/15' });
  });

  it('a response target longer than the resolution target, a day count out of range or a category twice is refused and changes nothing', async () => {
    const admin = await ctx.user('admin');
    const refused = async (targets: Target[]) => {
      const r = await admin.put('/settings?year=2025', { targets });
      expect([r.statusCode, r.json().code], JSON.stringify(targets)).toEqual([400, 'validation_failed']);
      return r.json().errors[0];
    };
    expect(await refused([{ category: 'water', response: 6, resolution: 5 }])).toMatchObject({
      path: 'body.targets.0.response',
      message: '响应时限不能长于办结时限',
    });
    expect((await refused([{ category: 'water', response: 0, resolution: 5 }])).message).toBe('不能少于 1 个工作日');
    await refused([{ category: 'water', response: 1, resolution: 251 }]);
    await refused([
      { category: 'water', response: 1, resolution: 5 },
      { category: 'water', response: 2, resolution: 5 },
    ]);
    expect(await ctx.t.db.db.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('only a county administrator sets targets', async () => {
    const qiao = await ctx.user('qiaoduan');
    const r = await qiao.put('/settings?year=2025', { targets: [{ category: 'water', response: 1, resolution: 3 }] });
    expect(r.statusCode).toBe(403);
  });

  it('the settings say which calendar the working days are counted on, and whether it knows the year', async () => {
    const admin = await ctx.user('admin');
    const known = (await admin.get('/settings?year=2026')).json().calendar;
    expect(known).toEqual({ ...CALENDAR, knowsYear: true });
    expect(known.lastYear).toBeGreaterThanOrEqual(2026);
    expect((await admin.get(`/settings?year=${CALENDAR.lastYear + 1}`)).json().calendar.knowsYear).toBe(false);
  });
});

const facts = (over: Partial<ClockFacts> = {}): ClockFacts => ({
  id: 'i1',
  category: 'roads',
  status: 'open',
  created_at: '2026-02-13T02:00:00.000Z',
  closed_at: null,
  escalated_to_org_id: null,
  responsible_group_id: null,
  org_id: 'o1',
  problem: '路灯不亮',
  no: 1,
  list_no: 1,
  listed_on: '2026-02-13',
  due_on: null,
  org_region_code: '411321106200',
  org_name: '支部',
  first_response_at: null,
  ...over,
});
const pause = (started_on: string, ended_on: string | null): PauseRow => ({
  id: `p${started_on}`,
  item_id: 'i1',
  reason: 'waiting_unit',
  note: '等待供电所',
  started_on,
  started_at: `${started_on}T02:00:00.000Z`,
  started_by: 'u',
  ended_on,
  ended_at: ended_on ? `${ended_on}T02:00:00.000Z` : null,
  ended_by: ended_on ? 'u' : null,
});
/** The day `n` working days before `day`. */
const addWorkingDaysBack = (day: string, n: number) => {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
};
const measured = (c: Clock) => {
  if (!c.known) throw new Error('calendar unknown');
  return c;
};

describe('DOMAIN §9a: an item’s clock counts working days since it was listed, less its pauses', () => {
  const targets = { response: 2, resolution: 10 };

  it('listed before Spring Festival 2026, the holiday does not count and the make-up Saturdays do', () => {
    const c = measured(clockOf(facts(), targets, [], '2026-02-28'));
    // 14, 24, 25, 26, 27 and 28 February.
    expect([c.resolution.usedDays, c.resolution.light, c.resolution.dueOn]).toEqual([6, 'amber', '2026-03-05']);
    expect([c.response.usedDays, c.response.share, c.response.light]).toEqual([6, 3, 'red']);
    expect(c.leading).toBe('response');
  });

  it('the response clock stops at the first progress entry or acceptance, the resolution clock at closure', () => {
    const responded = measured(
      clockOf(facts({ first_response_at: '2026-02-14T03:00:00.000Z' }), targets, [], '2026-02-28'),
    );
    expect([responded.response.usedDays, responded.response.metOn, responded.leading]).toEqual([
      1,
      '2026-02-14',
      'resolution',
    ]);
    const closed = measured(
      clockOf(
        facts({
          first_response_at: '2026-02-14T03:00:00.000Z',
          status: 'closed',
          closed_at: '2026-02-25T08:00:00.000Z',
        }),
        targets,
        [],
        '2026-03-31',
      ),
    );
    // Closed, the item has no light: its measures keep theirs.
    expect([closed.resolution.usedDays, closed.resolution.metOn, closed.resolution.light, closed.light]).toEqual([
      3,
      '2026-02-25',
      'green',
      null,
    ]);
    // Asked about a day before the response came, the response has not come yet.
    const before = measured(
      clockOf(facts({ first_response_at: '2026-02-27T03:00:00.000Z' }), targets, [], '2026-02-24'),
    );
    expect([before.response.usedDays, before.response.metOn]).toEqual([2, null]);
  });

  it('a pause stops the clock from the day after it began up to the day it ended, and a running one up to today', () => {
    const ended = measured(clockOf(facts(), targets, [pause('2026-02-24', '2026-02-26')], '2026-02-28'));
    expect([ended.resolution.usedDays, ended.pausedDays, ended.paused]).toEqual([4, 2, null]);
    const running = measured(clockOf(facts(), targets, [pause('2026-02-25', null)], '2026-02-28'));
    expect([running.resolution.usedDays, running.pausedDays, running.paused]).toEqual([
      3,
      3,
      { reason: 'waiting_unit', note: '等待供电所', since: '2026-02-25' },
    ]);
  });

  it('an item added to an older list counts from the day it was listed itself', () => {
    const c = measured(
      clockOf(facts({ created_at: '2026-02-26T02:00:00.000Z', listed_on: '2026-02-26' }), targets, [], '2026-02-28'),
    );
    expect([c.listedOn, c.resolution.usedDays]).toEqual(['2026-02-26', 2]);
  });

  it('lights: green below half the target, amber from half, red from the whole', () => {
    const light = (today: string) =>
      measured(
        clockOf(facts({ first_response_at: '2026-02-14T03:00:00.000Z' }), { response: 2, resolution: 4 }, [], today),
      ).light;
    expect([light('2026-02-14'), light('2026-02-24'), light('2026-02-25'), light('2026-02-26')]).toEqual([
      'green',
      'amber',
      'amber',
      'red',
    ]);
  });

  it('a day the calendar does not know gives no light rather than a guess', () => {
    const c = clockOf(facts(), targets, [], `${CALENDAR.lastYear + 1}-01-05`);
    expect([c.known, c.light]).toEqual([false, null]);
  });
});

describe('DOMAIN §9a: pausing, lights and chases (催办) through the API', () => {
  const ctx = useCounty();
  const db = () => ctx.t.db.db;

  /** Roads: respond within 2 working days, resolve within 4 (the county's 2026 setting). */
  const setup = async (listedOn: string, items = 1, extra: object = {}) => {
    const admin = await ctx.user('admin');
    expect(
      (await admin.put('/settings?year=2026', { targets: [{ category: 'roads', response: 2, resolution: 4 }] }))
        .statusCode,
    ).toBe(200);
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: `清单${listedOn}`,
      listedOn,
      items: Array.from({ length: items }, (_, i) => ({
        problem: `村道塌方${i + 1}`,
        category: 'roads',
        regionCode: '411321106200',
        responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
        ...extra,
      })),
    });
    expect(list.statusCode, list.body).toBe(201);
    return list.json().itemIds as string[];
  };
  /** 王芳 leads the party group and has an account of her own. */
  const groupLeader = async () => {
    await db()
      .insertInto('memberships')
      .values({
        id: randomUUID(),
        org_id: ctx.county.orgs.qiaoGroup.id,
        member_id: ctx.county.members.qiaoOther,
        role: 'group_leader',
        start_on: '2019-06-01',
        end_on: null,
        end_reason: null,
        link_reason: '测试',
        designated_by_party_org_id: null,
        designated_by_org_id: null,
        version: 1,
        created_at: '2019-06-01T00:00:00.000Z',
        updated_at: '2019-06-01T00:00:00.000Z',
      })
      .execute();
    await addUser(db(), 'wangfang', 'member', { member: ctx.county.members.qiaoOther });
    return as(ctx.t.app, await login(ctx.t.app, 'wangfang', PASSWORD));
  };
  /** 王芳 answers for the item herself: her account sees it. */
  const onTheItem = () => ({ responsibleMemberIds: [ctx.county.members.qiaoOther] });
  const chases = (itemId: string) =>
    db()
      .selectFrom('item_chases')
      .selectAll()
      .where('item_id', '=', itemId)
      .orderBy('on_day')
      .orderBy('step')
      .execute();

  it('at 50 %, 100 % and 150 % the item is chased once per step: group leader, branch secretary, township committee; each audited', async () => {
    await groupLeader();
    // Listed Friday 18 September 2026: Sunday 20 September is a make-up workday (National Day's).
    const [item] = await setup('2026-09-18', 1, onTheItem());
    const sweep = (day: string) => ctx.t.app.deadlines.sweep(day);
    expect(await sweep('2026-09-19')).toBe(0);
    expect(await sweep('2026-09-20')).toBe(1);
    expect(await sweep('2026-09-20')).toBe(0);
    // Two sweeps at the same moment write the step once.
    expect((await Promise.all([sweep('2026-09-21'), sweep('2026-09-21')])).reduce((a, b) => a + b)).toBe(1);
    expect(await sweep('2026-09-22')).toBe(1);
    expect(await sweep('2026-10-10')).toBe(0);
    const written = await chases(item as string);
    expect(written.map((c) => [c.step, c.target, c.used_days, c.receiver_kind, c.on_day])).toEqual([
      [1, 'response', 1, 'group_leader', '2026-09-20'],
      [2, 'response', 2, 'branch_secretary', '2026-09-21'],
      [3, 'response', 3, 'township', '2026-09-22'],
    ]);
    expect(written.map((c) => c.receiver_member_id ?? c.receiver_party_org_id)).toEqual([
      ctx.county.members.qiaoOther,
      ctx.county.members.qiaoSecretary,
      ctx.county.partyOrgs.qiao,
    ]);
    expect(written[0]?.text).toContain('第1项“村道塌方1”响应时限 2 个工作日，已用 1 个工作日');
    const audited = await db()
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'item.chase')
      .execute();
    expect(audited.map((a) => a.entity_id)).toEqual([item, item, item]);
  });

  it('a party group without a leader is chased through its branch secretary', async () => {
    const [item] = await setup('2026-09-18');
    await ctx.t.app.deadlines.sweep('2026-09-20');
    expect((await chases(item as string)).map((c) => [c.step, c.receiver_kind])).toEqual([[1, 'branch_secretary']]);
  });

  it('only the receiver acknowledges a chase, once, audited; the bell shows unacknowledged chases first', async () => {
    const leader = await groupLeader();
    const [item] = await setup('2026-09-18', 1, onTheItem());
    await ctx.t.app.deadlines.sweep('2026-09-21');
    const [toLeader, toSecretary] = await chases(item as string);
    const baihe = await ctx.user('baihe');
    const bell = (await baihe.get('/inbox')).json();
    expect(bell.items[0]).toMatchObject({ kind: 'chase', chaseId: toSecretary?.id, itemId: item });
    // Another township cannot see the item; the county sees it but is not the receiver; the group leader is not either.
    expect(
      (await (await ctx.user('chengjiao')).post(`/item-chases/${toSecretary?.id}/acknowledge`, {})).statusCode,
    ).toBe(404);
    const admin = await (await ctx.user('admin')).post(`/item-chases/${toSecretary?.id}/acknowledge`, {});
    expect([admin.statusCode, admin.json().code]).toEqual([403, 'not_chase_receiver']);
    const ok = await baihe.post(`/item-chases/${toSecretary?.id}/acknowledge`, {});
    expect(ok.statusCode, ok.body).toBe(204);
    const again = await baihe.post(`/item-chases/${toSecretary?.id}/acknowledge`, {});
    expect([again.statusCode, again.json().code]).toEqual([409, 'already_acknowledged']);
    expect((await baihe.get('/inbox')).json().items.filter((e: { kind: string }) => e.kind === 'chase')).toEqual([]);
    const stored = await db()
      .selectFrom('item_chases')
      .selectAll()
      .where('id', '=', toSecretary?.id as string)
      .executeTakeFirstOrThrow();
    expect(stored.acknowledged_at).not.toBeNull();
    expect(
      await db()
        .selectFrom('audit_events')
        .select('entity_id')
        .where('action', '=', 'item.chase_acknowledge')
        .execute(),
    ).toEqual([{ entity_id: item }]);
    expect(toLeader?.acknowledged_at).toBeNull();
    // The group leader's own account sees hers first and acknowledges it.
    expect((await leader.get('/inbox')).json().items[0]).toMatchObject({ kind: 'chase', chaseId: toLeader?.id });
    expect((await leader.post(`/item-chases/${toLeader?.id}/acknowledge`, {})).statusCode).toBe(204);
    // The detail shows the item's chases.
    const detail = (await baihe.get(`/items/${item}`)).json();
    expect(
      detail.chases.map((c: { step: number; acknowledgedAt: string | null }) => [c.step, c.acknowledgedAt !== null]),
    ).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('a paused, escalated or closed item is not chased; pausing and resuming are the branch’s, with a reason, each audited', async () => {
    const [paused, escalated, closed] = await setup('2026-09-18', 3);
    const baihe = await ctx.user('baihe');
    const detail = (await baihe.get(`/items/${paused}`)).json();
    expect([detail.abilities.pause, detail.abilities.resume]).toEqual([true, false]);
    const r = await baihe.post(`/items/${paused}/pause`, { reason: 'waiting_unit', note: '等待交通局出设计方案' });
    expect(r.statusCode, r.body).toBe(204);
    const twice = await baihe.post(`/items/${paused}/pause`, { reason: 'waiting_resident', note: '再停' });
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'item_already_paused']);
    const after = (await baihe.get(`/items/${paused}`)).json();
    expect([
      after.clock.paused?.reason,
      after.clock.paused?.note,
      after.abilities.pause,
      after.abilities.resume,
    ]).toEqual(['waiting_unit', '等待交通局出设计方案', false, true]);
    // Neither the supervisor (reads only) nor another township may stop or start the clock.
    expect((await (await ctx.user('supervisor')).post(`/items/${paused}/resume`, {})).statusCode).toBe(403);
    expect((await (await ctx.user('chengjiao')).post(`/items/${paused}/resume`, {})).statusCode).toBe(404);

    const target = (await baihe.get('/escalation-targets')).json().items[0];
    const esc = await baihe.post(`/items/${escalated}/escalate`, {
      toOrgId: target.id,
      reason: '需要县里协调',
      version: (await baihe.get(`/items/${escalated}`)).json().version,
    });
    expect(esc.statusCode, esc.body).toBe(204);
    await db()
      .updateTable('items')
      .set({ status: 'closed', closed_at: '2026-09-19T02:00:00.000Z' })
      .where('id', '=', closed as string)
      .execute();

    expect(await ctx.t.app.deadlines.sweep('2026-09-22')).toBe(0);
    const resumed = await baihe.post(`/items/${paused}/resume`, {});
    expect(resumed.statusCode, resumed.body).toBe(204);
    const notPaused = await baihe.post(`/items/${paused}/resume`, {});
    expect([notPaused.statusCode, notPaused.json().code]).toEqual([409, 'item_not_paused']);
    const trail = await db()
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('action', 'in', ['item.pause', 'item.resume'])
      .orderBy('seq')
      .execute();
    expect(trail.map((a) => a.action)).toEqual(['item.pause', 'item.resume']);
    expect(JSON.parse(trail[0]?.after_json ?? '{}')).toMatchObject({
      reason: 'waiting_unit',
      note: '等待交通局出设计方案',
    });
    expect(await db().selectFrom('item_pauses').select(['reason', 'ended_by']).execute()).toEqual([
      { reason: 'waiting_unit', ended_by: expect.any(String) },
    ]);
  });

  it('a pause ends when the item is handed in, closed or escalated, in the same transaction with its trail', async () => {
    const [handedIn, closed, escalated] = await setup('2026-09-18', 3);
    const baihe = await ctx.user('baihe');
    const qiao = await ctx.user('qiaoduan');
    const version = async (id: string) => (await baihe.get(`/items/${id}`)).json().version as number;
    const move = async (who: typeof baihe, id: string, to: string, extra: object = {}) => {
      const r = await who.post(`/items/${id}/transitions`, { to, version: await version(id), ...extra });
      expect(r.statusCode, r.body).toBe(204);
    };
    const pauseIt = async (id: string) => {
      const r = await baihe.post(`/items/${id}/pause`, { reason: 'waiting_unit', note: '等待交通局' });
      expect(r.statusCode, r.body).toBe(204);
    };
    const running = (id: string) =>
      db().selectFrom('item_pauses').selectAll().where('item_id', '=', id).where('ended_at', 'is', null).execute();

    await pauseIt(handedIn as string);
    await move(baihe, handedIn as string, 'in_progress');
    await move(baihe, handedIn as string, 'awaiting_confirmation');
    expect(await running(handedIn as string)).toEqual([]);

    // Paused while it waits for confirmation, then closed; the pause began five working days before.
    await move(baihe, closed as string, 'in_progress');
    await move(baihe, closed as string, 'awaiting_confirmation');
    await pauseIt(closed as string);
    const today = todayInShanghai();
    const known = Number(today.slice(0, 4)) <= CALENDAR.lastYear;
    const since = known ? addWorkingDaysBack(today, 5) : today;
    await db()
      .updateTable('item_pauses')
      .set({ started_on: since })
      .where('item_id', '=', closed as string)
      .execute();
    await move(qiao, closed as string, 'closed', { evidence: '已修复' });
    expect(await running(closed as string)).toEqual([]);
    // Reopened, its clock runs again: no pause is left running and the paused days stay what they were.
    await move(await ctx.user('supervisor'), closed as string, 'in_progress', { reason: '又塌了' });
    const reopened = (await baihe.get(`/items/${closed}`)).json();
    expect([reopened.abilities.pause, reopened.abilities.resume]).toEqual([true, false]);
    if (known)
      expect([reopened.clock.paused, reopened.clock.pausedDays]).toEqual([null, workingDaysBetween(since, today)]);

    await pauseIt(escalated as string);
    const target = (await baihe.get('/escalation-targets')).json().items[0];
    const esc = await baihe.post(`/items/${escalated}/escalate`, {
      toOrgId: target.id,
      reason: '需要县里协调',
      version: await version(escalated as string),
    });
    expect(esc.statusCode, esc.body).toBe(204);
    expect(await running(escalated as string)).toEqual([]);

    const ended = await db()
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'after_json'])
      .where('action', 'in', ['item.transition', 'item.escalate'])
      .orderBy('seq')
      .execute();
    const endedFor = ended
      .filter((a) => JSON.parse(a.after_json ?? '{}').pauseEnded)
      .map((a) => [a.action, a.entity_id]);
    expect(endedFor).toEqual([
      ['item.transition', handedIn],
      ['item.transition', closed],
      ['item.escalate', escalated],
    ]);
  });

  it('an item added today to a list dated in the past is listed today and its targets count from today', async () => {
    const today = todayInShanghai();
    // The list is made today, dated back to 18 September; one more item joins it today.
    const [withList] = await setup('2026-09-18');
    const { list_id } = await db()
      .selectFrom('items')
      .select('list_id')
      .where('id', '=', withList as string)
      .executeTakeFirstOrThrow();
    const qiao = await ctx.user('qiaoduan');
    const added = await qiao.post(`/problem-lists/${list_id}/items`, {
      problem: '桥栏杆松动',
      category: 'roads',
      regionCode: '411321106200',
    });
    expect(added.statusCode, added.body).toBe(201);
    const stored = await db()
      .selectFrom('items')
      .select(['id', 'listed_on'])
      .where('list_id', '=', list_id)
      .orderBy('no')
      .execute();
    expect(stored.map((r) => r.listed_on)).toEqual(['2026-09-18', today]);
    if (Number(today.slice(0, 4)) > CALENDAR.lastYear) return; // no clock then: tested above
    const clock = (await qiao.get(`/items/${added.json().id}`)).json().clock;
    expect([clock.listedOn, clock.resolution.usedDays, clock.resolution.dueOn, clock.response.dueOn]).toEqual([
      today,
      0,
      addWorkingDays(today, 4),
      addWorkingDays(today, 2),
    ]);
    expect((await qiao.get(`/items/${withList}`)).json().clock.listedOn).toBe('2026-09-18');
  });

  it('the chase reads the item again in its own transaction: one closed or paused meanwhile is not chased', async () => {
    const [closedMeanwhile, pausedMeanwhile] = await setup('2026-09-18', 2);
    const service = ctx.t.app.deadlines;
    const proto = Object.getPrototypeOf(service) as { chase: (...a: unknown[]) => Promise<unknown> };
    const chase = proto.chase;
    let first = true;
    // After the sweep has read its items, before it writes a chase: one item is closed, the other paused.
    const spy = vi.spyOn(proto, 'chase').mockImplementation(async function (this: unknown, ...args: unknown[]) {
      if (first) {
        first = false;
        await db()
          .updateTable('items')
          .set({ status: 'closed', closed_at: '2026-09-19T02:00:00.000Z' })
          .where('id', '=', closedMeanwhile as string)
          .execute();
        await db()
          .insertInto('item_pauses')
          .values({
            id: randomUUID(),
            item_id: pausedMeanwhile as string,
            reason: 'waiting_unit',
            note: '等待交通局',
            started_on: '2026-09-19',
            started_at: '2026-09-19T02:00:00.000Z',
            started_by: 'u',
            ended_on: null,
            ended_at: null,
            ended_by: null,
          })
          .execute();
      }
      return chase.apply(this, args);
    });
    try {
      expect(await service.sweep('2026-09-22')).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(first).toBe(false);
    expect(await db().selectFrom('item_chases').selectAll().execute()).toEqual([]);
  });

  it('each target is chased at its own steps: the resolution’s first step after the response’s', async () => {
    const [item] = await setup('2026-09-18');
    expect(await ctx.t.app.deadlines.sweep('2026-09-20')).toBe(1);
    // The response came on 20 September (a working day); by the 22nd the resolution has used three of its four days.
    await db()
      .insertInto('item_events')
      .values({
        id: randomUUID(),
        item_id: item as string,
        user_id: null,
        actor_label: '白河',
        kind: 'progress',
        text: '已联系交通局',
        public: 1,
        at: '2026-09-20T02:00:00.000Z',
      })
      .execute();
    expect(await ctx.t.app.deadlines.sweep('2026-09-22')).toBe(1);
    expect((await chases(item as string)).map((c) => [c.step, c.target, c.used_days])).toEqual([
      [1, 'response', 1],
      [1, 'resolution', 3],
    ]);
  });

  it('a chase goes only to those whose accounts see the item: past a leader not on it and a secretary without an account, up to the approving committee', async () => {
    const leader = await groupLeader();
    const [item] = await setup('2026-09-18');
    const sweep = (day: string) => ctx.t.app.deadlines.sweep(day);
    // 王芳 leads the group but does not work on this item: her account does not see it.
    expect((await leader.get(`/items/${item}`)).statusCode).toBe(404);
    expect(await sweep('2026-09-20')).toBe(1);
    // Each chase goes to someone who can then open the item: first the secretary.
    expect((await (await ctx.user('baihe')).get(`/items/${item}`)).statusCode).toBe(200);
    // The secretary's account is closed: the next step goes to the township committee.
    await db().updateTable('users').set({ active: 0 }).where('username', '=', 'baihe').execute();
    expect(await sweep('2026-09-21')).toBe(1);
    // Nobody acts for the township committee any more, and the branch was approved by the county committee.
    await db().updateTable('users').set({ acting_party_org_id: null }).where('username', '=', 'qiaoduan').execute();
    await db()
      .updateTable('temporary_orgs')
      .set({ approving_party_org_id: ctx.county.partyOrgs.county })
      .where('id', '=', ctx.county.orgs.qiaoBranch.id)
      .execute();
    expect(await sweep('2026-09-22')).toBe(1);
    const written = await chases(item as string);
    expect(written.map((c) => [c.step, c.receiver_kind, c.receiver_member_id ?? c.receiver_party_org_id])).toEqual([
      [1, 'branch_secretary', ctx.county.members.qiaoSecretary],
      [2, 'township', ctx.county.partyOrgs.qiao],
      [3, 'approving_org', ctx.county.partyOrgs.county],
    ]);
    expect((await (await ctx.user('qiaoduan')).get(`/items/${item}`)).statusCode).toBe(200);
    const admin = await ctx.user('admin');
    expect((await admin.get(`/items/${item}`)).statusCode).toBe(200);
    expect((await admin.get('/inbox')).json().items[0]).toMatchObject({ kind: 'chase', chaseId: written[2]?.id });
    const trail = await db()
      .selectFrom('audit_events')
      .select('after_json')
      .where('action', '=', 'item.chase')
      .orderBy('seq')
      .execute();
    expect(trail.map((a) => JSON.parse(a.after_json ?? '{}')).map((a) => [a.meantFor, a.receiver])).toEqual([
      ['group_leader', 'branch_secretary'],
      ['branch_secretary', 'township'],
      ['township', 'approving_org'],
    ]);
  });

  it('a chase nobody could read is not written, and the sweep says so', async () => {
    const [item] = await setup('2026-09-18');
    await db().updateTable('users').set({ active: 0 }).where('username', '=', 'baihe').execute();
    await db().updateTable('users').set({ acting_party_org_id: null }).where('username', '=', 'qiaoduan').execute();
    await db()
      .updateTable('temporary_orgs')
      .set({ approving_party_org_id: null })
      .where('id', '=', ctx.county.orgs.qiaoBranch.id)
      .execute();
    const warn = vi.spyOn(ctx.t.app.log, 'warn');
    try {
      expect(await ctx.t.app.deadlines.sweep('2026-09-22')).toBe(0);
      expect(await chases(item as string)).toEqual([]);
      expect(warn.mock.calls.some(([o]) => JSON.stringify(o).includes(item as string))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('a sweep on a day the calendar does not know chases nothing and warns once, naming the year', async () => {
    await setup('2026-09-18', 2);
    const year = CALENDAR.lastYear + 1;
    const warn = vi.spyOn(ctx.t.app.log, 'warn');
    try {
      expect(await ctx.t.app.deadlines.sweep(`${year}-01-05`)).toBe(0);
      const said = warn.mock.calls.filter(([o, m]) => `${JSON.stringify(o)} ${m}`.includes(String(year)));
      expect(said).toHaveLength(1);
      expect(said[0]?.[0]).toMatchObject({ unknownYears: [year], items: 2 });
    } finally {
      warn.mockRestore();
    }
  });

  it('a closed or escalated item’s clock is not stopped; a pause needs a note', async () => {
    const [closed, escalated, open] = await setup('2026-09-18', 3);
    const baihe = await ctx.user('baihe');
    await db()
      .updateTable('items')
      .set({ status: 'closed', closed_at: '2026-09-19T02:00:00.000Z' })
      .where('id', '=', closed as string)
      .execute();
    const target = (await baihe.get('/escalation-targets')).json().items[0];
    const esc = await baihe.post(`/items/${escalated}/escalate`, {
      toOrgId: target.id,
      reason: '需要县里协调',
      version: (await baihe.get(`/items/${escalated}`)).json().version,
    });
    expect(esc.statusCode, esc.body).toBe(204);
    const pause = (id: string, body: object = { reason: 'waiting_unit', note: '等待交通局' }) =>
      baihe.post(`/items/${id}/pause`, body);
    const onClosed = await pause(closed as string);
    expect([onClosed.statusCode, onClosed.json().code]).toEqual([409, 'item_closed']);
    const onEscalated = await pause(escalated as string);
    expect([onEscalated.statusCode, onEscalated.json().code]).toEqual([409, 'already_escalated']);
    for (const body of [{ reason: 'waiting_unit' }, { reason: 'waiting_unit', note: '   ' }]) {
      const r = await pause(open as string, body);
      expect([r.statusCode, r.json().code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    expect(await db().selectFrom('item_pauses').selectAll().execute()).toEqual([]);
    expect(await db().selectFrom('audit_events').select('action').where('action', '=', 'item.pause').execute()).toEqual(
      [],
    );
  });

  it('the server gives each item its light in lists and on the item page', async () => {
    const today = todayInShanghai();
    if (Number(today.slice(0, 4)) > CALENDAR.lastYear) return; // the light is null then: tested above
    const [old] = await setup('2026-09-18');
    const qiao = await ctx.user('qiaoduan');
    const fresh = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '今天的清单',
      listedOn: today,
      items: [{ problem: '新问题', category: 'roads', regionCode: '411321106200' }],
    });
    const listed = (await qiao.get('/items?limit=200')).json().items as { id: string; light: string }[];
    const lightOf = (id: string) => listed.find((i) => i.id === id)?.light;
    expect(lightOf(old as string)).toBe('red');
    expect(lightOf(fresh.json().itemIds[0])).toBe('green');
    const detail = (await qiao.get(`/items/${old}`)).json();
    expect([detail.light, detail.clock.known, detail.clock.resolution.targetDays]).toEqual(['red', true, 4]);
    // A closed item has no light, in the list or on its page.
    await db()
      .updateTable('items')
      .set({ status: 'closed', closed_at: new Date().toISOString() })
      .where('id', '=', old as string)
      .execute();
    const afterClose = (await qiao.get('/items?limit=200')).json().items as { id: string; light: string | null }[];
    expect(afterClose.find((i) => i.id === old)?.light).toBeNull();
    const closedDetail = (await qiao.get(`/items/${old}`)).json();
    expect([closedDetail.light, closedDetail.clock.light, closedDetail.clock.resolution.light]).toEqual([
      null,
      null,
      'red',
    ]);
  });
});
