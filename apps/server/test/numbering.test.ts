import { describe, expect, it } from 'vitest';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

/**
 * Numbers taken from the largest so far (a list's number in its branch, an item's in its list, a ledger's version)
 * are taken one writer at a time: requests at the same moment get consecutive numbers, and none is refused for it.
 * (On PostgreSQL each request runs on its own connection, so these requests really meet.)
 */
describe('numbers are taken one at a time, whatever arrives together', () => {
  const ctx = useCounty();

  it('lists set up and items added at the same moment are numbered one after another, none refused and none twice', async () => {
    const baihe = await ctx.user('baihe');
    const orgId = ctx.county.orgs.qiaoBranch.id;
    const lists = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        baihe.post('/problem-lists', {
          orgId,
          title: `清单${i}`,
          listedOn: '2020-08-01',
          items: [{ problem: `事项${i}`, category: 'roads' }],
        }),
      ),
    );
    expect(lists.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const numbers = await ctx.t.db.db
      .selectFrom('problem_lists')
      .select('no')
      .where('org_id', '=', orgId)
      .orderBy('no')
      .execute();
    expect(numbers.map((r) => r.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const listId = lists[0]?.json().id as string;
    const added = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        baihe.post(`/problem-lists/${listId}/items`, { problem: `追加${i}`, category: 'water' }),
      ),
    );
    expect(added.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const items = await ctx.t.db.db
      .selectFrom('items')
      .select('no')
      .where('list_id', '=', listId)
      .orderBy('no')
      .execute();
    expect(items.map((r) => r.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('a household’s rules hold when its writes arrive at once', () => {
  const ctx = useCounty();

  it('two primary helpers or two exit applications sent together leave one of each; the others are refused', async () => {
    const qiao = await ctx.user('qiaoduan');
    const { members } = ctx.county;
    const h = await registerHousehold(qiao);
    const primary = await Promise.all(
      [members.qiaoOther, members.qiaoPowerChief, members.qiaoSecretary].map((memberId) =>
        qiao.post(`/households/${h}/helpers`, {
          memberId,
          role: 'cadre',
          primary: true,
          reason: '结对帮扶',
          startOn: '2020-01-01',
        }),
      ),
    );
    expect(primary.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const exits = await Promise.all(
      [1, 2, 3].map(() => qiao.post('/exit-applications', { householdId: h, source: 'household' })),
    );
    expect(exits.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const db = ctx.t.db.db;
    const count = async (t: 'helpers' | 'exit_applications') =>
      Number(
        (
          await db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('household_id', '=', h)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect([await count('helpers'), await count('exit_applications')]).toEqual([1, 1]);
  });
});

describe('ledger versions are taken one at a time', () => {
  const ctx = useCounty();
  const INDICATORS = [
    {
      key: 'meetings',
      dimension: 'political',
      name: '按期开会',
      weight: 50,
      method: 'computed',
      metric: 'meetings_held',
      target: 6,
    },
    { key: 'satisfaction', dimension: 'results', name: '满意度', weight: 50, method: 'scored' },
  ];

  it('ledgers of one scheme and township computed at the same moment, alone and with the whole county, get consecutive versions, none refused', async () => {
    const admin = await ctx.user('admin');
    for (const tier of ['county', 'township']) {
      expect(
        (await admin.put('/assessment-schemes', { year: 2020, tier, name: '2020年度考核', indicators: INDICATORS }))
          .statusCode,
      ).toBeLessThan(300);
    }
    const qiao = await ctx.user('qiaoduan');
    // The whole county's computation holds the county scheme and the chain's head before it numbers 乔端镇's ledger.
    const sent = await Promise.all([
      ...Array.from({ length: 4 }, () => qiao.post('/ledgers', { year: 2020, tier: 'township' })),
      admin.post('/ledgers/county', { year: 2020 }),
      ...Array.from({ length: 3 }, () =>
        admin.post('/ledgers', { year: 2020, tier: 'township', scopeCode: '411321106' }),
      ),
    ]);
    expect(sent.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const versions = await ctx.t.db.db
      .selectFrom('ledgers')
      .select('version')
      .where('tier', '=', 'township')
      .where('scope_code', '=', '411321106')
      .orderBy('version')
      .execute();
    expect(versions.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
