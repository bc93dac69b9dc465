import { MEASURE_CATEGORIES, REPORT_CATEGORIES, VISIT_CHECKS } from '@lianjian/shared';
import { z } from 'zod';
import { PhotoUpload } from '../../lib/photos.ts';
import { id, isoDate, text } from '../../lib/schemas.ts';

export const VisitRisks = z
  .strictObject({
    seriousIllness: z.boolean().default(false).describe('A member newly seriously ill'),
    disaster: z.boolean().default(false).describe('Hit by a natural disaster or accident'),
    rigidSpending: z
      .number()
      .int()
      .min(0)
      .max(10_000_000)
      .default(0)
      .describe('Rigid spending this year (medical, schooling…), yuan'),
  })
  .meta({ id: 'VisitRisks' });

export const NewVisit = z
  .strictObject({
    visitedOn: isoDate,
    helperIds: z.array(id).min(1).max(10),
    checks: z.array(z.enum(VISIT_CHECKS)).max(VISIT_CHECKS.length).default([]),
    findings: text(2000).optional(),
    problem: z
      .strictObject({ category: z.enum(REPORT_CATEGORIES), description: text(2000) })
      .optional()
      .describe('A problem found on the visit: it becomes a report for the branch to put on its problem list'),
    measuresAgreed: text(2000).optional(),
    risks: VisitRisks.optional().describe('Risks found: they put the household on the early-warning list (DOMAIN §7)'),
    photos: z
      .array(PhotoUpload)
      .max(3)
      .default([])
      .describe('Photos taken on the visit: checked and encoded again like a report’s, without their metadata'),
  })
  .meta({ id: 'NewVisit' });

export const Visit = z
  .object({
    id: z.string(),
    visitedOn: z.string(),
    helpers: z.array(z.string()),
    checks: z.array(z.enum(VISIT_CHECKS)),
    findings: z.string().nullable(),
    measuresAgreed: z.string().nullable(),
    reportId: z.string().nullable(),
    risks: VisitRisks.nullable(),
    photoIds: z.array(z.string()).describe('Read each at GET /photos/{id}'),
  })
  .meta({ id: 'Visit' });

export const NewMeasure = z
  .strictObject({
    category: z.enum(MEASURE_CATEGORIES),
    unitId: id.optional(),
    content: text(1000),
    costYuan: z.number().int().min(0).max(100_000_000),
    startOn: isoDate,
    endOn: isoDate.optional(),
  })
  .meta({ id: 'NewMeasure' });

export const Measure = z
  .object({
    id: z.string(),
    category: z.enum(MEASURE_CATEGORIES),
    unitName: z.string().nullable(),
    content: z.string(),
    costYuan: z.number().int(),
    startOn: z.string(),
    endOn: z.string().nullable(),
    acknowledgedOn: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Measure' });

export const Acknowledge = z
  .strictObject({ acknowledgedOn: isoDate, version: z.number().int().min(1) })
  .meta({ id: 'AcknowledgeMeasure' });
