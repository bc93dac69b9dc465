import { COVERAGE_CONDITIONS, HELPER_ROLES, REPORT_CATEGORIES, SETTING_RANGES } from '@lianjian/shared';
import { z } from 'zod';

export const year = z.coerce.number().int().min(2015).max(2100);

export const DeadlineTarget = z
  .object({
    category: z.enum(REPORT_CATEGORIES),
    response: z.number().int().describe('Working days to the first progress entry or acceptance'),
    resolution: z.number().int().describe('Working days to closure'),
  })
  .meta({ id: 'DeadlineTarget' });

export const Calendar = z
  .object({
    source: z.string().describe('Where the official holidays and make-up workdays come from'),
    version: z.string(),
    firstYear: z.number().int(),
    lastYear: z.number().int().describe('Working days past this year are refused (calendar_year_unknown)'),
    knowsYear: z.boolean().describe('Whether the calendar covers the year asked for'),
  })
  .meta({ id: 'WorkingDayCalendar' });

export const Settings = z
  .object({
    countyCode: z.string(),
    year: z.number().int(),
    values: z.object({
      poverty_line: z.number(),
      monitoring_line: z.number(),
      exit_notice_days: z.number(),
      monitoring_notice_days: z.number(),
      rigid_spending_ratio: z.number(),
      reopen_window_days: z.number(),
    }),
    targets: z.array(DeadlineTarget).describe('Per category, the working-day targets in force for the year'),
    calendar: Calendar,
    setThisYear: z.array(z.string()),
    defaults: z.record(z.string(), z.string()),
    abilities: z
      .object({ set: z.boolean().describe('May set this county’s values (county administrators)') })
      .describe('What the caller may do, as the server would allow it'),
  })
  .meta({ id: 'CountySettings' });

/** A value within the range the rules allow (`SETTING_RANGES`), with the range said in Chinese. */
const within = (key: keyof typeof SETTING_RANGES, whole = true) => {
  const { min, max, unit } = SETTING_RANGES[key];
  const n = whole ? z.number().int('须为整数') : z.number();
  return n.min(min, `不能少于 ${min} ${unit}`).max(max, `不能多于 ${max} ${unit}`).optional();
};

const workingDays = (key: 'response_days' | 'resolution_days') => {
  const { min, max, unit } = SETTING_RANGES[key];
  return z.number().int('须为整数').min(min, `不能少于 ${min} ${unit}`).max(max, `不能多于 ${max} ${unit}`);
};

// Floors from the rules (an exit notice runs at least 7 days, a monitoring notice at least 5: DOMAIN §9a) and sane
// ranges for the lines.
export const SettingsUpdate = z
  .strictObject({
    poverty_line: within('poverty_line').describe('Yuan per person per year: 2,300 at 2010 prices, indexed'),
    monitoring_line: within('monitoring_line').describe(
      'Yuan per person per year; about 1.5× the poverty line, never below it',
    ),
    exit_notice_days: within('exit_notice_days'),
    monitoring_notice_days: within('monitoring_notice_days'),
    rigid_spending_ratio: within('rigid_spending_ratio', false).describe(
      "Rigid spending above this share of the household's yearly income is a risk",
    ),
    reopen_window_days: within('reopen_window_days').describe(
      'Days after an item is closed in which the resident may reopen it; then only rate',
    ),
    targets: z
      .array(
        z
          .strictObject({
            category: z.enum(REPORT_CATEGORIES),
            response: workingDays('response_days'),
            resolution: workingDays('resolution_days'),
          })
          .refine((t) => t.response <= t.resolution, { message: '响应时限不能长于办结时限', path: ['response'] }),
      )
      .max(REPORT_CATEGORIES.length)
      .refine((ts) => new Set(ts.map((t) => t.category)).size === ts.length, { message: '每个类别只能有一条' })
      .optional()
      .describe('Working-day targets per category (only the categories given change)'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少修改一项' })
  .meta({ id: 'CountySettingsUpdate' });

export const Rule = z
  .strictObject({
    condition: z.enum(COVERAGE_CONDITIONS),
    roles: z.array(z.enum(HELPER_ROLES)).min(1).max(HELPER_ROLES.length),
    active: z.boolean(),
  })
  .meta({ id: 'CoverageRule' });
export const Rules = z.object({ countyCode: z.string(), rules: z.array(Rule) }).meta({ id: 'CoverageRules' });

export const Gap = z
  .object({
    condition: z.enum(['primary_helper', ...COVERAGE_CONDITIONS]),
    roles: z.array(z.enum(HELPER_ROLES)),
    total: z.number().int(),
    households: z.array(
      z.object({
        id: z.string(),
        headName: z.string(),
        regionName: z.string(),
        status: z.enum(['registered', 'monitored']),
      }),
    ),
  })
  .meta({ id: 'CoverageGap' });

export const Workload = z
  .object({
    memberId: z.string(),
    name: z.string(),
    unitName: z.string(),
    households: z.number().int(),
    primaries: z.number().int(),
    stacked: z.number().int(),
    assisted: z.number().int(),
    visits90d: z.number().int(),
    lastVisitOn: z.string().nullable(),
  })
  .meta({ id: 'HelperWorkload' });

export const RegionFilter = z.strictObject({
  regionCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
});
