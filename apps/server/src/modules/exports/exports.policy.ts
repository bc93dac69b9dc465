import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';
import type { ExportKind } from './exports.schemas.ts';

/**
 * Taking data out needs the permission to read it where it lives: the register, the problem lists, the import's rows,
 * the organizations, the members, the reports, the trail.
 */
const NEEDS = {
  households: 'households:read',
  problem_list: 'items:read',
  import_errors: 'households:write',
  org_roster: 'orgs:read',
  member_list: 'members:read',
  reports: 'reports:read',
  // The trail is the audit administrator's alone (三权分立), exported with the viewer's masking.
  audit_log: 'audit:read',
} as const;

/** Checked when the link is asked for and again when the file is fetched (the role may have changed meanwhile). */
export const canExport = (a: Actor, kind: ExportKind) => roleCan(a.role, NEEDS[kind]);

/** A download link is its owner's alone and good until it expires. */
export const canDownload = (a: Actor, grant: { user_id: string; expires_at: string }, now = new Date().toISOString()) =>
  grant.user_id === a.userId && grant.expires_at > now;
