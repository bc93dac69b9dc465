import { underRegion } from '../../lib/scope.ts';
import type { Metric } from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Evidence, OrgInputs } from './scoring.ts';

const EVIDENCE_CAP = 100;

/** The places an organization and its groups cover, as the fewest region prefixes (a township covers its villages). */
export async function coveredPrefixes(db: Executor, subtree: string[]): Promise<string[]> {
  const rows = await db.selectFrom('org_regions as r').select('r.region_code').where('r.org_id', 'in', subtree).execute();
  return fewest(rows.map((r) => r.region_code));
}

/** The prefixes none of the others already covers. */
export function fewest(prefixes: string[]): string[] {
  const codes = [...new Set(prefixes)].sort();
  return codes.filter((c) => !codes.some((p) => p !== c && c.startsWith(p)));
}

/** Households in those places: one indexed prefix match per region. */
const inPlaces = (prefixes: string[]) =>
  prefixes.length ? sql<SqlBool>`(${sql.join(prefixes.map((p) => underRegion('h.region_code', p)), sql` or `)})` : sql<SqlBool>`1 = 0`;

interface Household {
  id: string;
  head_name: string;
  region_code: string;
}

/**
 * The register as a ledger's organizations see it over a period: every household in the places any of them
 * covers, with its visits and primary helpers counted. Read once per ledger, then cut per organization by place:
 * the households of a county tier would otherwise be read and counted again for every organization that covers
 * them (a special-task branch covers the whole county).
 */
export interface RegisterFacts {
  /** Registered or monitored households, by the pinyin initials of the head. */
  assisted: (Household & { visits: number; primaries: number })[];
  exited: (Household & { exit_year: number })[];
  eliminated: (Household & { eliminated_on: string })[];
}

export async function registerFacts(db: Executor, prefixes: string[], from: string, to: string): Promise<RegisterFacts> {
  const places = inPlaces(fewest(prefixes));
  // Counted per household by index (visits_household, helpers_household): a join grouped by household makes
  // SQLite read every visit of the county instead.
  const [assisted, exited, eliminated] = await Promise.all([
    db
      .selectFrom('households as h')
      .select(['h.id', 'h.head_name', 'h.region_code'])
      .select(sql<number>`(select count(*) from visits v where v.household_id = h.id and v.visited_on >= ${from} and v.visited_on <= ${to})`.as('visits'))
      .select(
        sql<number>`(select count(*) from helpers hp where hp.household_id = h.id and hp.is_primary = 1 and hp.start_on <= ${to} and (hp.end_on is null or hp.end_on > ${to}))`.as('primaries'),
      )
      .where('h.status', 'in', ['registered', 'monitored'])
      .where(places)
      .orderBy('h.head_initials')
      .orderBy('h.id')
      .execute(),
    db
      .selectFrom('households as h')
      .select(['h.id', 'h.head_name', 'h.region_code', 'h.exit_year'])
      .where('h.exit_year', '>=', Number(from.slice(0, 4)))
      .where('h.exit_year', '<=', Number(to.slice(0, 4)))
      .where(places)
      .execute(),
    db
      .selectFrom('monitoring_cases as m')
      .innerJoin('households as h', 'h.id', 'm.household_id')
      .select(['h.id', 'h.head_name', 'h.region_code', 'm.eliminated_on'])
      .where('m.eliminated_on', '>=', from)
      .where('m.eliminated_on', '<=', to)
      .where(places)
      .execute(),
  ]);
  return {
    assisted: assisted.map((h) => ({ ...h, visits: Number(h.visits), primaries: Number(h.primaries) })),
    exited: exited.map((h) => ({ ...h, exit_year: Number(h.exit_year) })),
    eliminated: eliminated.map((h) => ({ ...h, eliminated_on: h.eliminated_on as string })),
  };
}

/**
 * Reads, for one organization and its party groups over a period, the values every computed metric needs,
 * with the records behind each value as evidence.
 */
