/**
 * The rules of signing in (GB/T 22239 level 3): consecutive failures lock an account for a while; an unknown user, a
 * wrong password, a disabled account, one without a working post and a locked one are answered alike; a right password
 * on a locked account is refused like a wrong one.
 */

/** Consecutive failures that lock an account, and for how long (5 and 15 minutes by default). */
export interface Lockout {
  attempts: number;
  minutes: number;
}

export const DEFAULT_LOCKOUT: Lockout = { attempts: 5, minutes: 15 };

/** Why a sign-in or a password asked again on a session failed. */
export type Failure =
  | 'unknown_user'
  | 'locked'
  | 'disabled'
  | 'no_membership'
  | 'wrong_password'
  | 'wrong_code'
  | 'wrong_current_password';

/** Failures that count toward the lockout: a wrong password (at login or asked again on a session) or second factor. */
const COUNTED = new Set<Failure>(['wrong_password', 'wrong_code', 'wrong_current_password']);
export const countsTowardLockout = (reason: Failure) => COUNTED.has(reason);

/** Why a login is refused, in the order the rules apply; null when it may go on (to the second factor, if any). */
export function loginRefusal(
  user: { active: number; has_membership: unknown } | undefined,
  passwordOk: boolean,
  locked: boolean,
): Failure | null {
  if (!user) return 'unknown_user';
  if (locked) return 'locked';
  if (!user.active) return 'disabled';
  if (!passwordOk) return 'wrong_password';
  if (!user.has_membership) return 'no_membership';
  return null;
}
