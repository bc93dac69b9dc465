import { type Permission, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * Separation of duties (三权分立): the audit administrator alone reads the trail and verifies its chain; nobody
 * changes or removes an event (the database refuses deletion, and no route writes one but as part of a change).
 */
export const canReadTrail = (a: Actor) => roleCan(a.role, 'audit:read');

/** The screens a record of the trail has, and the permission each needs. */
const PAGES: Record<string, { path: (id: string) => string; permission: Permission }> = {
  temporary_org: { path: (id) => `/orgs/${id}`, permission: 'orgs:read' },
  activity: { path: (id) => `/activities/${id}`, permission: 'activities:read' },
  problem_list: { path: (id) => `/lists/${id}`, permission: 'items:read' },
  item: { path: (id) => `/items/${id}`, permission: 'items:read' },
  household: { path: (id) => `/households/${id}`, permission: 'households:read' },
  member: { path: (id) => `/members/${id}/record`, permission: 'members:read' },
  user: { path: () => '/users', permission: 'users:read' },
};

/**
 * The record's page, when it has one and the reader's role may open it; the audit administrator, who reads the
 * trail and not the register, is offered the record's own history in the viewer instead.
 */
export function recordPage(a: Actor, type: string, id: string): string | null {
  const page = PAGES[type];
  return page && roleCan(a.role, page.permission) ? page.path(id) : null;
}
