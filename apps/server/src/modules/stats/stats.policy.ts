import type { Actor } from '../../lib/actor.ts';

/**
 * The region an actor's figures are about: the narrower of the account's region and the region asked for; undefined
 * when the two do not overlap (the caller answers 404, as for any region outside the scope); null for an account
 * without a region (its organization's scope applies in SQL).
 */
export function regionAsked(actor: Actor, region: string | undefined): string | null | undefined {
  if (region === undefined) return actor.regionCode;
  if (actor.regionCode === null || region.startsWith(actor.regionCode)) return region;
  if (actor.regionCode.startsWith(region)) return actor.regionCode;
  return undefined;
}

/**
 * Up to a county the figures are computed from the records; a wider scope (a prefecture, the province) merges the
 * counties' daily snapshots, so that its cost follows the number of counties, not of households and items.
 */
export const readsSnapshots = (scope: string | null) => scope !== null && scope.length < 6;
