import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coverageBeyondParent } from '../src/lib/scope.ts';
import { excel } from '../src/lib/excel.ts';
import { type Client, exported } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

/**
 * DOMAIN §9a "Coverage nests": a child's covered regions lie inside its parent's; an account tied to an organization
 * sees the households of the villages that organization covers and changes only those it serves; nothing a user
 * creates widens that user's own reach. The factory's relocation-site branch (account `baihe`) covers 穆老庄村
 * (411321106200) only; 水晶河村 (411321106201) is another village of the same township.
 */
describe('reach: nothing a user creates widens the user’s own reach', () => {
  const ctx = useCounty();
  const group = (over: Record<string, unknown>) => ({
    parentId: ctx.county.orgs.qiaoBranch.id,
    level: 'group',
    name: '新党小组',
    mode: 'linked_services',
    anchorType: 'relocation_site',
    anchorName: '白河新村',
    mission: '承担支部分派的事项',
    regionCode: '411321106200',
    establishedOn: '2020-01-01',
    ...over,
  });
  const householdIds = async (c: Client) =>
    (await c.get('/households?limit=100'))
      .json()
      .items.map((h: { id: string }) => h.id)
      .sort();

  it('a branch secretary cannot widen his reach by setting up a party group placed in another township or covering the county', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    await registerHousehold(qiao, { regionCode: '411321106200' });
    await registerHousehold(qiao, { regionCode: '411321106201' });
    const cheng = await ctx.user('chengjiao');
    await registerHousehold(cheng, { regionCode: '411321300214' });
    const before = await householdIds(baihe);
    const orgsBefore = await ctx.t.db.db.selectFrom('temporary_orgs').select('id').execute();

    // The review's request: a group of his branch, seated in a village of 城郊乡, covering the whole county.
    const attack = await baihe.post('/orgs', group({ regionCode: '411321300214', coveredRegionCodes: ['411321'] }));
    expect(attack.statusCode).toBe(400);
    expect(attack.json().code).toBe('region_outside_scope');
    expect(
      attack
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.coveredRegionCodes.0', 'body.regionCode']);
    // Each half alone is refused too: the seat elsewhere, or a wider coverage from an allowed seat.
    expect((await baihe.post('/orgs', group({ regionCode: '411321300214' }))).json().code).toBe('region_outside_scope');
    expect((await baihe.post('/orgs', group({ coveredRegionCodes: ['411321106'] }))).json().code).toBe(
      'region_outside_scope',
    );
    expect((await baihe.post('/orgs', group({ coveredRegionCodes: ['411321106201'] }))).json().code).toBe(
      'region_outside_scope',
    );
    expect((await baihe.post('/orgs', group({ coveredRegionCodes: ['411321999999'] }))).json().code).toBe(
      'region_outside_scope',
    );

    expect(await ctx.t.db.db.selectFrom('temporary_orgs').select('id').execute()).toHaveLength(orgsBefore.length);
    expect(await householdIds(baihe)).toEqual(before);
    expect(before).toHaveLength(1);
    // 城郊乡 sees nothing new under its region either.
    expect((await cheng.get('/orgs?limit=200')).json().total).toBe(3);

    // Inside his branch's coverage he sets up a group as before.
    const ok = await baihe.post('/orgs', group({ name: '结对帮扶党小组' }));
    expect(ok.statusCode).toBe(201);
    expect(await householdIds(baihe)).toEqual(before);
  });

  it('a child organization’s seat and covered places lie inside its parent’s coverage, even for a region account', async () => {
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const branch = (over: Record<string, unknown>) => ({
      parentId: ctx.county.orgs.qiaoGb.id,
      level: 'branch',
      name: '水晶河村联建临时党支部',
      mode: 'joint_building',
      anchorType: 'village_cluster',
      anchorName: '水晶河村片区',
      mission: '解决水晶河村群众反映的问题',
      regionCode: '411321106201',
      establishedOn: '2020-01-01',
      ...over,
    });
    // A township account: nothing outside its township, whatever the parent.
    expect((await qiao.post('/orgs', branch({ coveredRegionCodes: ['411321300214'] }))).json().code).toBe(
      'region_outside_scope',
    );
    // The county account reaches the county, but a child of 乔端镇's general branch stays inside 乔端镇.
    expect((await admin.post('/orgs', branch({ coveredRegionCodes: ['411321300214'] }))).json().code).toBe(
      'region_outside_scope',
    );
    // A party group of the relocation-site branch stays inside the branch's village, even when the township sets it up.
    expect((await qiao.post('/orgs', group({ regionCode: '411321106201' }))).json().code).toBe('region_outside_scope');
    const created = await qiao.post('/orgs', branch({}));
    expect(created.statusCode).toBe(201);
    const detail = (await qiao.get(`/orgs/${created.json().id}`)).json();
    expect(detail.coveredRegions.map((r: { code: string }) => r.code)).toEqual(['411321106201']);
  });

  it('a record placed by an account lies inside its reach and inside its organization’s coverage: reports, items, units, land contracts', async () => {
    const baihe = await ctx.user('baihe');
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const report = (regionCode: string) => ({
      source: 'visit',
      regionCode,
      category: 'roads',
      description: '路灯不亮',
    });
    // A report entered by the branch lands in its village, not in another branch's work.
    expect((await baihe.post('/reports', report('411321300214'))).json().code).toBe('region_outside_scope');
    expect((await baihe.post('/reports', report('411321106201'))).json().code).toBe('region_outside_scope');
    expect((await baihe.post('/reports', report('411321106200'))).statusCode).toBe(201);
    expect((await qiao.post('/reports', report('411321300214'))).json().code).toBe('region_outside_scope');

    // An item's place shows on that village's board: inside the branch's coverage.
    const list = (items: object[]) => ({
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-08-01',
      items,
    });
    const outside = await baihe.post(
      '/problem-lists',
      list([{ problem: '城郊乡的事', category: 'roads', regionCode: '411321300214' }]),
    );
    expect(outside.json().code).toBe('region_outside_scope');
    const otherVillage = await qiao.post(
      '/problem-lists',
      list([{ problem: '水晶河村的事', category: 'roads', regionCode: '411321106201' }]),
    );
    expect(otherVillage.json().code).toBe('region_outside_scope');
    expect(
      (
        await baihe.post(
          '/problem-lists',
          list([{ problem: '穆老庄村的事', category: 'roads', regionCode: '411321106200' }]),
        )
      ).statusCode,
    ).toBe(201);
    const board = (await ctx.t.app.inject({ url: '/api/v1/public/villages/411321300214/board' })).json();
    expect(board.items).toEqual([]);

    // Units are the region accounts' register, inside their region.
    expect(
      (await qiao.post('/units', { name: '城郊乡水利站', type: 'public_institution', regionCode: '411321300' })).json()
        .code,
    ).toBe('region_outside_scope');
    expect(
      (await baihe.post('/units', { name: '白河新村物业', type: 'enterprise', regionCode: '411321106200' })).statusCode,
    ).toBe(403);

    // A land contract of the reserve-forest project lies inside what its branch covers.
    const project = (
      await cheng.post('/projects', {
        orgId: ctx.county.orgs.chengBranch.id,
        name: '国储林',
        investmentYuan: 1,
        areaMu: 1,
        beneficiaries: 1,
        description: 'x',
      })
    ).json().id;
    const contract = (regionCode: string) => ({ holder: '承包户', regionCode, areaMu: 10, status: 'negotiating' });
    expect((await cheng.post(`/projects/${project}/land-contracts`, contract('411321300215'))).json().code).toBe(
      'region_outside_scope',
    );
    expect((await cheng.post(`/projects/${project}/land-contracts`, contract('411321300214'))).statusCode).toBe(204);
    // So does a household's participation in it.
    const joins = (regionCode: string) => ({ holder: '参与户', regionCode, kind: 'job', incomeYuan: 3000, year: 2020 });
    expect((await cheng.post(`/projects/${project}/participations`, joins('411321300215'))).json().code).toBe(
      'region_outside_scope',
    );
    expect((await cheng.post(`/projects/${project}/participations`, joins('411321300214'))).statusCode).toBe(204);
  });

  it('a tree made before coverage nested is checked: organizations covering beyond their parent are listed (lianjian check-coverage)', async () => {
    const db = ctx.t.db.db;
    expect(await coverageBeyondParent(db)).toEqual([]);
    // What the review's request left behind under the old code: a group of the branch covering the county.
    const id = randomUUID();
    const branch = ctx.county.orgs.qiaoBranch;
    const row = await db.selectFrom('temporary_orgs').selectAll().where('id', '=', branch.id).executeTakeFirstOrThrow();
    await db
      .insertInto('temporary_orgs')
      .values({
        ...row,
        id,
        name: '越权党小组',
        level: 'group',
        parent_id: branch.id,
        path: `${branch.path}${id}/`,
        region_code: '411321300214',
        approving_party_org_id: null,
        approving_org_id: branch.id,
      })
      .execute();
    await db
      .insertInto('org_regions')
      .values([
        { org_id: id, region_code: '411321300214' },
        { org_id: id, region_code: '411321' },
      ])
      .execute();
    expect(await coverageBeyondParent(db)).toEqual([
      { id, name: '越权党小组', regionCode: '411321' },
      { id, name: '越权党小组', regionCode: '411321300214' },
    ]);
    // Meanwhile it widens nobody: the branch account's households are its own branch's coverage, not its subtree's.
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    await registerHousehold(qiao);
    await registerHousehold(cheng, { regionCode: '411321300214' });
    expect((await (await ctx.user('baihe')).get('/households')).json().total).toBe(1);
  });

  it('linking a unit brings its members into the organization’s reach: only units the caller already reaches', async () => {
    const baihe = await ctx.user('baihe');
    const { units, members, orgs } = ctx.county;
    const before = (await baihe.get('/members?limit=200')).json().items.map((m: { id: string }) => m.id);
    expect(before).not.toContain(members.chengMember);
    const link = await baihe.post(`/orgs/${orgs.qiaoBranch.id}/units`, {
      unitId: units.chengGov,
      linkedOn: '2020-01-01',
    });
    expect(link.statusCode).toBe(404);
    const withUnit = await baihe.post('/orgs', group({ unitIds: [units.chengGov] }));
    expect(withUnit.statusCode).toBe(400);
    const after = (await baihe.get('/members?limit=200')).json().items.map((m: { id: string }) => m.id);
    expect(after.sort()).toEqual([...before].sort());
    // A unit the township reaches is linked as before.
    const qiao = await ctx.user('qiaoduan');
    expect(
      (await qiao.post(`/orgs/${orgs.qiaoBranch.id}/units`, { unitId: units.qiaoPolice, linkedOn: '2020-01-01' }))
        .statusCode,
    ).toBe(204);
  });
});

