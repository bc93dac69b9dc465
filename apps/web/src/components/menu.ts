import type { Permission } from '@lianjian/shared';

/**
 * The menu's entries in order, each with the permissions that open its page (any one of them). An entry whose
 * page would answer 403 is not shown: the security and audit administrators see accounts and the trail only.
 */
const MENU = {
  overview: ['stats:read'],
  orgs: ['orgs:read'],
  network: ['stats:read'],
  reports: ['reports:read'],
  lists: ['reports:read'],
  chains: ['reports:read'],
  households: ['households:read'],
  field: ['households:write'],
  members: ['members:read'],
  assessment: ['assessment:read'],
  feedback: ['feedback:acknowledge', 'feedback:write'],
  notices: ['settings:write'],
  users: ['users:read'],
  audit: ['audit:read'],
} as const satisfies Record<string, readonly Permission[]>;
export type MenuKey = keyof typeof MENU;

/** Pages reached from others, not from the menu; `account` (one's own password and second factor) opens for all. */
const LINKED = { activities: ['activities:read'], items: ['items:read'], account: [] } as const satisfies Record<
  string,
  readonly Permission[]
>;
const PAGES: Record<string, readonly Permission[]> = { ...MENU, ...LINKED };

const holds = (permissions: readonly string[], needs: readonly Permission[]) =>
  needs.length === 0 || needs.some((p) => permissions.includes(p));

/** The menu entries a caller with these permissions sees. */
export function menuKeys(permissions: readonly string[]): MenuKey[] {
  return (Object.keys(MENU) as MenuKey[]).filter((k) => holds(permissions, MENU[k]));
}

/** Whether a page opens for these permissions (by its first path segment; `/` is the home, which redirects). */
export function mayOpen(pathname: string, permissions: readonly string[]): boolean {
  const section = pathname.split('/')[1] ?? '';
  if (section === '') return true;
  const needs = PAGES[section];
  return needs !== undefined && holds(permissions, needs);
}

/** Where a caller lands: the overview, else its one domain (accounts, the trail), else organizations. */
export function homePath(permissions: readonly string[]): string {
  if (permissions.includes('stats:read')) return '/';
  if (permissions.includes('users:read')) return '/users';
  if (permissions.includes('audit:read')) return '/audit';
  if (permissions.includes('orgs:read')) return '/orgs';
  return '/account';
}
