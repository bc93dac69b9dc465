import { USER_ROLES } from '@lianjian/shared';
import { z } from 'zod';
import { id, regionCode, text, version } from '../../lib/schemas.ts';

/**
 * A new account: who, which role, and its scope. The role decides the scope's shape (`checkAccountShape`): a region
 * for the administrators and the supervisor (with the committee a county or township administrator acts for), an
 * organization and the person for a branch secretary or a member.
 */
export const CreateUserBody = z
  .strictObject({
    username: z
      .string()
      .trim()
      .regex(/^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$/, '用户名为 3–32 位字母、数字、点、下划线或连字符，以字母开头'),
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
    actingPartyOrgId: z.string().nullable(),
    memberId: z.string().nullable(),
    coverage: z
      .array(z.string())
      .describe('For an account tied to an organization: the region codes it covers (the register it reads)'),
    active: z.boolean(),
    locked: z.boolean(),
    totpEnabled: z.boolean(),
    mustChangePassword: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    abilities: z
      .object({
        change: z
          .boolean()
          .describe(
            "May change this account (name, role, scope, state, password, second factor): not one's own, another person does",
          ),
      })
      .describe('What the caller may do with this account, as the server decides it'),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof User>;

/** A change of an account (fields left out stay as they are; null clears one). */
export const UpdateUserBody = z
  .strictObject({
    displayName: text(40).optional(),
    role: z.enum(USER_ROLES).optional(),
    active: z.boolean().optional(),
    regionCode: regionCode.nullish(),
    orgId: id.nullish(),
    actingPartyOrgId: id.nullish(),
    memberId: id.nullish(),
    version,
  })
  .meta({ id: 'UpdateUser' });

const ScopeCandidate = z.object({
  memberId: z.string(),
  name: z.string(),
  /** Holds the organization's secretary or deputy secretary post: may hold its secretary account. */
  secretary: z.boolean(),
});

/**
 * What the security administrator may tie a new account to, without reading the business records themselves: the
 * county and township committees of its region (ids and names), and live temporary organizations with the people
 * currently in them or their party groups (ids and names only).
 */
export const ScopeOptions = z
  .object({
    committees: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(['county_committee', 'township_committee']),
        regionCode: z.string(),
      }),
    ),
    orgs: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        level: z.enum(['committee', 'general_branch', 'branch', 'group']),
        coverage: z
          .array(z.string())
          .describe('The region codes it covers: an account tied to it reads their register'),
        candidates: z.array(ScopeCandidate),
      }),
    ),
  })
  .meta({ id: 'AccountScopeOptions' });
export type ScopeOptionsView = z.infer<typeof ScopeOptions>;
