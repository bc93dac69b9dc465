import { type ActivityKind, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** What the rules of organizational life look at of an organization (already known to be in the actor's scope). */
export interface OrgLifeFacts {
  level: string;
  status: string;
}

/** Which kinds an organization of each level holds: a party group holds group meetings, not branch meetings. */
export const KINDS_BY_LEVEL: Record<string, readonly ActivityKind[]> = {
  group: ['group_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
  branch: ['branch_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
  general_branch: ['branch_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
  committee: ['branch_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
};

export const holds = (o: OrgLifeFacts, kind: ActivityKind) => (KINDS_BY_LEVEL[o.level] ?? []).includes(kind);

/** Meetings are recorded by the organization's staff while it is live; a dissolved organization's record is read-only. */
export const canRecordMeeting = (a: Actor, o: OrgLifeFacts) =>
  roleCan(a.role, 'activities:write') && o.status !== 'dissolved';

/** How often a party group should meet is set for party groups only. */
export const canSetMeetingPeriod = (a: Actor, o: OrgLifeFacts) =>
  roleCan(a.role, 'activities:write') && o.level === 'group';
