import { COVERAGE_CONDITIONS, HEALTH, HELPER_ROLES, LABOUR, POVERTY_CAUSES } from '@lianjian/shared';
import { z } from 'zod';
import { idNumberProblem, phoneProblem } from '../../lib/identity.ts';
import { pageQuery } from '../../lib/paging.ts';
import { id, isoDate, page, regionCode, text } from '../../lib/schemas.ts';

/** What the register may be sorted by (each in SQL, with the household's id after it for the cursor). */
export const REGISTER_SORTS = ['name', 'village', 'status', 'helpers'] as const;
export type RegisterSort = (typeof REGISTER_SORTS)[number];

const money = z.number().int().min(0).max(100_000_000);
const idNumber = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .superRefine((s, ctx) => {
    const problem = idNumberProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const phone = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    const problem = phoneProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const NewPerson = z
  .strictObject({
    name: text(50),
    relationship: text(20).describe('户主, 配偶, 长子…'),
    gender: z.enum(['male', 'female']),
    idNumber,
    phone: phone.optional(),
    inSchool: z.boolean().default(false),
    health: z.enum(HEALTH),
    labour: z.enum(LABOUR),
  })
  .meta({ id: 'NewHouseholdPerson' });

export const CreateHousehold = z
  .strictObject({
    regionCode,
    address: text(200),
    attribute: z.enum(['general', 'dibao', 'tekun']).default('general'),
    standard: z.enum(['national', 'provincial']).default('national'),
    primaryCause: z.enum(POVERTY_CAUSES),
    secondaryCauses: z.array(z.enum(POVERTY_CAUSES)).max(5).default([]),
    income: z.strictObject({ wages: money, business: money, transfer: money, property: money }),
    housingArea: z.number().int().min(0).max(10_000).optional(),
    dangerRating: z.enum(['C', 'D']).optional(),
    waterSafe: z.boolean(),
    relocatedTo: text(100).optional(),
    people: z.array(NewPerson).min(1).max(30),
  })
  .meta({ id: 'CreateHousehold' });

export const Person = z
  .object({
    id: z.string(),
    name: z.string(),
    relationship: z.string(),
    gender: z.enum(['male', 'female']),
    birthYear: z.number().int(),
    inSchool: z.boolean(),
    labour: z.enum(LABOUR),
    idNumber: z.string().describe('Masked (4113**********123X) unless unmasked'),
    phone: z.string().nullable().describe('Masked (138****1234) unless unmasked'),
    health: z.enum(HEALTH).nullable().describe('Shown only when unmasked'),
  })
  .meta({ id: 'HouseholdPerson' });

export const Helper = z
  .object({
    id: z.string(),
    memberId: z.string(),
    memberName: z.string(),
    unitName: z.string(),
    role: z.enum(HELPER_ROLES),
    primary: z.boolean(),
    reason: z.string(),
    startOn: z.string(),
    endOn: z.string().nullable(),
    endReason: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Helper' });

export const Household = z
  .object({
    id: z.string(),
    regionCode: z.string(),
    regionName: z.string(),
    townshipCode: z.string().nullable(),
    townshipName: z.string().nullable(),
    headName: z.string(),
    address: z.string(),
    attribute: z.enum(['general', 'dibao', 'tekun']),
    standard: z.enum(['national', 'provincial']),
    status: z.enum(['registered', 'exited', 'monitored', 'risk_eliminated', 'returned']),
    exitYear: z.number().int().nullable(),
    exitedOn: isoDate.nullable().describe('The day the exit was announced; null when only the year is known'),
    primaryCause: z.enum(POVERTY_CAUSES),
    secondaryCauses: z.array(z.enum(POVERTY_CAUSES)),
    size: z.number().int(),
    perCapitaIncome: z.number().int(),
    activeHelpers: z.number().int(),
    hasPrimaryHelper: z.boolean(),
    helpersInForce: z
      .array(z.object({ memberId: z.string(), memberName: z.string(), primary: z.boolean() }))
      .optional()
      .describe('Asked with helpers=true: the helpers in force today, the primary one first'),
    version: z.number().int(),
  })
  .meta({ id: 'Household' });

export const HouseholdDetail = Household.extend({
  income: z.object({
    wages: z.number().int(),
    business: z.number().int(),
    transfer: z.number().int(),
    property: z.number().int(),
  }),
  housingArea: z.number().int().nullable(),
  dangerRating: z.enum(['C', 'D']).nullable(),
  waterSafe: z.boolean(),
  relocatedTo: z.string().nullable(),
  people: z.array(Person),
  helpers: z.array(Helper),
  abilities: z
    .object({
      write: z.boolean().describe('May change the household: helpers, visits, measures, exit and monitoring steps'),
      unmask: z.boolean().describe('May see ID numbers, phones and health in full (audited, with a reason)'),
      applyExit: z
        .boolean()
        .describe('May start an exit application: the household is still poor, served, with no open application'),
    })
    .describe('What the caller may do with this household, as the server decides it'),
}).meta({ id: 'HouseholdDetail' });

export const HouseholdListQuery = z.strictObject({
  ...pageQuery,
  regionCode: regionCode.optional(),
  status: z.enum(['registered', 'exited', 'monitored', 'risk_eliminated', 'returned']).optional(),
  cause: z.enum(POVERTY_CAUSES).optional(),
  helperId: id.optional().describe('Households helped by this member'),
  gap: z
    .enum(['no_primary_helper', 'coverage', ...COVERAGE_CONDITIONS])
    .optional()
    .describe(
      "As of asOf (default today), households helped then: without a primary helper; with any coverage gap (no primary helper, or breaking one of the county's coverage rules); or breaking the county's rule for one condition (none when that rule is off)",
    ),
  monitoringCategory: z
    .enum(['unstable_exited', 'marginal', 'sudden_hardship'])
    .optional()
    .describe('Households in an open monitoring case of this category'),
  q: z
    .string()
    .trim()
    .max(50)
    .optional()
    .describe('Head of household: name, pinyin initials (bbg) or full pinyin (baibinggang)'),
  sort: z
    .enum(REGISTER_SORTS)
    .default('name')
    .describe(
      "Order of the list: the head's name (pinyin), the village (by region code: township, then village), status, or the number of helpers in force",
    ),
  dir: z.enum(['asc', 'desc']).default('asc'),
  helpers: z
    .enum(['true', 'false'])
    .optional()
    .describe("Also each household's helpers in force today (the field app keeps them for visits made offline)"),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe(
      "Jump to this page of `limit` households (1 is the first), not with a cursor; the reply's cursor goes on from there",
    ),
  asOf: isoDate
    .optional()
    .describe(
      'Households registered by that day; with status: their status on that day (registration, exit year, monitoring dates)',
    ),
});

/**
 * The register's filters with a member's ID number, sent in a body (`POST /households/search`, exports): an ID number
 * never travels in a URL, where access logs, proxies and browser history keep it.
 */
export const HouseholdSearch = HouseholdListQuery.extend({
  idNumber: z
    .string()
    .trim()
    .max(18)
    .optional()
    .describe('Exact ID number of any household member (matched by its blind index)'),
}).meta({ id: 'HouseholdSearch' });

/** A register filter as it may be kept (an export's link, the audit trail): the ID number only by its blind index. */
export type SealedRegisterFilter = Omit<
  z.infer<typeof HouseholdSearch>,
  'cursor' | 'limit' | 'idNumber' | 'sort' | 'dir' | 'page'
> & {
  /** The ID number's blind index under every index key of the ring (one string in filters kept before versions). */
  idNumberIndex?: string | string[];
  /** The register's order, which an export keeps (the name's pinyin, ascending, when none is given). */
  sort?: RegisterSort;
  dir?: 'asc' | 'desc';
};

export const HouseholdList = page(Household).meta({ id: 'HouseholdList' });

export const Unmask = z.strictObject({ reason: text(200) }).meta({ id: 'Unmask' });

export const AddHelper = z
  .strictObject({
    memberId: id,
    role: z.enum(HELPER_ROLES),
    primary: z.boolean().default(false),
    reason: text(500),
    startOn: isoDate,
  })
  .meta({ id: 'AddHelper' });

/** The most households one bulk assignment may take: a page of the gaps view, checked and written in one transaction. */
export const BULK_HELPER_MAX = 50;

export const BulkAddHelper = z
  .strictObject({
    householdIds: z
      .array(id)
      .min(1)
      .max(BULK_HELPER_MAX)
      .refine((ids) => new Set(ids).size === ids.length, { message: '同一户不能重复选择' })
      .describe(`Households to give the helper, at most ${BULK_HELPER_MAX}; all are assigned or none`),
    memberId: id,
    role: z.enum(HELPER_ROLES),
    primary: z.boolean().default(false),
    reason: text(500),
    startOn: isoDate,
  })
  .meta({ id: 'BulkAddHelper' });

export const EndHelper = z
  .strictObject({ endOn: isoDate, endReason: text(500), version: z.number().int().min(1) })
  .meta({ id: 'EndHelper' });
