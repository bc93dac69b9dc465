import { todayInShanghai } from '@lianjian/shared';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nameInitials } from '../src/lib/pinyin.ts';
import { PASSWORD, addUser } from './factories.ts';
import { as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

describe('DOMAIN §8: an item after its list was made', () => {
  const ctx = useCounty();
  const db = () => ctx.t.db.db;
  const anon = () => ({
    post: (url: string, payload: unknown) =>
      ctx.t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object }),
    get: (url: string) => ctx.t.app.inject({ url: `/api/v1${url}` }),
  });
  const residentReport = async (description: string) => {
    const res = await anon().post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description,
      phone: '13812341234',
    });
    expect(res.statusCode).toBe(201);
    return res.json().trackingCode as string;
  };
  const reportId = async (words: string) => {
    const reports = (await (await ctx.user('qiaoduan')).get('/reports?status=new')).json();
    return reports.items.find((r: { description: string }) => r.description.includes(words)).id as string;
  };
  /** The branch combs one report into list 1: one item for the party group, 张伟 responsible. */
  const comb = async () => {
    await residentReport('断路器老是跳闸，家里经常停电');
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '白河新村群众反映问题清单（2020年5月19日）',
      listedOn: '2020-05-19',
      items: [
        {
          problem: '断路器频繁跳闸',
          category: 'electricity',
          regionCode: '411321106200',
          reportIds: [await reportId('跳闸')],
          responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
          responsibleMemberIds: [ctx.county.members.qiaoSecretary],
          dueOn: '2020-06-15',
        },
      ],
    });
    expect(list.statusCode).toBe(201);
    return list.json().itemIds[0] as string;
  };
  const item = async (id: string) => (await (await ctx.user('qiaoduan')).get(`/items/${id}`)).json();
  /** A second party group of the branch. */
  const secondGroup = async () => {
    const id = randomUUID();
    const g = await db()
      .selectFrom('temporary_orgs')
      .selectAll()
      .where('id', '=', ctx.county.orgs.qiaoGroup.id)
      .executeTakeFirstOrThrow();
    const name = '人居环境党小组';
    await db()
      .insertInto('temporary_orgs')
      .values({ ...g, id, name, name_initials: nameInitials(name), path: `${ctx.county.orgs.qiaoBranch.path}${id}/` })
      .execute();
    return id;
  };
  const audits = (action: string, entityId: string) =>
    db()
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('action', '=', action)
      .where('entity_id', '=', entityId)
      .execute();
  const close = async (id: string) => {
    for (const [who, to, extra] of [
      ['baihe', 'in_progress', {}],
      ['baihe', 'awaiting_confirmation', {}],
      ['qiaoduan', 'closed', { evidence: '已更换断路器' }],
    ] as const) {
      const res = await (await ctx.user(who)).post(`/items/${id}/transitions`, {
        to,
        version: (await item(id)).version,
        ...extra,
      });
      expect(res.statusCode).toBe(204);
    }
  };

  it('staff who manage the item’s organization edit its due date (not before the list), party group (one of the organization’s) and people (its members) while it is not closed, audited and in the trail', async () => {
    const id = await comb();
    const group = await secondGroup();
    const qiao = await ctx.user('qiaoduan');
    const before = await item(id);
    expect(before.abilities.edit).toBe(true);
    // The list offers adding an item to its staff only.
    expect((await qiao.get(`/problem-lists/${before.listId}`)).json().abilities).toEqual({ addItem: true });
    expect((await (await ctx.user('supervisor')).get(`/problem-lists/${before.listId}`)).json().abilities).toEqual({
      addItem: false,
    });
    const edit = (body: object, who = qiao) => who.patch(`/items/${id}`, body);
    // Out of scope: another township's admin gets 404; a reader without items:write 403.
    expect((await edit({ dueOn: '2020-05-25', version: before.version }, await ctx.user('chengjiao'))).statusCode).toBe(
      404,
    );
    expect((await edit({ dueOn: '2020-05-25', version: before.version }, await ctx.user('auditor'))).statusCode).toBe(
      403,
    );
    // The rules on the values.
    expect((await edit({ dueOn: '2020-05-18', version: before.version })).json().code).toBe('deadline_before_record');
    const foreignGroup = await edit({ responsibleGroupId: ctx.county.orgs.chengGroup.id, version: before.version });
    expect([foreignGroup.statusCode, foreignGroup.json().errors[0].path]).toEqual([400, 'body.responsibleGroupId']);
    const outsider = await edit({ responsibleMemberIds: [ctx.county.members.qiaoPowerChief], version: before.version });
    expect([outsider.statusCode, outsider.json().errors[0].path]).toEqual([400, 'body.responsibleMemberIds']);
    // A stale version.
    expect((await edit({ dueOn: '2020-05-25', version: before.version + 1 })).json().code).toBe('version_conflict');

    const ok = await edit({
      dueOn: '2020-05-25',
      responsibleGroupId: group,
      responsibleMemberIds: [ctx.county.members.qiaoSecretary, ctx.county.members.qiaoOther],
      version: before.version,
    });
    expect(ok.statusCode).toBe(204);
    const after = await item(id);
    // The one deadline is the earlier of the working-day target (26 May) and the date staff set.
    expect(after.dueOn).toBe('2020-05-25');
    expect(after.responsibleGroup).toEqual({ id: group, name: '人居环境党小组' });
    expect(after.responsibleMembers.sort()).toEqual(['张伟', '王芳'].sort());
    expect(after.version).toBe(before.version + 1);
    const edits = after.events.filter((e: { kind: string }) => e.kind === 'edit');
    expect(edits.map((e: { text: string; public: boolean }) => [e.public, e.text])).toEqual(
      expect.arrayContaining([
        [true, '完成时限由2020-06-15调整为2020-05-25'],
        [false, expect.stringContaining('责任党小组由基础建设党小组调整为人居环境党小组')],
      ]),
    );
    const [row] = await audits('item.edit', id);
    expect(JSON.parse(row?.before_json ?? '{}')).toMatchObject({
      dueOn: '2020-06-15',
      responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
    });
    expect(JSON.parse(row?.after_json ?? '{}')).toMatchObject({ dueOn: '2020-05-25', responsibleGroupId: group });

    // A closed item is not edited.
    await close(id);
    const closed = await item(id);
    expect(closed.abilities.edit).toBe(false);
    expect((await edit({ dueOn: '2020-07-30', version: closed.version })).json().code).toBe('item_closed');
  });

  it('an organization the item was escalated to works it but does not edit it or its links', async () => {
    const id = await comb();
    await addUser(db(), 'jiaosu', 'org_secretary', { org: ctx.county.orgs.special.id });
    const qiao = await ctx.user('qiaoduan');
    await qiao.post(`/items/${id}/escalate`, {
      toOrgId: ctx.county.orgs.special.id,
      reason: '需要县级资源',
      version: (await item(id)).version,
    });
    const special = as(ctx.t.app, await login(ctx.t.app, 'jiaosu', PASSWORD));
    const seen = (await special.get(`/items/${id}`)).json();
    expect(seen.abilities.edit).toBe(false);
    const res = await special.patch(`/items/${id}`, { dueOn: '2020-05-25', version: seen.version });
    expect([res.statusCode, res.json().code]).toEqual([403, 'permission_denied']);
  });

  it('a mistaken link by need is ended with a reason: the membership it made ends and the member’s access to the item with it, audited', async () => {
    const id = await comb();
    await addUser(db(), 'dianli', 'member', { member: ctx.county.members.qiaoPowerChief });
    const qiao = await ctx.user('qiaoduan');
    expect(
      (await qiao.post(`/items/${id}/links`, { memberId: ctx.county.members.qiaoPowerChief, reason: '排查线路' }))
        .statusCode,
    ).toBe(204);
    const chief = as(ctx.t.app, await login(ctx.t.app, 'dianli', PASSWORD));
    expect((await chief.get(`/items/${id}`)).statusCode).toBe(200);
    // The group cannot change under a running link.
    const group = await secondGroup();
    expect(
      (await qiao.patch(`/items/${id}`, { responsibleGroupId: group, version: (await item(id)).version })).json().code,
    ).toBe('linked_members_in_group');

    const end = (body: object, who = qiao, member = ctx.county.members.qiaoPowerChief) =>
      who.post(`/items/${id}/links/${member}/end`, body);
    expect((await end({ reason: '联结错了人' }, await ctx.user('chengjiao'))).statusCode).toBe(404);
    expect((await end({ reason: '联结错了人' }, await ctx.user('auditor'))).statusCode).toBe(403);
    expect((await end({})).statusCode).toBe(400);
    // No link of that member on the item.
    expect((await end({ reason: '联结错了人' }, qiao, ctx.county.members.qiaoSecretary)).statusCode).toBe(404);
    expect((await end({ reason: '联结错了人' })).statusCode).toBe(204);

    // The membership ended today with the reason; the member's only membership: the session ends with it.
    const memberships = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships?status=all`)).json();
    const ended = memberships.items.find((m: { memberName: string }) => m.memberName === '李电明');
    expect(ended.active).toBe(false);
    expect(ended.endReason).toContain('联结错了人');
    expect((await chief.get(`/items/${id}`)).statusCode).toBe(401);
    const after = await item(id);
    expect(after.members.map((m: { name: string }) => m.name)).not.toContain('李电明');
    expect(after.events.map((e: { text: string }) => e.text)).toContain('结束李电明的因需联结（联结错了人）');
    const [row] = await audits('item.link_end', id);
    expect(JSON.parse(row?.before_json ?? '{}')).toMatchObject({ memberId: ctx.county.members.qiaoPowerChief });
    expect(JSON.parse(row?.after_json ?? '{}')).toMatchObject({ membershipEndedOn: todayInShanghai() });
    // Ended once; and the group may change now.
    expect((await end({ reason: '再次' })).statusCode).toBe(404);
    expect((await qiao.patch(`/items/${id}`, { responsibleGroupId: group, version: after.version })).statusCode).toBe(
      204,
    );
    // Closing the item refuses any later end.
    await close(id);
    expect((await end({ reason: '联结错了人' })).json().code).toBe('item_closed');
  });

  it('a report of the same problem joins an open item of its organization: listed, followed by the resident through the item, audited', async () => {
    const id = await comb();
    const code = await residentReport('又跳闸了，整排房子都停电');
    const dup = await reportId('整排房子');
    const qiao = await ctx.user('qiaoduan');
    const add = (body: object, who = qiao) => who.post(`/items/${id}/reports`, body);
    const v = (await item(id)).version;
    expect((await add({ reportIds: [dup], version: v }, await ctx.user('chengjiao'))).statusCode).toBe(404);
    expect((await add({ reportIds: [dup], version: v }, await ctx.user('auditor'))).statusCode).toBe(403);
    expect((await add({ reportIds: [dup], version: v + 1 })).json().code).toBe('version_conflict');
    expect((await add({ reportIds: [randomUUID()], version: v })).statusCode).toBe(404);
    expect((await add({ reportIds: [dup], version: v })).statusCode).toBe(204);
    const after = await item(id);
    expect(after.reports.map((r: { id: string }) => r.id)).toContain(dup);
    expect(after.version).toBe(v + 1);
    // Listed once: the same report again is refused.
    expect((await add({ reportIds: [dup], version: after.version })).json().code).toBe('report_not_new');
    // The resident's page follows the item.
    const view = (await anon().get(`/public/reports/${code}`)).json();
    expect(view.stage).not.toBe('received');
    expect(JSON.stringify(view)).toContain('并入1条相同问题的群众反映');
    const [row] = await audits('item.reports_add', id);
    expect(JSON.parse(row?.after_json ?? '{}')).toEqual({ reportIds: [dup] });
    // A closed item takes no more reports.
    await residentReport('第三户也跳闸');
    const third = await reportId('第三户');
    await close(id);
    expect((await add({ reportIds: [third], version: (await item(id)).version })).json().code).toBe('item_closed');
  });
});
