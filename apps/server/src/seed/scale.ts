import { addDays } from '@lianjian/shared';
import type { Db } from '../db/index.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { idCheckChar } from '../lib/identity.ts';
import { newId } from '../lib/ids.ts';
import { nameInitials, namePinyin } from '../lib/pinyin.ts';
import { type Row, insertRows } from '../db/bulk.ts';
import { SPREAD, type Status, addDemoItem, addList } from './demo-items.ts';
import { type Rng, personName, rng } from './random.ts';

/** County scale (issue 9): the demo county grown to a full registry and three years of problem lists. */
export const COUNTY_SCALE = { households: 20_000, items: 20_000 };

const at = (day: string) => `${day}T02:00:00.000Z`;
const CAUSES = [
  'illness',
  'illness',
  'illness',
  'disability',
  'lack_of_labour',
  'schooling',
  'lack_of_skills',
  'lack_of_capital',
  'disaster',
  'low_motivation',
] as const;

/**
 * Grows the demo county (already seeded) to county scale, streaming: households, people and helpers are written
 * in batches of a few thousand, each batch in its own transaction, so memory stays flat however large the target.
 * The rules are the demo generator's: people per household, causes, income, a primary helper from the township
 * and stacked helpers, ID numbers that are valid and unique, items whose timeline matches their status.
 */
