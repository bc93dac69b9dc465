import { ACCOUNT_REQUEST_KINDS, ACCOUNT_REQUEST_STATUSES, USER_ROLES } from '@lianjian/shared';
import { z } from 'zod';
import { id, text, version } from '../../lib/schemas.ts';
import { CreateUserBody, UpdateUserBody } from './users.schemas.ts';

/** The role, scope and state a request may change: a change of an account (`UpdateUser`) without its name and version. */
const AccountChanges = UpdateUserBody.omit({ displayName: true, version: true }).meta({ id: 'AccountChanges' });

const reason = text(200).describe('Why: what the approver checks the request against');

/** What the security administrator files about an account that needs a second person (`needsSecondPerson`). */
export const FileAccountRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('create'), account: CreateUserBody, reason }),
    z.strictObject({
      kind: z.literal('change'),
      userId: id,
      changes: AccountChanges,
      version: version.describe("The account's version"),
      reason,
    }),
    z.strictObject({ kind: z.literal('reset_password'), userId: id, reason }),
    z.strictObject({ kind: z.literal('reset_totp'), userId: id, reason }),
  ])
  .meta({ id: 'FileAccountRequest' });
export type FileAccountRequestInput = z.infer<typeof FileAccountRequest>;

const Person = z.object({ id: z.string(), displayName: z.string() });

/**
 * A request as its requester and its approvers see it: the account as the approval would leave it (role, region,
 * organization, acting committee and person, with their names), and what the caller may do on it.
 */
export const AccountRequest = z
  .object({
    id: z.string(),
    kind: z.enum(ACCOUNT_REQUEST_KINDS),
    status: z.enum(ACCOUNT_REQUEST_STATUSES),
    userId: z.string().nullable().describe('The account concerned; for a requested account, once created'),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES).describe("The account's role once the request is approved"),
    regionCode: z.string().nullable(),
    regionName: z.string().nullable(),
    orgId: z.string().nullable(),
    orgName: z.string().nullable(),
    actingPartyOrgId: z.string().nullable(),
    actingPartyOrgName: z.string().nullable().describe('The formal party committee the account would act for'),
    memberId: z.string().nullable(),
    memberName: z.string().nullable().describe('The person the account would belong to'),
    newCredentials: z
      .boolean()
      .describe(
        'Whether approving gives the account a new split one-time password (and clears its second factor and sessions)',
      ),
    changes: AccountChanges.nullable(),
    reason: z.string(),
    requestedBy: Person,
    requestedAt: z.string(),
    decidedBy: Person.nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    version: z.number().int(),
    abilities: z.object({ approve: z.boolean(), reject: z.boolean(), cancel: z.boolean() }),
  })
  .meta({ id: 'AccountRequest' });
export type AccountRequestView = z.infer<typeof AccountRequest>;

export const AccountRequestTransition = z
  .strictObject({ to: z.enum(['approved', 'rejected', 'cancelled']), reason, version })
  .meta({ id: 'AccountRequestTransition' });

export const AccountRequestOutcome = z
  .object({
    request: AccountRequest,
    passwordPart: z
      .string()
      .nullable()
      .describe(
        "One half of the one-time password, shown to this person once: the requester's when filing, the approver's when approving",
      ),
  })
  .meta({ id: 'AccountRequestOutcome' });
