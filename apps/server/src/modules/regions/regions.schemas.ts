import { REGION_LEVELS } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { page, regionCode } from '../../lib/schemas.ts';

export const Region = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(REGION_LEVELS),
    kind: z.string(),
    parentCode: z.string().nullable(),
  })
  .meta({ id: 'Region' });

export const RegionQuery = z.strictObject({
  parentCode: regionCode.optional(),
  level: z.enum(REGION_LEVELS).optional(),
  q: z.string().trim().max(50).optional(),
  ...pageQuery,
});

export const PublicRegionQuery = z.strictObject({ parentCode: regionCode.optional(), ...pageQuery });

export const RegionList = page(Region);
