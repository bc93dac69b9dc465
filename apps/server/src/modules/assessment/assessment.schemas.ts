import { DIMENSIONS, GRADES, METRIC_KEYS } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { id, isoDate, page, text, version } from '../../lib/schemas.ts';
import { stepDateFields } from '../../lib/step-dates.ts';

const year = z.coerce.number().int().min(2015).max(2100);
export const Tier = z.enum(['county', 'township']);

export const IndicatorInput = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/),
    dimension: z.enum(DIMENSIONS),
    name: text(60),
    weight: z.number().int().min(1).max(100),
    method: z.enum(['computed', 'scored']),
    metric: z.enum(METRIC_KEYS as [string, ...string[]]).optional(),
    target: z.number().positive().max(100_000).optional(),
  })
  .meta({ id: 'Indicator' });

export const SchemeInput = z
  .strictObject({
    year: z.number().int().min(2015).max(2100),
    tier: Tier,
    name: text(100),
    dailyWeight: z.number().int().min(0).max(100).default(40),
    finalWeight: z.number().int().min(0).max(100).default(60),
    cutoffs: z
      .strictObject({
        good: z.number().min(0).max(100),
        fair: z.number().min(0).max(100),
        average: z.number().min(0).max(100),
      })
      .default({ good: 90, fair: 75, average: 60 }),
    indicators: z.array(IndicatorInput).min(1).max(40),
  })
  .meta({ id: 'SchemeUpdate' });

export const Scheme = z
  .object({
    id: z.string(),
    year: z.number().int(),
    tier: Tier,
    name: z.string(),
    dailyWeight: z.number().int(),
    finalWeight: z.number().int(),
    cutoffs: z.object({ good: z.number(), fair: z.number(), average: z.number() }),
    indicators: z.array(IndicatorInput),
    version: z.number().int(),
  })
  .meta({ id: 'AssessmentScheme' });

export const SchemeList = page(Scheme).extend({ template: z.array(IndicatorInput) });

export const ComputeLedger = z
  .strictObject({
    year: z.number().int().min(2015).max(2100),
    tier: Tier,
    scopeCode: z
      .string()
      .regex(/^\d{6}(\d{3})?$/)
      .optional()
      .describe('Township ledger: the township (county users choose; township users get their own)'),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .meta({ id: 'ComputeLedger' });

export const ComputeCountyLedgers = z.strictObject({ year: z.number().int().min(2015).max(2100) }).meta({
  id: 'ComputeCountyLedgers',
  description: 'The county tier and every township with branches, for each tier with a scheme',
});
export const ComputedLedgers = z.object({ ids: z.array(z.string()) }).meta({ id: 'ComputedLedgers' });

const Evidence = z.object({
  type: z.enum(['activity', 'item', 'household', 'supervision', 'score']),
  id: z.string(),
  label: z.string(),
});

export const LedgerRow = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    cells: z.array(
      z.object({ key: z.string(), value: z.number().nullable(), score: z.number(), evidence: z.array(Evidence) }),
    ),
    yearEnd: z.number(),
    daily: z.number(),
    total: z.number(),
    grade: z.enum(GRADES),
    rank: z.number().int(),
  })
  .meta({ id: 'LedgerRow' });

export const LedgerSummary = z
  .object({
    id: z.string(),
    tier: Tier,
    scopeCode: z.string(),
    scopeName: z.string(),
    periodFrom: z.string(),
    periodTo: z.string(),
    version: z.number().int(),
    computedAt: z.string(),
    computedBy: z.string(),
    rows: z.number().int(),
    verificationCode: z
      .string()
      .nullable()
      .describe('The short code of this version’s signature (XXXX-XXXX), printed on the ledger; null when not signed'),
  })
  .meta({ id: 'LedgerSummary' });

export const Ledger = LedgerSummary.extend({
  scheme: z.object({
    id: z.string(),
    name: z.string(),
    year: z.number().int(),
    dailyWeight: z.number().int(),
    finalWeight: z.number().int(),
    cutoffs: z.object({ good: z.number(), fair: z.number(), average: z.number() }),
    indicators: z.array(IndicatorInput),
  }),
  items: z.array(LedgerRow),
  supervision: z.record(z.string(), z.array(Evidence)).describe('Daily-supervision findings per organization'),
  abilities: z
    .object({
      compute: z.boolean().describe("May compute this ledger's tier and place again (a new version)"),
      score: z.boolean().describe("May enter an assessor's score for a scored indicator"),
      consequences: z
        .boolean()
        .describe('May act on a grade: a tilt for 好 or 较好, listing a 差 for rectification (checked per row)'),
    })
    .describe('What the caller may do with this ledger, as the server decides it'),
}).meta({ id: 'Ledger' });

