import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../src/lib/identity.ts';
import type { Client } from './helpers.ts';
import { useCounty } from './setup-county.ts';

let seq = 300;
/** A valid generated ID number (GB 11643 check digit), born in the given year. */
function idNumber(year = 1975): string {
  seq += 1;
  const first17 = `411321${year}0415${String(seq).slice(-3)}`;
  return first17 + idCheckChar(first17);
}

/** Registers a household of one person, its head, in the given village; answers its id. */
async function register(as: Client, head: string, regionCode = '411321106200'): Promise<string> {
  const res = await as.post('/households', {
    regionCode,
    address: '3组12号',
    primaryCause: 'illness',
    income: { wages: 6000, business: 0, transfer: 1200, property: 0 },
    waterSafe: true,
    people: [
      { name: head, relationship: '户主', gender: 'male', idNumber: idNumber(), health: 'healthy', labour: 'normal' },
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

type Row = { id: string; headName: string; regionCode: string; status: string; activeHelpers: number };

/** Every household of the register in the order asked, read page by page (two a page) through the cursors. */
async function allPages(as: Client, query: string): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const res = await as.get(`/households?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    rows.push(...res.json().items);
    cursor = res.json().nextCursor;
  } while (cursor);
  return rows;
}

const helper = (memberId: string, over: Record<string, unknown> = {}) => ({
  memberId,
  role: 'cadre',
  primary: true,
  reason: '结对帮扶',
  startOn: '2020-03-01',
  ...over,
});

describe('The register: regions, sorting, pinyin and bulk assignment of helpers', () => {
  const ctx = useCounty();

  it("a head of household is found by full pinyin as by initials or name; a member's search takes both", async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await register(qiao, '白丙刚');
    await register(qiao, '王大山');
    for (const q of ['baibinggang', 'baibing', 'bai bing gang', 'BaiBingGang', 'bbg', '白丙']) {
      const found = (await qiao.get(`/households?q=${encodeURIComponent(q)}`)).json();
      expect(
        found.items.map((h: Row) => h.id),
        q,
      ).toEqual([id]);
    }
    expect((await qiao.get('/households?q=baibingx')).json().total).toBe(0);
    const admin = await ctx.user('admin');
    for (const q of ['zhouqiang', 'zhouq', 'zq', '周强']) {
      const members = (await admin.get(`/members?q=${encodeURIComponent(q)}`)).json();
      expect(
        members.items.map((m: { id: string }) => m.id),
        q,
      ).toContain(ctx.county.members.countyOfficer);
    }
  });

  it("township and village filters and columns; a township's filter never reaches another township", async () => {
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    await register(qiao, '王大山', '411321106200');
    await register(qiao, '李秀英', '411321106200');
    const other = await register(qiao, '张小军', '411321106201');
    await register(cheng, '赵德明', '411321300214');
    const township = (await qiao.get('/households?regionCode=411321106')).json();
    expect(township.total).toBe(3);
    expect(township.items[0]).toMatchObject({ townshipCode: '411321106', townshipName: '乔端镇' });
    const village = (await qiao.get('/households?regionCode=411321106201')).json();
    expect(village.items.map((h: Row) => h.id)).toEqual([other]);
    expect(village.items[0]).toMatchObject({ regionName: '水晶河村', townshipName: '乔端镇' });
    // Another township's code or village finds nothing for a township account, though the county sees them.
    expect((await qiao.get('/households?regionCode=411321300')).json().total).toBe(0);
    expect((await qiao.get('/households?regionCode=411321300214')).json().total).toBe(0);
    expect((await qiao.post('/households/search', { regionCode: '411321300' })).json().total).toBe(0);
    expect((await (await ctx.user('admin')).get('/households?regionCode=411321300')).json().total).toBe(1);
  });

  it('each sort, either way, pages through every household once and in order', async () => {
    const qiao = await ctx.user('qiaoduan');
    const ids = [
      await register(qiao, '王大山', '411321106201'),
      await register(qiao, '李秀英', '411321106200'),
      await register(qiao, '张小军', '411321106201'),
      await register(qiao, '白丙刚', '411321106200'),
      await register(qiao, '陈家和', '411321106200'),
    ];
    const { qiaoOther, qiaoSecretary } = ctx.county.members;
    // Helpers in force: 2, 1, 0, 0, 1.
    for (const [i, m, primary] of [
      [0, qiaoOther, true],
      [0, qiaoSecretary, false],
      [1, qiaoOther, true],
      [4, qiaoSecretary, true],
    ] as const) {
      const res = await qiao.post(`/households/${ids[i]}/helpers`, helper(m, { primary, role: 'party_member' }));
      expect(res.statusCode, res.body).toBe(201);
    }
    const key: Record<string, (r: Row) => string | number> = {
      name: (r) => r.headName,
      village: (r) => r.regionCode,
      status: (r) => r.status,
      helpers: (r) => r.activeHelpers,
    };
    for (const sort of ['name', 'village', 'status', 'helpers']) {
      for (const dir of ['asc', 'desc'] as const) {
        const rows = await allPages(qiao, `sort=${sort}&dir=${dir}`);
        expect(new Set(rows.map((r) => r.id)), `${sort} ${dir}`).toEqual(new Set(ids));
        expect(rows).toHaveLength(5);
        if (sort === 'name') continue;
        const values = rows.map(key[sort] as (r: Row) => string | number);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(values, `${sort} ${dir}`).toEqual(dir === 'asc' ? sorted : sorted.reverse());
      }
    }
    // By name: the heads' full pinyin (bai, chen, li, wang, zhang).
    expect((await allPages(qiao, 'sort=name')).map((r) => r.headName)).toEqual([
      '白丙刚',
      '陈家和',
      '李秀英',
      '王大山',
      '张小军',
    ]);
    expect((await allPages(qiao, 'sort=helpers&dir=desc')).map((r) => r.activeHelpers)).toEqual([2, 1, 1, 0, 0]);
    // The county's account, by a township's filter (the township's index) or over the whole county (the county's),
    // pages through them in the same order as the township's account.
    const admin = await ctx.user('admin');
    const byName = (await allPages(qiao, 'sort=name')).map((r) => r.id);
    expect((await allPages(admin, 'regionCode=411321106&sort=name')).map((r) => r.id)).toEqual(byName);
    const county = (await allPages(admin, 'sort=name&dir=desc')).map((r) => r.id);
    expect(county.filter((id) => ids.includes(id))).toEqual([...byName].reverse());
    expect(new Set(county).size).toBe(county.length);
    // A cursor issued for one order is refused by another whose key is of another kind.
    const first = (await qiao.get('/households?limit=2&sort=name')).json();
    const mixed = await qiao.get(`/households?limit=2&sort=helpers&cursor=${first.nextCursor}`);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().code).toBe('invalid_cursor');
  });

  it('a page number jumps straight to that page: the rows the cursors reach, and the next page goes on from there', async () => {
    const qiao = await ctx.user('qiaoduan');
    for (const head of ['甲一', '乙二', '丙三', '丁四', '戊五', '己六', '庚七']) await register(qiao, head);
    for (const sort of ['name', 'helpers']) {
      const all = await allPages(qiao, `sort=${sort}&dir=desc`);
      const third = await qiao.get(`/households?limit=2&sort=${sort}&dir=desc&page=3`);
      expect(third.statusCode, third.body).toBe(200);
      expect(third.json().items.map((r: Row) => r.id)).toEqual(all.slice(4, 6).map((r) => r.id));
      expect(third.json().total).toBe(all.length);
      // From the jumped page, the cursor goes on to the fourth page.
      const fourth = await qiao.get(`/households?limit=2&sort=${sort}&dir=desc&cursor=${third.json().nextCursor}`);
      expect(fourth.json().items.map((r: Row) => r.id)).toEqual(all.slice(6, 8).map((r) => r.id));
      // Past the last page: nothing, and no cursor.
      const past = (await qiao.get(`/households?limit=2&sort=${sort}&page=${all.length}`)).json();
      expect([past.items, past.nextCursor]).toEqual([[], null]);
    }
    // The search in the body jumps alike; a page and a cursor together are refused.
    const body = await qiao.post('/households/search', { limit: 2, sort: 'name', page: 2 });
    expect(body.statusCode, body.body).toBe(200);
    expect(body.json().items.map((r: Row) => r.id)).toEqual(
      (await allPages(qiao, 'sort=name')).slice(2, 4).map((r) => r.id),
    );
    const first = (await qiao.get('/households?limit=2')).json();
    const both = await qiao.get(`/households?limit=2&page=2&cursor=${first.nextCursor}`);
    expect([both.statusCode, both.json().code]).toEqual([400, 'validation_failed']);
    expect((await qiao.get('/households?limit=2&page=0')).statusCode).toBe(400);
  });

  it('a bulk assignment gives one helper to every household chosen, each with its audit row', async () => {
    const qiao = await ctx.user('qiaoduan');
    const a = await register(qiao, '王大山');
    const b = await register(qiao, '李秀英', '411321106201');
    expect((await qiao.get('/households?gap=no_primary_helper')).json().total).toBe(2);
    const res = await qiao.post('/households/helpers', {
      householdIds: [a, b],
      ...helper(ctx.county.members.qiaoOther),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().ids).toHaveLength(2);
    expect((await qiao.get('/households?gap=no_primary_helper')).json().total).toBe(0);
    for (const id of [a, b]) {
      const detail = (await qiao.get(`/households/${id}`)).json();
      expect(detail.helpers.map((h: { memberId: string; primary: boolean }) => [h.memberId, h.primary])).toEqual([
        [ctx.county.members.qiaoOther, true],
      ]);
    }
    const trail = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['entity_id', 'request_id'])
      .where('action', '=', 'helper.assign')
      .execute();
    expect(trail.map((e) => e.entity_id).sort()).toEqual([a, b].sort());
    expect(trail[0]?.request_id).toBe(trail[1]?.request_id);
  });

  it('a bulk assignment one household refuses writes nothing for any of them', async () => {
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const { qiaoOther, qiaoSecretary } = ctx.county.members;
    const free = await register(qiao, '王大山');
    const taken = await register(qiao, '李秀英');
    const elsewhere = await register(cheng, '赵德明', '411321300214');
    expect((await qiao.post(`/households/${taken}/helpers`, helper(qiaoSecretary))).statusCode).toBe(201);
    const helpersOf = async () =>
      (await ctx.t.db.db.selectFrom('helpers').select('household_id').execute()).map((h) => h.household_id);
    const before = await helpersOf();

    // The second household already has its primary helper: the rule of a single assignment refuses the batch.
    const refused = await qiao.post('/households/helpers', { householdIds: [free, taken], ...helper(qiaoOther) });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('primary_helper_exists');
    expect(refused.json().errors[0]).toEqual({ path: 'body.householdIds.1', message: taken });
    // Another township's household is not found, as it would be alone.
    const foreign = await qiao.post('/households/helpers', { householdIds: [free, elsewhere], ...helper(qiaoOther) });
    expect(foreign.statusCode).toBe(404);
    // A helper of another township cannot be picked by id.
    const stranger = await qiao.post('/households/helpers', {
      householdIds: [free],
      ...helper(ctx.county.members.chengMember),
    });
    expect(stranger.statusCode).toBe(404);
    // Too many at once, or the same household twice: refused before anything is read.
    const many = Array.from({ length: 51 }, () => free);
    expect((await qiao.post('/households/helpers', { householdIds: many, ...helper(qiaoOther) })).statusCode).toBe(400);
    expect(
      (await qiao.post('/households/helpers', { householdIds: [free, free], ...helper(qiaoOther) })).statusCode,
    ).toBe(400);
    expect(await helpersOf()).toEqual(before);
    expect((await qiao.get(`/households/${free}`)).json().helpers).toEqual([]);
  });

  it('problem lists are found by words of the title, organization and the day listed, in scope', async () => {
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const { qiaoBranch, chengBranch } = ctx.county.orgs;
    const make = async (as: Client, orgId: string, title: string, listedOn: string, regionCode: string) => {
      const res = await as.post('/problem-lists', {
        orgId,
        title,
        listedOn,
        items: [{ problem: '路灯不亮', category: 'roads', regionCode, dueOn: '2020-09-01' }],
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const spring = await make(qiao, qiaoBranch.id, '安置点问题清单', '2020-04-10', '411321106200');
    const summer = await make(qiao, qiaoBranch.id, '产业路问题清单', '2020-06-20', '411321106200');
    const cheng1 = await make(cheng, chengBranch.id, '安置点排查清单', '2020-05-01', '411321300214');
    const ids = async (as: Client, query: string) =>
      (await as.get(`/problem-lists?${query}`)).json().items.map((l: { id: string }) => l.id);
    expect(await ids(qiao, `q=${encodeURIComponent('安置点')}`)).toEqual([spring]);
    expect(await ids(qiao, `q=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await ids(qiao, 'from=2020-05-01')).toEqual([summer]);
    expect(await ids(qiao, 'to=2020-04-10')).toEqual([spring]);
    expect(await ids(qiao, 'from=2020-04-11&to=2020-06-19')).toEqual([]);
    expect(await ids(qiao, `orgId=${qiaoBranch.id}`)).toEqual([summer, spring]);
    // Another township's organization or title finds nothing for a township account.
    expect(await ids(qiao, `orgId=${chengBranch.id}`)).toEqual([]);
    const admin = await ctx.user('admin');
    expect(await ids(admin, `q=${encodeURIComponent('安置点')}`)).toEqual([cheng1, spring]);
    const total = (await admin.get(`/problem-lists?q=${encodeURIComponent('清单')}&from=2020-04-11`)).json();
    expect(total.total).toBe(2);
  });
});
