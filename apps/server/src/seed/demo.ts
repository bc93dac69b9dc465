import {
  type AnchorType,
  type HelperRole,
  type OrgMode,
  type SKILLS,
  type UnitType,
  type UserRole,
  addDays,
} from '@lianjian/shared';
import type { Db } from '../db/index.ts';
import { systemActor } from '../lib/actor.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { nameInitials, namePinyin } from '../lib/pinyin.ts';
import { AuditTrail } from '../modules/audit/audit.trail.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { type Row, insertRows } from '../db/bulk.ts';
import { seedCase3 } from './demo-households.ts';
import { seedRegister } from './demo-register.ts';
import { seedBaiheActivities } from './demo-activities.ts';
import { countyLife } from './demo-life.ts';
import { paths, superiors } from '../modules/units/party-org-tree.ts';
import { seedAssessment } from './demo-assessment.ts';
import { seedBaiheList, seedCountyItems } from './demo-items.ts';
import { loadCounty } from './division.ts';
import { personName, rng } from './random.ts';

/** Nanzhao County, Nanyang, Henan (DOMAIN §2): its 15 townships by the last three digits of their codes. */
export const NANZHAO = '411321';
export const NANZHAO_TOWNSHIPS = [
  '100',
  '101',
  '102',
  '104',
  '105',
  '106',
  '107',
  '300',
  '301',
  '302',
  '303',
  '304',
  '305',
  '308',
  '310',
];
const QIAODUAN = `${NANZHAO}106`;
const CHENGJIAO = `${NANZHAO}300`;
export const BAIHE_COMMUNITY = `${NANZHAO}106900`;

/** Figures the demo must reproduce exactly (DOMAIN §2). */
export const DEMO_FIGURES = {
  committee: 1,
  countyGeneralBranches: 3,
  specialBranches: 19,
  townshipBranches: 178,
  membersLinked: 5588,
};

type Skill = (typeof SKILLS)[number];

const TOWNSHIP_UNITS: [string, UnitType, Skill[]][] = [
  ['人民政府', 'party_government', ['agronomy', 'finance', 'roads']],
  ['派出所', 'party_government', ['security', 'law']],
  ['供电所', 'enterprise', ['electricity']],
  ['司法所', 'party_government', ['law', 'mediation']],
  ['水利站', 'public_institution', ['water']],
  ['林业站', 'public_institution', ['forestry']],
  ['卫生院', 'public_institution', ['medicine']],
  ['中心学校', 'public_institution', ['education']],
  ['农业服务中心', 'public_institution', ['agronomy']],
];

const COUNTY_UNITS: [string, UnitType, Skill[]][] = [
  ['中共南召县委组织部', 'party_government', ['finance']],
  ['南召县公安局', 'party_government', ['security', 'law']],
  ['国网南召县供电公司', 'enterprise', ['electricity']],
  ['南召县司法局', 'party_government', ['law', 'mediation']],
  ['南召县水利局', 'party_government', ['water']],
  ['南召县林业局', 'party_government', ['forestry']],
  ['南召县农业农村局', 'party_government', ['agronomy']],
  ['南召县卫生健康委员会', 'party_government', ['medicine']],
  ['南召县教育体育局', 'party_government', ['education']],
  ['南召县交通运输局', 'party_government', ['roads']],
  ['南召县人力资源和社会保障局', 'party_government', ['finance']],
  ['南召县乡村振兴局', 'party_government', ['agronomy', 'finance']],
  ['南召县住房和城乡建设局', 'party_government', ['construction']],
  ['南召县自然资源局', 'party_government', ['forestry', 'construction']],
  ['南召县财政局', 'party_government', ['finance']],
  ['南召县市场监督管理局', 'party_government', ['commerce']],
  ['南召县商务局', 'party_government', ['commerce']],
  ['南召县白河漂流旅游有限公司', 'enterprise', ['commerce']],
  ['南召县绿源酵素生物科技有限公司', 'enterprise', ['commerce', 'agronomy']],
  ['南召县玉兰国储林建设有限公司', 'enterprise', ['forestry', 'construction']],
  ['南召县顺达物流有限公司', 'enterprise', ['commerce', 'roads']],
];

const SPECIAL_TASKS = [
  '酵素产业链',
  '玉兰产业',
  '辛夷药材',
  '柞蚕产业',
  '食用菌产业',
  '乡村旅游',
  '光伏扶贫',
  '电商扶贫',
  '就业创业',
  '教育保障',
  '健康扶贫',
  '住房安全',
  '饮水安全',
  '交通建设',
  '金融扶贫',
  '兜底保障',
  '扫黑除恶',
  '生态护林',
  '易地搬迁后续扶持',
];
const COUNTY_GENERAL_BRANCHES = ['产业发展', '基础设施建设', '社会保障'];
const BAIHE_GROUPS = ['结对帮扶党小组', '维护治安党小组', '矛盾调解党小组', '卫生保洁党小组', '基础建设党小组'];
/** The relocation site's group for a member, from the member's unit: each group holds the people its work needs. */
function baiheGroupFor(unitType: string, skills: readonly string[]): (typeof BAIHE_GROUPS)[number] {
  if (unitType === 'village_committee' || skills.includes('forestry')) return '卫生保洁党小组';
  if (['electricity', 'water', 'construction'].some((k) => skills.includes(k))) return '基础建设党小组';
  if (skills.includes('security')) return '维护治安党小组';
  if (skills.includes('mediation')) return '矛盾调解党小组';
  return '结对帮扶党小组';
}
const FOREST_GROUPS = ['土地流转党小组', '矛盾调解党小组', '林下经济党小组'];
/** The reserve-forest branch's villages: 上店村 (its seat) and 柴岗村 of 城郊乡, two each of 板山坪镇, 留山镇 and 小店乡. */
const FOREST_VILLAGES = [
  '411321300215',
  '411321300214',
  '411321105200',
  '411321105201',
  '411321101200',
  '411321101201',
  '411321301201',
  '411321301202',
];
const GROUP_THEMES = ['结对帮扶', '产业发展', '矛盾调解', '基础建设', '环境整治'];

