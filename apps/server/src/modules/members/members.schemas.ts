import { PARTY_STATUSES, SKILLS } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { id, page, text } from '../../lib/schemas.ts';

export const Member = z
  .object({
    id: z.string(),
    name: z.string(),
    nameInitials: z.string(),
    gender: z.enum(['male', 'female']),
    partyStatus: z.enum(PARTY_STATUSES),
    title: z.string().nullable(),
    unitId: z.string(),
    unitName: z.string(),
    regionCode: z.string(),
    homeOrgId: z.string().nullable(),
    homeOrgName: z.string().nullable(),
    skills: z.array(z.string()),
    activeMemberships: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Member' });

export const MemberListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(50).optional().describe('Name, full pinyin or pinyin initials (zw → 张伟)'),
  unitId: id.optional(),
  skill: z.enum(SKILLS).optional(),
  partyStatus: z.enum(PARTY_STATUSES).optional(),
  linked: z
    .enum(['true', 'false'])
    .optional()
    .describe('Only members with (true) or without (false) an active membership'),
});

export const MemberList = page(Member).meta({ id: 'MemberList' });

export const CreateMember = z
  .strictObject({
    name: text(50),
    gender: z.enum(['male', 'female']),
    partyStatus: z.enum(PARTY_STATUSES),
    homeOrgId: id
      .nullable()
      .describe('The regular branch holding the formal party relationship; null for participants'),
    unitId: id,
    title: text(100).optional(),
    skills: z.array(z.enum(SKILLS)).max(20).default([]),
  })
  .meta({ id: 'CreateMember' });
