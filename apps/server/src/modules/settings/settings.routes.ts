import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { isoDate, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import type { CoverageService } from '../households/coverage.service.ts';
import { Gap, RegionFilter, Rule, Rules, Settings, SettingsUpdate, Workload, year } from './settings.schemas.ts';
import type { SettingsService } from './settings.service.ts';

const tags = ['settings'];

export function settingsRoutes(settings: SettingsService, coverage: CoverageService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/settings', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '本县当年的贫困线、监测线、公示天数等',
        querystring: z.strictObject({ year }),
        response: { 200: Settings, ...problemReplies },
      },
      handler: (req) => settings.get(requireActor(req), req.query.year),
    });
    app.put('/settings', {
      config: { permission: 'settings:write' },
      schema: {
        tags,
        summary: '设定本县某年的阈值（留痕）',
        querystring: z.strictObject({ year }),
        body: SettingsUpdate,
        response: { 200: Settings, ...problemReplies },
      },
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
          .refine((b) => new Set(b.rules.map((r) => r.condition)).size === b.rules.length, {
            message: '每种情形只能有一条规则',
            path: ['rules'],
          }),
        response: { 200: Rules, ...problemReplies },
      },
      handler: (req) => coverage.put(requireActor(req), req.body.rules),
    });
    app.get('/coverage-gaps', {
      config: { permission: 'households:read' },
      schema: {
        tags: ['households'],
        summary: '帮扶缺口：某日缺主帮扶责任人或违反覆盖规则的农户（按当日在帮的帮扶关系计算）',
        description:
          'A summary per condition: its count and the first households by name; all of them page in the register (`/households?gap=`).',
        querystring: RegionFilter.extend({ asOf: isoDate.optional().describe('The day (default today)') }),
        response: {
          200: z.object({
            asOf: z.string(),
            households: z.number().int().describe('Households with any gap (each counted once)'),
            conditions: z.array(Gap),
          }),
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
        querystring: RegionFilter.extend(pageQuery),
        response: { 200: page(Workload).extend({ since: z.string() }), ...problemReplies },
      },
      handler: (req) => coverage.workload(requireActor(req), req.query),
    });
  };
}
