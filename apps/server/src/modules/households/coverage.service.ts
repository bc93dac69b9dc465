import { type CoverageCondition, type HelperRole, todayInShanghai } from '@lianjian/shared';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, invalidCursor, pageOf } from '../../lib/paging.ts';
import { nowIso } from '../../lib/ids.ts';
import { forbidden } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import {
  type CoverageRule,
  assistedHouseholds,
  breaksRule,
  countAssisted,
  coverageRules,
  gapOfAssisted,
  helperLoads,
  noPrimaryHelperOn,
  orgSeat,
  replaceCoverageRules,
} from './coverage.repository.ts';

// The gap's definition and the rules' reading are the repository's; the cockpit and the ledgers read them from here.
export { type CoverageRule, coverageGap, coverageRules } from './coverage.repository.ts';

/** The county a user works in: from their region, or from their organization's place. */
export async function countyOf(db: Executor, actor: Actor): Promise<string> {
  if (actor.regionCode && actor.regionCode.length >= 6) return actor.regionCode.slice(0, 6);
  if (actor.orgId) {
    const seat = await orgSeat(db, actor.orgId);
    if (seat) return seat.slice(0, 6);
  }
  throw forbidden('county_unknown', '当前账号不属于任何县');
}

/** The county's rules a register filter needs: those of the actor's county for the coverage gap, none otherwise. */
export async function rulesForGap(db: Executor, actor: Actor, gap: string | undefined): Promise<CoverageRule[]> {
  return gap && gap !== 'no_primary_helper' ? coverageRules(db, await countyOf(db, actor)) : [];
}

/**
 * How many households of each gap the gaps view shows by name: the rest page in the register, filtered by the gap
 * (`/households?gap=`), which the view links to.
 */
const GAP_SAMPLE = 12;

/** Coverage rules per county (DOMAIN §5), the gaps they show and each helper's load. */
export class CoverageService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  rules(db: Executor, county: string): Promise<CoverageRule[]> {
    return coverageRules(db, county);
  }

  async get(actor: Actor) {
    const county = await countyOf(this.db, actor);
    return { countyCode: county, rules: await this.rules(this.db, county) };
  }

  /** Replaces the county's rules, audited; one rule per condition. */
  async put(actor: Actor, rules: CoverageRule[]) {
    const county = await countyOf(this.db, actor);
    await this.db.transaction().execute(async (tx) => {
      const before = await this.rules(tx, county);
      await replaceCoverageRules(tx, county, rules, nowIso());
      await this.audit.record(tx, actor, {
        action: 'coverage.rules',
        entityType: 'county',
        entityId: county,
        before,
        after: rules,
      });
    });
    return this.get(actor);
  }

  /** For every active rule (and the standing rule of one primary helper), the households that break it on a day. */
  async gaps(actor: Actor, regionCode?: string, asOf?: string) {
    const county = await countyOf(this.db, actor);
    const day = asOf ?? todayInShanghai();
    const checks: {
      condition: CoverageCondition | 'primary_helper';
      roles: HelperRole[];
      predicate: RawBuilder<SqlBool>;
    }[] = [
      { condition: 'primary_helper', roles: [], predicate: noPrimaryHelperOn(day) },
      ...(await this.rules(this.db, county))
        .filter((r) => r.active && r.roles.length)
        .map((r) => ({ ...r, predicate: breaksRule(r, day) })),
    ];
    const out = [];
    for (const c of checks) {
      const [total, rows] = await Promise.all([
        countAssisted(this.db, actor, day, c.predicate, regionCode),
        assistedHouseholds(this.db, actor, day, c.predicate, regionCode, GAP_SAMPLE),
      ]);
      out.push({
        condition: c.condition,
        roles: c.roles,
        total,
        households: rows.map((r) => ({
          id: r.id,
          headName: r.head_name,
          regionName: r.region_name,
          status: r.status as 'registered',
        })),
      });
    }
    const any = await countAssisted(
      this.db,
      actor,
      day,
      gapOfAssisted(await this.rules(this.db, county), day),
      regionCode,
    );
    return { asOf: day, households: any, conditions: out };
  }

  /** Each helper's load within the caller's households: how many, how many as primary, visits lately. */
  async workload(actor: Actor, q: { regionCode?: string | undefined; limit: number; cursor?: string | undefined }) {
    const today = todayInShanghai();
    const since = new Date(Date.parse(`${today}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
    const cursor = decodeCursor(q.cursor);
    // The keyset is a count: anything else is not a cursor of this list (and would fail in PostgreSQL's comparison).
    if (cursor && !Number.isInteger(cursor.v)) throw invalidCursor();
    const { rows, total } = await helperLoads(this.db, actor, today, since, q.regionCode, q.limit, cursor);
    const page = pageOf(rows, q.limit, total, (r) => Number(r.households));
    return {
      since,
      ...page,
      items: page.items.map((r) => ({
        memberId: r.id,
        name: r.name,
        unitName: r.unit_name,
        households: Number(r.households),
        primaries: Number(r.primaries),
        stacked: Number(r.households) - Number(r.primaries),
        assisted: Number(r.assisted),
        visits90d: Number(r.visits),
        lastVisitOn: r.last_visit,
      })),
    };
  }
}
