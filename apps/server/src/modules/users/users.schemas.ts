import { USER_ROLES } from '@lianjian/shared';
import { z } from 'zod';
import { id, regionCode, text } from '../../lib/schemas.ts';

/** A new account: who, which role, and its scope (a region, or an organization). */
export const CreateUserBody = z
  .strictObject({
    username: z.string().trim().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$/, '用户名为 3–32 位字母、数字、点、下划线或连字符，以字母开头'),
    displayName: text(40),
    role: z.enum(USER_ROLES),
    regionCode: regionCode.nullish(),
    orgId: id.nullish(),
    actingPartyOrgId: id.nullish(),
    memberId: id.nullish(),
  })
  .meta({ id: 'CreateUser' });

/** An account as the security administrator sees it. */
export const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    regionCode: z.string().nullable(),
    orgId: z.string().nullable(),
    orgName: z.string().nullable(),
    memberId: z.string().nullable(),
    active: z.boolean(),
    locked: z.boolean(),
    totpEnabled: z.boolean(),
    mustChangePassword: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof User>;
