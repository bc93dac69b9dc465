import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';
import { type HouseholdExitFacts, canApply } from '../exits/exits.policy.ts';

/** What the rules of the register look at of a household (already known to be in the actor's scope). */
export interface HouseholdFacts extends HouseholdExitFacts {
  /** A current helper of the household is a current member of the actor's organization (regional staff: in scope). */
  served: boolean;
}

/** A branch reads the households of the villages it covers and changes only those it serves. */
export const canChange = (a: Actor, h: { served: boolean }) => roleCan(a.role, 'households:write') && h.served;

/** Seeing ID numbers, phones and health in full is its own permission, audited with a reason each time. */
export const canUnmask = (a: Actor) => roleCan(a.role, 'households:unmask');

/** What the household page may offer, as the server would allow it. */
export const abilities = (a: Actor, h: HouseholdFacts) => ({
  write: canChange(a, h),
  unmask: canUnmask(a),
  applyExit: canApply(a, h),
});
