import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * Units and formal party organizations are the county's and townships' registers, kept by accounts scoped to a
 * region (a branch account, scoped to an organization, reads them and keeps neither).
 */
export const isRegionAccount = (a: Actor) => a.regionCode !== null;

export const canKeepRegisters = (a: Actor) => roleCan(a.role, 'units:write') && isRegionAccount(a);
