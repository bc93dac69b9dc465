import type { UserRole } from './domain.ts';

export const PERMISSIONS = [
  'regions:read',
  'units:read',
  'units:write',
  'members:read',
  'members:write',
  'orgs:read',
  'orgs:write',
  'memberships:write',
  'stats:read',
  'audit:read',
  'users:read',
  'users:write',
  'reports:read',
  'reports:write',
  'items:read',
  'items:write',
  'items:reopen',
  'chains:write',
  'households:read',
  'households:write',
  'households:unmask',
  'settings:write',
  'activities:read',
  'activities:write',
  'photos:read',
  'exports:request',
  'feedback:write',
  'feedback:acknowledge',
  'assessment:read',
  'assessment:write',
  'supervision:write',
  'account_requests:read',
  'account_requests:decide',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Reading the county's work, with its meetings, photos and exports: every business role; neither the security
// nor the audit administrator.
const READ: Permission[] = [
  'regions:read',
  'units:read',
  'members:read',
  'orgs:read',
  'stats:read',
  'reports:read',
  'items:read',
  'assessment:read',
  'activities:read',
  'photos:read',
  'exports:request',
];
const WORK: Permission[] = ['reports:write', 'items:write', 'chains:write', 'households:read', 'households:write'];

/** What each role may do at all; the server still limits every action to the caller's scope. */
export const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  county_admin: [
    ...READ,
    ...WORK,
    'items:reopen',
    'households:unmask',
    'units:write',
    'members:write',
    'orgs:write',
    'memberships:write',
    'settings:write',
    'activities:write',
    'feedback:write',
    'feedback:acknowledge',
    'assessment:write',
    'supervision:write',
    'account_requests:read',
    'account_requests:decide',
  ],
  township_admin: [
    ...READ,
    ...WORK,
    'households:unmask',
    'units:write',
    'members:write',
    'orgs:write',
    'memberships:write',
    'activities:write',
    'feedback:write',
    'feedback:acknowledge',
    'assessment:write',
    'supervision:write',
  ],
  org_secretary: [
    ...READ,
    'reports:write',
    'items:write',
    'chains:write',
    'households:read',
    'households:write',
    'orgs:write',
    'memberships:write',
    'activities:write',
    'feedback:write',
  ],
  // A member works on the items they are on: progress entries and handing work in for confirmation.
  member: [
    'regions:read',
    'orgs:read',
    'members:read',
    'items:read',
    'items:write',
    'activities:read',
    'photos:read',
    'exports:request',
  ],
  supervisor: [...READ, 'items:reopen', 'households:read', 'supervision:write'],
  // Separation of duties (三权分立): the county administrator runs the system and its data; the security
  // administrator alone manages accounts, roles and second factors and sees no business data; the audit
  // administrator alone reads the audit trail and changes nothing. An account holds exactly one role.
  // Neither reads organizations, members, meetings or photos; the security administrator reads the region tree
  // only to give a new account its scope (the official division names, which the resident page shows anyone).
  security_admin: ['regions:read', 'users:read', 'users:write', 'account_requests:read'],
  auditor: ['audit:read', 'account_requests:read', 'account_requests:decide'],
};

/** The three administrator roles that must stay apart (GB/T 22239 level 3). */
export const ADMIN_ROLES = ['county_admin', 'security_admin', 'auditor'] as const satisfies readonly UserRole[];

export function roleCan(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
