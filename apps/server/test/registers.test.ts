import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

describe('registers: units, formal party organizations, members', () => {
  const ctx = useCounty();

  it('a township registers a unit, its party branch and a member, all inside its own region', async () => {
    const qiao = await ctx.user('qiaoduan');
    const unit = await qiao.post('/units', {
      name: '乔端镇水利站',
      type: 'public_institution',
      regionCode: '411321106',
    });
    expect(unit.statusCode).toBe(201);
    const branch = await qiao.post('/party-orgs', {
      name: '中共乔端镇水利站支部委员会',
      kind: 'unit_branch',
      regionCode: '411321106',
      unitId: unit.json().id,
    });
    expect(branch.statusCode).toBe(201);
    const member = await qiao.post('/members', {
      name: '孙水利',
      gender: 'male',
      partyStatus: 'full',
      homeOrgId: branch.json().id,
      unitId: unit.json().id,
      skills: ['water'],
    });
    expect(member.statusCode).toBe(201);
    const found = (await qiao.get('/members?q=ssl')).json();
    expect(found.items[0]).toMatchObject({
      name: '孙水利',
      homeOrgName: '中共乔端镇水利站支部委员会',
      skills: ['water'],
    });
    expect((await qiao.get('/party-orgs?q=水利站')).json().items).toHaveLength(1);
    // Nothing of it shows on the other township's side.
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get('/party-orgs?q=水利站')).json().items).toHaveLength(0);
    expect((await cheng.get(`/members/${member.json().id}`)).statusCode).toBe(404);
  });

  it("a unit's duties come from its name unless given, and a township sets them; link by need ranks by them", async () => {
    const qiao = await ctx.user('qiaoduan');
    const unit = (
      await qiao.post('/units', { name: '乔端镇水利站', type: 'public_institution', regionCode: '411321106' })
    ).json();
    const listed = async () => (await qiao.get('/units?q=乔端镇水利站')).json().items[0];
    expect(await listed()).toMatchObject({ duties: ['water'] });
    const given = (
      await qiao.post('/units', {
        name: '乔端镇综合服务中心',
        type: 'public_institution',
        regionCode: '411321106',
        duties: ['mediation', 'law'],
      })
    ).json();
    expect((await qiao.get('/units?q=综合服务中心')).json().items[0].duties).toEqual(['law', 'mediation']);
    const before = await listed();
    expect(
      (await qiao.put(`/units/${unit.id}/duties`, { duties: ['water', 'construction'], version: before.version }))
        .statusCode,
    ).toBe(204);
    expect(await listed()).toMatchObject({ duties: ['construction', 'water'], version: before.version + 1 });
    // A stale version changes nothing; another township's unit is not found.
    expect((await qiao.put(`/units/${unit.id}/duties`, { duties: [], version: before.version })).statusCode).toBe(409);
    expect(
      (await (await ctx.user('chengjiao')).put(`/units/${given.id}/duties`, { duties: [], version: 1 })).statusCode,
    ).toBe(404);
  });

  it("formal organizations form a tree: a township station's branch is led by its system's county committee, and what is sent to its members' home organization reaches that committee, not the township", async () => {
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const { units, orgs } = ctx.county;
    const station = await qiao.post('/party-orgs', {
      name: '中共乔端镇派出所支部委员会',
      kind: 'unit_branch',
      regionCode: '411321106',
      unitId: units.qiaoPolice,
    });
    expect(station.statusCode, station.body).toBe(201);
    const placed = (await qiao.get('/party-orgs?q=派出所')).json().items[0];
    expect(placed).toMatchObject({ name: '中共乔端镇派出所支部委员会', parentName: '中共南召县公安局机关支部委员会' });
    // A village's branch, and a township office's, stay under the township committee.
    const village = (
      await qiao.post('/party-orgs', {
        name: '中共穆老庄村支部委员会',
        kind: 'village_branch',
        regionCode: '411321106200',
      })
    ).json().id;
    expect((await qiao.get('/party-orgs?q=穆老庄村')).json().items[0]).toMatchObject({
      id: village,
      parentName: '中共乔端镇委员会',
    });
    // A police officer of the station, linked into the relocation-site branch.
    const officer = (
      await qiao.post('/members', {
        name: '周派',
        gender: 'male',
        partyStatus: 'full',
        homeOrgId: station.json().id,
        unitId: units.qiaoPolice,
        skills: ['security'],
      })
    ).json().id;
    const linked = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships`, {
      memberId: officer,
      role: 'member',
      startOn: '2020-05-19',
      linkReason: '维护安置点治安',
    });
    expect(linked.statusCode, linked.body).toBe(201);
    const sent = await (await ctx.user('baihe')).post('/feedback-to-home', {
      orgId: orgs.qiaoBranch.id,
      memberId: officer,
      period: '2020年',
      kind: 'good_work',
      text: '夜间巡逻认真',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const inbox = async (who: 'qiaoduan' | 'admin') =>
      (await (await ctx.user(who)).get('/feedback-to-home?box=received')).json().items.map((f: { id: string }) => f.id);
    expect(await inbox('qiaoduan')).not.toContain(sent.json().id);
    expect(await inbox('admin')).toContain(sent.json().id);
    // And only the committee above may acknowledge it.
    expect((await qiao.post(`/feedback-to-home/${sent.json().id}/acknowledge`, { version: 1 })).statusCode).toBe(404);
    expect(
      (await admin.post(`/feedback-to-home/${sent.json().id}/acknowledge`, { note: '转县公安局党委', version: 1 }))
        .statusCode,
    ).toBe(204);
  });

  it('refuses registrations outside the caller region', async () => {
    const qiao = await ctx.user('qiaoduan');
    const unit = await qiao.post('/units', { name: '越权单位', type: 'enterprise', regionCode: '411321300' });
    expect(unit.statusCode).toBe(400);
    const org = await qiao.post('/party-orgs', {
      name: '越权党委',
      kind: 'township_committee',
      regionCode: '411321300',
    });
    expect(org.statusCode).toBe(400);
    const member = await qiao.post('/members', {
      name: '越权',
      gender: 'male',
      partyStatus: 'full',
      homeOrgId: ctx.county.partyOrgs.chengGovBranch,
      unitId: ctx.county.units.chengGov,
    });
    expect(member.statusCode).toBe(404);
  });

  it('a party member needs a formal home organization; a participant has none', async () => {
    const qiao = await ctx.user('qiaoduan');
    const noHome = await qiao.post('/members', {
      name: '无组织',
      gender: 'female',
      partyStatus: 'full',
      homeOrgId: null,
      unitId: ctx.county.units.qiaoPower,
    });
    expect(noHome.statusCode).toBe(400);
    const participant = await qiao.post('/members', {
      name: '电工甲',
      gender: 'male',
      partyStatus: 'none',
      homeOrgId: null,
      unitId: ctx.county.units.qiaoPower,
      skills: ['electricity'],
    });
    expect(participant.statusCode).toBe(201);
    // A temporary organization cannot be a home organization: only formal ones are accepted.
    const tempHome = await qiao.post('/members', {
      name: '挂靠',
      gender: 'male',
      partyStatus: 'full',
      homeOrgId: ctx.county.orgs.qiaoBranch.id,
      unitId: ctx.county.units.qiaoPower,
    });
    expect(tempHome.statusCode).toBe(400);
  });
});
