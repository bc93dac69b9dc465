import { describe, expect, it } from 'vitest';
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
        baihe.post('/problem-lists', { orgId, title: `清单${i}`, listedOn: '2020-08-01', items: [{ problem: `事项${i}`, category: 'roads' }] }),
      ),
    );
    expect(lists.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const numbers = await ctx.t.db.db.selectFrom('problem_lists').select('no').where('org_id', '=', orgId).orderBy('no').execute();
    expect(numbers.map((r) => r.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const listId = lists[0]?.json().id as string;
    const added = await Promise.all(Array.from({ length: 8 }, (_, i) => baihe.post(`/problem-lists/${listId}/items`, { problem: `追加${i}`, category: 'water' })));
    expect(added.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const items = await ctx.t.db.db.selectFrom('items').select('no').where('list_id', '=', listId).orderBy('no').execute();
    expect(items.map((r) => r.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
