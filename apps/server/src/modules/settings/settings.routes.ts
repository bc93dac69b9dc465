import { COVERAGE_CONDITIONS, HELPER_ROLES, SETTING_RANGES } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import type { CoverageService } from '../households/coverage.service.ts';
import type { SettingsService } from './settings.service.ts';

const year = z.coerce.number().int().min(2015).max(2100);

const Settings = z
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
    setThisYear: z.array(z.string()),
    defaults: z.record(z.string(), z.string()),
  })
  .meta({ id: 'CountySettings' });

/** A value within the range the rules allow (`SETTING_RANGES`), with the range said in Chinese. */
const within = (key: keyof typeof SETTING_RANGES, whole = true) => {
  const { min, max, unit } = SETTING_RANGES[key];
  const n = whole ? z.number().int('须为整数') : z.number();
  return n.min(min, `不能少于 ${min} ${unit}`).max(max, `不能多于 ${max} ${unit}`).optional();
};

// Floors from the rules (an exit notice runs at least 7 days, a monitoring notice at least 5: DOMAIN §9a) and sane
// ranges for the lines.
const SettingsUpdate = z
  .strictObject({
    poverty_line: within('poverty_line').describe('Yuan per person per year: 2,300 at 2010 prices, indexed'),
    monitoring_line: within('monitoring_line').describe('Yuan per person per year; about 1.5× the poverty line, never below it'),
    exit_notice_days: within('exit_notice_days'),
    monitoring_notice_days: within('monitoring_notice_days'),
    rigid_spending_ratio: within('rigid_spending_ratio', false).describe("Rigid spending above this share of the household's yearly income is a risk"),
    reopen_window_days: within('reopen_window_days').describe('Days after an item is closed in which the resident may reopen it; then only rate'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少修改一项' })
  .meta({ id: 'CountySettingsUpdate' });

const Rule = z.strictObject({ condition: z.enum(COVERAGE_CONDITIONS), roles: z.array(z.enum(HELPER_ROLES)).min(1).max(HELPER_ROLES.length), active: z.boolean() }).meta({ id: 'CoverageRule' });
const Rules = z.object({ countyCode: z.string(), rules: z.array(Rule) }).meta({ id: 'CoverageRules' });

const Gap = z
  .object({
    condition: z.enum(['primary_helper', ...COVERAGE_CONDITIONS]),
    roles: z.array(z.enum(HELPER_ROLES)),
    total: z.number().int(),
    households: z.array(z.object({ id: z.string(), headName: z.string(), regionName: z.string(), status: z.enum(['registered', 'monitored']) })),
  })
  .meta({ id: 'CoverageGap' });

const Workload = z
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

const tags = ['settings'];
const RegionFilter = z.strictObject({ regionCode: z.string().regex(/^\d{6,12}$/).optional() });

export function settingsRoutes(settings: SettingsService, coverage: CoverageService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/settings', {
      config: { permission: 'households:read' },
      schema: { tags, summary: '本县当年的贫困线、监测线、公示天数等', querystring: z.strictObject({ year }), response: { 200: Settings, ...problemReplies } },
      handler: (req) => settings.get(requireActor(req), req.query.year),
    });
    app.put('/settings', {
      config: { permission: 'settings:write' },
      schema: { tags, summary: '设定本县某年的阈值（留痕）', querystring: z.strictObject({ year }), body: SettingsUpdate, response: { 200: Settings, ...problemReplies } },
      handler: (req) => settings.put(requireActor(req), req.query.year, req.body),
    });
    app.get('/coverage-rules', {
      config: { permission: 'households:read' },
      schema: { tags, summary: '叠加帮扶覆盖规则', response: { 200: Rules, ...problemReplies } },
      handler: (req) => coverage.get(requireActor(req)),
    });
    app.put('/coverage-rules', {
      config: { permission: 'settings:write' },
      schema: {
        tags,
        summary: '设定叠加帮扶覆盖规则（每种情形一条，留痕）',
        body: z
          .strictObject({ rules: z.array(Rule).max(20) })
          .refine((b) => new Set(b.rules.map((r) => r.condition)).size === b.rules.length, { message: '每种情形只能有一条规则', path: ['rules'] }),
        response: { 200: Rules, ...problemReplies },
      },
      handler: (req) => coverage.put(requireActor(req), req.body.rules),
    });
    app.get('/coverage-gaps', {
      config: { permission: 'households:read' },
      schema: {
        tags: ['households'],
        summary: '帮扶缺口：某日缺主帮扶责任人或违反覆盖规则的农户（按当日在帮的帮扶关系计算）',
        querystring: RegionFilter.extend({ asOf: isoDate.optional().describe('The day (default today)') }),
        response: {
          200: z.object({ asOf: z.string(), households: z.number().int().describe('Households with any gap (each counted once)'), items: z.array(Gap) }),
          ...problemReplies,
        },
      },
      handler: (req) => coverage.gaps(requireActor(req), req.query.regionCode, req.query.asOf),
    });
    app.get('/helper-workload', {
      config: { permission: 'households:read' },
      schema: {
        tags: ['households'],
        summary: '帮扶责任人工作量',
        querystring: RegionFilter,
        response: { 200: z.object({ since: z.string(), items: z.array(Workload) }), ...problemReplies },
      },
      handler: (req) => coverage.workload(requireActor(req), req.query.regionCode),
    });
  };
}