describe('a member linked by need for one item widens nothing beyond that item', () => {
  const ctx = useCounty();

  it('linking a member from outside the branch by need gives it neither that member’s records, nor their unit, nor the households they help', async () => {
    const baihe = await ctx.user('baihe');
    const { members, units, orgs } = ctx.county;
    // A household of the branch's village whose helper is 周强 of the county police (set by the township).
    const qiao = await ctx.user('qiaoduan');
    const household = await registerHousehold(qiao);
    expect(
      (
        await qiao.post(`/households/${household}/helpers`, {
          memberId: members.countyOfficer,
          role: 'cadre',
          primary: true,
          reason: '结对帮扶',
          startOn: '2020-01-01',
        })
      ).statusCode,
    ).toBe(201);
    const visit = () =>
      baihe.post(`/households/${household}/visits`, { visitedOn: '2020-06-01', helperIds: [members.countyOfficer] });
    expect((await visit()).json().code).toBe('household_not_served');
    const seen = async () =>
      (await baihe.get('/members?limit=200'))
        .json()
        .items.map((m: { id: string }) => m.id)
        .sort();
    const before = await seen();

    const list = await baihe.post('/problem-lists', {
      orgId: orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-08-01',
      items: [{ problem: '线路跳闸', category: 'electricity', responsibleGroupId: orgs.qiaoGroup.id }],
    });
    const itemId = list.json().itemIds[0];
    // By design a member of any unit and any township can be linked for the item…
    expect(
      (await baihe.post(`/items/${itemId}/links`, { memberId: members.countyOfficer, reason: '熟悉线路' })).statusCode,
    ).toBe(204);
    expect((await baihe.get(`/items/${itemId}`)).statusCode).toBe(200);
    // …but the link reaches no further than the item.
    expect(await seen()).toEqual(before);
    expect((await baihe.get(`/members/${members.countyOfficer}/record`)).statusCode).toBe(404);
    expect(
      (await baihe.post(`/orgs/${orgs.qiaoBranch.id}/units`, { unitId: units.countyPolice, linkedOn: '2020-08-02' }))
        .statusCode,
    ).toBe(404);
    const permanent = await baihe.post(`/orgs/${orgs.qiaoBranch.id}/memberships`, {
      memberId: members.countyOfficer,
      role: 'member',
      startOn: '2020-08-02',
      linkReason: '长期联结',
    });
    expect(permanent.statusCode).toBe(404);
    expect((await visit()).json().code).toBe('household_not_served');
    // Nor can the branch make him responsible for another item of its own.
    const another = await baihe.post('/problem-lists', {
      orgId: orgs.qiaoBranch.id,
      title: '另一清单',
      listedOn: '2020-08-03',
      items: [{ problem: '路灯', category: 'roads', responsibleMemberIds: [members.countyOfficer] }],
    });
    expect(another.statusCode).toBe(400);
    // The county that manages 周强 is unaffected.
    expect((await (await ctx.user('admin')).get(`/members/${members.countyOfficer}`)).statusCode).toBe(200);
  });
});

