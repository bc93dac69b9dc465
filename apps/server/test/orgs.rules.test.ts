import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

const today = todayInShanghai();

const link = (memberId: string, role = 'member', startOn = '2020-04-01') => ({
  memberId,
  role,
  startOn,
  linkReason: '因需而联：测试',
});

describe('DOMAIN §4 rules for temporary organizations', () => {
  const ctx = useCounty();

  it('secretary, deputy secretary and committee members are designated by the approving organization', async () => {
    const { orgs, members, partyOrgs } = ctx.county;
    // The county admin acts for the county committee, which did not approve the township's branch.
    const admin = await ctx.user('admin');
    const refused = await admin.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoPowerChief, 'deputy_secretary'),
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('designation_requires_approving_org');
    // The township committee approved it, so its admin designates.
    const qiao = await ctx.user('qiaoduan');
    const ok = await qiao.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoPowerChief, 'deputy_secretary'),
    );
    expect(ok.statusCode).toBe(201);
    const row = await ctx.t.db.db
      .selectFrom('memberships')
      .selectAll()
      .where('id', '=', ok.json().id)
      .executeTakeFirstOrThrow();
    expect(row.designated_by_party_org_id).toBe(partyOrgs.qiao);
    const list = await qiao.get(`/orgs/${orgs.qiaoBranch.id}/memberships`);
    const entry = list.json().items.find((m: { memberId: string }) => m.memberId === members.qiaoPowerChief);
    expect(entry.designatedBy).toBe('中共乔端镇委员会');
    // The branch secretary cannot designate the branch's own committee members either.
    const baihe = await ctx.user('baihe');
    const self = await baihe.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoOther, 'committee_member'),
    );
    expect(self.statusCode).toBe(403);
  });

  it('the org page tells the caller whether it may designate leaders', async () => {
    const { orgs } = ctx.county;
    const admin = await (await ctx.user('admin')).get(`/orgs/${orgs.qiaoBranch.id}`);
    expect(admin.json().abilities.designateLeaders).toBe(false);
    const qiao = await (await ctx.user('qiaoduan')).get(`/orgs/${orgs.qiaoBranch.id}`);
    expect(qiao.json().abilities.designateLeaders).toBe(true);
    expect(qiao.json().approvingOrg).toMatchObject({ name: '中共乔端镇委员会', kind: 'party_org' });
  });

  it('a group leader is designated by its branch', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const byTownship = await qiao.post(
      `/orgs/${orgs.qiaoGroup.id}/memberships`,
      link(members.qiaoPowerChief, 'group_leader'),
    );
    expect(byTownship.statusCode).toBe(403);
    expect(byTownship.json().code).toBe('group_leader_designated_by_branch');
    const baihe = await ctx.user('baihe');
    const byBranch = await baihe.post(
      `/orgs/${orgs.qiaoGroup.id}/memberships`,
      link(members.qiaoPowerChief, 'group_leader'),
    );
    expect(byBranch.statusCode).toBe(201);
    const row = await ctx.t.db.db
      .selectFrom('memberships')
      .selectAll()
      .where('id', '=', byBranch.json().id)
      .executeTakeFirstOrThrow();
    expect(row.designated_by_org_id).toBe(orgs.qiaoBranch.id);
    // Only groups have group leaders, and groups have no secretary.
    const wrongLevel = await baihe.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoOther, 'group_leader'),
    );
    expect(wrongLevel.statusCode).toBe(400);
  });

  it('a temporary organization links existing members only and cannot recruit', async () => {
    const { orgs } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    // Trying to create a person through the membership endpoint is refused: unknown fields are rejected.
    const create = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships`, {
      member: { name: '新党员' },
      role: 'member',
      startOn: '2020-04-01',
      linkReason: '发展',
    });
    expect(create.statusCode).toBe(400);
    expect(create.json().code).toBe('validation_failed');
    const ghost = await qiao.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link('00000000-0000-4000-8000-000000000000'),
    );
    expect(ghost.statusCode).toBe(404);
    const count = await ctx.t.db.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(7);
  });

  it('the API offers no recruit, discipline, dues or election action on a temporary organization', async () => {
    const { orgs } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const codes: Record<string, string> = {
      recruitments: 'temporary_org_cannot_recruit',
      'disciplinary-actions': 'temporary_org_cannot_discipline',
      dues: 'temporary_org_cannot_collect_dues',
      elections: 'temporary_org_cannot_hold_elections',
    };
    for (const [action, code] of Object.entries(codes)) {
      const res = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/${action}`, {});
      expect(res.statusCode, action).toBe(403);
      expect(res.json().code).toBe(code);
    }
    // Out of scope, the refusal does not reveal the organization.
    const other = await (await ctx.user('chengjiao')).post(`/orgs/${orgs.qiaoBranch.id}/recruitments`, {});
    expect(other.statusCode).toBe(404);
    const doc = (await ctx.t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const paths = Object.keys(doc.paths).join(' ');
    expect(paths).not.toMatch(/recruit|disciplin|dues|election/);
    expect(paths).toContain('/api/v1/orgs/{id}/memberships');
  });

  it('an organization cannot be the child of a dissolved one', async () => {
    const { orgs } = ctx.county;
    const cheng = await ctx.user('chengjiao');
    const branch = (await cheng.get(`/orgs/${orgs.chengBranch.id}`)).json();
    const dissolved = await cheng.post(`/orgs/${orgs.chengBranch.id}/dissolve`, {
      dissolvedOn: '2021-01-10',
      backdateReason: '补录',
      reason: '任务完成',
      version: branch.version,
    });
    expect(dissolved.statusCode).toBe(204);
    const child = await cheng.post('/orgs', {
      parentId: orgs.chengBranch.id,
      level: 'group',
      name: '新党小组',
      mode: 'joint_building',
      anchorType: 'project',
      anchorName: '国储林',
      mission: '测试',
      regionCode: '411321300214',
      establishedOn: '2021-02-01',
    });
    expect(child.statusCode).toBe(409);
    expect(child.json().code).toBe('parent_dissolved');
  });

  it('dissolution ends memberships on the dissolution date, keeps the record, and answers who was in it on a date', async () => {
    const { orgs, members } = ctx.county;
    const cheng = await ctx.user('chengjiao');
    const branch = (await cheng.get(`/orgs/${orgs.chengBranch.id}`)).json();
    expect(branch.abilities.recordMeeting).toBe(true);
    await cheng.post(`/orgs/${orgs.chengBranch.id}/dissolve`, {
      dissolvedOn: '2021-01-10',
      backdateReason: '补录',
      reason: '任务完成',
      version: branch.version,
    });
    const after = (await cheng.get(`/orgs/${orgs.chengBranch.id}`)).json();
    expect(after.status).toBe('dissolved');
    expect(after.abilities.linkMember).toBe(false);
    // Its meetings are read-only now: the page offers no new one, and the server refuses one.
    expect(after.abilities.recordMeeting).toBe(false);
    const now = (await cheng.get(`/orgs/${orgs.chengBranch.id}/memberships`)).json();
    expect(now.total).toBe(0);
    const then = (await cheng.get(`/orgs/${orgs.chengBranch.id}/memberships?asOf=2020-05-19`)).json();
    expect(then.items.map((m: { memberId: string }) => m.memberId)).toEqual([members.chengMember]);
    const group = (await cheng.get(`/orgs/${orgs.chengGroup.id}/memberships?asOf=2020-05-19`)).json();
    expect(group.total).toBe(1);
    const ended = (await cheng.get(`/orgs/${orgs.chengBranch.id}/memberships?status=ended`)).json();
    expect(ended.items[0].endOn).toBe('2021-01-10');
    expect(ended.items[0].endReason).toContain('任务完成');
    const relink = await cheng.post(`/orgs/${orgs.chengBranch.id}/memberships`, link(members.chengOther));
    expect(relink.statusCode).toBe(409);
    expect(relink.json().code).toBe('org_dissolved');
    const meeting = await cheng.post('/activities', {
      orgId: orgs.chengBranch.id,
      kind: 'branch_meeting',
      heldOn: '2021-01-05',
      place: '村部',
      topic: '补录会议',
      attendance: [],
      decisions: [],
    });
    expect([meeting.statusCode, meeting.json().code]).toEqual([409, 'org_dissolved']);
  });

  it('a non-party participant cannot hold a membership', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const res = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships`, link(members.qiaoElectrician));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('participant_cannot_be_member');
  });

  it('a membership ends with a date and a reason, never by deletion', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const created = await qiao.post(
      `/orgs/${orgs.qiaoGroup.id}/memberships`,
      link(members.qiaoPowerChief, 'member', '2020-05-19'),
    );
    const id = created.json().id;
    const stale = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships/${id}/end`, {
      endOn: '2020-06-30',
      endReason: '事项销号',
      version: 7,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    const ended = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships/${id}/end`, {
      endOn: '2020-06-30',
      endReason: '事项销号',
      version: 1,
    });
    expect(ended.statusCode).toBe(204);
    const again = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships/${id}/end`, {
      endOn: '2020-07-01',
      endReason: '再次',
      version: 2,
    });
    expect(again.json().code).toBe('membership_already_ended');
    const row = await ctx.t.db.db.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ end_on: '2020-06-30', end_reason: '事项销号' });
    const during = (await qiao.get(`/orgs/${orgs.qiaoGroup.id}/memberships?asOf=2020-06-01`)).json();
    expect(during.items.map((m: { memberId: string }) => m.memberId)).toContain(members.qiaoPowerChief);
    const afterwards = (await qiao.get(`/orgs/${orgs.qiaoGroup.id}/memberships?asOf=2020-06-30`)).json();
    expect(afterwards.items.map((m: { memberId: string }) => m.memberId)).not.toContain(members.qiaoPowerChief);
  });

  it('a member can hold several memberships but not two at once in the same organization', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships`, link(members.qiaoOther))).statusCode).toBe(201);
    const twice = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships`, link(members.qiaoOther));
    expect(twice.json().code).toBe('already_member');
    const member = (await qiao.get(`/members/${members.qiaoOther}`)).json();
    expect(member.activeMemberships).toBe(2);
  });

  it('an organization has one secretary at a time', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const res = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships`, link(members.qiaoPowerChief, 'secretary'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('role_already_held');
  });

  it('a party group is dissolved by its branch and has no rectification status', async () => {
    const { orgs } = ctx.county;
    const baihe = await ctx.user('baihe');
    const group = (await baihe.get(`/orgs/${orgs.qiaoGroup.id}`)).json();
    expect(group.abilities).toMatchObject({ dissolve: true, transition: false });
    const rect = await baihe.post(`/orgs/${orgs.qiaoGroup.id}/transitions`, {
      to: 'rectification',
      reason: 'x',
      version: group.version,
    });
    expect(rect.statusCode).toBe(403);
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.get(`/orgs/${orgs.qiaoGroup.id}`)).json().abilities.dissolve).toBe(false);
    const ok = await baihe.post(`/orgs/${orgs.qiaoGroup.id}/dissolve`, {
      dissolvedOn: '2021-01-01',
      backdateReason: '补录',
      reason: '任务完成',
      version: group.version,
    });
    expect(ok.statusCode).toBe(204);
  });

  it('status follows proposed → active → rectification → active → dissolved', async () => {
    const qiao = await ctx.user('qiaoduan');
    const created = await qiao.post('/orgs', {
      parentId: ctx.county.orgs.qiaoGb.id,
      level: 'branch',
      name: '水晶河村服务临时党支部',
      mode: 'linked_services',
      anchorType: 'village_cluster',
      anchorName: '水晶河村',
      mission: '服务群众',
      regionCode: '411321106201',
      establishedOn: '2020-03-01',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const detail = (await qiao.get(`/orgs/${id}`)).json();
    expect(detail).toMatchObject({ status: 'proposed', approvingOrg: { name: '中共乔端镇委员会' } });
    // Activation needs the approval record.
    const noApproval = await qiao.post(`/orgs/${id}/transitions`, { to: 'active', reason: '批准', version: 1 });
    expect(noApproval.json().code).toBe('approval_missing');
    await qiao.patch(`/orgs/${id}`, { version: 1, approvedOn: '2020-03-01', approvalDocNo: '乔党〔2020〕3号' });
    expect((await qiao.post(`/orgs/${id}/transitions`, { to: 'active', reason: '批准', version: 2 })).statusCode).toBe(
      204,
    );
    expect(
      (await qiao.post(`/orgs/${id}/transitions`, { to: 'rectification', reason: '考评较差', version: 3 })).statusCode,
    ).toBe(204);
    expect(
      (await qiao.post(`/orgs/${id}/transitions`, { to: 'active', reason: '整顿验收', version: 4 })).statusCode,
    ).toBe(204);
    const illegal = await qiao.post(`/orgs/${id}/transitions`, { to: 'active', reason: '重复', version: 5 });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().code).toBe('illegal_transition');
    expect(illegal.json().detail).toBe('不能从“运行中”变为“运行中”');
  });

  it("an organization's dates are facts: founded no later than today, approved on or before its founding, planned to end after it", async () => {
    const qiao = await ctx.user('qiaoduan');
    const body = {
      parentId: ctx.county.orgs.qiaoGb.id,
      level: 'branch',
      name: '水晶河村产业临时党支部',
      mode: 'linked_services',
      anchorType: 'village_cluster',
      anchorName: '水晶河村',
      mission: '发展产业',
      regionCode: '411321106201',
    };
    const refused = async (extra: object, code: string, path: string) => {
      const r = await qiao.post('/orgs', { ...body, ...extra });
      expect([r.statusCode, r.json().code, r.json().errors?.[0]?.path], JSON.stringify(extra)).toEqual([
        400,
        code,
        path,
      ]);
    };
    await refused({ establishedOn: addDays(today, 2) }, 'date_in_future', 'body.establishedOn');
    await refused(
      { establishedOn: '2020-03-01', approvedOn: '2020-03-05', approvalDocNo: '乔党〔2020〕5号', status: 'active' },
      'approved_after_founding',
      'body.approvedOn',
    );
    await refused(
      { establishedOn: '2020-03-01', plannedEndOn: '2020-02-01' },
      'planned_end_before_founding',
      'body.plannedEndOn',
    );
    const created = await qiao.post('/orgs', { ...body, establishedOn: '2020-03-01', plannedEndOn: '2020-12-31' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    // An edit is checked as the record it would leave.
    const late = await qiao.patch(`/orgs/${id}`, {
      version: 1,
      approvedOn: '2020-03-02',
      approvalDocNo: '乔党〔2020〕6号',
    });
    expect([late.statusCode, late.json().code]).toEqual([400, 'approved_after_founding']);
    expect((await qiao.patch(`/orgs/${id}`, { version: 1, plannedEndOn: '2020-01-01' })).json().code).toBe(
      'planned_end_before_founding',
    );
    expect((await qiao.get(`/orgs/${id}`)).json()).toMatchObject({
      version: 1,
      plannedEndOn: '2020-12-31',
      approvedOn: null,
    });
  });

  it('a membership starts and ends no later than today', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const ahead = await qiao.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoPowerChief, 'member', addDays(today, 1)),
    );
    expect([ahead.statusCode, ahead.json().code]).toEqual([400, 'date_in_future']);
    const made = await qiao.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoPowerChief, 'member', '2020-05-01'),
    );
    expect(made.statusCode).toBe(201);
    const end = await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships/${made.json().id}/end`, {
      endOn: addDays(today, 3),
      endReason: '调离',
      version: 1,
    });
    expect([end.statusCode, end.json().code]).toEqual([400, 'date_in_future']);
    const row = await ctx.t.db.db
      .selectFrom('memberships')
      .select('end_on')
      .where('id', '=', made.json().id)
      .executeTakeFirstOrThrow();
    expect(row.end_on).toBeNull();
  });

  it('a dissolution is dated no later than today and no earlier than the founding or any membership it ends; a day before today needs a reason', async () => {
    const { orgs, members } = ctx.county;
    const cheng = await ctx.user('chengjiao');
    const branch = (await cheng.get(`/orgs/${orgs.chengBranch.id}`)).json();
    const dissolve = (extra: object) =>
      cheng.post(`/orgs/${orgs.chengBranch.id}/dissolve`, { reason: '任务完成', version: branch.version, ...extra });
    expect((await dissolve({ dissolvedOn: addDays(today, 2) })).json().code).toBe('date_in_future');
    // Its party group took a member on 2021-03-01 (recorded then).
    const t = new Date().toISOString();
    await ctx.t.db.db
      .insertInto('memberships')
      .values({
        id: 'm-2021',
        org_id: orgs.chengGroup.id,
        member_id: members.chengMember,
        role: 'member',
        start_on: '2021-03-01',
        end_on: null,
        end_reason: null,
        link_reason: '土地流转',
        designated_by_party_org_id: null,
        designated_by_org_id: null,
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
    const before = await dissolve({ dissolvedOn: '2021-02-28', backdateReason: '补录' });
    expect([before.statusCode, before.json().code]).toEqual([400, 'date_before_previous_step']);
    expect((await dissolve({ dissolvedOn: '2021-06-30' })).json().code).toBe('backdate_reason_required');
    expect((await cheng.get(`/orgs/${orgs.chengBranch.id}`)).json().status).not.toBe('dissolved');
    expect((await dissolve({ dissolvedOn: '2021-06-30', backdateReason: '按撤销批复补录' })).statusCode).toBe(204);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('after_json')
      .where('action', '=', 'org.dissolve')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json as string)).toMatchObject({
      dissolvedOn: '2021-06-30',
      backdateReason: '按撤销批复补录',
    });
  });

  it('only the approving organization removes a designated leader, and a membership that ends ends the roles it carries in the party groups', async () => {
    const { orgs, members } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const deputy = await qiao.post(
      `/orgs/${orgs.qiaoBranch.id}/memberships`,
      link(members.qiaoPowerChief, 'deputy_secretary'),
    );
    expect(deputy.statusCode).toBe(201);
    const leader = await baihe.post(
      `/orgs/${orgs.qiaoGroup.id}/memberships`,
      link(members.qiaoPowerChief, 'group_leader'),
    );
    expect(leader.statusCode).toBe(201);
    // The branch's secretary cannot remove the deputy the township designated.
    const bySecretary = await baihe.post(`/orgs/${orgs.qiaoBranch.id}/memberships/${deputy.json().id}/end`, {
      endOn: today,
      endReason: '调整',
      version: 1,
    });
    expect([bySecretary.statusCode, bySecretary.json().code]).toEqual([403, 'designation_requires_approving_org']);
    // Nor the township the group leader the branch designated.
    const byTownship = await qiao.post(`/orgs/${orgs.qiaoGroup.id}/memberships/${leader.json().id}/end`, {
      endOn: today,
      endReason: '调整',
      version: 1,
    });
    expect(byTownship.statusCode).toBe(403);
    // The page offers each the ending it may do.
    expect((await baihe.get(`/orgs/${orgs.qiaoBranch.id}`)).json().abilities).toMatchObject({
      endLeaders: false,
      endGroupLeaders: true,
    });
    expect((await qiao.get(`/orgs/${orgs.qiaoBranch.id}`)).json().abilities).toMatchObject({
      endLeaders: true,
      endGroupLeaders: false,
    });
    expect((await baihe.get(`/orgs/${orgs.qiaoGroup.id}`)).json().abilities).toMatchObject({ endGroupLeaders: true });
    // The township ends the deputy's membership: the group leadership below it ends with it.
    expect(
      (
        await qiao.post(`/orgs/${orgs.qiaoBranch.id}/memberships/${deputy.json().id}/end`, {
          endOn: today,
          endReason: '工作调动',
          version: 1,
        })
      ).statusCode,
    ).toBe(204);
    const rows = await ctx.t.db.db
      .selectFrom('memberships')
      .select(['id', 'end_on', 'end_reason'])
      .where('id', 'in', [deputy.json().id, leader.json().id])
      .orderBy('role')
      .execute();
    expect(rows.map((r) => r.end_on)).toEqual([today, today]);
    expect(rows.find((r) => r.id === leader.json().id)?.end_reason).toContain('工作调动');
  });

  it('the approver of a temporary organization is derived from the committee the creating account acts for, at the level of its place, never named in the request', async () => {
    const { orgs, partyOrgs } = ctx.county;
    const qiao = await ctx.user('qiaoduan');
    const body = {
      parentId: orgs.qiaoGb.id,
      level: 'branch',
      name: '水晶河村联建临时党支部',
      mode: 'linked_services',
      anchorType: 'village_cluster',
      anchorName: '水晶河村',
      mission: '服务群众',
      regionCode: '411321106201',
      establishedOn: '2020-03-01',
    };
    // Naming the county committee (or anyone) as approver is not a field of the request.
    const named = await qiao.post('/orgs', { ...body, approvingPartyOrgId: partyOrgs.county });
    expect([named.statusCode, named.json().code]).toEqual([400, 'validation_failed']);
    // An account acting for another township's committee cannot approve a branch here.
    const db = ctx.t.db.db;
    await db
      .updateTable('users')
      .set({ acting_party_org_id: partyOrgs.cheng })
      .where('username', '=', 'qiaoduan')
      .execute();
    const wrongLevel = await qiao.post('/orgs', body);
    expect([wrongLevel.statusCode, wrongLevel.json().code]).toEqual([403, 'approver_level']);
    await db.updateTable('users').set({ acting_party_org_id: null }).where('username', '=', 'qiaoduan').execute();
    expect((await qiao.post('/orgs', body)).json().code).toBe('approving_org_required');
    await db
      .updateTable('users')
      .set({ acting_party_org_id: partyOrgs.qiao })
      .where('username', '=', 'qiaoduan')
      .execute();
    const made = await qiao.post('/orgs', body);
    expect(made.statusCode).toBe(201);
    expect((await qiao.get(`/orgs/${made.json().id}`)).json().approvingOrg).toMatchObject({
      name: '中共乔端镇委员会',
      kind: 'party_org',
    });
    expect(await db.selectFrom('temporary_orgs').select('id').where('name', '=', body.name).execute()).toHaveLength(1);
  });
});
