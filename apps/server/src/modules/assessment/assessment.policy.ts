import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';
import type { LedgerRow } from './scoring.ts';

/** The rules of supervision and assessment (DOMAIN §9, §9a): who sets, computes and acts on what. */

/** The ledger an organization is assessed in: the county's (general and special-task branches) or its township's (branches). */
export function tierOf(o: { level: string; kind: string }): 'county' | 'township' | null {
  if (o.level === 'general_branch' || (o.level === 'branch' && o.kind === 'special')) return 'county';
  if (o.level === 'branch' && o.kind === 'regular') return 'township';
  return null;
}

/** Schemes are set by the county: an account scoped to a county (6 digits). */
export const setsSchemes = (a: Actor) => a.regionCode?.length === 6;

/** Ledgers are computed by region accounts: the county's tier by the county, a township's by the county or that township. */
export const computesTier = (a: Actor, tier: 'county' | 'township', scope: string) =>
  a.regionCode !== null &&
  (tier === 'county' ? a.regionCode.length === 6 : scope.length === 9 && scope.startsWith(a.regionCode));

/**
 * What the ledger page may offer, as the server would allow it: computing the ledger's tier and place again (a new
 * version), an assessor's score, and the consequences of a grade (a tilt for 好 or 较好, listing a 差 for
 * rectification; the grade itself is checked per row when it is done).
 */
export const ledgerAbilities = (a: Actor, l: { tier: 'county' | 'township'; scope: string }) => {
  const writes = roleCan(a.role, 'assessment:write');
  return {
    compute: writes && computesTier(a, l.tier, l.scope),
    score: writes,
    consequences: writes,
  };
};

/** The whole county's ledgers at once: the county only. */
export const computesCounty = (a: Actor) => a.regionCode?.length === 6;

/** Policy or funds tilt towards organizations graded 好 or 较好 (DOMAIN §9). */
export const tiltWarranted = (grade: LedgerRow['grade']) => grade === 'good' || grade === 'fair';

/** Only an organization graded 差, or named by a supervision finding that requires rectification, is listed (DOMAIN §9a). */
export const rectificationWarrantedByGrade = (grade: LedgerRow['grade']) => grade === 'poor';

/** Nobody files a recommendation about themselves (DOMAIN §9a). */
export const filesAbout = (a: Actor, memberId: string) => a.memberId !== memberId;

/** A recommendation of organizational action concerns a leader of the organization. */
export const LEADER_ROLES = ['secretary', 'deputy_secretary', 'committee_member'] as const;
export const isLeader = (roles: readonly string[]) =>
  roles.some((r) => (LEADER_ROLES as readonly string[]).includes(r));
