import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** What the policies need to know of an organization (already known to be in the actor's scope). */
export interface OrgFacts {
  id: string;
  level: string;
  status: string;
  parent_id: string | null;
  approving_party_org_id: string | null;
  approving_org_id: string | null;
}

/** Org ids in which the actor's own member record is secretary or deputy secretary today. */
export type Leads = Set<string>;

const live = (o: OrgFacts) => o.status !== 'dissolved';

export const canUpdateOrg = (a: Actor, o: OrgFacts) => roleCan(a.role, 'orgs:write') && live(o);
export const canCreateChild = (a: Actor, o: OrgFacts) =>
  roleCan(a.role, 'orgs:write') && live(o) && o.level !== 'group';
export const canLinkMember = (a: Actor, o: OrgFacts) => roleCan(a.role, 'memberships:write') && live(o);
export const canEndMembership = canLinkMember;

/** Secretary, deputy secretary and committee members are designated by the approving organization. */
export const actsForApprovingOrg = (a: Actor, o: OrgFacts, leads: Leads) =>
  (o.approving_party_org_id !== null && a.actingPartyOrgId === o.approving_party_org_id) ||
  (o.approving_org_id !== null && leads.has(o.approving_org_id));

export const canDesignateLeaders = (a: Actor, o: OrgFacts, leads: Leads) =>
  canLinkMember(a, o) && o.level !== 'group' && actsForApprovingOrg(a, o, leads);

/** A party group's leader is designated by its branch: the branch's secretary or deputy secretary. */
export const canDesignateGroupLeader = (a: Actor, o: OrgFacts, leads: Leads) =>
  canLinkMember(a, o) && o.level === 'group' && o.parent_id !== null && leads.has(o.parent_id);

/**
 * Ending a membership that carries a designated role is the designator's act, as the designation was: the approving
 * organization for a secretary, deputy secretary or committee member, the branch for a group leader.
 */
export const canEndRole = (a: Actor, o: OrgFacts, role: string, leads: Leads) => {
  if (role === 'secretary' || role === 'deputy_secretary' || role === 'committee_member')
    return canLinkMember(a, o) && actsForApprovingOrg(a, o, leads);
  if (role === 'group_leader') return canDesignateGroupLeader(a, o, leads);
  return canEndMembership(a, o);
};

/** Dissolution belongs to the approving organization (for a party group: its branch). */
export const canDissolve = (a: Actor, o: OrgFacts, leads: Leads) =>
  roleCan(a.role, 'orgs:write') && live(o) && actsForApprovingOrg(a, o, leads);

/** Activation and rectification likewise; party groups are not assessed, so they have no such status. */
export const canTransition = (a: Actor, o: OrgFacts, leads: Leads) => canDissolve(a, o, leads) && o.level !== 'group';
