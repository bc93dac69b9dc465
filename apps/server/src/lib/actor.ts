import type { UserRole } from '@lianjian/shared';

/** Who is acting, and over which part of the trees. Built once per request from the session. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: UserRole;
  /** Region subtree by code prefix (county `411321`, township `411321106`); null when not region-scoped. */
  regionCode: string | null;
  /** Organization subtree by materialized path; null when not organization-scoped. */
  orgPath: string | null;
  orgId: string | null;
  /**
   * The region codes the account's organization covers (its seat among them), read with the session; null when the
   * account is not tied to an organization. Its reach in the register, as literal prefixes an index can serve.
   */
  coverage: string[] | null;
  /** The formal party organization this user acts for (approves and designates). */
  actingPartyOrgId: string | null;
  memberId: string | null;
  requestId: string;
}

/** For work done by the system itself (seeding, CLI): unrestricted scope, audited as `system`. */
export function systemActor(requestId = 'system'): Actor {
  return {
    userId: 'system',
    username: 'system',
    displayName: '系统',
    role: 'county_admin',
    regionCode: '',
    orgPath: null,
    orgId: null,
    coverage: null,
    actingPartyOrgId: null,
    memberId: null,
    requestId,
  };
}
