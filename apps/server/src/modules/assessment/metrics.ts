import type { Metric } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Evidence, OrgInputs } from './scoring.ts';
import { coverageRules } from '../households/coverage.service.ts';
import { coveredRegions } from '../users/users.repository.ts';
import { known } from '../../lib/known.ts';
import { closedLate } from '../items/deadlines.service.ts';
import * as repo from './metrics.repository.ts';

const EVIDENCE_CAP = 100;

/** The prefixes none of the others already covers. */
function fewest(prefixes: string[]): string[] {
  const codes = [...new Set(prefixes)].sort();
  return codes.filter((c) => !codes.some((p) => p !== c && c.startsWith(p)));
}

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
  /** Households helped in the period (registered or monitored, or exited during it), by the pinyin initials of the head. */
  assisted: (Household & { visits: number; primaries: number })[];
  /** Households with a coverage gap at the period's end, by the one definition (`coverageGap`). */
  gaps: Household[];
  /** Households whose exit falls in the period: by the day announced, or by year for a register imported without it. */
  exited: (Household & { exit_year: number; exited_on: string | null })[];
  eliminated: (Household & { eliminated_on: string })[];
}

async function registerFacts(db: Executor, prefixes: string[], from: string, to: string): Promise<RegisterFacts> {
  const places = fewest(prefixes);
  const [assisted, exited, eliminated] = await Promise.all([
    repo.assistedIn(db, places, from, to),
    repo.exitedIn(db, places, from, to),
    repo.eliminatedIn(db, places, from, to),
  ]);
  // Each county's households against that county's rules.
  const byCounty = new Map<string, string[]>();
  for (const p of places) byCounty.set(p.slice(0, 6), [...(byCounty.get(p.slice(0, 6)) ?? []), p]);
  const gaps: Household[] = [];
  for (const [county, within] of byCounty)
    gaps.push(...(await repo.gapsIn(db, within, await coverageRules(db, county), to)));
  return {
    gaps,
    assisted: assisted.map((h) => ({ ...h, visits: Number(h.visits), primaries: Number(h.primaries) })),
    exited: exited.map((h) => ({ ...h, exit_year: Number(h.exit_year) })),
    eliminated: eliminated.map((h) => ({ ...h, eliminated_on: known(h.eliminated_on, 'an elimination’s day') })),
  };
}

/**
 * The records a ledger is computed from, over its period: the activities, closed items and supervision findings of
 * all its organizations and their party groups, the places they cover and the register of those places. Read once
 * per ledger, not once per organization: a township's ledger has a dozen branches, a county's the whole county.
 */
export interface LedgerRecords {
  orgRegions: { org_id: string; region_code: string }[];
  activities: {
    id: string;
    org_id: string;
    kind: string;
    held_on: string;
    topic: string;
    present: number;
    expected: number;
  }[];
  closed: {
    id: string;
    org_id: string;
    problem: string;
    closed_at: string | null;
    /** Closed within its working-day resolution target (the one deadline, `closedLate`). */
    on_time: boolean;
    reopened_count: number;
    resident_confirmed_at: string | null;
  }[];
  findings: { id: string; org_id: string; supervised_on: string; findings: string; score_effect: number | null }[];
  /** The residents' ratings given in the period on the organizations' items. */
  rated: { id: string; org_id: string; problem: string; resident_rating: number | null }[];
  register: RegisterFacts;
}

/** Reads a ledger's records for the organizations `ids` (each tier organization with its subtree). */
export async function ledgerRecords(db: Executor, ids: string[], from: string, to: string): Promise<LedgerRecords> {
  if (!ids.length)
    return {
      orgRegions: [],
      activities: [],
      closed: [],
      findings: [],
      rated: [],
      register: { assisted: [], gaps: [], exited: [], eliminated: [] },
    };
  const orgRegions = await coveredRegions(db, ids);
  const [activities, closedRows, findings, rated, register] = await Promise.all([
    repo.activitiesOf(db, ids, from, to),
    repo.closedInPeriod(db, ids, from, to),
    repo.findingsOf(db, ids, from, to),
    repo.ratedInPeriod(db, ids, from, to),
    registerFacts(
      db,
      orgRegions.map((r) => r.region_code),
      from,
      to,
    ),
  ]);
  const late = await closedLate(
    db,
    closedRows.map((i) => i.id),
  );
  const closed = closedRows.map((i) => ({ ...i, on_time: !late.has(i.id) }));
  return { orgRegions, activities, closed, findings, rated, register };
}

