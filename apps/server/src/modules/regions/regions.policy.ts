import type { Actor } from '../../lib/actor.ts';
import { reachOf } from '../../lib/scope.ts';

/**
 * The places an account sees in the region tree: the areas it reaches (its region, or what its organization covers)
 * with everything below them, and their ancestors (a region code's prefixes of 2, 4, 6 and 9 digits), so that a
 * village reads with its township and county. `below: ['']` is the whole tree (an account without a region scope).
 */
export function visibleRegions(a: Actor): { below: string[]; ancestors: string[] } {
  const reach = reachOf(a) ?? [''];
  return {
    below: reach,
    ancestors: [
      ...new Set(reach.flatMap((area) => [2, 4, 6, 9].filter((n) => n < area.length).map((n) => area.slice(0, n)))),
    ],
  };
}