export async function growCounty(
  db: Db,
  cipher: DataCipher,
  opts: { households?: number; items?: number; seed?: number; log?: (s: string) => void } = {},
) {
  const r = rng(opts.seed ?? 20240101);
  const log = opts.log ?? (() => {});
  const county = (await db.selectFrom('regions').select('code').where('level', '=', 'county').executeTakeFirstOrThrow())
    .code;
  const villages = await db
    .selectFrom('regions')
    .select(['code', 'parent_code'])
    .where('level', '=', 'village')
    .where('code', 'like', `${county}%`)
    .execute();
  const helperRows = await db
    .selectFrom('members')
    .select(['id', 'region_code'])
    .where('party_status', '!=', 'none')
    .where('region_code', 'like', `${county}%`)
    .execute();
  const helpersOf = new Map<string, string[]>();
  for (const m of helperRows) {
    const township = m.region_code.slice(0, 9);
    helpersOf.set(township, [...(helpersOf.get(township) ?? []), m.id]);
  }
  const allHelpers = helperRows.map((m) => m.id);

  const existing = Number(
    (
      await db
        .selectFrom('households')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const target = opts.households ?? COUNTY_SCALE.households;
  // ID numbers: the county's area code, a birth date, and sequence numbers from 500 up (the demo uses fewer than 100).
  let serial = 0;
  const idNumber = (year: number) => {
    const p = serial++;
    const first17 = `${county}${year}${String(1 + (Math.floor(p / 28) % 12)).padStart(2, '0')}${String(1 + (p % 28)).padStart(2, '0')}${String(500 + (Math.floor(p / 336) % 500)).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  };
  const BATCH = 2000;
  let made = 0;
  while (existing + made < target) {
    const households: Row<'households'>[] = [];
    const people: Row<'household_people'>[] = [];
    const helpers: Row<'helpers'>[] = [];
    for (let i = 0; i < BATCH && existing + made < target; i++, made++) {
      households.push(makeHousehold(r, cipher, r.pick(villages), idNumber, people, helpers, helpersOf, allHelpers));
    }
    await db.transaction().execute(async (tx) => {
      await insertRows(tx, 'households', households);
      await insertRows(tx, 'household_people', people);
      await insertRows(tx, 'helpers', helpers);
    });
    log(`  households: ${existing + made}/${target}`);
  }

  // Items: monthly lists of every township branch, 2024-01 to 2026-11, until the county holds the target.
  const branches = await db
    .selectFrom('temporary_orgs')
    .select(['id', 'region_code', 'name'])
    .where('level', '=', 'branch')
    .where('status', '=', 'active')
    .where('region_code', 'like', `${county}___%`)
    .execute();
  const closers = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'scope_region_code', 'role'])
    .where('role', 'in', ['township_admin', 'county_admin'])
    .execute();
  const admin = closers.find((u) => u.role === 'county_admin') ?? closers[0];
  const itemTarget = opts.items ?? COUNTY_SCALE.items;
  let items = Number(
    (
      await db
        .selectFrom('items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const listNo = new Map<string, number>();
  for (const b of branches) {
    const n = Number(
      (
        await db
          .selectFrom('problem_lists')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', b.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
    listNo.set(b.id, n);
  }
  const leadersOf = new Map<string, { group: string; leader: string | null }[]>();
  for (const g of await db
    .selectFrom('temporary_orgs as g')
    .leftJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 'g.id').on('m.role', '=', 'group_leader'))
    .select(['g.id', 'g.parent_id', 'm.member_id'])
    .where('g.level', '=', 'group')
    .execute()) {
    if (!g.parent_id) continue;
    leadersOf.set(g.parent_id, [...(leadersOf.get(g.parent_id) ?? []), { group: g.id, leader: g.member_id }]);
  }
  let month = 0;
  while (items < itemTarget) {
    const year = 2024 + Math.floor(month / 12);
    const listedOn = `${year}-${String(1 + (month % 12)).padStart(2, '0')}-${String(r.int(1, 27)).padStart(2, '0')}`;
    await db.transaction().execute(async (tx) => {
      for (const b of branches) {
        if (items >= itemTarget) break;
        const no = (listNo.get(b.id) ?? 0) + 1;
        listNo.set(b.id, no);
        const closer =
          closers.find(
            (u) => u.scope_region_code && b.region_code.startsWith(u.scope_region_code) && u.role === 'township_admin',
          ) ?? admin;
        const listId = await addList(
          tx,
          b.id,
          no,
          `${b.name.replace(/临时党支部$/, '')}问题清单（${listedOn}）`,
          listedOn,
          closer?.id as string,
        );
        const groups = leadersOf.get(b.id) ?? [];
        const count = r.int(2, 5);
        for (let i = 0; i < count && items < itemTarget; i++, items++) {
          const [category, problem] = r.pick(SPREAD);
          const g = groups.length ? r.pick(groups) : null;
          const roll = r.next();
          const recent = listedOn >= '2026-09';
          const status: Status = recent
            ? roll < 0.3
              ? 'open'
              : roll < 0.7
                ? 'in_progress'
                : roll < 0.85
                  ? 'awaiting_confirmation'
                  : 'closed'
            : roll < 0.85
              ? 'closed'
              : roll < 0.93
                ? 'in_progress'
                : 'open';
          await addDemoItem(tx, {
            listId,
            listNo: no,
            orgId: b.id,
            no: i + 1,
            kind: category === 'disputes' ? 'dispute' : 'problem',
            problem,
            category,
            regionCode: b.region_code,
            groupId: g?.group ?? null,
            responsibleId: g?.leader ?? null,
            listedOn,
            due: addDays(listedOn, r.int(15, 60)),
            status,
            reopened: r.chance(0.06),
            closeAfterDays: r.int(3, 40),
            closerUserId: closer?.id as string,
            closerLabel: closer?.display_name as string,
          });
        }
      }
    });
    month++;
    log(`  items: ${items}/${itemTarget} (lists of ${listedOn.slice(0, 7)})`);
    if (month > 35) month = 0;
  }
}

function makeHousehold(
  r: Rng,
  cipher: DataCipher,
  village: { code: string; parent_code: string | null },
  idNumber: (year: number) => string,
  people: Row<'household_people'>[],
  helpers: Row<'helpers'>[],
  helpersOf: Map<string, string[]>,
  allHelpers: string[],
): Row<'households'> {
  const size = r.pick([1, 2, 2, 3, 3, 3, 4, 4, 5]);
  const exited = r.chance(0.55);
  const exitYear = exited ? r.int(2016, 2020) : null;
  const cause = r.pick(CAUSES);
  const perHead = exited ? r.int(6000, 14000) : r.int(2500, 4200);
  const income = perHead * size;
  const wages = Math.round(income * (0.3 + r.next() * 0.4));
  const transfer = Math.round((income - wages) * (0.3 + r.next() * 0.4));
  const surname = personName(r).slice(0, 1);
  const headName = surname + personName(r).slice(1);
  const created = at(
    `${exitYear ? Math.min(exitYear - 1, 2016) : r.pick([2014, 2015, 2016])}-0${r.int(3, 9)}-1${r.int(0, 9)}`,
  );
  const id = newId();
  const headBirth = r.int(1945, 1985);
  for (let i = 0; i < size; i++) {
    const birth = i === 0 ? headBirth : i === 1 ? headBirth + r.int(-3, 5) : Math.min(2018, headBirth + r.int(22, 34));
    const idn = idNumber(birth);
    const phone =
      i === 0 ? `1${r.pick(['39', '58', '87', '36'])}${String(r.int(0, 99_999_999)).padStart(8, '0')}` : null;
    people.push({
      id: newId(),
      household_id: id,
      name: i === 0 ? headName : (i === 1 ? personName(r).slice(0, 1) : surname) + personName(r).slice(1),
      relationship: i === 0 ? '户主' : i === 1 ? '配偶' : r.chance(0.5) ? '长子' : '长女',
      gender: r.chance(0.5) ? 'male' : 'female',
      birth_year: birth,
      in_school: birth >= 2003 && birth <= 2014 ? 1 : 0,
      labour: birth >= 2003 ? 'none' : r.pick(['normal', 'normal', 'skilled', 'lost']),
      health_enc: cipher.encrypt(cause === 'illness' && i === 0 ? 'chronic' : 'healthy'),
      id_number_enc: cipher.encrypt(idn),
      id_number_index: cipher.blindIndex(idn),
      phone_enc: phone ? cipher.encrypt(phone) : null,
      phone_index: phone ? cipher.blindIndex(phone) : null,
      created_at: created,
    });
  }
  const pool = helpersOf.get((village.parent_code ?? village.code).slice(0, 9)) ?? allHelpers;
  const start = created.slice(0, 10);
  const helperCount = r.chance(0.3) ? 2 : 1;
  for (let h = 0; h < helperCount; h++) {
    helpers.push({
      id: newId(),
      household_id: id,
      member_id: r.pick(pool.length ? pool : allHelpers),
      role: h === 0 ? 'cadre' : r.pick(['party_member', 'teacher', 'doctor'] as const),
      is_primary: h === 0 ? 1 : 0,
      reason: h === 0 ? '结对帮扶' : '叠加帮扶',
      start_on: start,
      end_on: null,
      end_reason: null,
      version: 1,
      created_at: created,
    });
  }
  return {
    id,
    region_code: village.code,
    head_name: headName,
    head_initials: nameInitials(headName),
    head_pinyin: namePinyin(headName),
    address: `${r.int(1, 9)}组${r.int(1, 60)}号`,
    attribute: r.chance(0.3) ? 'dibao' : r.chance(0.08) ? 'tekun' : 'general',
    standard: 'national',
    status: exited ? 'exited' : 'registered',
    exit_year: exitYear,
    exited_on: null,
    primary_cause: cause,
    secondary_causes: '[]',
    income_wages: wages,
    income_business: income - wages - transfer,
    income_transfer: transfer,
    income_property: 0,
    per_capita_income: perHead,
    housing_area: r.int(45, 140),
    danger_rating: null,
    water_safe: 1,
    relocated_to: null,
    version: 1,
    created_at: created,
    updated_at: created,
  };
}