/**
 * The values every computed metric needs for one organization and its party groups (its subtree), with the records
 * behind each value as evidence, cut from the ledger's records.
 */
export function orgInputs(
  records: LedgerRecords,
  org: { id: string; name: string },
  subtree: ReadonlySet<string>,
): Omit<OrgInputs, 'scored'> {
  const metrics: OrgInputs['metrics'] = {};
  const put = (m: Metric, value: number, evidence: Evidence[]) => {
    metrics[m] = { value, evidence: evidence.slice(0, EVIDENCE_CAP) };
  };
  const mine = <T extends { org_id: string }>(rows: T[]) => rows.filter((r) => subtree.has(r.org_id));

  const activities = mine(records.activities);
  const label = (a: (typeof activities)[number]) => ({
    type: 'activity' as const,
    id: a.id,
    label: `${a.held_on} ${a.topic}`,
  });
  const meetings = activities.filter(
    (a) => a.kind === 'branch_meeting' || a.kind === 'group_meeting' || a.kind === 'onsite_meeting',
  );
  put('meetings_held', meetings.length, meetings.map(label));
  const study = activities.filter((a) => a.kind === 'study_session' || a.kind === 'themed_party_day');
  put('study_sessions', study.length, study.map(label));
  const expected = activities.reduce((s, a) => s + Number(a.expected), 0);
  const present = activities.reduce((s, a) => s + Number(a.present), 0);
  put(
    'attendance_rate',
    expected ? present / expected : 0,
    activities.map((a) => ({ ...label(a), label: `${label(a).label}（${a.present}/${a.expected}）` })),
  );

  const closed = mine(records.closed);
  const item = (i: { id: string; problem: string }, note = '') => ({
    type: 'item' as const,
    id: i.id,
    label: `${i.problem}${note}`,
  });
  const onTime = closed.filter((i) => i.on_time);
  put(
    'items_closed_on_time_rate',
    closed.length ? onTime.length / closed.length : 0,
    closed.map((i) => item(i, onTime.includes(i) ? '（按期）' : '（逾期）')),
  );
  const reopened = closed.filter((i) => i.reopened_count > 0);
  put(
    'reopen_rate',
    closed.length ? reopened.length / closed.length : 0,
    reopened.map((i) => item(i, `（重开 ${i.reopened_count} 次）`)),
  );
  const confirmed = closed.filter((i) => i.resident_confirmed_at);
  put(
    'resident_confirmed_rate',
    closed.length ? confirmed.length / closed.length : 0,
    confirmed.map((i) => item(i, '（群众确认解决）')),
  );

  const rated = mine(records.rated);
  const stars = rated.map((i) => Number(i.resident_rating));
  put(
    'resident_satisfaction',
    stars.length ? Math.round((stars.reduce((s, n) => s + n, 0) / stars.length) * 100) / 100 : 0,
    rated.map((i, k) => item(i, `（${'★'.repeat(stars[k] ?? 0)}）`)),
  );

  // The places the organization and its groups cover (a township covers its villages).
  const places = fewest(mine(records.orgRegions).map((r) => r.region_code));
  const inCovered = (h: Household) => places.some((p) => h.region_code.startsWith(p));
  const assisted = records.register.assisted.filter(inCovered);
  const visits = assisted.reduce((s, h) => s + h.visits, 0);
  put(
    'visits_per_assisted_household',
    assisted.length ? visits / assisted.length : 0,
    assisted.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（走访 ${h.visits} 次）` })),
  );
  const gaps = records.register.gaps.filter(inCovered);
  put(
    'coverage_gaps',
    gaps.length,
    gaps.map((h) => ({ type: 'household' as const, id: h.id, label: `${h.head_name}（帮扶缺口）` })),
  );

  const exited = records.register.exited.filter(inCovered);
  const eliminated = records.register.eliminated.filter(inCovered);
  put('households_exited', exited.length + eliminated.length, [
    ...exited.map((h) => ({
      type: 'household' as const,
      id: h.id,
      label: `${h.head_name}（${h.exited_on ?? `${h.exit_year}年`}脱贫）`,
    })),
    ...eliminated.map((h) => ({
      type: 'household' as const,
      id: h.id,
      label: `${h.head_name}（${h.eliminated_on} 消除风险）`,
    })),
  ]);

  const findings = mine(records.findings);
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
    supervision: {
      effect: findings.reduce((s, f) => s + Number(f.score_effect ?? 0), 0),
      evidence: evidence.slice(0, EVIDENCE_CAP),
    },
  };
}
