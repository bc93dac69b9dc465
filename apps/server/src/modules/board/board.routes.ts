import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemReplies } from '../../lib/schemas.ts';
import { BoardParams, VillageBoard } from './board.schemas.ts';
import type { BoardService } from './board.service.ts';

export function boardRoutes(service: BoardService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/public/villages/:code/board', {
      config: { permission: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '村务公开栏（无需账号）：退出公示、监测公示、问题清单',
        params: BoardParams,
        response: { 200: VillageBoard, ...problemReplies },
      },
      handler: (req) => service.village(req.params.code),
    });
  };
}
