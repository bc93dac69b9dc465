import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/types.ts';

// An account is locked while its `locked_until` lies ahead. Said once for a row already read and once for SQL, so
// that the screens, the login and every conditional write agree on the instant a lock runs out.

/** Whether an account read with this `locked_until` is locked at `now`. */
export const isLocked = (lockedUntil: string | null | undefined, now = new Date().toISOString()): boolean =>
  Boolean(lockedUntil && lockedUntil > now);

/** The condition a write takes to act only on an account unlocked at `now`: no lock, or one that has run out. */
export const notLocked = (now: string) => (eb: ExpressionBuilder<Database, 'users'>) =>
  eb.or([eb('users.locked_until', 'is', null), eb('users.locked_until', '<=', now)]);
