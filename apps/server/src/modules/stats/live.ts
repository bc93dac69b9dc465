import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { type CockpitParts, cockpit } from './cockpit.ts';
import { branchesOn, structureOn } from './stats.repository.ts';
import type { OverviewData } from './stats.schemas.ts';

/** The overview computed from the records, with the values a wider scope merges (see snapshots). */
export async function liveOverview(
  db: Db,
  actor: Actor,
  asOf: string,
  region?: string,
): Promise<{ overview: OverviewData; parts: CockpitParts }> {
  // The structure and the cockpit's work figures are read side by side (on PostgreSQL, on connections of the pool).
  const [{ levels, statuses, members, units, townships }, work] = await Promise.all([
    structureOn(db, actor, asOf, region),
    cockpit(db, actor, asOf, region),
  ]);
  // Within one township the useful breakdown is by branch.
  const byBranch = townships.length <= 1 ? await branchesOn(db, actor, asOf, region, 30) : [];
  const orgs = { committee: 0, general_branch: 0, branch: 0, group: 0 };
  for (const l of levels) orgs[l.level] = Number(l.n);
  return {
    overview: {
      asOf,
      source: 'live',
      snapshot: null,
      rankingLevel: 'township',
      orgs,
      byStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      membersLinked: Number(members.n),
      units: Number(units.n),
      byTownship: townships.map((t) => ({
        regionCode: t.code,
        name: t.name,
        branches: Number(t.branches),
        membersLinked: Number(t.members),
      })),
      byBranch: byBranch.map((b) => ({
        id: b.id,
        name: b.name,
        groups: Number(b.groups),
        membersLinked: Number(b.members),
      })),
      work: work.figures,
    },
    parts: work.parts,
  };
}
