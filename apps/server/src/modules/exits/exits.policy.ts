import { EXIT_TRANSITIONS, type ExitStatus, canTransition, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** What the rules of the exit procedure look at (DOMAIN §6). */
export interface ExitFacts {
  status: ExitStatus;
  /** A current helper of the household is a current member of the actor's organization (or the actor is regional staff in scope). */
  served: boolean;
  /** In public notice: the first day the exit may be announced. */
  noticeEndsOn: string | null;
  /** The household's income per head is above this year's poverty line: without it, verification cannot pass. */
  incomeAboveLine: boolean;
}

export interface HouseholdExitFacts {
  status: string;
  served: boolean;
  /** The household already has an application neither announced nor rejected. */
  hasOpenApplication: boolean;
}

/** Those who run the procedure: the staff who change households (village, township and county), for households they serve. */
export const mayRunProcedure = (a: Actor) => roleCan(a.role, 'households:write');

/** Only a household still poor (never exited, or returned to poverty) applies, one application at a time. */
export const canApply = (a: Actor, h: HouseholdExitFacts) =>
  mayRunProcedure(a) && h.served && (h.status === 'registered' || h.status === 'returned') && !h.hasOpenApplication;

/** The procedure's order: a step the state machine does not allow next is never taken, whoever asks. */
export const stepAllowed = (from: ExitStatus, to: ExitStatus) =>
  canTransition(EXIT_TRANSITIONS, from, to) && !(from === 'in_notice' && to === 'reviewed');

/** Verification checks income against the year's line: a household at or under it is not verified but rejected. */
export const verificationPossible = (f: { incomeAboveLine: boolean }, to: ExitStatus) =>
  to !== 'verified' || f.incomeAboveLine;

export const canStep = (a: Actor, f: ExitFacts, to: ExitStatus) =>
  mayRunProcedure(a) && f.served && stepAllowed(f.status, to) && verificationPossible(f, to);

/** An objection is received only during public notice; it sends the application back to verification. */
export const canObject = (a: Actor, f: ExitFacts) => mayRunProcedure(a) && f.served && f.status === 'in_notice';

/** The announcement waits for the end of public notice (checked again against the server's clock when taken). */
export const announceFrom = (f: ExitFacts) => (f.status === 'in_notice' ? f.noticeEndsOn : null);

/** What the household page may offer for an application, as the server would allow it. */
export const abilities = (a: Actor, f: ExitFacts) => ({
  steps: EXIT_TRANSITIONS[f.status].filter((to) => to !== 'rejected' && canStep(a, f, to)),
  announceFrom: announceFrom(f),
  reject: canStep(a, f, 'rejected'),
  object: canObject(a, f),
});
