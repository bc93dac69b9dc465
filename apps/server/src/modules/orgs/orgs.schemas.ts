import { ANCHOR_TYPES, MEMBERSHIP_ROLES, ORG_KINDS, ORG_LEVELS, ORG_MODES, ORG_STATUSES } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { id, isoDate, page, regionCode, text, version } from '../../lib/schemas.ts';
import { stepDateFields } from '../../lib/step-dates.ts';

export const OrgLevel = z.enum(ORG_LEVELS).meta({ id: 'OrgLevel' });
export const OrgStatus = z.enum(ORG_STATUSES).meta({ id: 'OrgStatus' });
export const MembershipRole = z.enum(MEMBERSHIP_ROLES).meta({ id: 'MembershipRole' });

export const OrgSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    level: OrgLevel,
    kind: z.enum(ORG_KINDS),
    parentId: z.string().nullable(),
    status: OrgStatus,
    mode: z.enum(ORG_MODES),
    anchorType: z.enum(ANCHOR_TYPES),
    anchorName: z.string(),
    regionCode: z.string(),
    regionName: z.string(),
    establishedOn: z.string(),
    plannedEndOn: z.string().nullable(),
    dissolvedOn: z.string().nullable(),
    childCount: z.number().int(),
    memberCount: z.number().int().describe('Distinct members linked in this organization and its subtree'),
    version: z.number().int(),
  })
  .meta({ id: 'OrgSummary' });

export const OrgAbilities = z
  .object({
    update: z.boolean(),
    createChild: z.boolean(),
    linkMember: z.boolean(),
    designateLeaders: z
      .boolean()
      .describe('Secretary, deputy secretary, committee members: approving organization only'),
    designateGroupLeader: z.boolean().describe('Group leader: the branch above the group'),
    endMembership: z
      .boolean()
      .describe('End an ordinary membership; a designated role also needs its designator (the next two)'),
    endLeaders: z
      .boolean()
      .describe('End the membership of a secretary, deputy secretary or committee member of this organization'),
    endGroupLeaders: z
      .boolean()
      .describe('End the membership of a group leader in one of its party groups: the branch above the groups'),
    transition: z.boolean(),
    dissolve: z.boolean(),
    recordMeeting: z.boolean().describe('Record a meeting of this organization (its staff, while it is live)'),
  })
  .meta({ id: 'OrgAbilities' });

export const OrgDetail = OrgSummary.extend({
  mission: z.string(),
  approvingOrg: z.object({ id: z.string(), name: z.string(), kind: z.enum(['party_org', 'temporary_org']) }).nullable(),
  approvedOn: z.string().nullable(),
  approvalDocNo: z.string().nullable(),
  parent: z.object({ id: z.string(), name: z.string(), level: OrgLevel }).nullable(),
  coveredRegions: z.array(z.object({ code: z.string(), name: z.string() })),
  linkedUnits: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.string(),
      linkedOn: z.string(),
      purpose: z.string().nullable(),
    }),
  ),
  abilities: OrgAbilities,
}).meta({ id: 'OrgDetail' });

export const OrgListQuery = z.strictObject({
  ...pageQuery,
  level: OrgLevel.optional(),
  kind: z.enum(ORG_KINDS).optional(),
  parentId: id.optional(),
  regionId: regionCode.optional().describe('Region code: organizations of this region and below'),
  status: OrgStatus.optional(),
  q: z.string().trim().max(50).optional().describe('Name or pinyin initials'),
  roots: z.enum(['true', 'false']).optional().describe('Only organizations whose parent is not in the result set'),
  asOf: isoDate
    .optional()
    .describe('Only organizations that existed on this date; without it, all, dissolved ones included'),
  sort: z
    .enum(['structure', 'name', 'establishedOn'])
    .default('structure')
    .describe('structure: by level, regular before special, region code, name — the order of the tree'),
});

export const OrgList = page(OrgSummary).meta({ id: 'OrgList' });

export const CreateOrg = z
  .strictObject({
    parentId: id.nullable(),
    level: OrgLevel,
    kind: z.enum(ORG_KINDS).default('regular'),
    name: text(100),
    mode: z.enum(ORG_MODES),
    anchorType: z.enum(ANCHOR_TYPES),
    anchorName: text(100),
    mission: text(2000),
    regionCode,
    coveredRegionCodes: z.array(regionCode).max(50).default([]),
    unitIds: z.array(id).max(100).default([]),
    approvedOn: isoDate.optional(),
    approvalDocNo: text(100).optional(),
    establishedOn: isoDate,
    plannedEndOn: isoDate.optional(),
    status: z.enum(['proposed', 'active']).default('proposed'),
  })
  .meta({ id: 'CreateOrg' });

export const UpdateOrg = z
  .strictObject({
    version,
    name: text(100).optional(),
    mission: text(2000).optional(),
    anchorName: text(100).optional(),
    plannedEndOn: isoDate.nullable().optional(),
    approvedOn: isoDate.optional(),
    approvalDocNo: text(100).optional(),
  })
  .meta({ id: 'UpdateOrg' });

export const OrgTransition = z
  .strictObject({ to: z.enum(['active', 'rectification']), reason: text(500), version })
  .meta({ id: 'OrgTransition' });

export const DissolveOrg = z
  .strictObject({
    dissolvedOn: stepDateFields.on,
    backdateReason: stepDateFields.backdateReason,
    reason: text(500),
    version,
    handovers: z
      .array(z.strictObject({ itemId: id, successorOrgId: id }))
      .max(500)
      .default([])
      .describe('Every open item must be handed over to a named successor organization'),
  })
  .meta({ id: 'DissolveOrg' });

export const LinkUnit = z
  .strictObject({ unitId: id, purpose: text(200).optional(), linkedOn: isoDate })
  .meta({ id: 'LinkUnit' });

export const Membership = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    orgLevel: OrgLevel,
    memberId: z.string(),
    memberName: z.string(),
    unitName: z.string(),
    homeOrgName: z.string().nullable(),
    role: MembershipRole,
    startOn: z.string(),
    endOn: z.string().nullable(),
    endReason: z.string().nullable(),
    linkReason: z.string(),
    designatedBy: z.string().nullable().describe('Name of the organization that designated this leader'),
    active: z.boolean().describe('Active on the asOf date (today by default)'),
    version: z.number().int(),
  })
  .meta({ id: 'Membership' });

export const MembershipQuery = z.strictObject({
  ...pageQuery,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  asOf: isoDate.optional().describe('Who was in the organization on this date'),
  status: z.enum(['active', 'ended', 'all']).default('active'),
  role: MembershipRole.optional(),
  includeGroups: z.enum(['true', 'false']).default('false').describe('Also the memberships of its party groups'),
});

export const MembershipList = page(Membership).meta({ id: 'MembershipList' });

export const CreateMembership = z
  .strictObject({
    memberId: id,
    role: MembershipRole.default('member'),
    startOn: isoDate,
    linkReason: text(500).describe('Why this member is linked: which need, which task'),
  })
  .meta({ id: 'CreateMembership' });

export const EndMembership = z
  .strictObject({ endOn: isoDate, endReason: text(500), version })
  .meta({ id: 'EndMembership' });
