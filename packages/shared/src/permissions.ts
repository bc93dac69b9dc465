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
  'users:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['regions:read', 'units:read', 'members:read', 'orgs:read', 'stats:read'];

/** What each role may do at all; the server still limits every action to the caller's scope. */
export const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  county_admin: [...READ, 'units:write', 'members:write', 'orgs:write', 'memberships:write', 'users:write'],
  township_admin: [...READ, 'units:write', 'members:write', 'orgs:write', 'memberships:write'],
  org_secretary: [...READ, 'orgs:write', 'memberships:write'],
  member: ['regions:read', 'orgs:read', 'members:read'],
  supervisor: [...READ],
  auditor: ['regions:read', 'orgs:read', 'audit:read'],
};

export function roleCan(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
