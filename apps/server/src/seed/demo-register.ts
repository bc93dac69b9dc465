import { type HelperRole, type MEASURE_CATEGORIES, type PovertyCause, addDays } from '@lianjian/shared';
import type { Executor } from '../db/index.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { newId } from '../lib/ids.ts';
import { idCheckChar } from '../lib/identity.ts';
import { nameInitials, namePinyin } from '../lib/pinyin.ts';
import { type Row, insertRows } from '../db/bulk.ts';
import { personName, type Rng } from './random.ts';

/** The register the demo must reproduce exactly (DOMAIN §2), case 3's household included. */
export const REGISTER_FIGURES = { registeredHouseholds: 2456, registeredPeople: 5401, exitedHouseholds: 3000 };

export interface Helper {
  id: string;
  role: HelperRole;
}

export interface RegisterContext {
  r: Rng;
  /**
   * A stream of its own for what was added later (the relocation site's earlier exits, the exits of 2020), so that
   * the register drawn with `r` stays as it was.
   */
  later: Rng;
  /** The village work team of each township (驻村工作队) and its first secretary, who verify exits. */
  workTeams: Map<string, { unitId: string; memberId: string }>;
  /** Villages of each township, by township code. */
  villages: Map<string, { code: string; name: string }[]>;
  /** Members who can be helpers in each township (and in a village with a branch of its own), with the helper role their unit suggests. */
  helpers: Map<string, Helper[]>;
  /** Households and people already registered (case 3), counted in the figures. */
  already: { households: number; people: number };
  baiheCode: string;
  /** Households the relocation site holds (DOMAIN §2 case 1), in two phases. */
  baiheHouseholds: number;
  userFor: (township: string) => string;
}

type MeasureCategory = (typeof MEASURE_CATEGORIES)[number];

const at = (day: string) => `${day}T02:00:00.000Z`;

const CAUSES: [PovertyCause, number][] = [
  ['illness', 38],
  ['disability', 13],
  ['lack_of_labour', 14],
  ['schooling', 8],
  ['lack_of_skills', 10],
  ['lack_of_capital', 9],
  ['disaster', 2],
  ['poor_transport', 2],
  ['low_motivation', 3],
  ['other', 1],
];
const MEASURE_FOR: Record<PovertyCause, MeasureCategory[]> = {
  illness: ['health', 'safety_net'],
  disability: ['safety_net', 'public_welfare_job'],
  lack_of_labour: ['safety_net', 'ecological_compensation'],
  schooling: ['education', 'employment'],
  lack_of_skills: ['employment', 'industry'],
  lack_of_capital: ['micro_credit', 'industry'],
  disaster: ['housing_renovation', 'safety_net'],
  poor_transport: ['relocation', 'industry'],
  low_motivation: ['public_welfare_job', 'employment'],
  lack_of_land: ['industry', 'employment'],
  lack_of_water: ['industry', 'safety_net'],
  other: ['industry'],
};
const MEASURE_TEXT: Record<MeasureCategory, string> = {
  industry: '发展香菇、中药材种植，发放产业奖补',
  employment: '推荐到扶贫车间或外出务工，落实交通补贴',
  relocation: '易地扶贫搬迁安置',
  education: '落实雨露计划和教育资助',
  health: '家庭医生签约，慢病卡办理，先诊疗后付费',
  ecological_compensation: '聘为生态护林员',
  safety_net: '纳入低保兜底保障',
  housing_renovation: '危房改造',
  micro_credit: '发放扶贫小额信贷5万元',
  public_welfare_job: '安排村级公益岗位（保洁员）',
};

function weighted<T>(r: Rng, table: [T, number][]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r.next() * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return (table[0] as [T, number])[0];
}

/** Shares `total` over `weights` by largest remainder: the parts always add up to the total. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  const left = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) parts[(order[k] as readonly [number, number])[1]] += 1;
  return parts;
}

/**
 * The poverty register of the demo county: 2,456 registered-poor households with 5,401 people in mid-2020 (DOMAIN §2)
 * spread over the townships by their villages, each with a primary helper and some stacked ones, visits and
 * measures in 2020; 3,000 households that exited in 2016–2019, some still visited; the relocation site's 328
 * households, most of them out of poverty since they moved in; monitored households of the three categories, some
 * risk-eliminated, some on the early-warning list; a third of the registered households out of poverty in the autumn
 * of 2020, each through the whole procedure; and one exit application in public notice at 白河新村. Names and ID
 * numbers are generated (valid check digits), never real.
 */
