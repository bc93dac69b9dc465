import { MONITORING_STATUSES } from '@lianjian/shared';
import { z } from 'zod';
import { id, text, version } from '../../lib/schemas.ts';
import { stepDateFields } from '../../lib/step-dates.ts';

export const MONITORING_CATEGORIES = ['unstable_exited', 'marginal', 'sudden_hardship'] as const;

export const NewMonitoringCase = z
  .strictObject({
    householdId: id,
    category: z.enum(MONITORING_CATEGORIES),
    source: z.enum(['household_report', 'cadre_visit', 'data_crosscheck']),
    risk: text(1000).describe('What puts the household at risk: illness, disaster, accident, income fall…'),
    identifiedOn: stepDateFields.on,
    backdateReason: stepDateFields.backdateReason,
  })
  .meta({ id: 'NewMonitoringCase' });

export const MonitoringTransition = z
  .strictObject({ to: z.enum(MONITORING_STATUSES), ...stepDateFields, version, reason: text(1000).optional() })
  .meta({ id: 'MonitoringTransition' });

export const MonitoringCase = z
  .object({
    id: z.string(),
    householdId: z.string(),
    headName: z.string(),
    regionName: z.string(),
    category: z.enum(MONITORING_CATEGORIES),
    source: z.string(),
    risk: z.string(),
    status: z.enum(MONITORING_STATUSES),
    identifiedOn: z.string(),
    noticePublishedOn: z.string().nullable().describe('The day the notice appeared on the village board'),
    noticeEndsOn: z.string().nullable().describe('The first day the township may review the case'),
    events: z.array(
      z.object({
        on: z.string(),
        toStatus: z.string(),
        text: z.string(),
        verificationCode: z
          .string()
          .nullable()
          .describe('A decision (monitored, eliminated, dropped): the short code of its signature (XXXX-XXXX)'),
      }),
    ),
    version: z.number().int(),
    abilities: z
      .object({
        steps: z.array(z.enum(MONITORING_STATUSES)).describe('The next steps the caller may take'),
        reasonRequired: z
          .array(z.enum(MONITORING_STATUSES))
          .describe('Those of the steps that must be given a written reason'),
        reviewFrom: z.string().nullable().describe('In a notice: the first day the township may review'),
      })
      .describe('What the caller may do with this case, as the server would allow it'),
  })
  .meta({ id: 'MonitoringCase' });

export const Candidate = z
  .object({
    householdId: z.string(),
    headName: z.string(),
    regionName: z.string(),
    status: z.string(),
    perCapitaIncome: z.number().int(),
    line: z.number().int(),
    reasons: z.array(z.enum(['income_below_line', 'serious_illness', 'disaster', 'rigid_spending'])),
    rigidSpending: z.number().int(),
    lastRiskVisitOn: z.string().nullable(),
    suggestedCategory: z.enum(['unstable_exited', 'marginal', 'sudden_hardship']),
    canIdentify: z
      .boolean()
      .describe('The caller may identify this household for monitoring (its organization serves it)'),
  })
  .meta({ id: 'MonitoringCandidate' });
