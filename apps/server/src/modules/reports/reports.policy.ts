import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * Who may give a resident's word through a tracking code (DOMAIN §9a). A report the resident made on the public page
 * gave them the code: the code is theirs. A report staff entered (a visit, the hotline, a meeting) gave the code to
 * the staff member first, so for that report "solved" and a rating need proof from the resident's phone: a one-time
 * code sent to the phone on file. Without a phone on file the word comes from a call back recorded by another account.
 * "Not solved" never needs the proof: sending work back does not serve whoever holds the code.
 */
export interface ReportFacts {
  source: 'resident' | 'visit' | 'hotline' | 'meeting';
  hasPhone: boolean;
}

export const codeIsTheResidents = (r: ReportFacts) => r.source === 'resident';

/** "Solved" or a rating through this report's code needs a one-time code from the phone on file. */
export const needsPhoneProof = (r: ReportFacts, word: 'solved' | 'not_solved' | 'rating') =>
  !codeIsTheResidents(r) && word !== 'not_solved';

/** The one-time code can go to the phone on file (only for a staff-entered report that has one). */
export const canSendPhoneCode = (r: ReportFacts) => !codeIsTheResidents(r) && r.hasPhone;

/**
 * Working a report in scope (the caller's scope is checked in SQL: a report elsewhere is not found): entering,
 * dismissing and calling back are the work of whoever may enter reports (a branch secretary, a township or the
 * county), not of readers such as the supervisor.
 */
export const canWork = (a: Actor) => roleCan(a.role, 'reports:write');

/** Not taken up: only a report still waiting to be combed; one on a list is worked through its item. */
export const canDismiss = (a: Actor, r: { status: string; listed: boolean }) =>
  canWork(a) && r.status === 'new' && !r.listed;

/** The full phone, to call the resident back: audited with a reason each time. */
export const canUnmaskPhone = (a: Actor, r: { hasPhone: boolean }) => canWork(a) && r.hasPhone;

/** What the reports screens may offer for one report, as the server would allow it. */
export const abilities = (a: Actor, r: { status: string; listed: boolean; hasPhone: boolean }) => ({
  dismiss: canDismiss(a, r),
  unmaskPhone: canUnmaskPhone(a, r),
});
