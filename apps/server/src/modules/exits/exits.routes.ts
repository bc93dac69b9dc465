import { EXIT_STATUSES } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { ExitApplication, ExitTransition, NewExitApplication, Objection } from './exits.schemas.ts';
import type { ExitService } from './exits.service.ts';

const IdParams = z.object({ id: z.string().uuid() });

const ExitNotice = z
  .object({
    villageCode: z.string(),
    villageName: z.string(),
    townshipName: z.string(),
    today: z.string(),
    items: z.array(
      z.object({
        no: z.number().int(),
        headName: z.string(),
        outcome: z.string(),
        noticeStartOn: z.string(),
        noticeEndsOn: z.string(),
        daysLeft: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ExitNotice' });
const tags = ['exits'];

export function exitRoutes(service: ExitService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/exit-applications', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '贫困退出申请',
        querystring: z.strictObject({
          householdId: z.string().uuid().optional(),
          status: z.enum(EXIT_STATUSES).optional(),
          regionCode: z
            .string()
            .regex(/^\d{6,12}$/)
            .optional(),
          ...pageQuery,
        }),
        response: { 200: page(ExitApplication), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/exit-notices/:villageCode', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '村内公示（可打印）：只列户主姓名和拟退出结果',
        params: z.object({ villageCode: z.string().regex(/^\d{12}$/) }),
        response: { 200: ExitNotice, ...problemReplies },
      },
      handler: (req) => service.notice(requireActor(req), req.params.villageCode),
    });
    app.get('/exit-applications/:id', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '贫困退出申请详情',
        params: IdParams,
        response: { 200: ExitApplication, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/exit-applications', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '农户申请或村提名退出',
        body: NewExitApplication,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.apply(requireActor(req), req.body) }),
    });
    app.post('/exit-applications/:id/transitions', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '退出程序：评议、核验、认可、公示、公告，或不予退出',
        params: IdParams,
        body: ExitTransition,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.transition(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/exit-applications/:id/objections', {
      config: { permission: 'households:write' },
      schema: { tags, summary: '登记公示异议（退回核验）', params: IdParams, body: Objection, response: noContent },
      handler: async (req, reply) => {
        await service.object(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