export async function gatherInputs(
  db: Executor,
  org: { id: string; name: string; path: string },
  from: string,
  to: string,
  /** The organization and its party groups (its subtree), by id: reached by index, where a path prefix is not. */
  subtree: string[],
  /** The places the subtree covers (`coveredPrefixes`), and the register of the ledger's places. */
  places: string[],
  register: RegisterFacts,
): Promise<Omit<OrgInputs, 'scored'>> {
  const metrics: OrgInputs['metrics'] = {};
  const put = (m: Metric, value: number, evidence: Evidence[]) => {
    metrics[m] = { value, evidence: evidence.slice(0, EVIDENCE_CAP) };
  };

  const activities = await db
    .selectFrom('activities as a')
    .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
    .select(['a.id', 'a.kind', 'a.held_on', 'a.topic'])
    .select([
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id and t.status = 'present')`.as('present'),
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id)`.as('expected'),
    ])
    .where('o.id', 'in', subtree)
    .where('a.held_on', '>=', from)
    .where('a.held_on', '<=', to)
    .orderBy('a.held_on')
    .execute();
  const label = (a: (typeof activities)[number]) => ({ type: 'activity' as const, id: a.id, label: `${a.held_on} ${a.topic}` });
  const meetings = activities.filter((a) => a.kind === 'branch_meeting' || a.kind === 'group_meeting' || a.kind === 'onsite_meeting');
  put('meetings_held', meetings.length, meetings.map(label));
  const study = activities.filter((a) => a.kind === 'study_session' || a.kind === 'themed_party_day');
  put('study_sessions', study.length, study.map(label));
  const expected = activities.reduce((s, a) => s + Number(a.expected), 0);
  const present = activities.reduce((s, a) => s + Number(a.present), 0);
  put('attendance_rate', expected ? present / expected : 0, activities.map((a) => ({ ...label(a), label: `${label(a).label}（${a.present}/${a.expected}）` })));

  const closed = await db
    .selectFrom('items as i')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .select(['i.id', 'i.no', 'i.problem', 'i.due_on', 'i.closed_at', 'i.reopened_count', 'i.resident_confirmed_at'])
    .where('o.id', 'in', subtree)
    .where('i.status', '=', 'closed')
    .where(sql<SqlBool>`substr(i.closed_at, 1, 10) >= ${from} and substr(i.closed_at, 1, 10) <= ${to}`)
    .orderBy('i.closed_at')
    .execute();
  const item = (i: (typeof closed)[number], note = '') => ({ type: 'item' as const, id: i.id, label: `${i.problem}${note}` });
  const onTime = closed.filter((i) => !i.due_on || (i.closed_at ?? '').slice(0, 10) <= i.due_on);
  put('items_closed_on_time_rate', closed.length ? onTime.length / closed.length : 0, closed.map((i) => item(i, onTime.includes(i) ? '（按期）' : '（逾期）')));
  const reopened = closed.filter((i) => i.reopened_count > 0);
  put('reopen_rate', closed.length ? reopened.length / closed.length : 0, reopened.map((i) => item(i, `（重开 ${i.reopened_count} 次）`)));
  const confirmed = closed.filter((i) => i.resident_confirmed_at);
  put('resident_confirmed_rate', closed.length ? confirmed.length / closed.length : 0, confirmed.map((i) => item(i, '（群众确认解决）')));

  const inCovered = (h: Household) => places.some((p) => h.region_code.startsWith(p));
  const assisted = register.assisted.filter(inCovered);
  const visits = assisted.reduce((s, h) => s + h.visits, 0);
  put(
    'visits_per_assisted_household',
    assisted.length ? visits / assisted.length : 0,
    assisted.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（走访 ${h.visits} 次）` })),
  );
  const gaps = assisted.filter((h) => h.primaries === 0);
  put('coverage_gaps', gaps.length, gaps.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（缺主帮扶责任人）` })));

  const exited = register.exited.filter(inCovered);
  const eliminated = register.eliminated.filter(inCovered);
  put('households_exited', exited.length + eliminated.length, [
    ...exited.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（${h.exit_year}年脱贫）` })),
    ...eliminated.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（${h.eliminated_on} 消除风险）` })),
  ]);

  const findings = await db
    .selectFrom('supervision_records as s')
    .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
    .select(['s.id', 's.supervised_on', 's.findings', 's.score_effect'])
    .where('o.id', 'in', subtree)
    .where('s.supervised_on', '>=', from)
    .where('s.supervised_on', '<=', to)
    .orderBy('s.supervised_on')
    .execute();
  const evidence = findings.map((f) => ({
    type: 'supervision' as const,
    id: f.id,
    label: `${f.supervised_on} ${f.findings}${f.score_effect ? `（${f.score_effect > 0 ? '+' : ''}${f.score_effect} 分）` : ''}`,
  }));
  put('supervision_findings', findings.length, evidence);
  return {
    orgId: org.id,
    orgName: org.name,
    metrics,
    supervision: { effect: findings.reduce((s, f) => s + Number(f.score_effect ?? 0), 0), evidence: evidence.slice(0, EVIDENCE_CAP) },
  };
}
