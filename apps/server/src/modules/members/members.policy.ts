import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * A person is registered by a county or township account, in a unit of its own region: the register is kept by
 * region (a branch account, scoped to an organization, registers nobody; it links people already registered).
 */
export const canRegisterIn = (a: Actor, unit: { region_code: string }) =>
  roleCan(a.role, 'members:write') && a.regionCode !== null && unit.region_code.startsWith(a.regionCode);

/** A party member belongs to a formal Party organization; a participant who is not a party member has none. */
export const homeOrgRule = (
  partyStatus: string,
  homeOrgId: string | null | undefined,
): 'required' | 'must_be_null' | null =>
  partyStatus === 'none' ? (homeOrgId ? 'must_be_null' : null) : homeOrgId ? null : 'required';