describe('a branch account reads the households of the villages its branch covers, and changes only those it serves', () => {
  const ctx = useCounty();

  it('reads the covered village’s households only, in the list, by id, in counts and in exports', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const covered = await registerHousehold(qiao, { regionCode: '411321106200' });
    const elsewhere = await registerHousehold(qiao, { regionCode: '411321106201' });
    const list = (await baihe.get('/households?limit=100')).json();
    expect(list.items.map((h: { id: string }) => h.id)).toEqual([covered]);
    expect(list.total).toBe(1);
    expect((await baihe.get(`/households/${elsewhere}`)).statusCode).toBe(404);
    expect((await baihe.get(`/households/${elsewhere}/visits`)).statusCode).toBe(404);
    expect(
      (
        await baihe.post(`/households/${elsewhere}/visits`, {
          visitedOn: '2020-06-01',
          helperIds: [ctx.county.members.qiaoOther],
        })
      ).statusCode,
    ).toBe(404);
    expect((await baihe.get('/households?regionCode=411321106')).json().total).toBe(1);
    const file = await exported(baihe, 'households', {});
    expect(file.statusCode, file.body).toBe(200);
    const book = new (await excel()).Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const rows: string[] = [];
    sheet?.eachRow((row) => rows.push(String(row.values)));
    expect(rows.join('\n')).not.toContain('水晶河村');
    expect(rows.filter((r) => r.includes('赵大山'))).toHaveLength(1);
  });

  it('a member’s duty record counts all of the member’s work but names only the households the reader may see; a helper comes from the reader’s reach or a unit above the village', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const cheng = await ctx.user('chengjiao');
    const { members } = ctx.county;
    const covered = await registerHousehold(qiao, { regionCode: '411321106200' });
    const elsewhere = await registerHousehold(qiao, { regionCode: '411321106201' });
    for (const h of [covered, elsewhere]) {
      expect(
        (
          await qiao.post(`/households/${h}/helpers`, {
            memberId: members.qiaoPowerChief,
            role: 'party_member',
            primary: true,
            reason: '结对帮扶',
            startOn: '2020-01-01',
          })
        ).statusCode,
      ).toBe(201);
    }
    // Another township cannot pick him by id for its own households.
    const theirs = await registerHousehold(cheng, { regionCode: '411321300214' });
    expect(
      (
        await cheng.post(`/households/${theirs}/helpers`, {
          memberId: members.qiaoPowerChief,
          role: 'party_member',
          primary: true,
          reason: 'x',
          startOn: '2020-01-01',
        })
      ).statusCode,
    ).toBe(404);

    const record = (await baihe.get(`/members/${members.qiaoPowerChief}/record`)).json();
    expect(record.households.total).toBe(2);
    expect(record.households.list.map((h: { householdId: string }) => h.householdId)).toEqual([covered]);
    const full = (await qiao.get(`/members/${members.qiaoPowerChief}/record`)).json();
    expect(full.households.list.map((h: { householdId: string }) => h.householdId).sort()).toEqual(
      [covered, elsewhere].sort(),
    );
  });

  it('a household its branch does not serve is read-only for it: helpers, visits, measures, monitoring and exit answer 403 household_not_served', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const { members } = ctx.county;
    // Served: its primary helper is a member of the branch. Not served: its only helper works for the linked
    // power station but holds no membership of the branch.
    const served = await registerHousehold(qiao);
    const unserved = await registerHousehold(qiao);
    const helper = (memberId: string) => ({
      memberId,
      role: 'cadre',
      primary: true,
      reason: '结对帮扶',
      startOn: '2020-01-01',
    });
    expect((await qiao.post(`/households/${served}/helpers`, helper(members.qiaoOther))).statusCode).toBe(201);
    expect((await qiao.post(`/households/${unserved}/helpers`, helper(members.qiaoPowerChief))).statusCode).toBe(201);

    // What the household page offers follows: no change, and no exit application, where the branch does not serve.
    expect((await baihe.get(`/households/${unserved}`)).json().abilities).toEqual({
      write: false,
      unmask: false,
      applyExit: false,
    });
    expect((await baihe.get(`/households/${served}`)).json().abilities).toEqual({
      write: true,
      unmask: false,
      applyExit: true,
    });
    expect((await qiao.get(`/households/${unserved}`)).json().abilities).toEqual({
      write: true,
      unmask: true,
      applyExit: true,
    });

    const writes = (id: string, helperId: string) => [
      () =>
        baihe.post(`/households/${id}/helpers`, {
          memberId: members.qiaoSecretary,
          role: 'party_member',
          primary: false,
          reason: '叠加帮扶',
          startOn: '2020-02-01',
        }),
      () => baihe.post(`/households/${id}/visits`, { visitedOn: '2020-06-01', helperIds: [helperId] }),
      () =>
        baihe.post(`/households/${id}/measures`, {
          category: 'industry',
          content: '发展香菇种植',
          costYuan: 0,
          startOn: '2020-06-01',
        }),
      () =>
        baihe.post('/monitoring-cases', {
          householdId: id,
          category: 'sudden_hardship',
          source: 'cadre_visit',
          risk: '因病',
        }),
      () => baihe.post('/exit-applications', { householdId: id, source: 'household' }),
    ];
    const counts = async () => {
      const db = ctx.t.db.db;
      const n = async (t: 'helpers' | 'visits' | 'measures' | 'monitoring_cases' | 'exit_applications') =>
        Number(
          (
            await db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return [
        await n('helpers'),
        await n('visits'),
        await n('measures'),
        await n('monitoring_cases'),
        await n('exit_applications'),
      ];
    };
    const before = await counts();
    for (const write of writes(unserved, members.qiaoPowerChief)) {
      const res = await write();
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('household_not_served');
    }
    expect(await counts()).toEqual(before);
    // Ending a helper of a household it does not serve, too.
    const helperRow = (await qiao.get(`/households/${unserved}`)).json().helpers[0];
    const end = await baihe.post(`/households/${unserved}/helpers/${helperRow.id}/end`, {
      endOn: '2020-12-01',
      endReason: '调整',
      version: helperRow.version,
    });
    expect(end.statusCode).toBe(403);

    // The household it serves takes every one of them.
    for (const write of writes(served, members.qiaoOther)) {
      const res = await write();
      expect(res.statusCode, res.body).toBe(201);
    }
    // Monitoring and exit steps on a household it does not serve: the township opens them, the branch cannot move them.
    const caseId = (
      await qiao.post('/monitoring-cases', {
        householdId: unserved,
        category: 'sudden_hardship',
        source: 'cadre_visit',
        risk: '因病',
      })
    ).json().id;
    const version = (await qiao.get(`/monitoring-cases/${caseId}`)).json().version;
    const step = await baihe.post(`/monitoring-cases/${caseId}/transitions`, { to: 'consented', version });
    expect(step.json().code).toBe('household_not_served');
    // Nor exit steps, objections or a measure's acknowledgement that the township started.
    const exitId = (await qiao.post('/exit-applications', { householdId: unserved, source: 'household' })).json().id;
    const exitVersion = (await qiao.get(`/exit-applications/${exitId}`)).json().version;
    const exitStep = await baihe.post(`/exit-applications/${exitId}/transitions`, {
      to: 'reviewed',
      version: exitVersion,
    });
    expect(exitStep.json().code).toBe('household_not_served');
    const objection = await baihe.post(`/exit-applications/${exitId}/objections`, {
      content: '有异议',
      version: exitVersion,
    });
    expect(objection.json().code).toBe('household_not_served');
    const measureId = (
      await qiao.post(`/households/${unserved}/measures`, {
        category: 'industry',
        content: '发展香菇种植',
        costYuan: 0,
        startOn: '2020-06-01',
      })
    ).json().id;
    const ack = await baihe.post(`/households/${unserved}/measures/${measureId}/acknowledge`, {
      acknowledgedOn: '2020-06-02',
      version: 1,
    });
    expect(ack.json().code).toBe('household_not_served');
    expect((await qiao.get(`/exit-applications/${exitId}`)).json()).toMatchObject({
      status: 'applied',
      version: exitVersion,
    });
  });
});

describe('the audit administrator reads the trail, not the register', () => {
  const ctx = useCounty();

  it('the trail shows who did what to which record, with the household’s name, address, incomes and causes hidden', async () => {
    const qiao = await ctx.user('qiaoduan');
    const h = await registerHousehold(qiao);
    const auditor = await ctx.user('auditor');
    const events = (await auditor.get(`/audit-events?entityId=${h}`)).json().items;
    const created = events.find((e: { action: string }) => e.action === 'household.create');
    expect(created.after).toMatchObject({ id: h, region_code: '411321106200', status: 'registered', people: 3 });
    const shown = JSON.stringify(events);
    for (const hidden of ['赵大山', '穆老庄村一组', '9000', 'illness', '4800'])
      expect(shown, hidden).not.toContain(hidden);
    expect(created.after.head_name).toBe('（业务内容，审计视图不显示）');
    // The chain still covers the values as stored.
    expect((await auditor.get('/audit/verify')).json().ok).toBe(true);
  });
});