/** Plausible job titles for a unit, by what the unit is. */
function titlesFor(name: string, type: string): string[] {
  const bySuffix: [string, string[]][] = [
    ['人民政府', ['副镇长', '组织委员', '扶贫专干', '科员']],
    ['派出所', ['所长', '副所长', '民警', '社区民警']],
    ['供电所', ['所长', '电工班长', '技术员']],
    ['司法所', ['所长', '司法助理员']],
    ['水利站', ['站长', '技术员']],
    ['林业站', ['站长', '护林员']],
    ['卫生院', ['院长', '医生', '护士长']],
    ['中心学校', ['校长', '教师']],
    ['农业服务中心', ['主任', '农技员']],
    ['委员会', ['常委', '干部']],
  ];
  for (const [suffix, titles] of bySuffix) if (name.endsWith(suffix)) return titles;
  if (type === 'village_committee') return ['村支书', '村主任', '村委委员', '村民小组长'];
  if (type === 'enterprise') return ['董事长', '经理', '技术员', '员工'];
  return ['局长', '副局长', '科长', '驻村第一书记', '科员'];
}

/** The titles below a unit's head (the head is the first of `titlesFor`). */
const otherTitles = (titles: string[]) => (titles.length > 1 ? titles.slice(1) : titles);

export interface DemoAccounts {
  username: string;
  displayName: string;
  role: string;
}

export interface DemoResult {
  accounts: DemoAccounts[];
  counts: Record<string, number>;
}

/**
 * Loads the Nanzhao demo county: regions from the official division data, units, formal party
 * organizations, the temporary organization tree of DOMAIN §2 with 5,588 linked members, and one
 * demo account per role. Deterministic for a given seed.
 */
