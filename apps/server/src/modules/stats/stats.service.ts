import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { notFound } from '../../lib/problem.ts';
import { liveOverview } from './live.ts';
import { type NetworkQuery, network } from './network.ts';
import { snapshotOverview } from './snapshots.ts';
import * as policy from './stats.policy.ts';
import type { OverviewData } from './stats.schemas.ts';
import { known } from '../../lib/known.ts';

/** The county's figures: the overview (with the cockpit's work figures) on any date, and the link network. */
export class StatsService {
  constructor(private readonly db: Db) {}

  /** Overview figures for the caller's scope, optionally narrowed to a region, on any date. */
  async overview(actor: Actor, asOf: string, region?: string): Promise<OverviewData> {
    const scope = policy.regionAsked(actor, region);
    if (scope === undefined) throw notFound('地区');
    if (policy.readsSnapshots(scope))
      return snapshotOverview(this.db, known(scope, 'the region of the snapshots'), asOf);
    return (await liveOverview(this.db, actor, asOf, region)).overview;
  }

  network(actor: Actor, q: z.infer<typeof NetworkQuery>) {
    return network(this.db, actor, q);
  }
}
