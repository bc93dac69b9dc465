import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

describe('overview figures at any date', () => {
  const ctx = useCounty();

  it('counts only organizations and memberships that existed on the date', async () => {
    const admin = await ctx.user('admin');
    const before = (await admin.get('/stats/overview?asOf=2019-01-01')).json();
    expect(before.orgs).toEqual({ committee: 0, general_branch: 0, branch: 0, group: 0 });
    expect(before.membersLinked).toBe(0);

    const cheng = await ctx.user('chengjiao');
    const branch = (await cheng.get(`/orgs/${ctx.county.orgs.chengBranch.id}`)).json();
    await cheng.post(`/orgs/${branch.id}/dissolve`, {
      dissolvedOn: '2021-01-10',
      backdateReason: '补录',
      reason: '任务完成',
      version: branch.version,
    });

    const during = (await admin.get('/stats/overview?asOf=2020-05-19')).json();
    expect(during.orgs).toEqual({ committee: 1, general_branch: 2, branch: 3, group: 2 });
    expect(during.membersLinked).toBe(5);
    const after = (await admin.get('/stats/overview?asOf=2021-06-01')).json();
    expect(after.orgs).toEqual({ committee: 1, general_branch: 2, branch: 2, group: 1 });
    expect(after.membersLinked).toBe(3);
    expect(after.byStatus).toEqual({ active: 6 });
    // The dissolved branch and its group stay searchable and readable.
    const dissolved = (await admin.get('/orgs?status=dissolved')).json();
    expect(dissolved.items.map((o: { name: string }) => o.name).sort()).toEqual(
      ['国储林基地临时党支部', '土地流转党小组'].sort(),
    );
    expect((await admin.get('/orgs?asOf=2021-06-01&level=branch')).json().total).toBe(2);
    expect((await admin.get('/orgs?asOf=2020-06-01&level=branch')).json().total).toBe(3);
    expect((await admin.get(`/orgs/${branch.id}`)).json().status).toBe('dissolved');
  });
});
