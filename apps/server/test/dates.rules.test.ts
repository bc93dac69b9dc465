import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import type { Client } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

/**
 * DOMAIN §9a: dates are facts. Every day a record says something happened — a list combed, a meeting held, a visit
 * made, a helper starting, a unit linked, a mediation, a contract signed — is not after today and not before what it
 * belongs to; a deadline a record sets is not before the record's own day. The procedural steps (exit, monitoring,
 * dissolution, supervision) have their own tests; these are the rest of the class.
 */
describe('dates are facts: no record says something happened tomorrow, or before what it belongs to', () => {
  const ctx = useCounty();
  const tomorrow = () => addDays(todayInShanghai(), 1);
  const code = async (res: Promise<{ statusCode: number; json: () => { code?: string } }>) => {
    const r = await res;
    return r.statusCode === 400 ? r.json().code : r.statusCode;
  };

  const list = (client: Client, listedOn: string, items: object[] = [{ problem: '路灯不亮', category: 'roads' }]) =>
    client.post('/problem-lists', { orgId: ctx.county.orgs.qiaoBranch.id, title: '问题清单', listedOn, items });

  it('a problem list is combed no later than today and not before its organization was founded; an item is due no earlier than it was listed', async () => {
    const qiao = await ctx.user('qiaoduan');
    expect(await code(list(qiao, tomorrow()))).toBe('date_in_future');
    expect(await code(list(qiao, '2019-05-31'))).toBe('date_before_record');
    expect(
      await code(list(qiao, '2020-05-19', [{ problem: '路灯不亮', category: 'roads', dueOn: '2020-05-18' }])),
    ).toBe('deadline_before_record');
    const made = await list(qiao, '2020-05-19', [{ problem: '路灯不亮', category: 'roads', dueOn: '2020-05-19' }]);
    expect(made.statusCode, made.body).toBe(201);
    // An item added to that list today is due no earlier than today.
    const added = (dueOn: string) =>
      qiao.post(`/problem-lists/${made.json().id}/items`, { problem: '水管漏水', category: 'water', dueOn });
    expect(await code(added('2020-06-01'))).toBe('deadline_before_record');
    expect((await added(tomorrow())).statusCode).toBe(201);
    // Nothing half-made: the refused lists left no rows behind.
    expect((await ctx.t.db.db.selectFrom('problem_lists').select('id').execute()).length).toBe(1);
  });

  it('a meeting is held no later than today and not before its organization was founded; its decisions are due no earlier than the meeting', async () => {
    const qiao = await ctx.user('qiaoduan');
    const meeting = (heldOn: string, decisions: object[] = []) =>
      qiao.post('/activities', {
        orgId: ctx.county.orgs.qiaoBranch.id,
        kind: 'branch_meeting',
        heldOn,
        place: '白河新村党群服务中心',
        topic: '支部委员会',
        attendance: [{ memberId: ctx.county.members.qiaoSecretary, status: 'present' }],
        decisions,
      });
    expect(await code(meeting(tomorrow()))).toBe('date_in_future');
    expect(await code(meeting('2019-05-01'))).toBe('date_before_record');
    const late = [{ text: '修路灯', item: { problem: '路灯不亮', category: 'roads', dueOn: '2020-03-01' } }];
    expect(await code(meeting('2020-03-15', late))).toBe('deadline_before_record');
  });

  it('a visit, a helper, a measure and its acknowledgement are dated no later than today', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await registerHousehold(qiao);
    const helper = (startOn: string) =>
      qiao.post(`/households/${id}/helpers`, {
        memberId: ctx.county.members.qiaoOther,
        role: 'cadre',
        primary: true,
        reason: '结对',
        startOn,
      });
    expect(await code(helper(tomorrow()))).toBe('date_in_future');
    const h = await helper('2020-01-10');
    expect(h.statusCode, h.body).toBe(201);
    expect(
      await code(
        qiao.post(`/households/${id}/visits`, { visitedOn: tomorrow(), helperIds: [ctx.county.members.qiaoOther] }),
      ),
    ).toBe('date_in_future');
    const measure = (startOn: string, endOn?: string) =>
      qiao.post(`/households/${id}/measures`, {
        category: 'health',
        content: '家庭医生签约',
        costYuan: 0,
        startOn,
        ...(endOn ? { endOn } : {}),
      });
    expect(await code(measure(tomorrow()))).toBe('date_in_future');
    // A measure's planned end may lie ahead; its start is a fact.
    const m = await measure('2020-04-10', addDays(todayInShanghai(), 365));
    expect(m.statusCode, m.body).toBe(201);
    const ack = (acknowledgedOn: string) =>
      qiao.post(`/households/${id}/measures/${m.json().id}/acknowledge`, { acknowledgedOn, version: 1 });
    expect(await code(ack('2020-04-01'))).toBe('date_before_record');
    expect(await code(ack(tomorrow()))).toBe('date_in_future');
    // A helper's end is a fact too.
    const stacked = await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'party_member',
      primary: false,
      reason: '叠加',
      startOn: '2020-02-01',
    });
    expect(stacked.statusCode, stacked.body).toBe(201);
    expect(
      await code(
        qiao.post(`/households/${id}/helpers/${stacked.json().id}/end`, {
          endOn: tomorrow(),
          endReason: '调离',
          version: 1,
        }),
      ),
    ).toBe('date_in_future');
  });

  it('a unit is linked no later than today and not before the organization was founded', async () => {
    const qiao = await ctx.user('qiaoduan');
    const link = (linkedOn: string) =>
      qiao.post(`/orgs/${ctx.county.orgs.qiaoBranch.id}/units`, {
        unitId: ctx.county.units.qiaoPolice,
        purpose: '治安',
        linkedOn,
      });
    expect(await code(link(tomorrow()))).toBe('date_in_future');
    expect(await code(link('2019-01-01'))).toBe('date_before_record');
    expect((await link('2020-01-01')).statusCode).toBe(204);
  });

  it('a mediation, its outcome and the follow-up are dated no later than today and in their order; deadlines follow them', async () => {
    const cheng = await ctx.user('chengjiao');
    const made = await cheng.post('/problem-lists', {
      orgId: ctx.county.orgs.chengBranch.id,
      title: '土地流转问题清单',
      listedOn: '2020-03-02',
      items: [
        {
          kind: 'dispute',
          problem: '承包户阻工',
          category: 'disputes',
          regionCode: '411321300214',
          responsibleMemberIds: [ctx.county.members.chengMember],
        },
      ],
    });
    const itemId = made.json().itemIds[0];
    const parties = [{ name: '承包户' }, { name: '项目公司' }];
    expect(
      await code(cheng.post(`/items/${itemId}/dispute`, { parties, claims: '补偿', followUpDueOn: '2020-03-01' })),
    ).toBe('deadline_before_record');
    expect((await cheng.post(`/items/${itemId}/dispute`, { parties, claims: '补偿' })).statusCode).toBe(204);
    const session = (heldOn: string) =>
      cheng.post(`/items/${itemId}/dispute/sessions`, {
        heldOn,
        mediatorIds: [ctx.county.members.chengMember],
        notes: '调解',
      });
    expect(await code(session(tomorrow()))).toBe('date_in_future');
    expect(await code(session('2020-03-01'))).toBe('date_before_record');
    expect((await session('2020-03-06')).statusCode).toBe(204);
    const outcome = (outcomeOn: string, followUpDueOn?: string) =>
      cheng.post(`/items/${itemId}/dispute/outcome`, {
        outcome: 'agreement',
        note: '达成协议',
        outcomeOn,
        ...(followUpDueOn ? { followUpDueOn } : {}),
      });
    expect(await code(outcome(tomorrow()))).toBe('date_in_future');
    expect(await code(outcome('2020-03-05'))).toBe('date_before_record');
    expect(await code(outcome('2020-03-10', '2020-03-09'))).toBe('deadline_before_record');
    expect((await outcome('2020-03-10', '2020-04-10')).statusCode).toBe(204);
    expect(
      await code(cheng.post(`/items/${itemId}/dispute/follow-up`, { checkedOn: tomorrow(), result: '协议履行' })),
    ).toBe('date_in_future');
  });

  it('a land contract is signed no later than today; a supervision deadline is not before the supervision', async () => {
    const cheng = await ctx.user('chengjiao');
    const project = await cheng.post('/projects', {
      orgId: ctx.county.orgs.chengBranch.id,
      name: '国储林项目',
      investmentYuan: 1,
      areaMu: 1,
      beneficiaries: 1,
      description: 'x',
    });
    expect(
      await code(
        cheng.post(`/projects/${project.json().id}/land-contracts`, {
          holder: '柴岗村集体',
          regionCode: '411321300214',
          areaMu: 10,
          signedOn: tomorrow(),
          status: 'signed',
        }),
      ),
    ).toBe('date_in_future');
    const supervisor = await ctx.user('supervisor');
    const sup = {
      kind: 'organizational',
      orgId: ctx.county.orgs.qiaoBranch.id,
      supervisedOn: '2020-10-01',
      backdateReason: '补录',
      supervisor: '县委督查组',
      findings: '台账不全',
      rectification: '补齐台账',
    };
    expect(await code(supervisor.post('/supervision-records', { ...sup, deadline: '2020-09-30' }))).toBe(
      'deadline_before_record',
    );
    expect((await supervisor.post('/supervision-records', { ...sup, deadline: '2020-10-31' })).statusCode).toBe(201);
  });
});
