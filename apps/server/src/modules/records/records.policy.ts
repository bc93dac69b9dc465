import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * A temporary organization observes and reports; it never appraises or disciplines (DOMAIN §4): that stays with the
 * member's home organization, which acknowledges what it is sent.
 */

/** A member reads their own record whatever their scope; anyone else reads it within their scope. */
export const isOwnRecord = (a: Actor, memberId: string) => a.memberId === memberId;

/** An organization sends feedback on someone who holds or held a role in it (or under it), a party member with a home organization. */
export const canSendFeedback = (a: Actor, f: { servedInOrg: boolean; hasHomeOrg: boolean }) =>
  roleCan(a.role, 'feedback:write') && f.servedInOrg && f.hasHomeOrg;

/** The home organization acknowledges, once: an account acting for it (or for an organization above it). */
export const canAcknowledge = (a: Actor, f: { homeInScope: boolean; acknowledged: boolean }) =>
  roleCan(a.role, 'feedback:acknowledge') && f.homeInScope && !f.acknowledged;
