import { todayInShanghai } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate, problemReplies, regionCode } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { Network, NetworkQuery } from './network.ts';
import { Overview } from './stats.schemas.ts';
import type { StatsService } from './stats.service.ts';

export function statsRoutes(service: StatsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/stats/network', {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: '联建网络：单位—临时党组织—党员，因需联入；扁平化（跳数与天数）',
        querystring: NetworkQuery,
        response: { 200: Network, ...problemReplies },
      },
      handler: (req) => service.network(requireActor(req), req.query),
    });
    app.get('/stats/overview', {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: '总览数据（按范围，可按日期回溯）',
        querystring: z.strictObject({ asOf: isoDate.optional(), regionCode: regionCode.optional() }),
        response: { 200: Overview, ...problemReplies },
      },
      handler: (req) => service.overview(requireActor(req), req.query.asOf ?? todayInShanghai(), req.query.regionCode),
    });
  };
}
