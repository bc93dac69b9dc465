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
