import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { notFound } from '../../lib/problem.ts';
import { Cockpit } from './cockpit.ts';
import { liveOverview } from './live.ts';
import { snapshotOverview } from './snapshots.ts';

export const Overview = z
  .object({
    asOf: z.string().describe('The day the figures are for (for a snapshot: the day of the snapshot)'),
    source: z
      .enum(['live', 'daily_snapshot'])
      .describe('live: computed now from the records; daily_snapshot: merged from the counties’ snapshots of that day'),
    snapshot: z
      .object({ computedAt: z.string(), counties: z.number().int() })
      .nullable()
      .describe('When the snapshot of the day was taken, and how many counties it holds'),
    rankingLevel: z.enum(['township', 'county']).describe('What byTownship and work.byTownship rank: townships, or counties in a wider scope'),
    orgs: z.object({
      committee: z.number().int(),
      general_branch: z.number().int(),
      branch: z.number().int(),
      group: z.number().int(),
    }),
    byStatus: z.record(z.string(), z.number().int()),
    membersLinked: z.number().int().describe('Distinct members with an active membership (summed over counties in a wider scope)'),
    units: z.number().int().describe('Distinct units linked to an organization'),
    byTownship: z.array(
      z.object({ regionCode: z.string(), name: z.string(), branches: z.number().int(), membersLinked: z.number().int() }),
    ),
    byBranch: z
      .array(z.object({ id: z.string(), name: z.string(), groups: z.number().int(), membersLinked: z.number().int() }))
      .describe('Branches by members linked, when the scope is one township or smaller (up to 30)'),
    work: Cockpit.describe('The cockpit: items, households, monitoring, exits, grades, trend and township ranking on the day'),
  })
  .meta({ id: 'Overview' });
export type OverviewData = z.infer<typeof Overview>;

/** The scope an actor asks about: the narrower of the account's region and the region asked for, or none. */
function askedRegion(actor: Actor, region: string | undefined): string | null | undefined {
  if (region === undefined) return actor.regionCode;
  if (actor.regionCode === null || region.startsWith(actor.regionCode)) return region;
  if (actor.regionCode.startsWith(region)) return actor.regionCode;
  return undefined;
}

/**
 * Overview figures for the caller's scope, optionally narrowed to a region, on any date. Up to a county they are
 * computed from the records; a wider scope (a prefecture, the province) merges the counties' daily snapshots,
 * so that its cost follows the number of counties, not of households and items.
 */
export async function overview(db: Db, actor: Actor, asOf: string, region?: string): Promise<OverviewData> {
  const scope = askedRegion(actor, region);
  if (scope === undefined) throw notFound('地区');
  if (scope !== null && scope.length < 6) return snapshotOverview(db, scope, asOf);
  return (await liveOverview(db, actor, asOf, region)).overview;
}
