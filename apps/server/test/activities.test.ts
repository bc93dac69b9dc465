import { describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { PASSWORD, addUser } from './factories.ts';
import { allItems, as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

type Reminder = { orgId: string; lastMetOn: string; dueOn: string; raisedOn: string; resolvedOn: string | null };

describe("DOMAIN §4: organizational life and members' duty records", () => {
  const ctx = useCounty();

  const membership = (orgId: string, memberId: string, start: string, end: string | null = null) =>
    ctx.t.db.db
      .insertInto('memberships')
      .values({
        id: newId(),
        org_id: orgId,
        member_id: memberId,
        role: 'member',
        start_on: start,
        end_on: end,
        end_reason: end ? '调离' : null,
        link_reason: '测试',
        designated_by_party_org_id: null,
        designated_by_org_id: null,
        version: 1,
        created_at: `${start}T00:00:00Z`,
        updated_at: `${start}T00:00:00Z`,
      })
      .execute();

  const meeting = (over: Record<string, unknown> = {}) => ({
    orgId: ctx.county.orgs.qiaoBranch.id,
    kind: 'branch_meeting',
    heldOn: '2020-03-15',
    place: '白河新村党群服务中心',
    topic: '支部委员会',
    ...over,
  });

  it('attendance lists the members of the day: one who joined later is not listed, one who left later still is', async () => {
    const { qiaoBranch } = ctx.county.orgs;
    const { qiaoPowerChief: leaver, countyOfficer: joiner, qiaoSecretary } = ctx.county.members;
    await membership(qiaoBranch.id, leaver, '2019-06-01', '2020-04-01');
    await membership(qiaoBranch.id, joiner, '2020-06-01');
    const qiao = await ctx.user('qiaoduan');
    const march = (await qiao.get(`/activities/roster?orgId=${qiaoBranch.id}&on=2020-03-15`)).json();
    expect(march.members.map((m: { memberId: string }) => m.memberId)).toContain(leaver);
    expect(march.members.map((m: { memberId: string }) => m.memberId)).not.toContain(joiner);
    const july = (await qiao.get(`/activities/roster?orgId=${qiaoBranch.id}&on=2020-07-01`)).json();
    expect(july.members.map((m: { memberId: string }) => m.memberId)).toContain(joiner);
    expect(july.members.map((m: { memberId: string }) => m.memberId)).not.toContain(leaver);

    const notYet = await qiao.post('/activities', meeting({ attendance: [{ memberId: joiner, status: 'present' }] }));
    expect(notYet.statusCode).toBe(400);
    const excusedWithout = await qiao.post(
      '/activities',
      meeting({ attendance: [{ memberId: leaver, status: 'excused' }] }),
    );
    expect(excusedWithout.statusCode).toBe(400);
    const ok = await qiao.post(
      '/activities',
      meeting({
        attendance: [
          { memberId: qiaoSecretary, status: 'present' },
          { memberId: leaver, status: 'excused', reason: '外出抢修线路' },
        ],
      }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const detail = (await qiao.get(`/activities/${ok.json().id}`)).json();
    // Everyone on the roster of the day is recorded: those not marked are absent.
    expect(detail.attendance.map((a: { memberId: string; status: string }) => [a.memberId, a.status]).sort()).toEqual(
      [
        [qiaoSecretary, 'present'],
        [leaver, 'excused'],
        [ctx.county.members.qiaoOther, 'absent'],
      ].sort(),
    );
    expect(detail).toMatchObject({ present: 1, excused: 1, absent: 1 });
  });

  it("a meeting's decisions create items on a problem list owned by the branch", async () => {
    const qiao = await ctx.user('qiaoduan');
    const { qiaoGroup } = ctx.county.orgs;
    const res = await qiao.post(
      '/activities',
      meeting({
        heldOn: '2020-05-19',
        topic: '梳理群众反映问题',
        decisions: [
          {
            text: '断路器频繁跳闸，由基础建设党小组负责',
            item: {
              problem: '断路器频繁跳闸',
              category: 'electricity',
              responsibleGroupId: qiaoGroup.id,
              dueOn: '2020-06-30',
            },
          },
          { text: '下月召开党员大会' },
          { text: '垃圾清运不及时', item: { problem: '垃圾清运不及时', category: 'sanitation' } },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().itemIds).toHaveLength(2);
    const detail = (await qiao.get(`/activities/${res.json().id}`)).json();
    expect(detail.decisionList.map((d: { no: number; itemNo: number | null }) => [d.no, d.itemNo])).toEqual([
      [1, 1],
      [2, null],
      [3, 2],
    ]);
    const list = (await qiao.get(`/problem-lists/${detail.listId}`)).json();
    expect(list).toMatchObject({
      title: '梳理群众反映问题（2020-05-19）',
      listedOn: '2020-05-19',
      itemCount: 2,
      orgId: ctx.county.orgs.qiaoBranch.id,
    });
    // A party group's decisions go onto its branch's list; a group holds group meetings, not branch meetings.
    const wrongKind = await qiao.post('/activities', meeting({ orgId: qiaoGroup.id }));
    expect(wrongKind.statusCode).toBe(400);
    const group = await qiao.post(
      '/activities',
      meeting({
        orgId: qiaoGroup.id,
        kind: 'group_meeting',
        decisions: [{ text: '排查暗线', item: { problem: '暗线被钉子破坏', category: 'electricity' } }],
      }),
    );
    expect(group.statusCode, group.body).toBe(201);
    const groupList = (await qiao.get(`/problem-lists/${group.json().listId}`)).json();
    expect(groupList.orgId).toBe(ctx.county.orgs.qiaoBranch.id);
  });

  it('a party group that has not met within its period gets a reminder each period until it meets', async () => {
    const qiao = await ctx.user('qiaoduan');
    const { qiaoGroup } = ctx.county.orgs;
    const run = (asOf: string) => ctx.t.app.activities.runReminders(asOf);
    const open = async () =>
      (await allItems<Reminder>(qiao, '/meeting-reminders')).filter((r: { orgId: string }) => r.orgId === qiaoGroup.id);
    expect(
      (await qiao.post('/activities', meeting({ orgId: qiaoGroup.id, kind: 'group_meeting', heldOn: '2020-03-10' })))
        .statusCode,
    ).toBe(201);
    await run('2020-04-10');
    expect(await open()).toHaveLength(0);
    await run('2020-04-11');
    expect(await open()).toMatchObject([{ lastMetOn: '2020-03-10', dueOn: '2020-04-10', raisedOn: '2020-04-11' }]);
    await run('2020-04-20');
    expect(await open()).toHaveLength(1);
    // Another period without a meeting: a second reminder.
    await run('2020-05-12');
    expect((await open()).map((r: { dueOn: string }) => r.dueOn).sort()).toEqual(['2020-04-10', '2020-05-10']);
    expect(
      (await qiao.post('/activities', meeting({ orgId: qiaoGroup.id, kind: 'group_meeting', heldOn: '2020-05-14' })))
        .statusCode,
    ).toBe(201);
    expect(await open()).toHaveLength(0);
    // A group set to meet every two months is reminded later.
    expect((await qiao.put(`/orgs/${qiaoGroup.id}/meeting-period`, { months: 2 })).statusCode).toBe(204);
    await run('2020-07-14');
    expect(await open()).toHaveLength(0);
    await run('2020-07-15');
    expect(await open()).toMatchObject([{ dueOn: '2020-07-14' }]);
    const all = (await allItems<Reminder>(qiao, '/meeting-reminders?all=true')).filter(
      (r: { orgId: string }) => r.orgId === qiaoGroup.id,
    );
    expect(all).toHaveLength(3);
  });

  it("a branch secretary's bell lists what his branch owes: items overdue whoever works them, party groups due to meet", async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const { qiaoBranch, qiaoGroup, chengBranch } = ctx.county.orgs;
    // Two items of his branch that someone else works, both overdue: the second's date far ahead does not loosen its
    // working-day target (sanitation, 10 working days: 2 Jun).
    const list = await qiao.post('/problem-lists', {
      orgId: qiaoBranch.id,
      title: '安置点问题清单',
      listedOn: '2020-05-19',
      items: [
        {
          problem: '3号楼路灯不亮',
          category: 'roads',
          regionCode: '411321106200',
          responsibleGroupId: qiaoGroup.id,
          responsibleMemberIds: [ctx.county.members.qiaoOther],
          dueOn: '2020-06-01',
        },
        {
          problem: '垃圾清运不及时',
          category: 'sanitation',
          regionCode: '411321106200',
          responsibleGroupId: qiaoGroup.id,
          responsibleMemberIds: [ctx.county.members.qiaoOther],
          dueOn: '2099-12-31',
        },
      ],
    });
    expect(list.statusCode, list.body).toBe(201);
    // Another township's branch has an overdue item too: not his.
    const other = await (await ctx.user('chengjiao')).post('/problem-lists', {
      orgId: chengBranch.id,
      title: '国储林基地问题清单',
      listedOn: '2020-05-19',
      items: [{ problem: '林区道路塌方', category: 'roads', regionCode: '411321300214', dueOn: '2020-06-01' }],
    });
    expect(other.statusCode, other.body).toBe(201);
    // The group has not met: the daily check raises its reminder.
    await ctx.t.app.activities.runReminders('2020-04-11');
    const bell = (await baihe.get('/inbox')).json().items as {
      kind: string;
      text: string;
      itemId: string | null;
      orgId: string | null;
    }[];
    const overdue = bell.filter((n) => n.kind === 'overdue');
    expect(overdue.map((n) => n.text)).toEqual([
      '【基础建设党小组】3号楼路灯不亮（期限 2020-06-01）',
      '【基础建设党小组】垃圾清运不及时（期限 2020-06-02）',
    ]);
    expect(bell.filter((n) => n.kind === 'meeting_due').map((n) => [n.orgId, n.itemId])).toEqual([
      [qiaoGroup.id, null],
    ]);
    // By their days: the meeting was due on 2020-04-10, the items on 2020-06-01 and 2020-06-02.
    expect(bell.map((n) => n.kind)).toEqual(['meeting_due', 'overdue', 'overdue']);
    // The township's account reads its lists and the reminders page; its bell is for items it works on.
    expect(
      (await qiao.get('/inbox'))
        .json()
        .items.filter((n: { kind: string }) => n.kind === 'overdue' || n.kind === 'meeting_due'),
    ).toEqual([]);
    // A meeting held clears it.
    expect(
      (await qiao.post('/activities', meeting({ orgId: qiaoGroup.id, kind: 'group_meeting', heldOn: '2020-04-12' })))
        .statusCode,
    ).toBe(201);
    expect((await baihe.get('/inbox')).json().items.filter((n: { kind: string }) => n.kind === 'meeting_due')).toEqual(
      [],
    );
  });

  it('the bell pages through meetings due, deadlines and notices: each entry once, in order, with the total', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const { qiaoBranch, qiaoGroup } = ctx.county.orgs;
    // Five overdue items his branch owes, each also assigned to him (a notice each), and a group due to meet.
    const list = await qiao.post('/problem-lists', {
      orgId: qiaoBranch.id,
      title: '安置点问题清单',
      listedOn: '2020-05-19',
      items: [1, 2, 3, 4, 5].map((n) => ({
        problem: `安置点问题${n}`,
        category: 'roads',
        regionCode: '411321106200',
        responsibleGroupId: qiaoGroup.id,
        responsibleMemberIds: [ctx.county.members.qiaoSecretary],
        dueOn: `2020-06-0${n}`,
      })),
    });
    expect(list.statusCode, list.body).toBe(201);
    await ctx.t.app.activities.runReminders('2020-04-11');
    type Entry = { kind: string; text: string; itemId: string | null; orgId: string | null };
    const whole = (await baihe.get('/inbox?limit=200')).json() as { items: Entry[]; total: number };
    expect(whole.total).toBe(whole.items.length);
    expect(whole.items.map((n) => n.kind)).toEqual([
      'meeting_due',
      ...Array(5).fill('overdue'),
      ...Array(5).fill('assigned'),
    ]);
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res = await baihe.get(`/inbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: Entry[]; nextCursor: string | null; total: number };
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(whole.total);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.items);
    expect((await baihe.get('/inbox?cursor=not-a-cursor')).json().code).toBe('invalid_cursor');
    // A cursor the bell did not give (a part it has not, a place that is not one) is refused, not followed.
    const crafted = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    for (const c of [
      { v: -1, id: 'o:' },
      { v: 1, id: 'z:abc' },
      { v: 3, id: 'd:x' },
      { v: 'x', id: 'o:' },
    ]) {
      const res = await baihe.get(`/inbox?cursor=${crafted(c)}`);
      expect([res.statusCode, res.json().code]).toEqual([400, 'invalid_cursor']);
    }
  });

  it('feedback reaches the home organization and stays open until it acknowledges', async () => {
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const baihe = await ctx.user('baihe');
    const { qiaoBranch, special } = ctx.county.orgs;
    const sent = await baihe.post('/feedback-to-home', {
      orgId: qiaoBranch.id,
      memberId: ctx.county.members.qiaoOther,
      period: '2020年上半年',
      kind: 'good_work',
      text: '带头入户排查线路，群众认可',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    // Not someone who never served in the organization.
    expect(
      (
        await baihe.post('/feedback-to-home', {
          orgId: qiaoBranch.id,
          memberId: ctx.county.members.chengMember,
          period: '2020年上半年',
          kind: 'good_work',
          text: 'x',
        })
      ).statusCode,
    ).toBe(400);
    // The member's home organization (乔端镇供电所支部, in 乔端镇) receives it; 城郊乡 does not.
    const inbox = (await qiao.get('/feedback-to-home?box=received&open=true')).json().items;
    expect(inbox.map((f: { id: string }) => f.id)).toEqual([sent.json().id]);
    expect(inbox[0]).toMatchObject({ homePartyOrgName: '中共乔端镇供电所支部委员会', acknowledgedOn: null });
    // The page offers the acknowledgement to the home organization alone, and once.
    expect(inbox[0].abilities).toEqual({ acknowledge: true });
    expect(
      (await baihe.get('/feedback-to-home?box=sent')).json().items.find((f: { id: string }) => f.id === sent.json().id)
        .abilities,
    ).toEqual({ acknowledge: false });
    expect((await (await ctx.user('chengjiao')).get('/feedback-to-home?box=received')).json().items).toEqual([]);
    // The branch secretary cannot acknowledge for the home organization.
    expect((await baihe.post(`/feedback-to-home/${sent.json().id}/acknowledge`, { version: 1 })).statusCode).toBe(403);
    expect(
      (await (await ctx.user('chengjiao')).post(`/feedback-to-home/${sent.json().id}/acknowledge`, { version: 1 }))
        .statusCode,
    ).toBe(404);
    expect(
      (await qiao.post(`/feedback-to-home/${sent.json().id}/acknowledge`, { note: '已记入年度评议参考', version: 1 }))
        .statusCode,
    ).toBe(204);
    expect((await qiao.get('/feedback-to-home?box=received&open=true')).json().items).toEqual([]);
    expect(
      (await qiao.get('/feedback-to-home?box=received'))
        .json()
        .items.find((f: { id: string }) => f.id === sent.json().id).abilities,
    ).toEqual({
      acknowledge: false,
    });
    expect((await qiao.post(`/feedback-to-home/${sent.json().id}/acknowledge`, { version: 2 })).json().code).toBe(
      'already_acknowledged',
    );
    // A county-level home organization is answered by the county.
    // The county special branch's member from the county police: his home organization is at county level.
    const county = await admin.post('/feedback-to-home', {
      orgId: special.id,
      memberId: ctx.county.members.countyOfficer,
      period: '2020年',
      kind: 'shortcoming',
      text: '两次会议无故缺席',
    });
    expect(county.statusCode, county.body).toBe(201);
    expect(
      (await qiao.get('/feedback-to-home?box=received')).json().items.map((f: { id: string }) => f.id),
    ).not.toContain(county.json().id);
    expect(
      (await admin.get('/feedback-to-home?box=received&open=true')).json().items.map((f: { id: string }) => f.id),
    ).toContain(county.json().id);
  });

  it('a temporary organization has no appraisal or discipline action: it can only observe and tell the home organization', async () => {
    const baihe = await ctx.user('baihe');
    const { qiaoBranch } = ctx.county.orgs;
    const member = ctx.county.members.qiaoOther;
    for (const extra of [{ score: 60 }, { rating: '不合格' }, { sanction: '警告' }]) {
      const res = await baihe.post('/feedback-to-home', {
        orgId: qiaoBranch.id,
        memberId: member,
        period: '2020年',
        kind: 'shortcoming',
        text: '缺席',
        ...extra,
      });
      expect(res.statusCode).toBe(400);
    }
    expect(
      (
        await baihe.post('/feedback-to-home', {
          orgId: qiaoBranch.id,
          memberId: member,
          period: '2020年',
          kind: 'demerit',
          text: 'x',
        })
      ).statusCode,
    ).toBe(400);
    expect((await baihe.post(`/orgs/${qiaoBranch.id}/disciplinary-actions`, { memberId: member })).json().code).toBe(
      'temporary_org_cannot_discipline',
    );
    for (const url of [`/members/${member}/appraisals`, `/members/${member}/discipline`])
      expect((await baihe.post(url, {})).statusCode).toBe(404);
  });

  it("a member's record adds up across organizations, and members see their own", async () => {
    const qiao = await ctx.user('qiaoduan');
    const { qiaoBranch, qiaoGroup } = ctx.county.orgs;
    const { qiaoSecretary } = ctx.county.members;
    // The secretary sits in the branch and in its group: one meeting of each.
    await qiao.post('/activities', meeting({ attendance: [{ memberId: qiaoSecretary, status: 'present' }] }));
    await qiao.post(
      '/activities',
      meeting({
        orgId: qiaoGroup.id,
        kind: 'group_meeting',
        heldOn: '2020-04-02',
        attendance: [{ memberId: qiaoSecretary, status: 'excused', reason: '出差' }],
      }),
    );
    await qiao.post('/activities', meeting({ heldOn: '2020-05-02' }));
    const record = (await qiao.get(`/members/${qiaoSecretary}/record`)).json();
    expect(record.memberships.map((m: { orgId: string; role: string }) => [m.orgId, m.role]).sort()).toEqual(
      [
        [qiaoBranch.id, 'secretary'],
        [qiaoGroup.id, 'member'],
      ].sort(),
    );
    expect(record.activities).toMatchObject({ present: 1, excused: 1, absent: 1 });
    expect(record.activities.recent.map((a: { heldOn: string }) => a.heldOn)).toEqual([
      '2020-05-02',
      '2020-04-02',
      '2020-03-15',
    ]);
    await addUser(ctx.t.db.db, 'zhangwei', 'member', { member: qiaoSecretary });
    const self = as(ctx.t.app, await login(ctx.t.app, 'zhangwei', PASSWORD));
    expect((await self.get(`/members/${qiaoSecretary}/record`)).json().activities.present).toBe(1);
    expect((await self.get(`/members/${ctx.county.members.chengMember}/record`)).statusCode).toBe(404);
  });

  it("another township's meetings are out of scope", async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/activities', meeting())).json().id;
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/activities/${id}`)).statusCode).toBe(404);
    expect((await cheng.get('/activities')).json().items).toEqual([]);
    expect((await cheng.post('/activities', meeting())).statusCode).toBe(404);
    expect(
      (await cheng.get(`/activities/roster?orgId=${ctx.county.orgs.qiaoBranch.id}&on=2020-03-01`)).statusCode,
    ).toBe(404);
    expect((await (await ctx.user('admin')).get('/activities')).json().items).toHaveLength(1);
  });
});
