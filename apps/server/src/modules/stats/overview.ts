import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { notFound } from '../../lib/problem.ts';
import { liveOverview } from './live.ts';
import { snapshotOverview } from './snapshots.ts';
import type { OverviewData } from './stats.schemas.ts';

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
