import { addDays, todayInShanghai } from '@lianjian/shared';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { PASSWORD, addNeighbourCounty, addUser } from './factories.ts';
import { as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

describe('DOMAIN §8: reports, problem lists, items, link by need', () => {
  const ctx = useCounty();
  const anon = () => ({
    post: (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      ctx.t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers }),
    get: (url: string) => ctx.t.app.inject({ url: `/api/v1${url}` }),
  });
  const residentReport = async (description = '断路器老是跳闸，家里经常停电') => {
    const res = await anon().post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description,
      phone: '13812341234',
    });
    expect(res.statusCode).toBe(201);
    return res.json().trackingCode as string;
  };
  /** The branch combs one report into list 1 with one item for the party group, 张伟 (the secretary) responsible. */
  const comb = async () => {
    const qiao = await ctx.user('qiaoduan');
    const reports = (await qiao.get('/reports?status=new')).json();
    const report = reports.items.find((r: { description: string }) => r.description.includes('跳闸'));
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '白河新村群众反映问题清单（2020年5月19日）',
      listedOn: '2020-05-19',
      items: [
        {
          problem: '断路器频繁跳闸',
          category: 'electricity',
          regionCode: '411321106200',
          reportIds: [report.id],
          responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
          responsibleMemberIds: [ctx.county.members.qiaoSecretary],
          measures: '排查线路，标注暗线走向',
          dueOn: '2020-06-15',
        },
      ],
    });
    expect(list.statusCode).toBe(201);
    return list.json().itemIds[0] as string;
  };
  const version = async (itemId: string) =>
    (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json().version as number;
  const move = async (
    who: 'qiaoduan' | 'baihe' | 'admin' | 'supervisor' | 'chengjiao',
    itemId: string,
    to: string,
    extra: object = {},
  ) => (await ctx.user(who)).post(`/items/${itemId}/transitions`, { to, version: await version(itemId), ...extra });

  it('the item list reads as a ledger (newest list first, items in number order) and pages by cursor without gaps or repeats; an escalated item is listed once', async () => {
    const qiao = await ctx.user('qiaoduan');
    const item = (n: number) => ({ problem: `问题${n}`, category: 'roads', regionCode: '411321106200' });
    // Lists out of date order; list 2 is the newest. Items numbered past 9 and 99 so that text order would differ.
    for (const [listedOn, count] of [
      ['2020-03-01', 3],
      ['2020-09-01', 12],
      ['2020-06-01', 2],
    ] as const) {
      const res = await qiao.post('/problem-lists', {
        orgId: ctx.county.orgs.qiaoBranch.id,
        title: `清单${listedOn}`,
        listedOn,
        items: Array.from({ length: count }, (_, i) => item(i + 1)),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { total: number; items: { listedOn: string; no: number }[]; nextCursor: string | null } = (
        await qiao.get(`/items?limit=5${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.total).toBe(17);
      seen.push(...page.items.map((i) => `${i.listedOn}#${i.no}`));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = [
      ...Array.from({ length: 12 }, (_, i) => `2020-09-01#${i + 1}`),
      ...Array.from({ length: 2 }, (_, i) => `2020-06-01#${i + 1}`),
      ...Array.from({ length: 3 }, (_, i) => `2020-03-01#${i + 1}`),
    ];
    expect(seen).toEqual(expected);
    // The stored key is what the migration that added it computes from the list, on this database.
    const differing = await sql<{
      n: number;
    }>`select count(*) as n from items i inner join problem_lists l on l.id = i.list_id
      where i.sort_key <> l.listed_on || '|' || (100000 + l.no) || '|' || (999999 - i.no)`.execute(ctx.t.db.db);
    expect(Number(differing.rows[0]?.n)).toBe(0);
    // An item of the township escalated to another organization of the township is reached two ways, and listed once.
    const first = (await qiao.get('/items?limit=1')).json().items[0];
    await ctx.t.db.db
      .updateTable('items')
      .set({ escalated_to_org_id: ctx.county.orgs.qiaoGb.id })
      .where('id', '=', first.id)
      .execute();
    expect(
      (await qiao.get('/items?limit=50'))
        .json()
        .items.map((i: { id: string }) => i.id)
        .filter((id: string) => id === first.id),
    ).toHaveLength(1);
    expect((await qiao.get('/items?limit=50')).json().total).toBe(17);
  });

  it('a resident reports without an account and follows the report with a short code she can read out, unguessable at the rate limit', async () => {
    const code = await residentReport();
    // 12 characters in three groups of four (11 random, one check), typed in any case, spaced or not.
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(
      (await anon().get(`/public/reports/${encodeURIComponent(code.toLowerCase().replace(/-/g, ' '))}`)).statusCode,
    ).toBe(200);
    // One character misheard on the hotline: the check character says so, instead of "not found".
    const last = code.at(-1) === '0' ? '1' : '0';
    const misheard = await anon().get(`/public/reports/${code.slice(0, -1)}${last}`);
    expect([misheard.statusCode, misheard.json().code]).toEqual([400, 'tracking_code_mistyped']);
    const view = await anon().get(`/public/reports/${code}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      stage: 'received',
      orgName: '白河新村易地搬迁临时党支部',
      regionName: '穆老庄村',
    });
    expect(JSON.stringify(view.json())).not.toContain('1381234');
    expect((await anon().get('/public/reports/0000-0000-0000-0000-0000-0000-0000-0000')).statusCode).toBe(404);
    expect((await anon().get('/public/reports/0000-0000-0000')).statusCode).toBe(404);
    expect((await anon().get('/public/reports/nonsense')).statusCode).toBe(404);
    // Staff see it, with the phone masked.
    const staff = (await (await ctx.user('qiaoduan')).get('/reports')).json();
    expect(staff.items[0]).toMatchObject({ source: 'resident', phone: '138****1234', status: 'new' });
    const raw = await ctx.t.db.db.selectFrom('reports').select('tracking_hash').executeTakeFirstOrThrow();
    expect(raw.tracking_hash).not.toContain(code.replace(/-/g, ''));
  });

  it('two identical report submissions with one Idempotency-Key make one report', async () => {
    const body = { regionCode: '411321106200', category: 'water', description: '自来水浑浊' };
    const a = await anon().post('/public/reports', body, { 'idempotency-key': 'resident-phone-abc-1' });
    const b = await anon().post('/public/reports', body, { 'idempotency-key': 'resident-phone-abc-1' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().trackingCode).toBe(a.json().trackingCode);
    const n = await ctx.t.db.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('a flood of reports gets 429 and every acknowledged report is kept', async () => {
    let acknowledged = 0;
    let limited = 0;
    for (let i = 0; i < 14; i++) {
      const res = await anon().post('/public/reports', {
        regionCode: '411321106201',
        category: 'roads',
        description: `路灯坏了 ${i}`,
      });
      if (res.statusCode === 201) acknowledged++;
      if (res.statusCode === 429) {
        limited++;
        expect(res.json().code).toBe('rate_limited');
      }
    }
    expect(limited).toBeGreaterThan(0);
    const n = await ctx.t.db.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(acknowledged);
  });

  it("a township admin cannot see another township's reports or items", async () => {
    await residentReport();
    const itemId = await comb();
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get('/reports')).json().total).toBe(0);
    expect((await cheng.get('/items')).json().total).toBe(0);
    expect((await cheng.get('/problem-lists')).json().total).toBe(0);
    expect((await cheng.get(`/items/${itemId}`)).statusCode).toBe(404);
    expect((await cheng.post(`/items/${itemId}/transitions`, { to: 'in_progress', version: 1 })).statusCode).toBe(404);
    const staffReport = await cheng.post('/reports', {
      source: 'visit',
      regionCode: '411321106200',
      category: 'water',
      description: '越权登记',
    });
    expect(staffReport.statusCode).toBe(400);
  });

  it('combing lists the report; the workflow goes open → in_progress → awaiting_confirmation → closed, and nothing else', async () => {
    const code = await residentReport();
    const itemId = await comb();
    expect((await anon().get(`/public/reports/${code}`)).json()).toMatchObject({ stage: 'listed', item: { no: 1 } });
    const item = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json();
    expect(item).toMatchObject({
      no: 1,
      listNo: 1,
      status: 'open',
      neededSkill: 'electricity',
      responsibleMembers: ['张伟'],
    });
    expect(item.overdue).toBe(true); // due 2020-06-15, long past and not closed

    for (const illegal of ['awaiting_confirmation', 'closed', 'open']) {
      const res = await move('qiaoduan', itemId, illegal, { evidence: 'x' });
      expect(res.statusCode, illegal).toBe(409);
      expect(res.json().code).toBe('illegal_transition');
    }
    expect((await move('baihe', itemId, 'in_progress')).statusCode).toBe(204);
    expect((await move('baihe', itemId, 'closed', { evidence: 'x' })).json().code).toBe('illegal_transition');
    expect((await move('baihe', itemId, 'awaiting_confirmation')).statusCode).toBe(204);
    const back = await move('qiaoduan', itemId, 'in_progress');
    expect(back.statusCode).toBe(400); // sending back needs a reason
    expect((await move('qiaoduan', itemId, 'in_progress', { reason: '还有两户未标注' })).statusCode).toBe(204);
    expect((await move('baihe', itemId, 'awaiting_confirmation')).statusCode).toBe(204);
    const noEvidence = await move('qiaoduan', itemId, 'closed');
    expect(noEvidence.statusCode).toBe(400);
    expect((await move('qiaoduan', itemId, 'closed', { evidence: '逐户标注暗线，试送电正常' })).statusCode).toBe(204);
    const closed = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json();
    expect(closed).toMatchObject({ status: 'closed', overdue: false, reopenedCount: 0, closedBy: 'qiaoduan' });
    expect(closed.events.map((e: { toStatus: string | null }) => e.toStatus)).toEqual([
      'open',
      'in_progress',
      'awaiting_confirmation',
      'in_progress',
      'awaiting_confirmation',
      'closed',
    ]);
    const stale = await (await ctx.user('qiaoduan')).post(`/items/${itemId}/transitions`, {
      to: 'in_progress',
      reason: 'x',
      version: 1,
    });
    expect([403, 409]).toContain(stale.statusCode);
  });

  it('the member who did the work cannot confirm it', async () => {
    await residentReport();
    const itemId = await comb();
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const own = await move('baihe', itemId, 'closed', { evidence: '我自己确认' });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('cannot_confirm_own_work');
    // Nor does whoever handed the work in.
    await move('qiaoduan', itemId, 'in_progress', { reason: '补充材料' });
    await move('qiaoduan', itemId, 'awaiting_confirmation');
    const handedIn = await move('qiaoduan', itemId, 'closed', { evidence: 'x' });
    expect(handedIn.json().code).toBe('cannot_confirm_own_work');
    expect((await move('admin', itemId, 'closed', { evidence: '县委组织部验收' })).statusCode).toBe(204);
    expect((await (await ctx.user('baihe')).get(`/items/${itemId}`)).json().abilities.transitions).toEqual([]);
  });

  it("the resident confirms 'solved', or reopens with a reason and the reopening is counted", async () => {
    const code = await residentReport();
    const itemId = await comb();
    expect((await anon().post(`/public/reports/${code}/feedback`, { solved: true })).json().code).toBe(
      'feedback_not_open',
    );
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const confirmed = await anon().post(`/public/reports/${code}/feedback`, { solved: true });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ stage: 'closed', item: { reopenedCount: 0 } });
    expect(confirmed.json().item.residentConfirmedAt).toBeTruthy();
    const noReason = await anon().post(`/public/reports/${code}/feedback`, { solved: false });
    expect(noReason.statusCode).toBe(400);
    const reopened = await anon().post(`/public/reports/${code}/feedback`, { solved: false, reason: '雨天又跳闸了' });
    expect(reopened.json()).toMatchObject({ stage: 'in_progress', item: { reopenedCount: 1 } });
    expect(reopened.json().events.at(-1).text).toContain('雨天又跳闸了');
    const item = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json();
    expect(item).toMatchObject({ status: 'in_progress', reopenedCount: 1 });
    const inbox = (await (await ctx.user('baihe')).get('/inbox')).json();
    expect(inbox.items.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['assigned', 'reopened', 'overdue']),
    );
  });

  it('a number the resident types into a reason is masked on the public timeline, in the inbox and in the trail', async () => {
    const code = await residentReport();
    const itemId = await comb();
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const reopened = await anon().post(`/public/reports/${code}/feedback`, {
      solved: false,
      reason: '雨天又跳闸了，请打 139-1234-5670',
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json().events.at(-1).text).toContain('139****5670');
    const db = ctx.t.db.db;
    const stored = JSON.stringify([
      await db.selectFrom('item_events').select('text').where('item_id', '=', itemId).execute(),
      await db.selectFrom('notifications').select('text').where('item_id', '=', itemId).execute(),
      await db
        .selectFrom('audit_events')
        .select(['before_json', 'after_json'])
        .where('entity_id', '=', itemId)
        .execute(),
    ]);
    expect(stored).toContain('139****5670');
    expect(stored).not.toContain('1234-5670');
  });

  it("after its close the resident may reopen an item within the county's window, then only rate and comment; reopening brings back the member linked by need and voids the rating of the outcome undone", async () => {
    const today = todayInShanghai();
    const db = ctx.t.db.db;
    const code = await residentReport();
    const itemId = await comb();
    const qiao = await ctx.user('qiaoduan');
    expect(
      (await qiao.post(`/items/${itemId}/links`, { memberId: ctx.county.members.qiaoPowerChief, reason: '排查线路' }))
        .statusCode,
    ).toBe(204);
    const link = () =>
      db
        .selectFrom('item_members as im')
        .innerJoin('memberships as m', 'm.id', 'im.membership_id')
        .select(['m.id', 'm.start_on', 'm.end_on'])
        .where('im.item_id', '=', itemId)
        .where('im.role', '=', 'linked')
        .executeTakeFirstOrThrow();
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    expect((await anon().post(`/public/reports/${code}/feedback`, { solved: true })).json().stage).toBe('closed');
    const first = await link();
    expect(first.end_on).toBe(today);
    // Closed three days ago (and the link ended then): within the 5-day window the resident may still reopen.
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    await db
      .updateTable('items')
      .set({ closed_at: daysAgo(3) })
      .where('id', '=', itemId)
      .execute();
    await db
      .updateTable('memberships')
      .set({ end_on: addDays(today, -3) })
      .where('id', '=', first.id)
      .execute();
    const open = (await anon().get(`/public/reports/${code}`)).json();
    expect(open).toMatchObject({ canGiveFeedback: true, canRate: true, item: { reopenUntil: addDays(today, 2) } });
    const reopened = await anon().post(`/public/reports/${code}/feedback`, { solved: false, reason: '又跳闸了' });
    expect(reopened.json()).toMatchObject({ stage: 'in_progress', item: { reopenedCount: 1 } });
    // The member linked for this item is back in its party group, from today.
    expect(await link()).toMatchObject({ start_on: today, end_on: null });
    expect(
      (await qiao.get(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`))
        .json()
        .items.map((m: { memberName: string }) => m.memberName),
    ).toContain('李电明');

    // Closed again, six days ago: past the window, the code only rates and comments.
    await move('baihe', itemId, 'awaiting_confirmation');
    expect((await move('qiaoduan', itemId, 'closed', { evidence: '更换断路器' })).statusCode).toBe(204);
    await db
      .updateTable('items')
      .set({ closed_at: daysAgo(6) })
      .where('id', '=', itemId)
      .execute();
    const late = await anon().post(`/public/reports/${code}/feedback`, { solved: false, reason: '还是跳' });
    expect([late.statusCode, late.json().code]).toEqual([409, 'reopen_window_over']);
    expect((await anon().get(`/public/reports/${code}`)).json()).toMatchObject({
      stage: 'closed',
      canGiveFeedback: false,
      canRate: true,
    });
    expect((await anon().post(`/public/reports/${code}/rating`, { stars: 6 })).statusCode).toBe(400);
    const rated = await anon().post(`/public/reports/${code}/rating`, {
      stars: 4,
      comment: '修好了，有事打 139-1234-5670',
    });
    expect(rated.statusCode).toBe(200);
    expect(rated.json().item.rating).toMatchObject({ stars: 4, comment: '修好了，有事打 139****5670' });
    // Staff see the resident's rating on the item, as the resident gave it.
    expect((await qiao.get(`/items/${itemId}`)).json()).toMatchObject({
      status: 'closed',
      reopenedCount: 1,
      residentRating: { stars: 4, comment: '修好了，有事打 139****5670' },
    });
    // A rating is of the outcome: reopened, the item has none until the resident rates its next close.
    expect((await move('supervisor', itemId, 'in_progress', { reason: '督查发现未彻底解决' })).statusCode).toBe(204);
    expect((await qiao.get(`/items/${itemId}`)).json()).toMatchObject({ residentRating: null });
    expect((await anon().get(`/public/reports/${code}`)).json().item.rating).toBeNull();
  });

  it('a supervisor may reopen a closed item; a township admin may not', async () => {
    await residentReport();
    const itemId = await comb();
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    await move('qiaoduan', itemId, 'closed', { evidence: '已处理' }).then(async (r) => {
      if (r.statusCode !== 204) await move('admin', itemId, 'closed', { evidence: '已处理' });
    });
    expect((await move('qiaoduan', itemId, 'in_progress', { reason: 'x' })).statusCode).toBe(403);
    expect((await move('supervisor', itemId, 'in_progress', { reason: '督查发现未彻底解决' })).statusCode).toBe(204);
    expect((await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json().reopenedCount).toBe(1);
  });

  it("link by need ranks by the skill, the unit's duty for the problem, heading the unit, being in the branch, then load, and says why", async () => {
    await residentReport();
    const itemId = await comb();
    const db = ctx.t.db.db;
    const { members, units, orgs } = ctx.county;
    const now = new Date().toISOString();
    // The power station: its chief and three technicians with the skill, all without work on hand (load 0), named so
    // that name order would put the chief last; a committee member of the branch from the police station has it too.
    await db.updateTable('members').set({ title: '所长' }).where('id', '=', members.qiaoPowerChief).execute();
    const person = async (name: string, pinyin: string, unitId: string, title: string) => {
      const id = crypto.randomUUID();
      await db
        .insertInto('members')
        .values({
          id,
          name,
          name_initials: pinyin.slice(0, 1),
          name_pinyin: pinyin,
          gender: 'male',
          party_status: 'full',
          home_party_org_id: null,
          unit_id: unitId,
          region_code: '411321106',
          title,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.insertInto('member_skills').values({ member_id: id, skill: 'electricity' }).execute();
      return id;
    };
    for (const [name, pinyin] of [
      ['艾技', 'aiji'],
      ['白技', 'baiji'],
      ['蔡技', 'caiji'],
    ] as const)
      await person(name, pinyin, units.qiaoPower, '技术员');
    const committee = await person('安委员', 'anweiyuan', units.qiaoPolice, '民警');
    await db
      .insertInto('memberships')
      .values({
        id: crypto.randomUUID(),
        org_id: orgs.qiaoBranch.id,
        member_id: committee,
        role: 'committee_member',
        start_on: '2019-06-01',
        end_on: null,
        end_reason: null,
        link_reason: '批准成立的党组织指定',
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();

    const suggestions = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}/suggestions`)).json();
    const ranked = suggestions.members.map((m: { name: string }) => m.name);
    expect(ranked.slice(0, 5)).toEqual(['李电明', '安委员', '艾技', '白技', '蔡技']);
    expect(suggestions.members[0]).toMatchObject({ title: '所长', reasons: ['skill', 'unit_duty', 'heads_unit'] });
    expect(suggestions.members[1]).toMatchObject({ reasons: ['skill', 'branch_leader'] });
    expect(suggestions.members[2].reasons).toEqual(['skill', 'unit_duty']);
    // A member of the responsible unit without the skill is still offered, after everyone who has it.
    expect(ranked.at(-1)).toBe('王芳');
    expect(suggestions.members.at(-1).reasons).toEqual(['unit_duty', 'in_branch']);
    // The unit responsible for electricity comes first among units.
    expect(suggestions.units[0]).toMatchObject({ name: '乔端镇供电所', responsible: true });
  });

  it('people who are not Party members assist an item as participants: named with unit, role and dates, on the ledger, never in a Party organization', async () => {
    await residentReport();
    const itemId = await comb();
    const qiao = await ctx.user('qiaoduan');
    const db = ctx.t.db.db;
    const { members, units } = ctx.county;
    const today = todayInShanghai();
    const memberships = async () =>
      (await db.selectFrom('memberships').select('id').where('member_id', '=', members.qiaoElectrician).execute())
        .length;
    const before = await memberships();
    const add = (body: object) => qiao.post(`/items/${itemId}/participants`, body);
    // The electrician of the register, and his colleague by name and unit.
    expect(
      (await add({ memberId: members.qiaoElectrician, role: '电工，协助排查线路', startOn: '2020-05-20' })).statusCode,
    ).toBe(201);
    expect((await add({ name: '钱师傅', unitId: units.qiaoPower, role: '电工', startOn: today })).statusCode).toBe(201);
    // A Party member is linked by need instead; the same person twice, a future day or a day before the list are refused.
    expect((await add({ memberId: members.qiaoPowerChief, role: '所长', startOn: today })).json().code).toBe(
      'party_member_link_by_need',
    );
    expect((await add({ memberId: members.qiaoElectrician, role: '电工', startOn: today })).json().code).toBe(
      'already_participating',
    );
    expect(
      (await add({ name: '孙师傅', unitName: '个体电工', role: '电工', startOn: addDays(today, 1) })).json().code,
    ).toBe('date_in_future');
    expect((await add({ name: '孙师傅', unitName: '个体电工', role: '电工', startOn: '2020-05-01' })).statusCode).toBe(
      400,
    );
    expect((await add({ role: '电工', startOn: today })).statusCode).toBe(400);
    // Never a membership: the organization's rules are not theirs.
    expect(await memberships()).toBe(before);
    const item = (await qiao.get(`/items/${itemId}`)).json();
    expect(item.participantRecords.map((p: { name: string; unitName: string }) => `${p.name}/${p.unitName}`)).toEqual([
      '赵师傅/乔端镇供电所',
      '钱师傅/乔端镇供电所',
    ]);
    expect(item.abilities.participants).toBe(true);
    // On the ledger beside the responsible members.
    const ledger = (await qiao.get(`/items?listId=${item.listId}`)).json().items[0];
    expect(ledger.participants).toEqual(['赵师傅（电工，协助排查线路）', '钱师傅（电工）']);
    // The help ends on a day of its own, or with the item.
    const first = item.participantRecords[0];
    expect(
      (
        await qiao.post(`/items/${itemId}/participants/${first.id}/end`, {
          endOn: '2020-05-19',
          version: first.version,
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await qiao.post(`/items/${itemId}/participants/${first.id}/end`, {
          endOn: '2020-06-02',
          version: first.version,
        })
      ).statusCode,
    ).toBe(204);
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    expect((await move('admin', itemId, 'closed', { evidence: '更换断路器' })).statusCode).toBe(204);
    const closed = (await qiao.get(`/items/${itemId}`))
      .json()
      .participantRecords.map((p: { endOn: string }) => p.endOn);
    expect(closed).toEqual(['2020-06-02', today]);
  });

  it('link by need suggests members with the capability from any unit, links them into the group, and access ends at close', async () => {
    await residentReport();
    const itemId = await comb();
    await addUser(ctx.t.db.db, 'dianli', 'member', { member: ctx.county.members.qiaoPowerChief });
    // A member's account works only through a membership: before the link it cannot log in at all.
    await expect(login(ctx.t.app, 'dianli', PASSWORD)).rejects.toThrow(/401/);

    const qiao = await ctx.user('qiaoduan');
    const suggestions = (await qiao.get(`/items/${itemId}/suggestions`)).json();
    expect(suggestions.skill).toBe('electricity');
    const names = suggestions.members.map((m: { name: string }) => m.name);
    expect(names).toContain('李电明');
    expect(names).not.toContain('赵师傅'); // a non-party electrician is not offered
    expect(suggestions.members[0]).toMatchObject({ name: '李电明', nearness: 'township' });
    const security = (await qiao.get(`/items/${itemId}/suggestions?skill=security`)).json();
    expect(security.members.map((m: { name: string }) => m.name)).toEqual(['周强']); // a county police officer: any unit
    expect(security.members[0].nearness).toBe('county');

    const participant = await qiao.post(`/items/${itemId}/links`, { memberId: ctx.county.members.qiaoElectrician });
    expect(participant.json().code).toBe('participant_cannot_be_member');
    expect(
      (
        await qiao.post(`/items/${itemId}/links`, {
          memberId: ctx.county.members.qiaoPowerChief,
          reason: '带两名电工排查',
        })
      ).statusCode,
    ).toBe(204);
    const chief = as(ctx.t.app, await login(ctx.t.app, 'dianli', PASSWORD));
    const group = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`)).json();
    const link = group.items.find((m: { memberName: string }) => m.memberName === '李电明');
    expect(link.linkReason).toContain('第1号清单第1项');
    expect((await chief.get(`/items/${itemId}`)).statusCode).toBe(200);
    expect((await chief.get('/inbox')).json().items.map((n: { kind: string }) => n.kind)).toContain('linked');

    // The linked member does the work and hands it in; the secretary confirms.
    await move('baihe', itemId, 'in_progress');
    expect(
      (await chief.post(`/items/${itemId}/events`, { text: '发现住户在暗线位置钉钉子', public: true })).statusCode,
    ).toBe(204);
    expect(
      (
        await chief.post(`/items/${itemId}/transitions`, {
          to: 'awaiting_confirmation',
          version: await version(itemId),
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await chief.post(`/items/${itemId}/transitions`, {
          to: 'closed',
          evidence: 'x',
          version: await version(itemId),
        })
      ).statusCode,
    ).toBe(403);
    expect((await move('qiaoduan', itemId, 'closed', { evidence: '暗线已逐户标注' })).statusCode).toBe(204);

    // Closing the item ended the link, the member's last membership: the session ends with it.
    expect((await chief.get(`/items/${itemId}`)).statusCode).toBe(401);
    const after = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships?status=all`)).json();
    const ended = after.items.find((m: { memberName: string }) => m.memberName === '李电明');
    expect(ended.endReason).toContain('已销号');
    expect(ended.active).toBe(false);
  });

  it('an item the branch cannot solve goes straight to a county special-task branch, and both sides see it', async () => {
    await residentReport();
    const itemId = await comb();
    await addUser(ctx.t.db.db, 'jiaosu', 'org_secretary', { org: ctx.county.orgs.special.id });
    const special = as(ctx.t.app, await login(ctx.t.app, 'jiaosu', PASSWORD));
    expect((await special.get(`/items/${itemId}`)).statusCode).toBe(404);
    const qiao = await ctx.user('qiaoduan');
    const targets = (await qiao.get('/escalation-targets?skill=security')).json().items;
    expect(targets.map((t: { name: string }) => t.name)).toContain('县酵素产业临时党支部');
    const res = await qiao.post(`/items/${itemId}/escalate`, {
      toOrgId: ctx.county.orgs.special.id,
      reason: '需要县级资源',
      version: await version(itemId),
    });
    expect(res.statusCode).toBe(204);
    const seen = (await special.get(`/items/${itemId}`)).json();
    expect(seen.escalatedTo.name).toBe('县酵素产业临时党支部');
    expect(seen.escalatedAt).toBeTruthy();
    expect(seen.resolution.hops).toBe(1);
    expect(seen.resolution.daysToResolver).toBeGreaterThanOrEqual(0);
    expect((await special.get('/items?escalated=true')).json().total).toBe(1);
    expect((await qiao.get(`/items/${itemId}`)).json().escalatedTo.id).toBe(ctx.county.orgs.special.id);
    const twice = await qiao.post(`/items/${itemId}/escalate`, {
      toOrgId: ctx.county.orgs.special.id,
      reason: 'x',
      version: await version(itemId),
    });
    expect(twice.json().code).toBe('already_escalated');
    const toBranch = await (await ctx.user('admin')).post(`/items/${itemId}/escalate`, {
      toOrgId: ctx.county.orgs.chengBranch.id,
      reason: 'x',
      version: 1,
    });
    expect(toBranch.statusCode).toBe(409);
  });

  it("an item goes up only to a special-task branch or general branch of its own county, never another county's", async () => {
    await residentReport();
    const itemId = await comb();
    const db = ctx.t.db.db;
    await addNeighbourCounty(db);
    const special = await db
      .selectFrom('temporary_orgs')
      .selectAll()
      .where('id', '=', ctx.county.orgs.special.id)
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    await db
      .insertInto('temporary_orgs')
      .values({ ...special, id, name: '方城县产业临时党支部', path: `/${id}/`, parent_id: null, region_code: '411322' })
      .execute();
    const qiao = await ctx.user('qiaoduan');
    const targets = (await qiao.get('/escalation-targets?limit=200')).json();
    expect(targets.items.map((t: { name: string }) => t.name)).toContain('县酵素产业临时党支部');
    expect(targets.items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect(targets.total).toBe(targets.items.length);
    const refused = await qiao.post(`/items/${itemId}/escalate`, {
      toOrgId: id,
      reason: '需要县级资源',
      version: await version(itemId),
    });
    expect(refused.statusCode).toBe(400);
    expect((await qiao.get(`/items/${itemId}`)).json().escalatedTo).toBeNull();
  });

  it("link by need reaches any unit and township of the item's county, never a member of another county", async () => {
    await residentReport();
    const itemId = await comb();
    const db = ctx.t.db.db;
    await addNeighbourCounty(db);
    const unit = randomUUID();
    const member = randomUUID();
    const now = new Date().toISOString();
    await db
      .insertInto('units')
      .values({
        id: unit,
        name: '方城县供电公司',
        type: 'enterprise',
        region_code: '411322',
        name_initials: 'fcxgdgs',
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('members')
      .values({
        id: member,
        name: '方电工',
        name_initials: 'fdg',
        name_pinyin: 'fangdiangong',
        gender: 'male',
        party_status: 'full',
        home_party_org_id: null,
        unit_id: unit,
        region_code: '411322',
        title: null,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const qiao = await ctx.user('qiaoduan');
    const far = await qiao.post(`/items/${itemId}/links`, { memberId: member, reason: '需要电工' });
    expect(far.statusCode).toBe(404);
    expect(
      (await qiao.get(`/items/${itemId}`)).json().members.map((m: { memberId: string }) => m.memberId),
    ).not.toContain(member);
  });

  it('dissolution is refused while items are open, unless each is handed over to a named successor', async () => {
    await residentReport();
    const itemId = await comb();
    const qiao = await ctx.user('qiaoduan');
    const branch = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoBranch.id}`)).json();
    const refused = await qiao.post(`/orgs/${branch.id}/dissolve`, {
      dissolvedOn: '2021-01-10',
      backdateReason: '补录',
      reason: '任务完成',
      version: branch.version,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('open_items');
    const handed = await qiao.post(`/orgs/${branch.id}/dissolve`, {
      dissolvedOn: '2021-01-10',
      backdateReason: '补录',
      reason: '任务完成',
      version: branch.version,
      handovers: [{ itemId, successorOrgId: ctx.county.orgs.qiaoGb.id }],
    });
    expect(handed.statusCode).toBe(204);
    const item = (await qiao.get(`/items/${itemId}`)).json();
    expect(item).toMatchObject({ orgId: ctx.county.orgs.qiaoGb.id, responsibleGroup: null });
    expect(item.events.at(-1).text).toContain('移交乔端镇临时党总支');
    expect((await move('qiaoduan', itemId, 'in_progress')).statusCode).toBe(204);
  });

  it('an organization items were escalated to is dissolved only once each is handed on or back, and the item follows', async () => {
    const qiao = await ctx.user('qiaoduan');
    const escalated: string[] = [];
    for (const description of ['断路器老是跳闸，东头停电', '断路器老是跳闸，西头停电']) {
      await residentReport(description);
      const itemId = await comb();
      const res = await qiao.post(`/items/${itemId}/escalate`, {
        toOrgId: ctx.county.orgs.special.id,
        reason: '需要县级资源',
        version: await version(itemId),
      });
      expect(res.statusCode).toBe(204);
      escalated.push(itemId);
    }
    const [onward, back] = escalated as [string, string];
    const admin = await ctx.user('admin');
    const special = (await admin.get(`/orgs/${ctx.county.orgs.special.id}`)).json();
    const dissolve = (handovers?: { itemId: string; successorOrgId: string }[]) =>
      admin.post(`/orgs/${special.id}/dissolve`, {
        dissolvedOn: '2021-01-10',
        backdateReason: '补录',
        reason: '任务完成',
        version: special.version,
        ...(handovers ? { handovers } : {}),
      });
    // The items belong to the township's branch, yet the special-task branch is the one working on them.
    const refused = await dissolve();
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'open_items', detail: expect.stringContaining('2 个') });
    expect((await dissolve([{ itemId: onward, successorOrgId: ctx.county.orgs.qiaoGb.id }])).json().code).toBe(
      'open_items',
    );
    const handed = await dissolve([
      { itemId: onward, successorOrgId: ctx.county.orgs.qiaoGb.id },
      { itemId: back, successorOrgId: ctx.county.orgs.qiaoBranch.id },
    ]);
    expect(handed.statusCode).toBe(204);
    const on = (await qiao.get(`/items/${onward}`)).json();
    expect(on).toMatchObject({ orgId: ctx.county.orgs.qiaoBranch.id, escalatedTo: { id: ctx.county.orgs.qiaoGb.id } });
    expect(on.events.at(-1).text).toContain('转由乔端镇临时党总支');
    const returned = (await qiao.get(`/items/${back}`)).json();
    expect(returned).toMatchObject({ orgId: ctx.county.orgs.qiaoBranch.id, escalatedTo: null });
    expect(returned.events.at(-1).text).toContain('交回');
    // Handed back, it can go up again, to an organization that is still there.
    const again = await qiao.post(`/items/${back}/escalate`, {
      toOrgId: ctx.county.orgs.qiaoGb.id,
      reason: '需要镇里协调',
      version: returned.version,
    });
    expect(again.statusCode).toBe(204);
  });

  it('items of a dissolved organization stay searchable and read-only', async () => {
    await residentReport();
    const itemId = await comb();
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    await move('qiaoduan', itemId, 'closed', { evidence: '已处理' });
    const qiao = await ctx.user('qiaoduan');
    const branch = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoBranch.id}`)).json();
    expect(
      (
        await qiao.post(`/orgs/${branch.id}/dissolve`, {
          dissolvedOn: '2021-01-10',
          backdateReason: '补录',
          reason: '任务完成',
          version: branch.version,
        })
      ).statusCode,
    ).toBe(204);
    expect((await qiao.get(`/items?listId=${(await qiao.get(`/items/${itemId}`)).json().listId}`)).json().total).toBe(
      1,
    );
    const reopen = await move('supervisor', itemId, 'in_progress', { reason: 'x' });
    expect(reopen.json().code).toBe('org_dissolved');
    expect((await qiao.post(`/items/${itemId}/events`, { text: 'x' })).json().code).toBe('org_dissolved');
  });
});
