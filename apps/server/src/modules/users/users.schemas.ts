import { USER_ROLES } from '@lianjian/shared';
import { z } from 'zod';

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
