import { type AccountRequestStatus, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

export interface RequestFacts {
  status: AccountRequestStatus;
  requested_by: string;
  /** The account concerned; null while a requested account does not exist yet. */
  user_id: string | null;
}

/** No account changes its own role, scope, state or credentials: another person does, whatever the route. */
export const isOwnAccount = (a: Actor, userId: string | null) => userId !== null && a.userId === userId;

/** The security administrator files requests about accounts other than their own. */
export const canFile = (a: Actor, userId: string | null) => roleCan(a.role, 'users:write') && !isOwnAccount(a, userId);

/** A second person decides: not the requester, not the account concerned. */
export const canDecide = (a: Actor, r: RequestFacts) =>
  r.status === 'pending' &&
  roleCan(a.role, 'account_requests:decide') &&
  a.userId !== r.requested_by &&
  !isOwnAccount(a, r.user_id);

/** The requester may withdraw what they filed while it waits. */
export const canCancel = (a: Actor, r: RequestFacts) => r.status === 'pending' && a.userId === r.requested_by;

/** What the UI may offer this actor on this request. */
export const requestAbilities = (a: Actor, r: RequestFacts) => ({
  approve: canDecide(a, r),
  reject: canDecide(a, r),
  cancel: canCancel(a, r),
});