export async function seedDemo(db: Db, passwordHash: string, cipher: DataCipher, seed = 20200519): Promise<DemoResult> {
  // The demo's events are chained under the key it encrypts with: the key of the database it is loaded into.
  const audit = AuditTrail.of(cipher);
  const r = rng(seed);
  const regions = await loadCounty(NANZHAO, NANZHAO_TOWNSHIPS);
  // 白河新村 is a relocation community built after the official data were compiled: registered locally.
  regions.push({
    code: BAIHE_COMMUNITY,
    name: '白河新村',
    level: 'village',
    kind: '社区',
    parent_code: QIAODUAN,
    name_initials: nameInitials('白河新村'),
    source: 'local',
  });
  const now = nowIso();
  const townships = regions.filter((x) => x.level === 'township');
  const villagesOf = (t: string) => regions.filter((x) => x.parent_code === t);

  const units: Row<'units'>[] = [];
  const partyOrgs: Row<'party_orgs'>[] = [];
  const unitSkills = new Map<string, Skill[]>();
  const unitTypes = new Map<string, UnitType>();
  const addUnit = (name: string, type: UnitType, region: string, skills: Skill[], branch = true) => {
    const id = newId();
    units.push({
      id,
      name,
      type,
      region_code: region,
      name_initials: nameInitials(name),
      version: 1,
      created_at: now,
      updated_at: now,
    });
    unitSkills.set(id, skills);
    unitTypes.set(id, type);
    let partyOrgId: string | null = null;
    if (branch) {
      partyOrgId = newId();
      partyOrgs.push({
        id: partyOrgId,
        name: `中共${name}支部委员会`,
        kind: 'unit_branch',
        region_code: region,
        unit_id: id,
      });
    }
    return { id, partyOrgId, region, name };
  };

  const countyCommittee = {
    id: newId(),
    name: '中共南召县委员会',
    kind: 'county_committee' as const,
    region_code: NANZHAO,
    unit_id: null,
  };
  partyOrgs.push(countyCommittee);
  const countyUnits = COUNTY_UNITS.map(([n, t, s]) => addUnit(n, t, NANZHAO, s));
  const townshipCommittees = new Map<string, string>();
  const townshipUnits = new Map<string, ReturnType<typeof addUnit>[]>();
  const villageUnits = new Map<string, ReturnType<typeof addUnit>[]>();
  for (const t of townships) {
    const committeeId = newId();
    partyOrgs.push({
      id: committeeId,
      name: `中共${t.name}委员会`,
      kind: 'township_committee',
      region_code: t.code,
      unit_id: null,
    });
    townshipCommittees.set(t.code, committeeId);
    const short = t.name;
    townshipUnits.set(
      t.code,
      TOWNSHIP_UNITS.map(([n, type, s]) => addUnit(`南召县${short}${n}`, type, t.code, s)),
    );
    villageUnits.set(
      t.code,
      villagesOf(t.code).map((v) => {
        const u = addUnit(
          `${short}${v.name}${v.kind === '社区' ? '居委会' : '村委会'}`,
          'village_committee',
          v.code,
          ['agronomy', 'mediation'],
          false,
        );
        const branchId = newId();
        partyOrgs.push({
          id: branchId,
          name: `中共${short}${v.name}支部委员会`,
          kind: 'village_branch',
          region_code: v.code,
          unit_id: u.id,
        });
        return { ...u, partyOrgId: branchId };
      }),
    );
  }

  // --- people ---
  const members: Row<'members'>[] = [];
  const memberSkills: Row<'member_skills'>[] = [];
  const makeMember = (
    unit: ReturnType<typeof addUnit>,
    status: 'full' | 'probationary' | 'none' = 'full',
    title?: string,
  ) => {
    const name = personName(r);
    const id = newId();
    members.push({
      id,
      name,
      name_initials: nameInitials(name),
      name_pinyin: namePinyin(name),
      gender: r.chance(0.62) ? 'male' : 'female',
      party_status: status,
      home_party_org_id: status === 'none' ? null : unit.partyOrgId,
      unit_id: unit.id,
      region_code: unit.region,
      // A unit has one head, named where the story needs one; everyone else draws from the other titles.
      title: title ?? r.pick(otherTitles(titlesFor(unit.name, unitTypes.get(unit.id) ?? ''))),
      version: 1,
      created_at: now,
      updated_at: now,
    });
    const skills = unitSkills.get(unit.id) ?? [];
    for (const s of new Set(skills.filter(() => r.chance(0.7)))) memberSkills.push({ member_id: id, skill: s });
    return id;
  };

  // --- temporary organizations ---
  const orgs: Row<'temporary_orgs'>[] = [];
  const orgRegions: Row<'org_regions'>[] = [];
  const orgUnits: Row<'org_units'>[] = [];
  const memberships: Row<'memberships'>[] = [];
  let doc = 1;
  const addOrg = (o: {
    name: string;
    level: Row<'temporary_orgs'>['level'];
    kind?: Row<'temporary_orgs'>['kind'];
    parent: Row<'temporary_orgs'> | null;
    mode: OrgMode;
    anchorType: AnchorType;
    anchorName: string;
    mission: string;
    region: string;
    approvingPartyOrgId?: string;
    docPrefix?: string;
    established: string;
    covered?: string[];
  }) => {
    const id = newId();
    const row: Row<'temporary_orgs'> = {
      id,
      name: o.name,
      name_initials: nameInitials(o.name),
      level: o.level,
      kind: o.kind ?? 'regular',
      parent_id: o.parent?.id ?? null,
      path: `${o.parent?.path ?? '/'}${id}/`,
      mode: o.mode,
      anchor_type: o.anchorType,
      anchor_name: o.anchorName,
      mission: o.mission,
      region_code: o.region,
      approving_party_org_id: o.level === 'group' ? null : (o.approvingPartyOrgId ?? null),
      approving_org_id: o.level === 'group' ? (o.parent?.id ?? null) : null,
      approved_on: o.level === 'group' ? null : o.established,
      approval_doc_no:
        o.level === 'group' ? null : `${o.docPrefix ?? '召组'}〔${o.established.slice(0, 4)}〕${doc++}号`,
      established_on: o.established,
      planned_end_on: '2027-12-31',
      dissolved_on: null,
      status: 'active',
      version: 1,
      created_at: now,
      updated_at: now,
    };
    orgs.push(row);
    for (const c of new Set([o.region, ...(o.covered ?? [])])) orgRegions.push({ org_id: id, region_code: c });
    return row;
  };
  const link = (
    org: Row<'temporary_orgs'>,
    memberId: string,
    role: Row<'memberships'>['role'],
    start: string,
    reason: string,
    end?: [string, string],
  ) => {
    const designatedParty = ['secretary', 'deputy_secretary', 'committee_member'].includes(role)
      ? org.approving_party_org_id
      : null;
    memberships.push({
      id: newId(),
      org_id: org.id,
      member_id: memberId,
      role,
      start_on: start,
      end_on: end?.[0] ?? null,
      end_reason: end?.[1] ?? null,
      link_reason: reason,
      designated_by_party_org_id: designatedParty,
      designated_by_org_id: role === 'group_leader' ? org.parent_id : null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
  };
  const linkUnit = (org: Row<'temporary_orgs'>, unitId: string, purpose: string | null) => {
    if (!orgUnits.some((x) => x.org_id === org.id && x.unit_id === unitId)) {
      orgUnits.push({ org_id: org.id, unit_id: unitId, linked_on: org.established_on, purpose });
    }
  };

  const committee = addOrg({
    name: '中共南召县脱贫攻坚临时委员会',
    level: 'committee',
    parent: null,
    mode: 'joint_building',
    anchorType: 'county',
    anchorName: '南召县脱贫攻坚',
    mission: '统筹全县临时党组织，因需而联、应联尽联，把党员力量集中到脱贫攻坚一线。',
    region: NANZHAO,
    approvingPartyOrgId: countyCommittee.id,
    docPrefix: '召发',
    established: '2019-03-15',
  });

  const countyGbs = COUNTY_GENERAL_BRANCHES.map((theme) =>
    addOrg({
      name: `县${theme}临时党总支`,
      level: 'general_branch',
      parent: committee,
      mode: theme === '产业发展' ? 'joint_industry' : 'linked_services',
      anchorType: 'special_task',
      anchorName: `${theme}专项`,
      mission: `牵头全县${theme}领域的跨部门协作，打通条块之间的堵点。`,
      region: NANZHAO,
      approvingPartyOrgId: countyCommittee.id,
      established: '2019-04-01',
    }),
  );
  const specials = SPECIAL_TASKS.map((task, i) =>
    addOrg({
      name: task === '酵素产业链' ? '南召县酵素产业临时党支部' : `县${task}专项临时党支部`,
      level: 'branch',
      kind: 'special',
      parent: committee,
      mode: i < 8 ? 'joint_industry' : 'linked_services',
      anchorType: i < 8 ? 'industry_chain' : 'special_task',
      anchorName: task,
      mission:
        task === '酵素产业链'
          ? '沿酵素产业链（鲜果收购—运输—仓储—生产—销售）配置党员，逐环节发现并打通堵点，带动农户增收。'
          : `集中县直单位力量推进${task}，对乡镇支部提出的问题直接响应，减少层层转办。`,
      region: NANZHAO,
      approvingPartyOrgId: countyCommittee.id,
      established: addDays('2019-05-01', i * 7),
    }),
  );

  const townshipGbs = new Map<string, Row<'temporary_orgs'>>();
  const townshipBranches: Row<'temporary_orgs'>[] = [];
  let baihe: Row<'temporary_orgs'> | null = null;
  let forest: Row<'temporary_orgs'> | null = null;
  townships.forEach((t, ti) => {
    const gb = addOrg({
      name: `${t.name}临时党总支`,
      level: 'general_branch',
      parent: committee,
      mode: 'joint_building',
      anchorType: 'township',
      anchorName: t.name,
      mission: `统筹${t.name}各临时党支部，联结驻镇单位与村“两委”，协调解决群众反映的问题。`,
      region: t.code,
      approvingPartyOrgId: townshipCommittees.get(t.code),
      docPrefix: `${t.name.slice(0, 2)}党`,
      established: '2019-06-01',
    });
    townshipGbs.set(t.code, gb);
    const count = ti < 13 ? 12 : 11; // 13 × 12 + 2 × 11 = 178
    const villages = villagesOf(t.code);
    for (let b = 0; b < count; b++) {
      const v = villages[b % villages.length] ?? t;
      let branch: Row<'temporary_orgs'>;
      if (t.code === QIAODUAN && b === 0) {
        branch = addOrg({
          name: '白河新村易地搬迁临时党支部',
          level: 'branch',
          parent: gb,
          mode: 'linked_services',
          anchorType: 'relocation_site',
          anchorName: '白河新村易地扶贫搬迁安置点',
          mission:
            '服务白河新村两期集中安置的328户搬迁群众：结对帮扶、维护治安、矛盾调解、卫生保洁、基础建设，确保搬得出、稳得住、能致富。',
          // Seated at and covering the relocation site only: its account reads the site's households, not the
          // township's (the township's other branches serve the other villages).
          region: BAIHE_COMMUNITY,
          approvingPartyOrgId: townshipCommittees.get(t.code),
          docPrefix: '乔党',
          established: '2019-09-01',
        });
        baihe = branch;
      } else if (t.code === CHENGJIAO && b === 0) {
        branch = addOrg({
          name: '上店玉兰博览园国储林基地临时党支部',
          level: 'branch',
          parent: gb,
          mode: 'joint_industry',
          anchorType: 'project',
          anchorName: '上店玉兰博览园国家储备林项目',
          mission:
            '保障国家储备林项目（投资15.37亿元，5.5万亩玉兰、杜仲林下套种药材）土地流转与建设，化解流转纠纷，带动10万余群众受益。',
          // Formed in May 2020 for the project's land: seated at 上店村, covering the eight villages of four
          // townships whose land and people the project takes (DOMAIN §2, case 4).
          region: FOREST_VILLAGES[0] as string,
          approvingPartyOrgId: townshipCommittees.get(t.code),
          docPrefix: '城郊党',
          established: '2020-05-12',
          covered: FOREST_VILLAGES.slice(1),
        });
        forest = branch;
      } else {
        const kindOf = b % 3;
        branch = addOrg({
          name: `${t.name}${v.name}${kindOf === 0 ? '联建' : kindOf === 1 ? '产业' : '服务'}临时党支部`,
          level: 'branch',
          parent: gb,
          mode: kindOf === 0 ? 'joint_building' : kindOf === 1 ? 'joint_industry' : 'linked_services',
          anchorType: kindOf === 1 ? 'industry_chain' : 'village_cluster',
          anchorName: kindOf === 1 ? `${v.name}特色产业` : `${v.name}片区`,
          mission: `联结驻村工作队、乡镇站所和村“两委”党员，解决${v.name}片区群众反映的突出问题。`,
          region: v.code,
          approvingPartyOrgId: townshipCommittees.get(t.code),
          docPrefix: `${t.name.slice(0, 2)}党`,
          established: addDays('2019-07-01', b * 5 + ti),
        });
      }
      townshipBranches.push(branch);
    }
  });

  // --- staffing: every one of the 5,588 linked members has a primary seat; leaders sit in several ---
  const branchUnitsOf = (branch: Row<'temporary_orgs'>) => {
    const t = branch.region_code.slice(0, 9);
    const tu = townshipUnits.get(t) ?? [];
    const vu = (villageUnits.get(t) ?? []).filter(
      (u) => u.region.startsWith(branch.region_code) || branch.region_code.length === 9,
    );
    return { tu, vu: vu.length ? vu : (villageUnits.get(t) ?? []) };
  };

  // Township government, judicial office and forestry station of each of the project's four townships, the county
  // forestry bureau and the project company, and the eight villages' committees.
  const forestPool: ReturnType<typeof addUnit>[] = [
    ...[CHENGJIAO, `${NANZHAO}105`, `${NANZHAO}101`, `${NANZHAO}301`].flatMap((t) =>
      [0, 3, 5].map((k) => (townshipUnits.get(t) ?? [])[k] as ReturnType<typeof addUnit>),
    ),
    countyUnits[5] as ReturnType<typeof addUnit>,
    countyUnits[19] as ReturnType<typeof addUnit>,
    ...FOREST_VILLAGES.map(
      (code) => [...villageUnits.values()].flat().find((u) => u.region === code) as ReturnType<typeof addUnit>,
    ),
  ];

  const seats: { org: Row<'temporary_orgs'>; size: number }[] = [
    ...countyGbs.map((org) => ({ org, size: 24 })),
    ...specials.map((org) => ({ org, size: org.anchor_name === '酵素产业链' ? 18 : 24 })),
    ...townshipBranches.map((org) => ({ org, size: org === baihe ? 43 : org === forest ? 32 : 0 })),
  ];
  const fixed = seats.reduce((s, x) => s + x.size, 0) + 9; // 9 on the committee
  const flexible = seats.filter((s) => s.size === 0);
  const remaining = DEMO_FIGURES.membersLinked - fixed;
  flexible.forEach((s, i) => {
    s.size = Math.floor(remaining / flexible.length) + (i < remaining % flexible.length ? 1 : 0);
  });

  const committeeMembers = Array.from({ length: 9 }, (_, i) =>
    makeMember(
      countyUnits[i % countyUnits.length] as ReturnType<typeof addUnit>,
      'full',
      i === 0 ? '县委副书记' : '局长',
    ),
  );
  committeeMembers.forEach((m, i) => {
    link(
      committee,
      m,
      i === 0 ? 'secretary' : i < 3 ? 'deputy_secretary' : 'committee_member',
      committee.established_on,
      '县委指定',
    );
  });
  for (const cu of countyUnits) linkUnit(committee, cu.id, null);

  const rosterOf = new Map<string, string[]>();
  for (const { org, size } of seats) {
    const ids: string[] = [];
    const isCounty = org.region_code === NANZHAO;
    const { tu, vu } = isCounty ? { tu: countyUnits, vu: [] as ReturnType<typeof addUnit>[] } : branchUnitsOf(org);
    for (let i = 0; i < size; i++) {
      let unit: ReturnType<typeof addUnit>;
      if (org === baihe) {
        // The relocation site branch pulls in police, power, judicial, water, the rafting company and more.
        const pool = [...tu, countyUnits[17], countyUnits[1], countyUnits[2], ...vu.slice(0, 3)] as ReturnType<
          typeof addUnit
        >[];
        unit = pool[i % pool.length] as ReturnType<typeof addUnit>;
      } else if (org.anchor_name === '酵素产业链') {
        // Members sit along the chain: purchase, transport, storage, production, sales.
        const chain = [
          countyUnits[6],
          countyUnits[18],
          countyUnits[20],
          countyUnits[15],
          countyUnits[16],
        ] as ReturnType<typeof addUnit>[];
        unit = chain[i % chain.length] as ReturnType<typeof addUnit>;
      } else if (isCounty || vu.length === 0 || r.chance(0.55)) {
        unit = r.pick(isCounty ? countyUnits : tu);
      } else {
        unit = r.pick(vu);
      }
      // The reserve-forest branch's members come from the four townships and the eight villages of the project (drawn
      // in turn; the draws above still run, so that what is generated after them stays the same).
      if (org === forest) unit = forestPool[i % forestPool.length] as ReturnType<typeof addUnit>;
      // The relocation site's secretary is the deputy township head; the enzyme branch's deputy is the company chairman.
      const title =
        org === baihe && i === 0 ? '副镇长' : org.anchor_name === '酵素产业链' && i === 1 ? '董事长' : undefined;
      ids.push(makeMember(unit, i < 5 || !r.chance(0.04) ? 'full' : 'probationary', title));
      linkUnit(org, unit.id, null);
    }
    rosterOf.set(org.id, ids);
    const start = org.established_on;
    ids.forEach((m, i) => {
      const role = i === 0 ? 'secretary' : i === 1 ? 'deputy_secretary' : i < 5 ? 'committee_member' : 'member';
      const reason =
        org === baihe
          ? (['结对帮扶搬迁户', '维护安置点治安', '调解邻里纠纷', '安置点卫生保洁', '安置点水电路基础设施'][
              i % 5
            ] as string)
          : i < 5
            ? '批准成立的党组织指定'
            : '因需而联：所在单位承担该片区工作';
      link(org, m, role, addDays(start, i < 5 ? 0 : r.int(0, 120)), reason);
    });
  }

  // Township general branches: their leaders are the secretaries of branches in the township.
  for (const [code, gb] of townshipGbs) {
    const branches = townshipBranches.filter((b) => b.parent_id === gb.id);
    branches.slice(0, 7).forEach((b, i) => {
      const sec = rosterOf.get(b.id)?.[0];
      if (sec)
        link(
          gb,
          sec,
          i === 0 ? 'secretary' : i < 3 ? 'deputy_secretary' : 'committee_member',
          gb.established_on,
          '乡镇党委指定',
        );
    });
    for (const u of townshipUnits.get(code) ?? []) linkUnit(gb, u.id, null);
  }

  // Party groups under each branch; every branch member sits in one group.
  for (const branch of [...townshipBranches, ...specials, ...countyGbs]) {
    const roster = rosterOf.get(branch.id) ?? [];
    const drawn = branch === baihe ? BAIHE_GROUPS : GROUP_THEMES.slice(0, r.int(2, 4)).map((t) => `${t}党小组`);
    const names = branch === forest ? FOREST_GROUPS : drawn;
    const groups = names.map((n) =>
      addOrg({
        name: n,
        level: 'group',
        parent: branch,
        mode: branch.mode,
        anchorType: branch.anchor_type,
        anchorName: branch.anchor_name,
        mission: `${branch.name}${n}：承担支部分派的清单事项。`,
        region: branch.region_code,
        established: branch.established_on,
      }),
    );
    // At the relocation site each member sits in the group whose work fits the member's unit (power and water people
    // in 基础建设, police in 维护治安, the health centre and the school in 结对帮扶), the first of each leading it;
    // elsewhere members are dealt round the groups.
    const unitOfMember = branch === baihe ? new Map(members.map((x) => [x.id, x.unit_id])) : null;
    const led = new Set<string>();
    roster.forEach((m, i) => {
      let g = groups[i % groups.length] as Row<'temporary_orgs'>;
      let leads = i >= 1 && i <= groups.length;
      if (unitOfMember) {
        const unitId = unitOfMember.get(m) as string;
        const name = baiheGroupFor(unitTypes.get(unitId) ?? '', unitSkills.get(unitId) ?? []);
        g = groups.find((x) => x.name === name) as Row<'temporary_orgs'>;
        leads = i >= 1 && !led.has(g.id);
        if (leads) led.add(g.id);
      }
      link(g, m, leads ? 'group_leader' : 'member', addDays(branch.established_on, 3), '支部分组');
    });
  }

  // Someone who left, for the history: a member of an earlier phase, ended with a reason.
  for (const branch of townshipBranches.slice(0, 40)) {
    const { tu } = branchUnitsOf(branch);
    const former = makeMember(r.pick(tu));
    link(branch, former, 'member', branch.established_on, '因需而联：承担阶段性任务', [
      addDays(branch.established_on, 150),
      '阶段性任务完成，回原单位',
    ]);
  }
  // Members in the register who are not linked anywhere yet (candidates for linking by need), and participants.
  for (const t of townships) {
    for (const u of townshipUnits.get(t.code) ?? []) {
      makeMember(u);
      makeMember(u);
    }
  }
  const qiaoPower = (townshipUnits.get(QIAODUAN) ?? [])[2] as ReturnType<typeof addUnit>;
  const electricianIds = [makeMember(qiaoPower, 'none', '电工'), makeMember(qiaoPower, 'none', '电工')];
  // The contractor's sister: a village cadre of 上店村 through whom the dispute of case 4 was mediated.
  const shangdian = (villageUnits.get(CHENGJIAO) ?? []).find((u) => u.name.includes('上店村')) as ReturnType<
    typeof addUnit
  >;
  const sisterCadreId = makeMember(shangdian, 'full', '村委委员');
  // The township power-station chief: not in the branch, linked in by need for item 3 of the 2020-05-19 list.
  const powerChiefId = makeMember(qiaoPower, 'full', '所长');
  if (!memberSkills.some((s) => s.member_id === powerChiefId && s.skill === 'electricity')) {
    memberSkills.push({ member_id: powerChiefId, skill: 'electricity' });
  }

  // The village work teams (驻村工作队) the county sends, one per township, each led by a first secretary (第一书记) from a
  // county department: they verify households against the exit standard with the village committee. Drawn from a
  // generator of their own, so that the rest of the county stays as it was.
  const rt = rng(seed + 11);
  const workTeams = new Map<string, { unitId: string; memberId: string }>();
  for (const [i, t] of townships.entries()) {
    const team = addUnit(`南召县驻${t.name}工作队`, 'party_government', t.code, ['agronomy', 'finance'], false);
    const from = countyUnits[(i % (countyUnits.length - 1)) + 1] as ReturnType<typeof addUnit>;
    const name = personName(rt);
    const firstSecretary = newId();
    workTeams.set(t.code, { unitId: team.id, memberId: firstSecretary });
    members.push({
      id: firstSecretary,
      name,
      name_initials: nameInitials(name),
      name_pinyin: namePinyin(name),
      gender: rt.chance(0.7) ? 'male' : 'female',
      party_status: 'full',
      home_party_org_id: from.partyOrgId,
      unit_id: team.id,
      region_code: t.code,
      title: '第一书记',
      version: 1,
      created_at: now,
      updated_at: now,
    });
  }

  const b = baihe as Row<'temporary_orgs'> | null;
  if (!b) throw new Error('demo: relocation-site branch not created');
  for (const [i, cu] of [countyUnits[1], countyUnits[3], countyUnits[4], countyUnits[5], countyUnits[7]].entries()) {
    if (cu) linkUnit(b, cu.id, ['治安联防', '法律服务', '安全饮水', '生态护林', '医疗服务'][i] ?? null);
  }

  // --- accounts ---
  const qiaoCommittee = townshipCommittees.get(QIAODUAN) as string;
  const chengCommittee = townshipCommittees.get(CHENGJIAO) as string;
  const baiheSecretary = rosterOf.get(b.id)?.[0] ?? null;
  const users: Row<'users'>[] = [
    ['admin', '县委组织部管理员', 'county_admin', NANZHAO, null, countyCommittee.id, null],
    ['qiaoduan', '乔端镇党委管理员', 'township_admin', QIAODUAN, null, qiaoCommittee, null],
    ['chengjiao', '城郊乡党委管理员', 'township_admin', CHENGJIAO, null, chengCommittee, null],
    ['baihe', '白河新村临时党支部书记', 'org_secretary', null, b.id, null, baiheSecretary],
    ['supervisor', '县委督查员', 'supervisor', NANZHAO, null, null, null],
    ['security', '安全管理员', 'security_admin', NANZHAO, null, null, null],
    ['auditor', '审计管理员', 'auditor', NANZHAO, null, null, null],
  ].map(([username, display, role, region, org, acting, member]) => ({
    id: newId(),
    username: username as string,
    password_hash: passwordHash,
    display_name: display as string,
    role: role as UserRole,
    scope_region_code: region,
    scope_org_id: org,
    acting_party_org_id: acting,
    member_id: member,
    active: 1,
    version: 1,
    created_at: now,
    updated_at: now,
  }));

  await db.transaction().execute(async (tx) => {
    await insertRows(tx, 'regions', regions);
    await insertRows(tx, 'units', units);
    await insertRows(
      tx,
      'unit_duties',
      [...unitSkills].flatMap(([unitId, skills]) => skills.map((skill) => ({ unit_id: unitId, skill }))),
    );
    // The formal organizations as a tree: each under the committee that leads it.
    const unitById = new Map(units.map((u) => [u.id, u]));
    const parents = superiors(
      partyOrgs.map((p) => ({
        ...p,
        unit_name: p.unit_id ? (unitById.get(p.unit_id)?.name ?? null) : null,
        unit_region_code: p.unit_id ? (unitById.get(p.unit_id)?.region_code ?? null) : null,
      })),
    );
    const tree = paths(parents);
    await insertRows(
      tx,
      'party_orgs',
      partyOrgs.map((p) => ({ ...p, parent_id: parents.get(p.id) ?? null, path: tree.get(p.id) ?? null })),
    );
    await insertRows(tx, 'members', members);
    await insertRows(tx, 'member_skills', memberSkills);
    await insertRows(tx, 'temporary_orgs', orgs);
    await insertRows(tx, 'org_regions', orgRegions);
    await insertRows(tx, 'org_units', orgUnits);
    await insertRows(tx, 'memberships', memberships);
    await insertRows(tx, 'users', users);
    const qiaoUser = users.find((u) => u.username === 'qiaoduan') as Row<'users'>;
    await seedBaiheList(tx, {
      baiheId: b.id,
      regionCode: BAIHE_COMMUNITY,
      powerChiefId,
      electricianIds,
      closerUserId: qiaoUser.id,
      closerLabel: qiaoUser.display_name,
    });
    const baiheList = await tx
      .selectFrom('problem_lists')
      .select('id')
      .where('org_id', '=', b.id)
      .where('listed_on', '=', '2020-05-19')
      .executeTakeFirstOrThrow();
    const baiheUser = users.find((u) => u.username === 'baihe') as Row<'users'>;
    await seedBaiheActivities(tx, { r: rng(seed + 5), baiheId: b.id, listId: baiheList.id, userId: baiheUser.id });
    // Every other organization's year of meetings, so that the 2020 ledgers grade as a county's would.
    const storyOrgs = [specials.find((s) => s.anchor_name === '酵素产业链'), forest as Row<'temporary_orgs'> | null]
      .filter((o): o is Row<'temporary_orgs'> => Boolean(o))
      .map((o) => o.id);
    const life = countyLife(rng(seed + 13), {
      orgs,
      memberships,
      userId: (users.find((u) => u.username === 'admin') as Row<'users'>).id,
      skip: new Set([b.id]),
      diligent: new Set(storyOrgs),
    });
    await insertRows(tx, 'activities', life.activities);
    await insertRows(tx, 'activity_attendance', life.attendance);
    const baiheRoster = rosterOf.get(b.id) ?? [];
    const qiaoPolice = (townshipUnits.get(QIAODUAN) ?? [])[1] as ReturnType<typeof addUnit>;
    const policeOfficer = members.find((m) => m.unit_id === qiaoPolice.id && m.party_status !== 'none');
    // The stacking answers what the household needs: a doctor for the two seriously ill, a teacher for the two
    // children in school, a party member of the branch, and the local police officer.
    const qiaoUnits = townshipUnits.get(QIAODUAN) ?? [];
    const partyMemberOf = (unitName: string) =>
      members.find(
        (m) => m.unit_id === qiaoUnits.find((u) => u.name.endsWith(unitName))?.id && m.party_status !== 'none',
      )?.id;
    const [doctor, teacher] = [partyMemberOf('卫生院'), partyMemberOf('中心学校')];
    await seedCase3(tx, cipher, {
      regionCode: BAIHE_COMMUNITY,
      primaryHelperId: baiheRoster[6] as string,
      stacked: [
        {
          memberId: doctor ?? (baiheRoster[7] as string),
          role: 'doctor',
          reason: '叠加帮扶：母亲和妻子重病，乡镇卫生院医生签约随访',
        },
        {
          memberId: teacher ?? (baiheRoster[8] as string),
          role: 'teacher',
          reason: '叠加帮扶：两个孩子在校，中心学校教师结对助学',
        },
        {
          memberId: baiheRoster[9] as string,
          role: 'party_member',
          reason: '叠加帮扶：两人重病，收入不稳定，脱贫申请未获通过',
        },
      ],
      policeId: policeOfficer?.id ?? (baiheRoster[10] as string),
      userId: qiaoUser.id,
    });
    const admin = users.find((u) => u.username === 'admin') as Row<'users'>;
    const townshipUsers = new Map(
      users.filter((u) => u.role === 'township_admin').map((u) => [u.scope_region_code, u]),
    );
    // The register: helpers come from the branches of the household's township, their role from their unit.
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const roleOf = (unitId: string): HelperRole => {
      const n = unitName.get(unitId) ?? '';
      return n.endsWith('派出所')
        ? 'police'
        : n.endsWith('卫生院')
          ? 'doctor'
          : n.endsWith('中心学校')
            ? 'teacher'
            : n.endsWith('司法所')
              ? 'mediator'
              : n.endsWith('人民政府')
                ? 'cadre'
                : 'party_member';
    };
    const memberById = new Map(members.map((m) => [m.id, m]));
    const helperPools = new Map<string, { id: string; role: HelperRole }[]>();
    for (const branch of townshipBranches) {
      const t = branch.region_code.slice(0, 9);
      const pool = helperPools.get(t) ?? [];
      for (const id of rosterOf.get(branch.id) ?? []) {
        const m = memberById.get(id);
        if (m && !pool.some((p) => p.id === id)) pool.push({ id, role: roleOf(m.unit_id) });
      }
      helperPools.set(t, pool);
    }
    // The relocation site's households are paired with the relocation-site branch's own members (结对帮扶).
    helperPools.set(
      BAIHE_COMMUNITY,
      (rosterOf.get(b.id) ?? []).flatMap((id) => {
        const m = memberById.get(id);
        return m ? [{ id, role: roleOf(m.unit_id) }] : [];
      }),
    );
    await seedRegister(tx, cipher, {
      // Its own random stream, so that the register does not shift what is generated after it.
      r: rng(seed + 3),
      later: rng(seed + 17),
      workTeams,
      baiheHouseholds: 328,
      villages: new Map(
        townships.map((t) => [
          t.code,
          villagesOf(t.code)
            .filter((v) => v.level === 'village')
            .map((v) => ({ code: v.code, name: v.name })),
        ]),
      ),
      helpers: helperPools,
      already: { households: 1, people: 6 },
      baiheCode: BAIHE_COMMUNITY,
      userFor: (t) => (townshipUsers.get(t) ?? admin).id,
    });
    const enzyme = specials.find((s) => s.anchor_name === '酵素产业链') as Row<'temporary_orgs'>;
    await seedCountyItems(tx, {
      branches: townshipBranches.filter((x) => x !== b && x !== forest),
      forestId: (forest as Row<'temporary_orgs'> | null)?.id as string,
      enzymeId: enzyme.id,
      sisterCadreId,
      closerFor: (branch) => {
        const u = townshipUsers.get(branch.region_code.slice(0, 9)) ?? admin;
        return { userId: u.id, label: u.display_name };
      },
      next: r.next,
    });
    const counts = {
      regions: regions.length,
      units: units.length,
      members: members.length,
      temporaryOrgs: orgs.length,
      memberships: memberships.length,
    };
    await audit.record(tx, systemActor('seed'), {
      action: 'seed.demo',
      entityType: 'county',
      entityId: NANZHAO,
      after: counts,
    });
  });
  // Ledgers are computed from the records above, by the assessment service itself, once they are committed.
  const adminUser = users.find((u) => u.username === 'admin') as Row<'users'>;
  await seedAssessment(db, audit, {
    r: rng(seed + 7),
    county: NANZHAO,
    adminId: adminUser.id,
    baiheId: (baihe as unknown as Row<'temporary_orgs'>).id,
  });
  return {
    accounts: users.map((u) => ({ username: u.username, displayName: u.display_name, role: u.role })),
    counts: {
      regions: regions.length,
      units: units.length,
      members: members.length,
      orgs: orgs.length,
      memberships: memberships.length,
    },
  };
}
