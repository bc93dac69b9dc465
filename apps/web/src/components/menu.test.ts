import { ROLE_PERMISSIONS, USER_ROLES } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { homePath, mayOpen, menuKeys } from './menu';

describe('the menu shows each role only what the server answers it', () => {
  it('the security and audit administrators see accounts or the trail, and no page of business data opens for them', () => {
    expect(menuKeys(ROLE_PERMISSIONS.security_admin)).toEqual(['users']);
    expect(menuKeys(ROLE_PERMISSIONS.auditor)).toEqual(['audit']);
    expect(homePath(ROLE_PERMISSIONS.security_admin)).toBe('/users');
    expect(homePath(ROLE_PERMISSIONS.auditor)).toBe('/audit');
    for (const role of ['security_admin', 'auditor'] as const) {
      for (const path of [
        '/orgs',
        '/orgs/1',
        '/orgs/1/meetings/new',
        '/activities/1',
        '/members',
        '/members/1/record',
        '/reports',
        '/lists/1',
        '/items/1',
        '/households',
        '/network',
        '/assessment',
        '/feedback',
        '/chains',
      ]) {
        expect([role, path, mayOpen(path, ROLE_PERMISSIONS[role])]).toEqual([role, path, false]);
      }
      expect(mayOpen('/account', ROLE_PERMISSIONS[role])).toBe(true);
    }
    expect(mayOpen('/audit', ROLE_PERMISSIONS.security_admin)).toBe(false);
    expect(mayOpen('/users', ROLE_PERMISSIONS.auditor)).toBe(false);
  });

  it('every entry a role sees opens for it, and every role has a home that opens', () => {
    for (const role of USER_ROLES) {
      const perms = ROLE_PERMISSIONS[role];
      for (const key of menuKeys(perms))
        expect([role, key, mayOpen(`/${key === 'overview' ? '' : key}`, perms)]).toEqual([role, key, true]);
      expect([role, mayOpen(homePath(perms), perms)]).toEqual([role, true]);
    }
    // The business roles keep their organizations.
    for (const role of ['county_admin', 'township_admin', 'org_secretary', 'member', 'supervisor'] as const)
      expect(menuKeys(ROLE_PERMISSIONS[role])).toContain('orgs');
  });
});
