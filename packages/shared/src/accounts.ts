import type { UserRole } from './domain.ts';
import { ADMIN_ROLES } from './permissions.ts';

/**
 * Dual control (双人控制) of privileged accounts: the three administrators of 三权分立. What gives such an account
 * its powers — opening it, its role, its scope, putting it back in service, new credentials — is filed by the
 * security administrator (`account_requests:read` + `users:write`) and takes effect only when a county
 * administrator or an auditor who is neither the requester nor the account approves it (`account_requests:decide`).
 */
export const PRIVILEGED_ROLES: readonly UserRole[] = ADMIN_ROLES;

export const isPrivileged = (role: UserRole | string): boolean => (PRIVILEGED_ROLES as readonly string[]).includes(role);

export const ACCOUNT_REQUEST_KINDS = ['create', 'change', 'reset_password', 'reset_totp'] as const;
export type AccountRequestKind = (typeof ACCOUNT_REQUEST_KINDS)[number];

export const ACCOUNT_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type AccountRequestStatus = (typeof ACCOUNT_REQUEST_STATUSES)[number];

/** Decided once: a request leaves `pending` for good. */
export const ACCOUNT_REQUEST_TRANSITIONS: Record<AccountRequestStatus, readonly AccountRequestStatus[]> = {
  pending: ['approved', 'rejected', 'cancelled'],
  approved: [],
  rejected: [],
  cancelled: [],
};

/** An account as it is, and a change asked for it (fields left out stay as they are). */
export interface AccountState {
  role: UserRole;
  active: boolean;
  regionCode: string | null;
  orgId: string | null;
}
export type AccountChange = Partial<AccountState>;

/**
 * Whether a change of an account needs a second person's approval: a role change to or from an administrator
 * role, a new scope for an administrator, or an administrator put back in service. Taking an administrator out
 * of service, or any change of another account, stays the security administrator's alone.
 */
export function changeNeedsApproval(current: AccountState, change: AccountChange): boolean {
  const role = change.role ?? current.role;
  const privileged = isPrivileged(current.role) || isPrivileged(role);
  if (!privileged) return false;
  const differs = <K extends keyof AccountState>(k: K) => change[k] !== undefined && change[k] !== current[k];
  return differs('role') || differs('regionCode') || differs('orgId') || (change.active === true && !current.active);
}
