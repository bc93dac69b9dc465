import { PARTY_ORG_KINDS, SKILLS, UNIT_TYPES } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { regionCode, text, version } from '../../lib/schemas.ts';

export const Unit = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(UNIT_TYPES),
    regionCode: z.string(),
    regionName: z.string(),
    memberCount: z.number().int(),
    duties: z.array(z.enum(SKILLS)).describe('What the unit is responsible for (link by need ranks its people by it)'),
    version: z.number().int(),
  })
  .meta({ id: 'Unit' });

export const UnitListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(50).optional().describe('Name or pinyin initials'),
  type: z.enum(UNIT_TYPES).optional(),
  regionCode: regionCode.optional(),
});

export const CreateUnit = z
  .strictObject({
    name: text(100),
    type: z.enum(UNIT_TYPES),
    regionCode,
    duties: z
      .array(z.enum(SKILLS))
      .max(SKILLS.length)
      .optional()
      .describe('What the unit is responsible for; unset, what its name says (供电所: electricity)'),
  })
  .meta({ id: 'CreateUnit' });

export const UnitDuties = z
  .strictObject({ duties: z.array(z.enum(SKILLS)).max(SKILLS.length), version })
  .meta({ id: 'UnitDuties' });

export const PartyOrg = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    regionCode: z.string(),
    parentId: z.string().nullable().describe('The superior in the tree of formal organizations'),
    parentName: z.string().nullable(),
  })
  .meta({ id: 'PartyOrg' });

export const PartyOrgListQuery = z.strictObject({ q: z.string().trim().max(50).optional(), ...pageQuery });

export const CreatePartyOrg = z
  .strictObject({
    name: text(100),
    kind: z.enum(PARTY_ORG_KINDS),
    regionCode,
    unitId: z.string().uuid().nullable().default(null),
  })
  .meta({ id: 'CreatePartyOrg' });