export const LedgerQuery = z.strictObject({
  year: year.optional(),
  tier: Tier.optional(),
  scopeCode: z.string().optional(),
  ...pageQuery,
});

export const AssessorScore = z
  .strictObject({
    schemeId: id,
    indicatorKey: z.string(),
    orgId: id,
    score: z.number().min(0).max(100),
    evidence: text(2000),
  })
  .meta({ id: 'AssessorScore' });

export const SUPERVISION_KINDS = ['discipline', 'organizational', 'sector'] as const;
export const NewSupervision = z
  .strictObject({
    kind: z.enum(SUPERVISION_KINDS),
    orgId: id,
    memberId: id.optional(),
    supervisedOn: stepDateFields.on,
    backdateReason: stepDateFields.backdateReason,
    supervisor: text(100),
    findings: text(2000),
    indicator: z.string().max(40).optional().describe('The indicator the score effect belongs to'),
    scoreEffect: z.number().min(-100).max(100).optional().describe('Points: negative deducts, positive adds'),
    rectification: text(2000).optional(),
    deadline: isoDate.optional(),
  })
  .meta({ id: 'NewSupervisionRecord' });

export const Supervision = z
  .object({
    id: z.string(),
    kind: z.enum(SUPERVISION_KINDS),
    orgId: z.string(),
    orgName: z.string(),
    memberId: z.string().nullable(),
    memberName: z.string().nullable(),
    supervisedOn: z.string(),
    supervisor: z.string(),
    findings: z.string(),
    indicator: z.string().nullable(),
    scoreEffect: z.number().nullable(),
    rectification: z.string().nullable(),
    deadline: z.string().nullable(),
    followUp: z.string().nullable(),
    closedOn: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'SupervisionRecord' });

export const FollowUp = z
  .strictObject({ text: text(2000), close: z.boolean().default(false), on: isoDate, version })
  .meta({ id: 'SupervisionFollowUp' });

export const NewTilt = z
  .strictObject({
    ledgerId: id,
    orgId: id,
    amountYuan: z.number().int().min(0).max(1_000_000_000),
    purpose: text(500),
    approver: text(100),
    decidedOn: isoDate,
  })
  .meta({ id: 'NewTilt' });
export const Tilt = z
  .object({
    id: z.string(),
    ledgerId: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    amountYuan: z.number().int(),
    purpose: z.string(),
    approver: z.string(),
    decidedOn: z.string(),
  })
  .meta({ id: 'Tilt' });

export const NewRectification = z
  .strictObject({
    orgId: id,
    ledgerId: id.optional().describe('The ledger in which the organization is graded 差'),
    supervisionId: id.optional().describe('Or the supervision record of it that requires rectification'),
    listedOn: isoDate,
    reason: text(1000),
    plan: text(4000),
    tasks: z.array(text(500)).min(1).max(30),
    deadline: isoDate,
    responsible: text(100),
  })
  .meta({ id: 'NewRectification' });
export const Rectification = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    ledgerId: z.string().nullable(),
    status: z.enum(['listed', 'delisted']),
    listedOn: z.string(),
    reason: z.string(),
    plan: z.string(),
    tasks: z.array(z.object({ text: z.string(), done: z.boolean() })),
    deadline: z.string(),
    responsible: z.string(),
    reviewNote: z.string().nullable(),
    delistedOn: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Rectification' });
export const TaskUpdate = z.strictObject({ done: z.boolean(), version }).meta({ id: 'RectificationTaskUpdate' });
export const Delist = z.strictObject({ on: isoDate, reviewNote: text(2000), version }).meta({ id: 'Delist' });

export const NewRecommendation = z
  .strictObject({ kind: z.enum(['duty_failure', 'organizational_action']), orgId: id, memberId: id, text: text(2000) })
  .meta({ id: 'NewRecommendation' });
export const Recommendation = z
  .object({
    id: z.string(),
    kind: z.enum(['duty_failure', 'organizational_action']),
    orgId: z.string(),
    orgName: z.string(),
    memberId: z.string(),
    memberName: z.string(),
    homePartyOrgName: z.string(),
    text: z.string(),
    filedOn: z.string(),
    answer: z.enum(['accepted', 'declined']).nullable(),
    answerText: z.string().nullable(),
    answeredOn: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Recommendation' });
export const Answer = z
  .strictObject({ accepted: z.boolean(), text: text(2000), version })
  .meta({ id: 'RecommendationAnswer' });
