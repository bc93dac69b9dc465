import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { PublicRegionQuery, RegionList, RegionQuery } from './regions.schemas.ts';
import type { RegionService } from './regions.service.ts';

export function regionRoutes(service: RegionService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/regions', {
      config: { permission: 'regions:read' },
      schema: {
        tags: ['regions'],
        summary: '行政区划（县—乡镇—村），按代码分页',
        querystring: RegionQuery,
        response: { 200: RegionList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });

    app.get('/public/regions', {
      config: { permission: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众页面：乡镇和村（社区），按代码分页',
        querystring: PublicRegionQuery,
        response: { 200: RegionList, ...problemReplies },
      },
      handler: (req) => service.publicList(req.query),
    });
  };
}
