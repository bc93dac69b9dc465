import type { UserRole } from './domain.ts';
import { ADMIN_ROLES } from './permissions.ts';

// Dual control (双人控制) of the accounts that read more than one branch's work. What gives such an account its
// powers — opening it, its role, its scope, putting it back in service, new credentials — is filed by the security
// administrator (`account_requests:read` + `users:write`) and takes effect only when a county administrator or an
// auditor who is neither the requester nor the account approves it (`account_requests:decide`).

/** The three administrators of 三权分立. */
export const isPrivileged = (role: UserRole | string): boolean => (ADMIN_ROLES as readonly string[]).includes(role);

/** What decides whether a second person must agree to an account: its role and the region it reaches. */
export interface AccountReach {
  role: UserRole | string;
  regionCode?: string | null | undefined;
  /** For an account tied to an organization: the region codes the organization covers (the register it reads). */
  coverage?: readonly string[] | null | undefined;
}

/** A county's code or a wider one (province 2, city 4, county 6 digits). */
const countyWide = (code: string) => code.length <= 6;

/**
 * Whether an organization's coverage reads more than one township's register: a county or wider, or places in two
 * townships or more (their 9-digit prefixes differ), as the demo's forest branch covering four townships does.
 */
const beyondOneTownship = (coverage: readonly string[]) =>
  coverage.some(countyWide) || new Set(coverage.map((c) => c.slice(0, 9))).size > 1;

/**
 * Whether an account in this state is one the security administrator may not open, change or give credentials
 * alone: the three administrators, a township administrator (it unmasks a township's households), and any account
 * that reads more than one township's register — by its region (a county supervisor) or by its organization's
 * coverage (the secretary of a county special branch reads the whole county's register, the secretary of a branch
 * covering two townships both of theirs). Decided by what the account reads, not by how long its codes are. A
 * branch secretary's or a member's account of an organization covering places in one township stays the security
 * administrator's alone.
 */
export function needsSecondPerson(state: AccountReach): boolean {
  return (
    isPrivileged(state.role) ||
    state.role === 'township_admin' ||
    (state.regionCode != null && countyWide(state.regionCode)) ||
    beyondOneTownship(state.coverage ?? [])
  );
}

/**
 * What an account of each role is tied to (the server checks it on every create and change, the form shows these
 * fields): a region of these code lengths (county 6, township 9), with the committee a county or township
 * administrator may act for; or a temporary organization and the person the account belongs to, who holds its
 * secretary or deputy post (a branch secretary) or sits in it or its party groups (a member).
 */
export type AccountScope =
  | { kind: 'region'; lengths: readonly (6 | 9)[]; acting: 'county_committee' | 'township_committee' | null }
  | { kind: 'org'; secretary: boolean };

export const ACCOUNT_SCOPES: Record<UserRole, AccountScope> = {
  county_admin: { kind: 'region', lengths: [6], acting: 'county_committee' },
  security_admin: { kind: 'region', lengths: [6], acting: null },
  auditor: { kind: 'region', lengths: [6], acting: null },
  township_admin: { kind: 'region', lengths: [9], acting: 'township_committee' },
  supervisor: { kind: 'region', lengths: [6, 9], acting: null },
  org_secretary: { kind: 'org', secretary: true },
  member: { kind: 'org', secretary: false },
};

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

/** An account as it is, and a change asked for it (fields left out stay as they are; null clears one). */
export interface AccountState {
  role: UserRole;
  active: boolean;
  regionCode: string | null;
  orgId: string | null;
  /** The formal party committee a county or township administrator acts for. */
  actingPartyOrgId: string | null;
  /** The person a branch secretary's or a member's account belongs to. */
  memberId: string | null;
}
export type AccountChange = Partial<AccountState>;

/** What gives an account its reach: its role and its scope. A change of one of these is checked and may need approval. */
export const GRANTING = [
  'role',
  'regionCode',
  'orgId',
  'actingPartyOrgId',
  'memberId',
] as const satisfies readonly (keyof AccountState)[];
export type GrantingField = (typeof GRANTING)[number];

/** The parts of an account that dual control compares, read from any view of it (the server's, the screen's). */
export const accountState = (u: AccountState): AccountState => ({
  role: u.role,
  active: u.active,
  regionCode: u.regionCode,
  orgId: u.orgId,
  actingPartyOrgId: u.actingPartyOrgId,
  memberId: u.memberId,
});

/** The account as it will be once the change is made. */
export function accountAfter(current: AccountState, change: AccountChange): AccountState {
  const after = { ...current };
  for (const k of Object.keys(change) as (keyof AccountState)[]) {
    if (change[k] !== undefined) Object.assign(after, { [k]: change[k] });
  }
  return after;
}

/** The coverage of the organization an account is tied to, before and after a change (none for region accounts). */
export interface CoverageBeforeAfter {
  before?: readonly string[] | null | undefined;
  after?: readonly string[] | null | undefined;
}

/**
 * Whether a change of an account needs a second person's approval: a change of role or scope, or putting it back
 * in service, of an account that needs a second person before or after the change. Taking an account out of
 * service, or a new display name, stays the security administrator's alone.
 */
export function changeNeedsApproval(
  current: AccountState,
  change: AccountChange,
  coverage: CoverageBeforeAfter = {},
): boolean {
  const after = accountAfter(current, change);
  if (
    !needsSecondPerson({ ...current, coverage: coverage.before }) &&
    !needsSecondPerson({ ...after, coverage: coverage.after })
  )
    return false;
  const differs = (k: keyof AccountState) => change[k] !== undefined && change[k] !== current[k];
  return GRANTING.some(differs) || (change.active === true && !current.active);
}

/**
 * Whether approving a change gives the account new credentials, split between requester and approver like a new
 * account's: whenever the account needs a second person afterwards, so that nobody who knew its old password (the
 * security administrator who opened it alone, say) keeps it.
 */
export const changeIssuesCredentials = (
  current: AccountState,
  change: AccountChange,
  coverageAfter?: readonly string[] | null,
): boolean => needsSecondPerson({ ...accountAfter(current, change), coverage: coverageAfter });
