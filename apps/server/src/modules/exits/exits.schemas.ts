import { EXIT_STATUSES } from '@lianjian/shared';
import { z } from 'zod';
import { id, text, version } from '../../lib/schemas.ts';
import { stepDateFields } from '../../lib/step-dates.ts';

/** What verification checks against the standard: income, 两不愁三保障 and safe drinking water. */
export const EXIT_CRITERIA = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'] as const;

export const Criterion = z.strictObject({ criterion: z.enum(EXIT_CRITERIA), met: z.boolean(), evidence: text(1000) });

export const NewExitApplication = z
  .strictObject({
    householdId: id,
    source: z.enum(['household', 'village']),
    appliedOn: stepDateFields.on,
    backdateReason: stepDateFields.backdateReason,
    note: text(500).optional(),
  })
  .meta({ id: 'NewExitApplication' });

export const ExitTransition = z
  .strictObject({
    to: z.enum(EXIT_STATUSES),
    ...stepDateFields,
    version,
    reason: text(1000).optional().describe('Required to reject'),
    criteria: z
      .array(Criterion)
      .max(EXIT_CRITERIA.length)
      .optional()
      .describe('Required for verification: every criterion, with evidence'),
    verifier: z
      .strictObject({ unitId: id.optional(), memberId: id.optional() })
      .refine((v) => (v.unitId ? 1 : 0) + (v.memberId ? 1 : 0) === 1, { message: '请选择一个核验单位或核验人' })
      .optional()
      .describe(
        'Required for verification: the village work team (a unit) or the first secretary (a person) of the county',
      ),
  })
  .meta({ id: 'ExitTransition' });

export const Objection = z
  .strictObject({
    receivedOn: stepDateFields.on,
    backdateReason: stepDateFields.backdateReason,
    content: text(1000),
    version,
  })
  .meta({ id: 'ExitObjection' });

export const ExitApplication = z
  .object({
    id: z.string(),
    householdId: z.string(),
    headName: z.string(),
    regionCode: z.string(),
    regionName: z.string(),
    source: z.enum(['household', 'village']),
    status: z.enum(EXIT_STATUSES),
    appliedOn: z.string(),
    criteria: z
      .array(z.object({ criterion: z.enum(EXIT_CRITERIA), met: z.boolean(), evidence: z.string() }))
      .nullable(),
    verifier: z
      .object({ kind: z.enum(['unit', 'member']), name: z.string() })
      .nullable()
      .describe('Who verified: 驻村工作队 or 第一书记'),
    noticeStartOn: z.string().nullable(),
    noticePublishedOn: z.string().nullable().describe('The day the notice appeared on the village board'),
    noticeEndsOn: z.string().nullable().describe('The first day the exit may be announced'),
    announcedOn: z.string().nullable(),
    rejectReason: z.string().nullable(),
    events: z.array(z.object({ on: z.string(), kind: z.string(), text: z.string(), toStatus: z.string().nullable() })),
    verificationCode: z
      .string()
      .nullable()
      .describe(
        'Announced: the short code of the announcement’s signature (XXXX-XXXX), printed on the exit notice; null when not signed',
      ),
    version: z.number().int(),
    abilities: z
      .object({
        steps: z
          .array(z.enum(EXIT_STATUSES))
          .describe('The next steps of the procedure the caller may take (rejection apart)'),
        announceFrom: z.string().nullable().describe('In public notice: the first day the exit may be announced'),
        reject: z.boolean(),
        object: z.boolean().describe('Record an objection received during public notice'),
      })
      .describe('What the caller may do with this application, as the server would allow it'),
  })
  .meta({ id: 'ExitApplication' });
