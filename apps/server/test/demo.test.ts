import { describe, expect, it } from 'vitest';
import { type SqlBool, sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { DataCipher } from '../src/lib/crypto.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { allItems, as, login, testApp } from './helpers.ts';

describe('the Nanzhao demo county (DOMAIN §2)', () => {
  it('reproduces the structure and figures of the reference county', async () => {
    const cipher = new DataCipher(randomBytes(32));
    const t = await testApp(undefined, cipher);
    try {
      await seedDemo(t.db.db, await hashPassword('Demo-Password-1'), cipher);
      const admin = as(t.app, await login(t.app, 'admin', 'Demo-Password-1'));
      const overview = (await admin.get('/stats/overview')).json();
      expect(overview.orgs).toMatchObject({ committee: 1, general_branch: 18, branch: 197 });
      expect(overview.membersLinked).toBe(5588);
      expect(overview.byTownship).toHaveLength(15);
      expect(overview.byTownship.reduce((s: number, x: { branches: number }) => s + x.branches, 0)).toBe(178);

      const committee = (await admin.get('/orgs?level=committee')).json().items[0];
      const special = (await admin.get(`/orgs?parentId=${committee.id}&kind=special&limit=50`)).json();
      expect(special.total).toBe(19);
      const countyGbs = (
        await admin.get(`/orgs?parentId=${committee.id}&level=general_branch&regionId=411321&limit=50`)
      ).json();
      expect(countyGbs.items.filter((o: { regionCode: string }) => o.regionCode === '411321')).toHaveLength(3);

      // Regions come from the official division data: 15 townships, 皇路店镇 (103) and the factories excluded.
      const townships = (await admin.get('/regions?level=township')).json().items;
      expect(townships).toHaveLength(15);
      expect(townships.map((r: { code: string }) => r.code)).not.toContain('411321103');
      const villages = (await admin.get('/regions?parentCode=411321106')).json().items;
      expect(villages.map((v: { name: string }) => v.name)).toContain('穆老庄村');

      // The relocation-site branch: 40+ members, five named party groups, 10+ linked units.
      const baihe = (await admin.get(`/orgs?q=${encodeURIComponent('白河新村')}`)).json().items[0];
      expect(baihe.name).toBe('白河新村易地搬迁临时党支部');
      const detail = (await admin.get(`/orgs/${baihe.id}`)).json();
      expect(detail.linkedUnits.length).toBeGreaterThanOrEqual(10);
      const unitNames = detail.linkedUnits.map((u: { name: string }) => u.name).join(' ');
      for (const kind of ['派出所', '供电所', '司法所', '水利站', '漂流']) expect(unitNames).toContain(kind);
      const members = (await admin.get(`/orgs/${baihe.id}/memberships?limit=200`)).json();
      expect(members.total).toBeGreaterThanOrEqual(40);
      expect(members.items[0].role).toBe('secretary');
      const groups = (await admin.get(`/orgs?parentId=${baihe.id}`)).json().items.map((g: { name: string }) => g.name);
      expect(groups.sort()).toEqual(
        ['结对帮扶党小组', '维护治安党小组', '矛盾调解党小组', '卫生保洁党小组', '基础建设党小组'].sort(),
      );
      // Each group holds the people its work needs: power and water in 基础建设, police in 维护治安, the health centre in
      // 结对帮扶 (its households are poor through illness), the judicial office in 矛盾调解.
      const unitsOfGroup = async (name: string) =>
        (
          await t.db.db
            .selectFrom('memberships as m')
            .innerJoin('temporary_orgs as g', 'g.id', 'm.org_id')
            .innerJoin('members as p', 'p.id', 'm.member_id')
            .innerJoin('units as u', 'u.id', 'p.unit_id')
            .select('u.name')
            .where('g.parent_id', '=', baihe.id)
            .where('g.name', '=', name)
            .execute()
        ).map((u) => u.name);
      for (const [group, fits] of [
        ['基础建设党小组', /供电|水利/],
        ['维护治安党小组', /派出所|公安/],
        ['矛盾调解党小组', /司法/],
      ] as const) {
        const names = await unitsOfGroup(group);
        expect(names.length, group).toBeGreaterThan(0);
        for (const n of names) expect(n, group).toMatch(fits);
      }
      expect((await unitsOfGroup('结对帮扶党小组')).some((n) => n.endsWith('卫生院'))).toBe(true);

      // One account per role, each scoped.
      const qiao = as(t.app, await login(t.app, 'qiaoduan', 'Demo-Password-1'));
      const qiaoStats = (await qiao.get('/stats/overview')).json();
      expect(qiaoStats.orgs.general_branch).toBe(1);
      expect(qiaoStats.orgs.branch).toBe(12);
      const baiheUser = as(t.app, await login(t.app, 'baihe', 'Demo-Password-1'));
      expect((await baiheUser.get('/auth/me')).json().scope.orgName).toBe('白河新村易地搬迁临时党支部');
      for (const u of ['chengjiao', 'supervisor', 'auditor']) await login(t.app, u, 'Demo-Password-1');

      // Case 2: the 15-item list of 2020-05-19; item 3 solved by the power-station chief linked by need.
      const lists = (await baiheUser.get('/problem-lists')).json();
      expect(lists.items[0]).toMatchObject({
        title: '白河新村群众反映问题清单（2020年5月19日）',
        listedOn: '2020-05-19',
        itemCount: 15,
      });
      const items = (await baiheUser.get(`/items?listId=${lists.items[0].id}&limit=50`)).json();
      const item3 = items.items.find((i: { no: number }) => i.no === 3);
      expect(item3).toMatchObject({
        problem: '断路器频繁跳闸',
        status: 'closed',
        responsibleGroup: { name: '基础建设党小组' },
      });
      const item3Detail = (await baiheUser.get(`/items/${item3.id}`)).json();
      expect(item3Detail.members.find((m: { role: string }) => m.role === 'linked')).toMatchObject({
        unitName: '南召县乔端镇供电所',
      });
      expect(item3Detail.residentConfirmedAt).toBeTruthy();
      expect(item3Detail.events.map((e: { text: string }) => e.text).join(' ')).toContain('暗线');
      // The two electricians he brought are not Party members: participants on the item, on the ledger, in no organization.
      expect(
        item3Detail.participantRecords.map((p: { role: string; endOn: string | null }) => [p.role, p.endOn !== null]),
      ).toEqual([
        ['电工，入户排查线路', true],
        ['电工，入户排查线路', true],
      ]);
      expect(item3.participants).toHaveLength(2);
      // The work teams that verify exits, each led by a first secretary.
      const teams = (await qiao.get('/units?q=工作队')).json().items;
      expect(teams.map((u: { name: string }) => u.name)).toEqual(['南召县驻乔端镇工作队']);
      expect((await qiao.get(`/members?unitId=${teams[0].id}`)).json().items).toMatchObject([{ title: '第一书记' }]);
      // Asked again for item 3, link by need puts the power-station chief first, and says why.
      const suggested = (await baiheUser.get(`/items/${item3.id}/suggestions`)).json();
      expect(suggested.members[0]).toMatchObject({
        unitName: '南召县乔端镇供电所',
        title: '所长',
        reasons: ['skill', 'unit_duty', 'heads_unit'],
      });
      expect(suggested.units[0]).toMatchObject({ name: '南召县乔端镇供电所', responsible: true });
      expect(items.items.some((i: { overdue: boolean }) => i.overdue)).toBe(true);
      // A resident of 白河新村 reaching the public page is routed to the relocation-site branch.
      const receipt = await t.app.inject({
        method: 'POST',
        url: '/api/v1/public/reports',
        payload: { regionCode: '411321106900', category: 'water', description: '热水器不出热水' },
      });
      expect(receipt.json().orgName).toBe('白河新村易地搬迁临时党支部');

      // Case 4: the reserve-forest dispute, mediated through a village cadre, with a follow-up.
      // The branch was formed in May 2020 for the project's land, with members from four townships and its eight villages.
      const forest = (await admin.get(`/orgs?q=${encodeURIComponent('国储林基地')}`)).json().items[0];
      const forestDetail = (await admin.get(`/orgs/${forest.id}`)).json();
      expect(forestDetail.establishedOn).toMatch(/^2020-05-/);
      const covered = forestDetail.coveredRegions.map((r: { code: string }) => r.code as string);
      expect(covered).toHaveLength(8);
      expect(new Set(covered.map((c: string) => c.slice(0, 9))).size).toBe(4);
      const forestUnits = await t.db.db
        .selectFrom('memberships as m')
        .innerJoin('members as p', 'p.id', 'm.member_id')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .select(['u.region_code', 'u.type'])
        .where('m.org_id', '=', forest.id)
        .execute();
      expect(
        new Set(forestUnits.filter((u) => u.region_code.length >= 9).map((u) => u.region_code.slice(0, 9))),
      ).toEqual(new Set(covered.map((c: string) => c.slice(0, 9))));
      expect(new Set(forestUnits.filter((u) => u.type === 'village_committee').map((u) => u.region_code))).toEqual(
        new Set(covered),
      );
      const projects = (await admin.get('/projects')).json().items;
      expect(projects[0]).toMatchObject({
        name: '上店玉兰博览园国家储备林项目',
        investmentYuan: 1_537_000_000,
        areaMu: 55_000,
        beneficiaries: 100_000,
      });
      const dispute = (await admin.get(`/items/${projects[0].items[0].id}/dispute`)).json();
      expect(dispute.outcome).toBe('agreement');
      expect(dispute.sessions.length).toBeGreaterThanOrEqual(2);
      // The contractor's sister, a cadre of 上店村, mediated beside the deputy secretary, after the branch was formed.
      const sister = await t.db.db
        .selectFrom('mediation_mediators as mm')
        .innerJoin('members as p', 'p.id', 'mm.member_id')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .select('u.name')
        .where('u.name', 'like', '%上店村%')
        .executeTakeFirst();
      expect(sister).toBeDefined();
      for (const session of dispute.sessions) expect(session.heldOn >= forestDetail.establishedOn).toBe(true);
      expect(dispute.followUpResult).toBeTruthy();
      // Case 5: the enzyme chain, five stages, a cleared blockage and an open one.
      const chains = (await admin.get('/chains')).json().items;
      expect(chains[0].stages.map((s: { name: string }) => s.name)).toEqual([
        '鲜果收购',
        '运输',
        '仓储',
        '生产',
        '销售',
      ]);
      const blockages = chains[0].stages.flatMap((s: { blockages: { status: string }[] }) => s.blockages);
      expect(blockages.map((x: { status: string }) => x.status).sort()).toEqual(['closed', 'in_progress']);
      // Case 3: the household of six, exit rejected in 2019, four helpers stacked in April 2020.
      const yang = (await qiao.get(`/households?q=${encodeURIComponent('杨德厚')}`)).json().items[0];
      expect(yang).toMatchObject({ size: 6, status: 'registered', hasPrimaryHelper: true, activeHelpers: 5 });
      const yangDetail = (await qiao.get(`/households/${yang.id}`)).json();
      expect(
        yangDetail.helpers
          .filter((h: { startOn: string }) => h.startOn === '2020-04-10')
          .map((h: { role: string }) => h.role)
          .sort(),
      ).toEqual(['doctor', 'teacher', 'party_member', 'police'].sort());
      // The stacking closed the gap the coverage rules saw (illness: a doctor; schooling: a teacher), as of its day.
      const gapOn = async (day: string) =>
        (await qiao.get(`/households?gap=coverage&asOf=${day}&q=${encodeURIComponent('杨德厚')}`)).json().total;
      expect([await gapOn('2020-03-31'), await gapOn('2020-05-01')]).toEqual([1, 0]);
      expect(yangDetail.people[0].idNumber).toMatch(/^4113\*{10}/);
      const exit = (await qiao.get(`/exit-applications?householdId=${yang.id}`)).json().items[0];
      expect(exit).toMatchObject({ status: 'rejected' });
      expect(exit.rejectReason).toContain('收入不稳定');

      // The register of DOMAIN §2: 2,456 households / 5,401 people not yet out of poverty in mid-2020, each with a
      // primary helper; a third of them out of poverty by the end of November, each through the whole procedure and on
      // the day it was announced; households exited in earlier years; monitored households of all three categories.
      const registered = (await admin.get('/households?status=registered&asOf=2020-06-30&limit=1')).json();
      expect(registered.total).toBe(2456);
      const people = await t.db.db
        .selectFrom('household_people as p')
        .innerJoin('households as h', 'h.id', 'p.household_id')
        .where((eb) => eb.or([eb('h.status', '=', 'registered'), eb('h.exited_on', '>', '2020-06-30')]))
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(people.n)).toBe(5401);
      const stillRegistered = (await admin.get('/households?status=registered&limit=1')).json().total;
      const exited2020 = await t.db.db
        .selectFrom('households as h')
        .innerJoin('exit_applications as a', 'a.household_id', 'h.id')
        .where('h.exit_year', '=', 2020)
        .select((eb) => [
          eb.fn.countAll().as('n'),
          eb.fn.min('h.exited_on').as('first'),
          eb.fn.max('h.exited_on').as('last'),
        ])
        .where('a.status', '=', 'announced')
        .where(sql<SqlBool>`a.announced_on = h.exited_on and a.verified_by_member_id is not null`)
        .executeTakeFirstOrThrow();
      expect(Number(exited2020.n)).toBe(2456 - stillRegistered);
      expect(Number(exited2020.n)).toBeGreaterThan(600);
      expect([String(exited2020.first) > '2020-08-01', String(exited2020.last) < '2020-12-01']).toEqual([true, true]);
      // On a day in between, the households announced by then are out, the others still in.
      const onOct1 = (await admin.get('/households?status=registered&asOf=2020-10-01&limit=1')).json().total;
      expect(onOct1).toBeLessThan(2456);
      expect(onOct1).toBeGreaterThan(stillRegistered);
      expect((await admin.get('/households?gap=no_primary_helper&limit=1')).json().total).toBe(0);
      expect((await admin.get('/households?status=exited&limit=1')).json().total).toBeGreaterThan(2000);
      for (const category of ['unstable_exited', 'marginal', 'sudden_hardship']) {
        expect(
          (await admin.get(`/households?monitoringCategory=${category}&limit=1`)).json().total,
          category,
        ).toBeGreaterThan(0);
      }
      const townshipsWithHouseholds = await t.db.db
        .selectFrom('households')
        .select((eb) =>
          eb.fn
            .count<number>(eb.fn('substr', ['region_code', eb.val(1), eb.val(9)]))
            .distinct()
            .as('n'),
        )
        .executeTakeFirstOrThrow();
      expect(Number(townshipsWithHouseholds.n)).toBe(15);
      // Visits and measures in 2020; early warnings from visits; one exit application in public notice.
      expect((await qiao.get(`/households/${yang.id}/visits`)).json().items.length).toBeGreaterThan(0);
      const warnings = (await admin.get('/monitoring-candidates?year=2020')).json().items;
      expect(
        warnings.some(
          (w: { reasons: string[] }) => w.reasons.includes('serious_illness') || w.reasons.includes('rigid_spending'),
        ),
      ).toBe(true);
      const inNotice = (await admin.get('/exit-applications?status=in_notice')).json().items;
      expect(inNotice).toHaveLength(1);
      expect(inNotice[0]).toMatchObject({
        regionName: '白河新村',
        noticeStartOn: '2020-11-23',
        noticeEndsOn: '2020-11-30',
      });
      const notice = (await baiheUser.get('/exit-notices/411321106900')).json();
      expect(notice.items.map((i: { headName: string }) => i.headName)).toEqual([inNotice[0].headName]);

      // The relocation-site branch covers the relocation site, not the township: its account reads the site's
      // households only, and serves each of them through a helper who is one of its members.
      expect(detail.coveredRegions.map((r: { code: string }) => r.code)).toEqual(['411321106900']);
      // The site's 328 relocated households (DOMAIN §2 case 1), in the two phases of the site.
      const site = (await qiao.get('/households?regionCode=411321106900&limit=1')).json();
      expect(site.total).toBe(328);
      const baiheHouseholds = await allItems<{
        id: string;
        regionCode: string;
        address: string;
        headName: string;
        activeHelpers: number;
      }>(baiheUser, '/households');
      expect(baiheHouseholds).toHaveLength(site.total);
      expect(new Set(baiheHouseholds.map((h) => h.regionCode))).toEqual(new Set(['411321106900']));
      expect(new Set(baiheHouseholds.map((h) => h.address.match(/（(.期)）/)?.[1]))).toEqual(new Set(['一期', '二期']));
      for (const h of baiheHouseholds.filter((x) => x.activeHelpers > 0).slice(0, 30)) {
        expect((await baiheUser.get(`/households/${h.id}`)).json().abilities.write, h.headName).toBe(true);
      }
      const elsewhere = (await qiao.get('/households?regionCode=411321106200&limit=1')).json().items[0];
      expect((await baiheUser.get(`/households/${elsewhere.id}`)).statusCode).toBe(404);

      // Organizational life at 白河新村 in 2020: monthly group meetings, one group reminded twice after
      // skipping July and August, the 19 May meeting whose decisions are the 15 items, study sessions.
      const year = (
        await baiheUser.get(`/activities?orgId=${baihe.id}&from=2020-01-01&to=2020-12-31&limit=200`)
      ).json();
      const baiheActivities = year.items;
      expect([year.total, year.nextCursor]).toEqual([baiheActivities.length, null]);
      expect(baiheActivities.filter((a: { kind: string }) => a.kind === 'group_meeting')).toHaveLength(53);
      expect(baiheActivities.filter((a: { kind: string }) => a.kind === 'study_session').length).toBeGreaterThanOrEqual(
        3,
      );
      const may19 = baiheActivities.find(
        (a: { heldOn: string; kind: string }) => a.heldOn === '2020-05-19' && a.kind === 'branch_meeting',
      );
      const may19Detail = (await baiheUser.get(`/activities/${may19.id}`)).json();
      expect(may19Detail.decisionList.map((d: { itemNo: number }) => d.itemNo)).toEqual(
        Array.from({ length: 15 }, (_, i) => i + 1),
      );
      expect(may19Detail.listId).toBe(lists.items[0].id);
      const reminders = (
        await allItems<{ raisedOn: string; orgName: string; resolvedOn: string }>(
          baiheUser,
          '/meeting-reminders?all=true',
        )
      ).filter((x: { raisedOn: string }) => x.raisedOn < '2021-01-01');
      expect(reminders.map((x: { orgName: string; resolvedOn: string }) => [x.orgName, x.resolvedOn])).toEqual([
        ['卫生保洁党小组', '2020-09-08'],
        ['卫生保洁党小组', '2020-09-08'],
      ]);
      // A member's record adds up across the branch and its groups.
      const someone = may19Detail.attendance[3].memberId;
      const record = (await baiheUser.get(`/members/${someone}/record`)).json();
      const rows = await t.db.db
        .selectFrom('activity_attendance')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('member_id', '=', someone)
        .executeTakeFirstOrThrow();
      expect(record.activities.present + record.activities.excused + record.activities.absent).toBe(Number(rows.n));
      expect(record.memberships.length).toBeGreaterThanOrEqual(2);

      // Assessment 2020: both tiers computed from the records; the weakest listed, one delisted; tilts; an answer.
      const ledgers = (await admin.get('/ledgers?year=2020')).json().items;
      expect(ledgers.filter((l: { tier: string }) => l.tier === 'township')).toHaveLength(15);
      const countyLedger = ledgers.find((l: { tier: string }) => l.tier === 'county');
      expect(countyLedger.rows).toBe(3 + 19 + 15);
      expect((await admin.get(`/ledgers/${countyLedger.id}/reproduce`)).json().identical).toBe(true);
      // Every organization has a year of records: the grades spread (差 is the exception, not the rule), and the
      // branches the article names are at the top of their ledgers.
      const rowsOf = async (id: string) =>
        (await admin.get(`/ledgers/${id}`)).json().items as {
          orgName: string;
          grade: string;
          rank: number;
          cells: { key: string; value: number }[];
        }[];
      const graded = (await Promise.all(ledgers.map((l: { id: string }) => rowsOf(l.id)))).flat();
      const poor = graded.filter((r) => r.grade === 'poor').length;
      expect(poor).toBeGreaterThan(0);
      expect(poor / graded.length).toBeLessThan(0.1);
      // Households left poverty in 2020 where most branches work (the autumn's exits), not 0 everywhere.
      const exitedCell = (r: { cells: { key: string; value: number }[] }) =>
        r.cells.find((c) => c.key === 'exited')?.value ?? 0;
      expect(graded.filter((r) => exitedCell(r) > 0).length).toBeGreaterThan(graded.length / 2);
      // All four grades occur, and the relocation-site branch earns the best.
      expect(new Set(graded.map((r) => r.grade))).toEqual(new Set(['good', 'fair', 'average', 'poor']));
      expect(graded.find((r) => r.orgName === '白河新村易地搬迁临时党支部')?.grade).toBe('good');
      for (const name of [
        '白河新村易地搬迁临时党支部',
        '南召县酵素产业临时党支部',
        '上店玉兰博览园国储林基地临时党支部',
      ]) {
        expect(graded.find((r) => r.orgName === name)?.rank, name).toBeLessThanOrEqual(3);
      }
      // The lowest three graded 差 (of the township ledgers) are listed; the first is reviewed and delisted.
      const listed = (await admin.get('/rectifications?status=listed')).json().items.length;
      expect((await admin.get('/rectifications?status=delisted')).json().items).toHaveLength(1);
      const townshipPoor = (
        await Promise.all(
          ledgers.filter((l: { tier: string }) => l.tier === 'township').map((l: { id: string }) => rowsOf(l.id)),
        )
      )
        .flat()
        .filter((r) => r.grade === 'poor' && r.orgName !== '白河新村易地搬迁临时党支部').length;
      expect(listed + 1).toBe(Math.min(3, townshipPoor));
      expect((await admin.get('/tilts')).json().items.length).toBeGreaterThan(0);
      expect((await baiheUser.get('/recommendations?box=sent')).json().items[0]).toMatchObject({ answer: 'accepted' });
      expect(
        (await qiao.get('/ledgers?year=2020')).json().items.map((l: { scopeCode: string }) => l.scopeCode),
      ).toEqual(['411321106']);

      // Time travel: on 19 May 2020 item 3 had just been listed; by the end of June it was closed.
      const item3On = async (day: string) =>
        (await baiheUser.get(`/items?listId=${lists.items[0].id}&asOf=${day}&limit=50`))
          .json()
          .items.find((i: { no: number }) => i.no === 3).status;
      expect(await item3On('2020-05-19')).toBe('open');
      expect(await item3On('2020-05-25')).toBe('in_progress');
      expect(await item3On('2020-06-30')).toBe('closed');
      const may = (await baiheUser.get('/stats/overview?asOf=2020-05-19')).json().work;
      const june = (await baiheUser.get('/stats/overview?asOf=2020-06-30')).json().work;
      expect(june.items.closed).toBeGreaterThan(may.items.closed);

      // A living county: items in every township, some open, some overdue, most closed.
      const all = (await admin.get('/items?limit=1')).json();
      expect(all.total).toBeGreaterThan(300);
      expect((await admin.get('/items?overdue=true&limit=1')).json().total).toBeGreaterThan(0);
      expect((await admin.get('/items?status=closed&limit=1')).json().total).toBeGreaterThan(all.total / 2);
    } finally {
      await t.close();
    }
  });
});
