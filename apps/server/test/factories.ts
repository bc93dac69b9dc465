import type { PartyOrgKind, UnitType, UserRole } from '@lianjian/shared';
import type { Db } from '../src/db/index.ts';
import { newId, nowIso } from '../src/lib/ids.ts';
import { nameInitials, namePinyin } from '../src/lib/pinyin.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { placePartyOrgs } from '../src/modules/units/units.repository.ts';

export const PASSWORD = 'Test-Password-2020';
let passwordHash: Promise<string> | null = null;

const now = () => nowIso();

/**
 * Builds a small county for one test: county 411321 with two townships (乔端镇 106 and 城郊乡 300),
 * two villages each, units, formal party organizations, a temporary committee with a general branch,
 * a branch and a party group per township, members, and one user per role.
 */
export async function buildCounty(db: Db) {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const t = now();
  const regions = [
    { code: '411321', name: '南召县', level: 'county' as const, kind: '县', parent_code: null },
    { code: '411321106', name: '乔端镇', level: 'township' as const, kind: '镇', parent_code: '411321' },
    { code: '411321300', name: '城郊乡', level: 'township' as const, kind: '乡', parent_code: '411321' },
    { code: '411321106200', name: '穆老庄村', level: 'village' as const, kind: '村', parent_code: '411321106' },
    { code: '411321106201', name: '水晶河村', level: 'village' as const, kind: '村', parent_code: '411321106' },
    { code: '411321300214', name: '柴岗村', level: 'village' as const, kind: '村', parent_code: '411321300' },
    { code: '411321300215', name: '上店村', level: 'village' as const, kind: '村', parent_code: '411321300' },
  ];
  await db
    .insertInto('regions')
    .values(regions.map((r) => ({ ...r, name_initials: nameInitials(r.name), source: 'official' })))
    .execute();

  const unit = async (name: string, type: UnitType, region: string) => {
    const id = newId();
    await db
      .insertInto('units')
      .values({
        id,
        name,
        type,
        region_code: region,
        name_initials: nameInitials(name),
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
    if (name.includes('供电'))
      await db.insertInto('unit_duties').values({ unit_id: id, skill: 'electricity' }).execute();
    return id;
  };
  const partyOrg = async (name: string, kind: PartyOrgKind, region: string, unitId: string | null = null) => {
    const id = newId();
    await db.insertInto('party_orgs').values({ id, name, kind, region_code: region, unit_id: unitId }).execute();
    return id;
  };
  const units = {
    countyPolice: await unit('南召县公安局', 'party_government', '411321'),
    qiaoPower: await unit('乔端镇供电所', 'enterprise', '411321106'),
    qiaoPolice: await unit('乔端镇派出所', 'party_government', '411321106'),
    workTeam: await unit('南召县委组织部驻白河新村工作队', 'party_government', '411321106'),
    chengGov: await unit('城郊乡人民政府', 'party_government', '411321300'),
  };
  const partyOrgs = {
    county: await partyOrg('中共南召县委员会', 'county_committee', '411321'),
    qiao: await partyOrg('中共乔端镇委员会', 'township_committee', '411321106'),
    cheng: await partyOrg('中共城郊乡委员会', 'township_committee', '411321300'),
    qiaoPowerBranch: await partyOrg('中共乔端镇供电所支部委员会', 'unit_branch', '411321106', units.qiaoPower),
    chengGovBranch: await partyOrg('中共城郊乡人民政府机关支部委员会', 'unit_branch', '411321300', units.chengGov),
    countyPoliceBranch: await partyOrg('中共南召县公安局机关支部委员会', 'unit_branch', '411321', units.countyPolice),
  };
  await placePartyOrgs(db);

  const member = async (
    name: string,
    unitId: string,
    region: string,
    homeOrg: string | null,
    status: 'full' | 'probationary' | 'none' = 'full',
    skills: string[] = [],
  ) => {
    const id = newId();
    await db
      .insertInto('members')
      .values({
        id,
        name,
        name_initials: nameInitials(name),
        name_pinyin: namePinyin(name),
        gender: 'male',
        party_status: status,
        home_party_org_id: status === 'none' ? null : homeOrg,
        unit_id: unitId,
        region_code: region,
        title: null,
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
    for (const skill of skills) await db.insertInto('member_skills').values({ member_id: id, skill }).execute();
    return id;
  };
  const members = {
    qiaoSecretary: await member('张伟', units.qiaoPolice, '411321106', partyOrgs.qiaoPowerBranch),
    qiaoPowerChief: await member('李电明', units.qiaoPower, '411321106', partyOrgs.qiaoPowerBranch, 'full', [
      'electricity',
    ]),
    qiaoOther: await member('王芳', units.qiaoPower, '411321106', partyOrgs.qiaoPowerBranch),
    qiaoElectrician: await member('赵师傅', units.qiaoPower, '411321106', null, 'none', ['electricity']),
    chengMember: await member('陈静', units.chengGov, '411321300', partyOrgs.chengGovBranch),
    chengOther: await member('刘洋', units.chengGov, '411321300', partyOrgs.chengGovBranch),
    countyOfficer: await member('周强', units.countyPolice, '411321', partyOrgs.countyPoliceBranch, 'full', [
      'security',
    ]),
  };

  const org = async (
    name: string,
    level: 'committee' | 'general_branch' | 'branch' | 'group',
    parent: { id: string; path: string } | null,
    region: string,
    approvingParty: string | null,
    kind: 'regular' | 'special' = 'regular',
  ) => {
    const id = newId();
    const path = `${parent?.path ?? '/'}${id}/`;
    await db
      .insertInto('temporary_orgs')
      .values({
        id,
        name,
        name_initials: nameInitials(name),
        level,
        kind,
        parent_id: parent?.id ?? null,
        path,
        mode: 'joint_building',
        anchor_type: level === 'committee' ? 'county' : 'village_cluster',
        anchor_name: name,
        mission: `${name}的任务`,
        region_code: region,
        approving_party_org_id: level === 'group' ? null : approvingParty,
        approving_org_id: level === 'group' ? (parent?.id ?? null) : null,
        approved_on: '2019-06-01',
        approval_doc_no: level === 'group' ? null : `测〔2019〕${Math.floor(Math.random() * 1000)}号`,
        established_on: '2019-06-01',
        planned_end_on: '2027-12-31',
        dissolved_on: null,
        status: 'active',
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
    await db.insertInto('org_regions').values({ org_id: id, region_code: region }).execute();
    return { id, path };
  };
  const committee = await org('南召县临时党委', 'committee', null, '411321', partyOrgs.county);
  const qiaoGb = await org('乔端镇临时党总支', 'general_branch', committee, '411321106', partyOrgs.qiao);
  // The relocation-site branch is seated at and covers the village of 穆老庄 only (reports from there go to it; its
  // account reads that village's households, not the township's).
  const qiaoBranch = await org('白河新村易地搬迁临时党支部', 'branch', qiaoGb, '411321106200', partyOrgs.qiao);
  const qiaoGroup = await org('基础建设党小组', 'group', qiaoBranch, '411321106200', null);
  const chengGb = await org('城郊乡临时党总支', 'general_branch', committee, '411321300', partyOrgs.cheng);
  const chengBranch = await org('国储林基地临时党支部', 'branch', chengGb, '411321300214', partyOrgs.cheng);
  const chengGroup = await org('土地流转党小组', 'group', chengBranch, '411321300214', null);
  const special = await org('县酵素产业临时党支部', 'branch', committee, '411321', partyOrgs.county, 'special');

  const membership = async (
    orgId: string,
    memberId: string,
    role: string,
    start = '2019-06-01',
    designatedBy: { party?: string; org?: string } = {},
  ) => {
    const id = newId();
    await db
      .insertInto('memberships')
      .values({
        id,
        org_id: orgId,
        member_id: memberId,
        role: role as 'member',
        start_on: start,
        end_on: null,
        end_reason: null,
        link_reason: '测试',
        designated_by_party_org_id: designatedBy.party ?? null,
        designated_by_org_id: designatedBy.org ?? null,
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
    return id;
  };
  await membership(qiaoBranch.id, members.qiaoSecretary, 'secretary', '2019-06-01', { party: partyOrgs.qiao });
  await membership(qiaoBranch.id, members.qiaoOther, 'member');
  await membership(chengBranch.id, members.chengMember, 'secretary', '2019-06-01', { party: partyOrgs.cheng });
  await membership(chengGroup.id, members.chengOther, 'member');
  await membership(special.id, members.countyOfficer, 'member');
  await db
    .insertInto('org_units')
    .values({ org_id: qiaoBranch.id, unit_id: units.qiaoPower, linked_on: '2019-06-01', purpose: '供电保障' })
    .execute();
  await membership(qiaoGroup.id, members.qiaoSecretary, 'member');

  const user = async (
    username: string,
    role: UserRole,
    region: string | null,
    scopeOrg: string | null,
    acting: string | null,
    memberId: string | null = null,
  ) => {
    await db
      .insertInto('users')
      .values({
        id: newId(),
        username,
        password_hash: hash,
        display_name: username,
        role,
        scope_region_code: region,
        scope_org_id: scopeOrg,
        acting_party_org_id: acting,
        member_id: memberId,
        active: 1,
        version: 1,
        created_at: t,
        updated_at: t,
      })
      .execute();
  };
  await user('admin', 'county_admin', '411321', null, partyOrgs.county);
  await user('qiaoduan', 'township_admin', '411321106', null, partyOrgs.qiao);
  await user('chengjiao', 'township_admin', '411321300', null, partyOrgs.cheng);
  await user('baihe', 'org_secretary', null, qiaoBranch.id, null, members.qiaoSecretary);
  await user('supervisor', 'supervisor', '411321', null, null);
  await user('security', 'security_admin', '411321', null, null);
  await user('auditor', 'auditor', '411321', null, null);

  return {
    units,
    partyOrgs,
    members,
    orgs: { committee, qiaoGb, qiaoBranch, qiaoGroup, chengGb, chengBranch, chengGroup, special },
  };
}
export type County = Awaited<ReturnType<typeof buildCounty>>;

/** A county next to the test county, for what must not reach across a county's border: 方城县 (411322) by default. */
export async function addNeighbourCounty(db: Db, code = '411322', name = '方城县') {
  await db
    .insertInto('regions')
    .values({
      code,
      name,
      level: 'county',
      kind: '县',
      parent_code: null,
      name_initials: nameInitials(name),
      source: 'official',
    })
    .execute();
}

/** One more user for a test (password PASSWORD). */
export async function addUser(
  db: Db,
  username: string,
  role: UserRole,
  scope: { region?: string; org?: string; acting?: string; member?: string },
) {
  passwordHash ??= hashPassword(PASSWORD);
  const t = now();
  await db
    .insertInto('users')
    .values({
      id: newId(),
      username,
      password_hash: await passwordHash,
      display_name: username,
      role,
      scope_region_code: scope.region ?? null,
      scope_org_id: scope.org ?? null,
      acting_party_org_id: scope.acting ?? null,
      member_id: scope.member ?? null,
      active: 1,
      version: 1,
      created_at: t,
      updated_at: t,
    })
    .execute();
}
