import { z } from 'zod';
import { Cockpit } from './cockpit.ts';

/** The overview of a scope on a day: structure, people, and the cockpit's work figures. */
export const Overview = z
  .object({
    asOf: z.string().describe('The day the figures are for (for a snapshot: the day of the snapshot)'),
    source: z
      .enum(['live', 'daily_snapshot'])
      .describe('live: computed now from the records; daily_snapshot: merged from the counties’ snapshots of that day'),
    snapshot: z
      .object({ computedAt: z.string(), counties: z.number().int() })
      .nullable()
      .describe('When the snapshot of the day was taken, and how many counties it holds'),
    rankingLevel: z
      .enum(['township', 'county'])
      .describe('What byTownship and work.byTownship rank: townships, or counties in a wider scope'),
    orgs: z.object({
      committee: z.number().int(),
      general_branch: z.number().int(),
      branch: z.number().int(),
      group: z.number().int(),
    }),
    byStatus: z.record(z.string(), z.number().int()),
    membersLinked: z
      .number()
      .int()
      .describe('Distinct members with an active membership (summed over counties in a wider scope)'),
    units: z.number().int().describe('Distinct units linked to an organization'),
    byTownship: z.array(
      z.object({
        regionCode: z.string(),
        name: z.string(),
        branches: z.number().int(),
        membersLinked: z.number().int(),
      }),
    ),
    byBranch: z
      .array(z.object({ id: z.string(), name: z.string(), groups: z.number().int(), membersLinked: z.number().int() }))
      .describe('Branches by members linked, when the scope is one township or smaller (up to 30)'),
    work: Cockpit.describe(
      'The cockpit: items, households, monitoring, exits, grades, trend and township ranking on the day',
    ),
  })
  .meta({ id: 'Overview' });
export type OverviewData = z.infer<typeof Overview>;
