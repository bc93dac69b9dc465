import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

describe('DOMAIN §8: disputes, industry chains and projects', () => {
  const ctx = useCounty();

  const disputeItem = async () => {
    const cheng = await ctx.user('chengjiao');
    const res = await cheng.post('/problem-lists', {
      orgId: ctx.county.orgs.chengBranch.id,
      title: '国储林基地土地流转问题清单',
      listedOn: '2020-03-02',
      items: [
        {
          kind: 'dispute',
          problem: '柴岗村承包户因补偿标准阻工',
          category: 'disputes',
          regionCode: '411321300214',
          responsibleMemberIds: [ctx.county.members.chengMember],
        },
      ],
    });
    expect(res.statusCode).toBe(201);
    return res.json().itemIds[0] as string;
  };

  it('a dispute records parties, claims, mediation sessions with mediators, an outcome and a follow-up check', async () => {
    const itemId = await disputeItem();
    const cheng = await ctx.user('chengjiao');
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute/sessions`, {
          heldOn: '2020-03-05',
          mediatorIds: [ctx.county.members.chengMember],
          notes: 'x',
        })
      ).json().code,
    ).toBe('dispute_missing');
    const one = await cheng.post(`/items/${itemId}/dispute`, { parties: [{ name: '承包户甲' }], claims: '提高补偿' });
    expect(one.statusCode).toBe(400); // a dispute has at least two parties
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute`, {
          parties: [
            { name: '柴岗村承包户', role: '承包方' },
            { name: '国储林项目公司', role: '流转方' },
          ],
          claims: '按新标准补偿地上附着物',
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute/outcome`, {
          outcome: 'agreement',
          note: '达成协议',
          outcomeOn: '2020-03-10',
        })
      ).json().code,
    ).toBe('no_mediation_session');
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute/sessions`, {
          heldOn: '2020-03-06',
          place: '柴岗村村委会',
          mediatorIds: [ctx.county.members.chengMember, ctx.county.members.chengOther],
          notes: '副书记通过承包户的姐姐（村干部）做工作',
        })
      ).statusCode,
    ).toBe(204);
    // A dispute cannot be handed in without an outcome.
    await cheng.post(`/items/${itemId}/transitions`, { to: 'in_progress', version: 1 });
    const early = await cheng.post(`/items/${itemId}/transitions`, { to: 'awaiting_confirmation', version: 2 });
    expect(early.json().code).toBe('dispute_outcome_missing');
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute/outcome`, {
          outcome: 'agreement',
          note: '双方签订补偿协议，复工',
          outcomeOn: '2020-03-10',
          followUpDueOn: '2020-04-10',
        })
      ).statusCode,
    ).toBe(204);
    // The reply says what may be recorded now, as the server would allow it: the follow-up, not another session; and
    // nothing for the supervisor, who reads items but does not work on them.
    expect((await cheng.get(`/items/${itemId}/dispute`)).json().abilities).toEqual({
      register: false,
      addSession: false,
      setOutcome: false,
      followUp: true,
    });
    expect((await (await ctx.user('supervisor')).get(`/items/${itemId}/dispute`)).json().abilities).toEqual({
      register: false,
      addSession: false,
      setOutcome: false,
      followUp: false,
    });
    expect(
      (await cheng.post(`/items/${itemId}/dispute/follow-up`, { checkedOn: '2020-03-01', result: 'x' })).statusCode,
    ).toBe(400);
    expect(
      (
        await cheng.post(`/items/${itemId}/dispute/follow-up`, {
          checkedOn: '2020-04-09',
          result: '协议履行，未再阻工',
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await cheng.post(`/items/${itemId}/transitions`, { to: 'awaiting_confirmation', version: 2 })).statusCode,
    ).toBe(204);
    const d = (await cheng.get(`/items/${itemId}/dispute`)).json();
    expect(d).toMatchObject({ outcome: 'agreement', followUpOn: '2020-04-09', followUpResult: '协议履行，未再阻工' });
    expect(d.sessions[0].mediators.sort()).toEqual(['刘洋', '陈静'].sort());
    expect((await (await ctx.user('qiaoduan')).get(`/items/${itemId}/dispute`)).statusCode).toBe(404);
  });

  it('two registrations of the same dispute at once: one is recorded, the other is told it exists', async () => {
    const itemId = await disputeItem();
    const cheng = await ctx.user('chengjiao');
    const body = { parties: [{ name: '承包户' }, { name: '项目公司' }], claims: '补偿' };
    const replies = await Promise.all([
      cheng.post(`/items/${itemId}/dispute`, body),
      cheng.post(`/items/${itemId}/dispute`, body),
    ]);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([204, 409]);
    expect(replies.find((r) => r.statusCode === 409)?.json().code).toBe('dispute_exists');
  });

  it('only dispute items take mediation records', async () => {
    const cheng = await ctx.user('chengjiao');
    const res = await cheng.post('/problem-lists', {
      orgId: ctx.county.orgs.chengBranch.id,
      title: '清单',
      listedOn: '2020-03-02',
      items: [{ problem: '道路破损', category: 'roads' }],
    });
    const itemId = res.json().itemIds[0];
    const d = await cheng.post(`/items/${itemId}/dispute`, { parties: [{ name: '甲' }, { name: '乙' }], claims: 'x' });
    expect(d.json().code).toBe('not_a_dispute');
  });

  it('an industry chain has ordered stages with members and units on them, and blockages tagged with their stage', async () => {
    const admin = await ctx.user('admin');
    const chain = await admin.post('/chains', {
      orgId: ctx.county.orgs.special.id,
      name: '酵素产业链',
      product: '水果酵素',
      stages: ['鲜果收购', '运输', '仓储', '生产', '销售'],
    });
    expect(chain.statusCode).toBe(201);
    const detail = (await admin.get(`/chains/${chain.json().id}`)).json();
    expect(detail.stages.map((s: { name: string }) => s.name)).toEqual(['鲜果收购', '运输', '仓储', '生产', '销售']);
    const transport = detail.stages[1];
    // Who may keep the chain is the server's answer: the county administrator may, the supervisor reads only.
    expect(detail.abilities).toEqual({ maintain: true });
    const supervisor = await ctx.user('supervisor');
    expect((await supervisor.get(`/chains/${detail.id}`)).json().abilities).toEqual({ maintain: false });
    expect(
      (
        await supervisor.post(`/chains/${detail.id}/stages/${transport.id}/placements`, {
          kind: 'unit',
          refId: ctx.county.units.countyPolice,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await admin.post(`/chains/${detail.id}/stages/${transport.id}/placements`, {
          kind: 'member',
          refId: ctx.county.members.countyOfficer,
          role: '运输协调',
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await admin.post(`/chains/${detail.id}/stages/${transport.id}/placements`, {
          kind: 'unit',
          refId: ctx.county.units.countyPolice,
        })
      ).statusCode,
    ).toBe(204);
    const list = await admin.post('/problem-lists', {
      orgId: ctx.county.orgs.special.id,
      title: '酵素产业链堵点清单',
      listedOn: '2020-07-01',
      items: [{ kind: 'blockage', problem: '鲜果运输车辆进村受限', category: 'industry', stageId: transport.id }],
    });
    expect(list.statusCode).toBe(201);
    const after = (await admin.get(`/chains/${detail.id}`)).json();
    expect(after.stages[1].placements.map((p: { name: string }) => p.name).sort()).toEqual(
      ['南召县公安局', '周强'].sort(),
    );
    expect(after.stages[1].blockages[0]).toMatchObject({ problem: '鲜果运输车辆进村受限', status: 'open' });
    // Households taking part, and the income it brings them.
    const production = detail.stages[3];
    expect(
      (
        await admin.post(`/chains/${detail.id}/participations`, {
          holder: '王某某',
          regionCode: '411321106200',
          kind: 'job',
          incomeYuan: 18000,
          year: 2020,
          stageId: production.id,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await admin.post(`/chains/${detail.id}/participations`, {
          holder: '李某某',
          regionCode: '411321300215',
          kind: 'purchase_contract',
          incomeYuan: 6500,
          year: 2020,
        })
      ).statusCode,
    ).toBe(204);
    const wrongStage = await admin.post(`/chains/${detail.id}/participations`, {
      holder: 'x',
      regionCode: '411321300215',
      kind: 'job',
      incomeYuan: 1,
      year: 2020,
      stageId: ctx.county.orgs.qiaoBranch.id,
    });
    expect(wrongStage.statusCode).toBe(400);
    const withPeople = (await admin.get(`/chains/${detail.id}`)).json();
    expect(withPeople.participation).toMatchObject({ households: 2, incomeYuan: 24500 });
    expect(withPeople.participation.items.find((p: { holder: string }) => p.holder === '王某某').stageName).toBe(
      '生产',
    );
    // A stage of another organization's chain is refused.
    const wrong = await (await ctx.user('qiaoduan')).post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: 'x',
      listedOn: '2020-07-01',
      items: [{ kind: 'blockage', problem: 'x', category: 'industry', stageId: transport.id }],
    });
    expect(wrong.statusCode).toBe(400);
    expect((await (await ctx.user('qiaoduan')).get(`/chains/${detail.id}`)).statusCode).toBe(404);
  });

  it('a project records investment, area, land-transfer contracts and the items linked to it', async () => {
    const cheng = await ctx.user('chengjiao');
    // The reserve-forest branch covers the villages whose land the project takes (a contract's place lies inside them).
    await ctx.t.db.db
      .insertInto('org_regions')
      .values({ org_id: ctx.county.orgs.chengBranch.id, region_code: '411321300215' })
      .execute();
    const project = await cheng.post('/projects', {
      orgId: ctx.county.orgs.chengBranch.id,
      name: '上店玉兰博览园国家储备林项目',
      investmentYuan: 1_537_000_000,
      areaMu: 55_000,
      beneficiaries: 100_000,
      description: '玉兰、杜仲林下套种药材',
    });
    expect(project.statusCode).toBe(201);
    const id = project.json().id;
    expect(
      (
        await cheng.post(`/projects/${id}/land-contracts`, {
          holder: '柴岗村承包户',
          regionCode: '411321300214',
          areaMu: 120,
          status: 'signed',
        })
      ).statusCode,
    ).toBe(400);
    await cheng.post(`/projects/${id}/land-contracts`, {
      holder: '柴岗村承包户',
      regionCode: '411321300214',
      areaMu: 120,
      status: 'disputed',
    });
    await cheng.post(`/projects/${id}/land-contracts`, {
      holder: '上店村集体',
      regionCode: '411321300215',
      areaMu: 800,
      signedOn: '2019-11-01',
      status: 'signed',
    });
    await cheng.post('/problem-lists', {
      orgId: ctx.county.orgs.chengBranch.id,
      title: '项目问题清单',
      listedOn: '2020-03-02',
      items: [{ kind: 'dispute', problem: '承包户阻工', category: 'disputes', projectId: id }],
    });
    const p = (await cheng.get(`/projects/${id}`)).json();
    expect(p).toMatchObject({ investmentYuan: 1_537_000_000, areaMu: 55_000, signedAreaMu: 800 });
    expect(p.contracts).toHaveLength(2);
    expect(p.items[0].problem).toBe('承包户阻工');
    await cheng.post(`/projects/${id}/participations`, {
      holder: '上店村张某',
      regionCode: '411321300215',
      kind: 'land_transfer',
      incomeYuan: 4000,
      year: 2020,
    });
    expect((await cheng.get(`/projects/${id}`)).json().participation).toMatchObject({
      households: 1,
      incomeYuan: 4000,
    });
    expect((await (await ctx.user('qiaoduan')).get(`/projects/${id}`)).statusCode).toBe(404);
  });
});