export async function seedRegister(tx: Executor, cipher: DataCipher, ctx: RegisterContext) {
  const { r } = ctx;
  const townships = [...ctx.villages.keys()];
  const households: Row<'households'>[] = [];
  const people: Row<'household_people'>[] = [];
  const helpers: Row<'helpers'>[] = [];
  const visits: Row<'visits'>[] = [];
  const visitHelpers: Row<'visit_helpers'>[] = [];
  const measures: Row<'measures'>[] = [];
  const cases: Row<'monitoring_cases'>[] = [];
  const caseEvents: Row<'monitoring_events'>[] = [];

  // (month, day, sequence) is unique for each generated person, so no two ID numbers can collide.
  let serial = 0;
  const idNumber = (year: number) => {
    const p = serial++;
    const first17 = `411321${year}${String(1 + (Math.floor(p / 28) % 12)).padStart(2, '0')}${String(1 + (p % 28)).padStart(2, '0')}${String(Math.floor(p / 336) % 1000).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  };

  /** A lane and number in a village; a flat in one of the two phases of the relocation site. */
  const siteAddress = (village: string, a: number, b: number) =>
    village === ctx.baiheCode
      ? `白河新村易地搬迁安置点（${a <= 5 ? '一期' : '二期'}）${1 + (b % 16)}号楼`
      : `${a}组${b}号`;

  /** One household of `size` people; income per head around `perHead`. */
  const makeHousehold = (
    township: string,
    size: number,
    status: Row<'households'>['status'],
    perHead: number,
    exitYear: number | null,
    village?: { code: string },
    g: Rng = r,
  ) => {
    const v = village ?? g.pick(ctx.villages.get(township) ?? []);
    const cause = weighted(g, CAUSES);
    const surname = personName(g).slice(0, 1);
    const headBirth = g.int(1945, 1985);
    const members: {
      name: string;
      relationship: string;
      gender: 'male' | 'female';
      birth: number;
      health: string;
      labour: Row<'household_people'>['labour'];
      school: number;
    }[] = [];
    const headGender = g.chance(0.8) ? 'male' : 'female';
    members.push({
      name: surname + personName(g).slice(1),
      relationship: '户主',
      gender: headGender,
      birth: headBirth,
      health:
        cause === 'illness'
          ? g.pick(['chronic', 'serious'])
          : cause === 'disability'
            ? 'disability'
            : g.pick(['healthy', 'healthy', 'chronic']),
      labour:
        cause === 'lack_of_labour' || headBirth < 1955
          ? g.pick(['lost', 'none'])
          : g.pick(['normal', 'normal', 'skilled']),
      school: 0,
    });
    for (let i = 1; i < size; i++) {
      const kind = i === 1 && g.chance(0.8) ? 'spouse' : headBirth < 1960 ? 'grandchild' : 'child';
      const birth =
        kind === 'spouse'
          ? headBirth + g.int(-3, 5)
          : kind === 'child'
            ? Math.min(2019, headBirth + g.int(22, 34))
            : g.int(2006, 2018);
      const young = birth >= 2003;
      members.push({
        name: (kind === 'spouse' ? personName(g).slice(0, 1) : surname) + personName(g).slice(1),
        relationship:
          kind === 'spouse'
            ? '配偶'
            : kind === 'child'
              ? g.chance(0.5)
                ? '长子'
                : '长女'
              : g.chance(0.5)
                ? '孙子'
                : '孙女',
        gender: kind === 'spouse' ? (headGender === 'male' ? 'female' : 'male') : g.chance(0.5) ? 'male' : 'female',
        birth,
        health:
          cause === 'illness' && kind === 'spouse' && g.chance(0.5)
            ? 'serious'
            : g.pick(['healthy', 'healthy', 'healthy', 'chronic']),
        labour: young ? 'none' : g.pick(['normal', 'normal', 'lost']),
        school: young && birth <= 2014 ? 1 : 0,
      });
    }
    const income = Math.max(0, Math.round(perHead * size));
    const wages = Math.round(income * (0.3 + g.next() * 0.4));
    const transfer = Math.round((income - wages) * (0.3 + g.next() * 0.4));
    const business = income - wages - transfer;
    const id = newId();
    const created = at(
      `${exitYear ? Math.min(exitYear - 1, 2016) : g.pick([2014, 2015, 2016])}-0${g.int(3, 9)}-1${g.int(0, 9)}`,
    );
    const secondary = g.chance(0.4) ? [weighted(g, CAUSES)].filter((c) => c !== cause) : [];
    households.push({
      id,
      region_code: v.code,
      head_name: (members[0] as { name: string }).name,
      head_initials: nameInitials((members[0] as { name: string }).name),
      head_pinyin: namePinyin((members[0] as { name: string }).name),
      address: siteAddress(v.code, g.int(1, 9), g.int(1, 60)),
      attribute: g.chance(0.3) ? 'dibao' : g.chance(0.08) ? 'tekun' : 'general',
      standard: 'national',
      status,
      exit_year: exitYear,
      exited_on: null,
      primary_cause: cause,
      secondary_causes: JSON.stringify(secondary),
      income_wages: wages,
      income_business: business,
      income_transfer: transfer,
      income_property: 0,
      per_capita_income: Math.round(income / size),
      housing_area: g.int(45, 140),
      danger_rating: status === 'registered' && g.chance(0.03) ? g.pick(['C', 'D']) : null,
      water_safe: status === 'registered' && g.chance(0.02) ? 0 : 1,
      relocated_to: v.code === ctx.baiheCode ? '白河新村易地搬迁安置点' : null,
      version: 1,
      created_at: created,
      updated_at: created,
    });
    for (const m of members) {
      const idn = idNumber(m.birth);
      const phone =
        m.relationship === '户主'
          ? `1${g.pick(['39', '58', '87', '36'])}${String(g.int(0, 99_999_999)).padStart(8, '0')}`
          : null;
      people.push({
        id: newId(),
        household_id: id,
        name: m.name,
        relationship: m.relationship,
        gender: m.gender,
        birth_year: m.birth,
        in_school: m.school,
        labour: m.labour,
        health_enc: cipher.encrypt(m.health),
        id_number_enc: cipher.encrypt(idn),
        id_number_index: cipher.blindIndex(idn),
        phone_enc: phone ? cipher.encrypt(phone) : null,
        phone_index: phone ? cipher.blindIndex(phone) : null,
        created_at: created,
      });
    }
    return households[households.length - 1] as Row<'households'>;
  };

  /**
   * A helper from the branches of the household's township; for a village with a branch of its own (the relocation
   * site), from that branch first, so that the branch serves the households it covers. One draw either way.
   */
  const pickHelper = (township: string, role?: HelperRole, village?: string, g: Rng = r): Helper => {
    const fitOf = (pool: Helper[]) =>
      role ? pool.filter((h) => h.role === role) : pool.filter((h) => h.role === 'cadre' || h.role === 'party_member');
    const local = fitOf((village && ctx.helpers.get(village)) || []);
    if (local.length) return g.pick(local);
    const pool = ctx.helpers.get(township) ?? [];
    const fit = fitOf(pool);
    return g.pick(fit.length ? fit : pool);
  };
  const addHelper = (h: Row<'households'>, who: Helper, primary: boolean, reason: string, start: string) => {
    helpers.push({
      id: newId(),
      household_id: h.id,
      member_id: who.id,
      role: primary ? (who.role === 'party_member' ? 'cadre' : who.role) : who.role,
      is_primary: primary ? 1 : 0,
      reason,
      start_on: start,
      end_on: null,
      end_reason: null,
      version: 1,
      created_at: at(start),
    });
  };
  const addVisit = (
    h: Row<'households'>,
    memberId: string,
    on: string,
    findings: string,
    risks: object | null = null,
  ) => {
    const id = newId();
    visits.push({
      id,
      household_id: h.id,
      visited_on: on,
      checks_json: JSON.stringify(['food', 'clothing', 'education', 'medical', 'housing', 'water', 'income']),
      findings,
      measures_agreed: null,
      report_id: null,
      risks_json: risks ? JSON.stringify(risks) : null,
      created_by: null,
      created_at: at(on),
    });
    visitHelpers.push({ visit_id: id, member_id: memberId });
  };
  const day2020 = (g: Rng = r) =>
    `2020-${String(g.int(3, 11)).padStart(2, '0')}-${String(g.int(1, 28)).padStart(2, '0')}`;

  // 1. Registered poor: the county's figures less case 3's household, spread by the townships' villages.
  const toRegister = REGISTER_FIGURES.registeredHouseholds - ctx.already.households;
  const peopleToRegister = REGISTER_FIGURES.registeredPeople - ctx.already.people;
  const perTownship = apportion(
    toRegister,
    townships.map((t) => (ctx.villages.get(t) ?? []).length),
  );
  // Sizes 1–5 drawn, then nudged one by one until they add up to the county's number of people.
  const sizes = Array.from({ length: toRegister }, () =>
    weighted(r, [
      [1, 30],
      [2, 35],
      [3, 20],
      [4, 10],
      [5, 5],
    ] as [number, number][]),
  );
  let diff = peopleToRegister - sizes.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = r.int(0, sizes.length - 1);
    const s = sizes[i] as number;
    if (diff > 0 && s < 6) {
      sizes[i] = s + 1;
      diff--;
    } else if (diff < 0 && s > 1) {
      sizes[i] = s - 1;
      diff++;
    }
  }
  let k = 0;
  const registered: Row<'households'>[] = [];
  townships.forEach((t, ti) => {
    for (let i = 0; i < (perTownship[ti] as number); i++) {
      const h = makeHousehold(t, sizes[k++] as number, 'registered', r.int(2600, 3900), null);
      registered.push(h);
      addHelper(h, pickHelper(t, undefined, h.region_code), true, '建档立卡结对帮扶', `2018-0${r.int(1, 9)}-01`);
      // Stacked assistance where the household's situation calls for it; some gaps are left for the county to see.
      if (h.primary_cause === 'illness' && r.chance(0.7))
        addHelper(h, pickHelper(t, 'doctor'), false, '叠加帮扶：因病致贫，家庭医生签约服务', '2020-04-10');
      if (h.primary_cause === 'schooling' && r.chance(0.6))
        addHelper(h, pickHelper(t, 'teacher'), false, '叠加帮扶：因学致贫，教育资助跟踪', '2020-03-01');
      if (r.chance(0.05))
        addHelper(h, pickHelper(t, 'police'), false, '叠加帮扶：片区民警，协助化解矛盾', '2020-05-01');
      const primary = helpers.find((x) => x.household_id === h.id && x.is_primary === 1) as Row<'helpers'>;
      for (let v = 0; v < r.int(1, 3); v++)
        addVisit(
          h,
          primary.member_id,
          day2020(),
          r.pick(['两不愁三保障落实到位', '务工收入稳定', '孩子在校情况良好', '慢病用药有保障', '需关注收入稳定性']),
        );
      for (const category of MEASURE_FOR[h.primary_cause as PovertyCause].slice(0, r.int(1, 2))) {
        const start = day2020();
        measures.push({
          id: newId(),
          household_id: h.id,
          category,
          unit_id: null,
          content: MEASURE_TEXT[category],
          cost_yuan: category === 'micro_credit' ? 50000 : r.int(0, 30) * 100,
          start_on: start,
          end_on: null,
          acknowledged_on: r.chance(0.8) ? start : null,
          version: 1,
          created_at: at(start),
        });
      }
    }
  });

  // 2. Exited in earlier years; some keep a helper in the transition period and are still visited.
  const exitedPer = apportion(
    REGISTER_FIGURES.exitedHouseholds,
    townships.map((t) => (ctx.villages.get(t) ?? []).length),
  );
  const exited: Row<'households'>[] = [];
  townships.forEach((t, ti) => {
    for (let i = 0; i < (exitedPer[ti] as number); i++) {
      const year = weighted(r, [
        [2016, 25],
        [2017, 30],
        [2018, 30],
        [2019, 15],
      ] as [number, number][]);
      const h = makeHousehold(t, r.int(1, 5), 'exited', r.int(5200, 14000), year);
      exited.push(h);
      if (r.chance(0.15)) {
        const who = pickHelper(t, undefined, h.region_code);
        addHelper(h, who, true, '脱贫不脱帮扶：过渡期内继续联系', `${year}-12-01`);
        addVisit(h, who.id, day2020(), '收入稳定，两不愁三保障持续巩固');
      }
    }
  });

  // 3. Monitoring: unstable exited households, marginal and suddenly hard-hit households, in every stage.
  let e = 0;
  const openCase = (
    h: Row<'households'>,
    category: Row<'monitoring_cases'>['category'],
    risk: string,
    status: Row<'monitoring_cases'>['status'],
    identified: string,
  ) => {
    const id = newId();
    const township = h.region_code.slice(0, 9);
    const path: [Row<'monitoring_cases'>['status'], number, string][] = [
      ['identified', 0, `识别：${risk}`],
      ['consented', 3, '入户核实，农户同意纳入'],
      ['in_notice', 6, '民主评议后在村内公示'],
      ['township_reviewed', 12, '乡镇审核通过'],
      ['monitored', 16, '县级确认，纳入监测帮扶'],
      ['elimination_in_notice', 200, '风险消除评议公示'],
      ['elimination_reviewed', 206, '乡镇审核风险消除'],
      ['eliminated', 210, '县级确认风险消除'],
    ];
    const upto = path.findIndex((p) => p[0] === status);
    let prev: string | null = null;
    let noticeStart: string | null = null;
    for (const [to, offset, text] of path.slice(0, upto + 1)) {
      const on = addDays(identified, offset);
      if (to === 'in_notice' || to === 'elimination_in_notice') noticeStart = on;
      caseEvents.push({
        id: newId(),
        case_id: id,
        on,
        from_status: prev,
        to_status: to,
        text,
        user_id: ctx.userFor(township),
        created_at: at(on),
      });
      prev = to;
    }
    cases.push({
      id,
      household_id: h.id,
      category,
      source: r.pick(['household_report', 'cadre_visit', 'data_crosscheck']),
      risk,
      status,
      identified_on: identified,
      notice_start_on: noticeStart,
      notice_days: noticeStart ? 5 : null,
      notice_published_on: noticeStart,
      decided_on: upto >= 4 ? addDays(identified, 16) : null,
      eliminated_on: status === 'eliminated' ? addDays(identified, 210) : null,
      version: upto + 1,
      created_at: at(identified),
      updated_at: at(addDays(identified, path[upto]?.[1] ?? 0)),
    });
    e++;
  };
  // Spread over the townships: a shuffled copy of the exited households is drawn from in order.
  const pool = [...exited];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [pool[i], pool[j]] = [pool[j] as Row<'households'>, pool[i] as Row<'households'>];
  }
  const monitoredRisks = [
    '家庭成员患重病，医疗支出大',
    '务工收入大幅下降',
    '因洪灾房屋受损',
    '意外事故致主要劳动力受伤',
    '产业收益不稳定',
  ];
  for (const h of pool.slice(0, 70)) {
    h.status = 'monitored';
    openCase(h, 'unstable_exited', r.pick(monitoredRisks), 'monitored', `2020-0${r.int(2, 6)}-1${r.int(0, 9)}`);
    addHelper(h, pickHelper(h.region_code.slice(0, 9), undefined, h.region_code), true, '监测帮扶责任人', '2020-07-01');
  }
  for (const h of pool.slice(70, 95)) {
    h.status = 'risk_eliminated';
    openCase(h, 'unstable_exited', r.pick(monitoredRisks), 'eliminated', `2019-0${r.int(3, 5)}-1${r.int(0, 9)}`);
  }
  for (const h of pool.slice(95, 103))
    openCase(
      h,
      'unstable_exited',
      r.pick(monitoredRisks),
      r.pick(['identified', 'consented', 'in_notice'] as const),
      `2020-11-0${r.int(1, 9)}`,
    );
  // Marginal and suddenly hard-hit households were never registered poor: they enter the register as monitored.
  for (let i = 0; i < 35; i++) {
    const t = r.pick(townships);
    const h = makeHousehold(t, r.int(2, 5), 'monitored', r.int(4200, 6000), null);
    openCase(
      h,
      i < 20 ? 'marginal' : 'sudden_hardship',
      i < 20 ? '收入略高于贫困线，缺乏稳定增收渠道' : r.pick(monitoredRisks),
      'monitored',
      `2020-0${r.int(3, 8)}-0${r.int(1, 9)}`,
    );
    addHelper(h, pickHelper(t, undefined, h.region_code), true, '监测帮扶责任人', '2020-09-01');
  }
  // Early warning: exited households whose visits this year found a new serious illness or large spending.
  for (const h of pool.slice(103, 160)) {
    const who = pickHelper(h.region_code.slice(0, 9), undefined, h.region_code);
    addHelper(h, who, true, '脱贫不脱帮扶：过渡期内继续联系', '2020-01-01');
    const ill = r.chance(0.5);
    addVisit(
      h,
      who.id,
      `2020-${String(r.int(6, 11)).padStart(2, '0')}-15`,
      ill ? '家庭成员新查出重病' : '子女上大学、看病支出大',
      {
        seriousIllness: ill,
        disaster: false,
        rigidSpending: ill ? 0 : (h.income_wages + h.income_business + h.income_transfer) * 2,
      },
    );
  }

  const g = ctx.later;
  // 3b. The relocation site's 328 households (DOMAIN §2 case 1) moved in two phases in 2017 and 2018; most have left
  // poverty since. Those the county's spread placed there are counted; the rest exited in 2017–2019.
  const township = ctx.baiheCode.slice(0, 9);
  const atSite = 1 + households.filter((h) => h.region_code === ctx.baiheCode).length;
  for (let i = atSite; i < ctx.baiheHouseholds; i++) {
    const year = weighted(g, [
      [2017, 30],
      [2018, 45],
      [2019, 25],
    ] as [number, number][]);
    const h = makeHousehold(township, g.int(1, 5), 'exited', g.int(5600, 12000), year, { code: ctx.baiheCode }, g);
    if (g.chance(0.2)) {
      const who = pickHelper(township, undefined, ctx.baiheCode, g);
      addHelper(h, who, true, '脱贫不脱帮扶：过渡期内继续联系', `${year}-12-01`);
      addVisit(h, who.id, day2020(g), '扶贫车间务工收入稳定，搬得出、稳得住');
    }
  }

  // The relocation-site branch's pairs visit their households month by month (DOMAIN §2 case 1: 结对帮扶).
  for (const h of registered.filter((x) => x.region_code === ctx.baiheCode)) {
    const primary = helpers.find((x) => x.household_id === h.id && x.is_primary === 1) as Row<'helpers'>;
    for (let v = 0; v < g.int(2, 4); v++)
      addVisit(
        h,
        primary.member_id,
        day2020(g),
        g.pick([
          '扶贫车间务工收入稳定',
          '孩子在校情况良好',
          '慢病用药有保障',
          '安置房水电正常',
          '公益岗位工资按月发放',
        ]),
      );
  }

  // 4. One exit application in public notice at 白河新村: every step done, the village notice running.
  const baihe = registered.find((h) => h.region_code === ctx.baiheCode) ?? (registered[0] as Row<'households'>);

  // 3c. The autumn of 2020: a third of the households still registered in mid-2020 (more at the relocation site, whose
  // workshops give steady wages) leave poverty through the whole procedure, verified by the township's village work
  // team, announced after seven days on the village board.
  const exits2020: { h: Row<'households'>; steps: [string, string | null, string, string][] }[] = [];
  for (const h of registered) {
    if (h === baihe || !g.chance(h.region_code === ctx.baiheCode ? 0.8 : 0.33)) continue;
    const size = people.filter((p) => p.household_id === h.id).length;
    const perHead = g.int(4600, 7800);
    h.income_wages = Math.round(perHead * size * 0.6);
    h.income_transfer = Math.round(perHead * size * 0.15);
    h.income_business = perHead * size - h.income_wages - h.income_transfer;
    h.per_capita_income = perHead;
    const applied = `2020-${g.pick(['08', '09'])}-${String(g.int(1, 20)).padStart(2, '0')}`;
    const reviewed = addDays(applied, g.int(5, 10));
    const verified = addDays(reviewed, g.int(3, 7));
    const acknowledged = addDays(verified, g.int(1, 3));
    const notice = addDays(acknowledged, g.int(2, 5));
    const announced = addDays(notice, 7 + g.int(0, 4));
    h.status = 'exited';
    h.exit_year = 2020;
    h.exited_on = announced;
    h.updated_at = at(announced);
    exits2020.push({
      h,
      steps: [
        [applied, null, 'applied', '农户申请退出'],
        [reviewed, 'applied', 'reviewed', '村民代表会议民主评议通过'],
        [verified, 'reviewed', 'verified', '村两委和驻村工作队逐项核验达标'],
        [acknowledged, 'verified', 'acknowledged', '农户签字认可'],
        [notice, 'acknowledged', 'in_notice', '在村内公示7天'],
        [announced, 'in_notice', 'announced', '公告退出，销号'],
      ],
    });
  }

  const size = people.filter((p) => p.household_id === baihe.id).length;
  baihe.per_capita_income = 5600;
  baihe.income_wages = 4000 * size;
  baihe.income_business = 600 * size;
  baihe.income_transfer = 1000 * size;
  const appId = newId();
  const steps: [string, string | null, string, string][] = [
    ['2020-11-02', null, 'applied', '农户申请退出'],
    ['2020-11-09', 'applied', 'reviewed', '村民代表会议民主评议通过'],
    ['2020-11-16', 'reviewed', 'verified', '村两委和驻村工作队逐项核验达标'],
    ['2020-11-18', 'verified', 'acknowledged', '农户签字认可'],
    ['2020-11-23', 'acknowledged', 'in_notice', '在村内公示7天'],
  ];
  const criteria = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'].map((criterion) => ({
    criterion,
    met: true,
    evidence: criterion === 'income' ? '务工和扶贫车间工资稳定，人均纯收入5600元' : '入户核实',
  }));
  await insertRows(tx, 'households', households);
  await insertRows(tx, 'household_people', people);
  await insertRows(tx, 'helpers', helpers);
  await insertRows(tx, 'visits', visits);
  await insertRows(tx, 'visit_helpers', visitHelpers);
  await insertRows(tx, 'measures', measures);
  await insertRows(tx, 'monitoring_cases', cases);
  await insertRows(tx, 'monitoring_events', caseEvents);
  await tx
    .insertInto('exit_applications')
    .values({
      id: appId,
      household_id: baihe.id,
      source: 'household',
      status: 'in_notice',
      applied_on: '2020-11-02',
      reviewed_on: '2020-11-09',
      verified_on: '2020-11-16',
      criteria_json: JSON.stringify(criteria),
      acknowledged_on: '2020-11-18',
      notice_start_on: '2020-11-23',
      notice_days: 7,
      notice_published_on: '2020-11-23',
      announced_on: null,
      rejected_on: null,
      reject_reason: null,
      version: 5,
      created_at: at('2020-11-02'),
      updated_at: at('2020-11-23'),
    })
    .execute();

  const applications: Row<'exit_applications'>[] = [];
  const exitEvents: Row<'exit_events'>[] = [];
  for (const { h, steps: trail } of exits2020) {
    const id = newId();
    const on = (k: number) => (trail[k] as [string, ...unknown[]])[0];
    const team = ctx.workTeams.get(h.region_code.slice(0, 9));
    applications.push({
      id,
      household_id: h.id,
      source: 'household',
      status: 'announced',
      applied_on: on(0),
      reviewed_on: on(1),
      verified_on: on(2),
      criteria_json: JSON.stringify(
        criteria.map((c) =>
          c.criterion === 'income' ? { ...c, evidence: `人均纯收入${h.per_capita_income}元，收入来源稳定` } : c,
        ),
      ),
      acknowledged_on: on(3),
      notice_start_on: on(4),
      notice_days: 7,
      notice_published_on: on(4),
      announced_on: on(5),
      rejected_on: null,
      reject_reason: null,
      version: 6,
      created_at: at(on(0)),
      updated_at: at(on(5)),
      verified_by_unit_id: team?.unitId ?? null,
      verified_by_member_id: team?.memberId ?? null,
    });
    for (const [day, from, to, text] of trail) {
      exitEvents.push({
        id: newId(),
        application_id: id,
        on: day,
        kind: 'transition',
        from_status: from,
        to_status: to,
        text,
        user_id: ctx.userFor(h.region_code.slice(0, 9)),
        created_at: at(day),
      });
    }
  }
  await insertRows(tx, 'exit_applications', applications);
  await insertRows(tx, 'exit_events', exitEvents);

  for (const [on, from, to, text] of steps) {
    await tx
      .insertInto('exit_events')
      .values({
        id: newId(),
        application_id: appId,
        on,
        kind: 'transition',
        from_status: from,
        to_status: to,
        text,
        user_id: ctx.userFor(baihe.region_code.slice(0, 9)),
        created_at: at(on),
      })
      .execute();
  }
  return {
    households: households.length,
    people: people.length,
    helpers: helpers.length,
    visits: visits.length,
    measures: measures.length,
    monitoringCases: e,
  };
}
