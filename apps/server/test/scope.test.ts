import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

describe('scope is enforced in SQL: a township admin never sees, counts or edits the other township', () => {
  const ctx = useCounty();

  it('lists only organizations of its own township', async () => {
    const qiao = await ctx.user('qiaoduan');
    const res = (await qiao.get('/orgs?limit=200')).json();
    const names = res.items.map((o: { name: string }) => o.name).sort();
    expect(names).toEqual(['基础建设党小组', '白河新村易地搬迁临时党支部', '乔端镇临时党总支'].sort());
    expect(res.total).toBe(3);
    const roots = (await qiao.get('/orgs?roots=true')).json();
    expect(roots.items.map((o: { name: string }) => o.name)).toEqual(['乔端镇临时党总支']);
  });

  it('answers 404 for every record of the other township, read or write', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.get(`/orgs/${orgs.chengBranch.id}`)).statusCode).toBe(404);
    expect((await qiao.get(`/orgs/${orgs.chengBranch.id}/memberships`)).statusCode).toBe(404);
    expect((await qiao.get(`/orgs/${orgs.committee.id}`)).statusCode).toBe(404);
    expect((await qiao.get(`/orgs/${orgs.special.id}`)).statusCode).toBe(404);
    expect((await qiao.get(`/members/${members.chengMember}`)).statusCode).toBe(404);
    const edit = await qiao.patch(`/orgs/${orgs.chengBranch.id}`, { version: 1, mission: '改' });
    expect(edit.statusCode).toBe(404);
    const linkInto = await qiao.post(`/orgs/${orgs.chengBranch.id}/memberships`, {
      memberId: members.qiaoOther,
      role: 'member',
      startOn: '2020-04-01',
      linkReason: 'x',
    });
    expect(linkInto.statusCode).toBe(404);
    const linkOther = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships`, {
      memberId: members.chengOther,
      role: 'member',
      startOn: '2020-04-01',
      linkReason: 'x',
    });
    expect(linkOther.statusCode).toBe(404);
    const child = await qiao.post('/orgs', {
      parentId: orgs.chengGb.id,
      level: 'branch',
      name: '越权支部',
      mode: 'joint_building',
      anchorType: 'village_cluster',
      anchorName: 'x',
      mission: 'x',
      regionCode: '411321106200',
      establishedOn: '2020-01-01',
    });
    expect(child.statusCode).toBe(404);
    const dissolve = await qiao.post(`/orgs/${orgs.chengBranch.id}/dissolve`, {
      dissolvedOn: '2021-01-01',
      backdateReason: '补录',
      reason: 'x',
      version: 1,
    });
    expect(dissolve.statusCode).toBe(404);
  });

  it('counts and searches only its own township', async () => {
    const qiao = await ctx.user('qiaoduan');
    const stats = (await qiao.get('/stats/overview')).json();
    expect(stats.orgs).toEqual({ committee: 0, general_branch: 1, branch: 1, group: 1 });
    expect(stats.membersLinked).toBe(2);
    expect(stats.byTownship.map((t: { name: string }) => t.name)).toEqual(['乔端镇']);
    expect(stats.byBranch).toEqual([
      { id: ctx.county.orgs.qiaoBranch.id, name: '白河新村易地搬迁临时党支部', groups: 1, membersLinked: 2 },
    ]);
    // Another township, asked by region: outside the account's scope, so it does not exist for it.
    expect((await qiao.get('/stats/overview?regionCode=411321300')).statusCode).toBe(404);
    const members = (await qiao.get('/members?limit=200')).json();
    const names = members.items.map((m: { name: string }) => m.name);
    expect(names).not.toContain('陈静');
    expect(names).not.toContain('刘洋');
    expect((await qiao.get('/members?q=cj')).json().total).toBe(0);
    const orgSearch = (await qiao.get(`/orgs?q=${encodeURIComponent('国储林')}`)).json();
    expect(orgSearch.total).toBe(0);
    const units = (await qiao.get('/units?limit=200')).json();
    expect(units.items.map((u: { name: string }) => u.name)).not.toContain('城郊乡人民政府');
    const regions = (await qiao.get('/regions')).json();
    expect(regions.items.map((r: { code: string }) => r.code)).not.toContain('411321300');
    expect(regions.items.map((r: { code: string }) => r.code)).toContain('411321106200');
  });

  it('the other township admin is isolated the same way', async () => {
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/orgs/${ctx.county.orgs.qiaoBranch.id}`)).statusCode).toBe(404);
    expect((await cheng.get('/stats/overview')).json().membersLinked).toBe(2);
  });

  it('the county admin sees the whole county', async () => {
    const admin = await ctx.user('admin');
    const stats = (await admin.get('/stats/overview')).json();
    expect(stats.orgs).toEqual({ committee: 1, general_branch: 2, branch: 3, group: 2 });
    expect(stats.membersLinked).toBe(5);
  });

  it('a branch secretary sees its branch and groups, members linked there and members of its linked units', async () => {
    const { orgs, members } = ctx.county;
    const baihe = await ctx.user('baihe');
    const list = (await baihe.get('/orgs')).json();
    expect(list.items.map((o: { name: string }) => o.name).sort()).toEqual(
      ['基础建设党小组', '白河新村易地搬迁临时党支部'].sort(),
    );
    expect((await baihe.get(`/orgs/${orgs.qiaoGb.id}`)).statusCode).toBe(404);
    const visible = (await baihe.get('/members?limit=200')).json().items.map((m: { id: string }) => m.id);
    expect(visible).toContain(members.qiaoPowerChief); // works for the linked power station
    expect(visible).not.toContain(members.chengMember);
  });

  it('an unauthenticated caller gets 401 and a role without the permission gets 403', async () => {
    const anon = await ctx.t.app.inject({ url: '/api/v1/orgs' });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    const supervisor = await ctx.user('supervisor');
    const write = await supervisor.post('/orgs', {});
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('permission_denied');
    const auditor = await ctx.user('auditor');
    expect((await auditor.get('/audit-events')).statusCode).toBe(200);
    expect((await supervisor.get('/audit-events')).statusCode).toBe(403);
  });
});
