import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { Candidate, MonitoringCase, MonitoringTransition, NewMonitoringCase } from './monitoring.schemas.ts';
import type { MonitoringService } from './monitoring.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const tags = ['monitoring'];

export function monitoringRoutes(service: MonitoringService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/monitoring-cases', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '防返贫监测对象',
        querystring: z.strictObject({ householdId: z.string().uuid().optional(), ...pageQuery }),
        response: { 200: page(MonitoringCase), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/monitoring-cases/:id', {
      config: { permission: 'households:read' },
      schema: { tags, summary: '监测对象详情', params: IdParams, response: { 200: MonitoringCase, ...problemReplies } },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.get('/monitoring-candidates', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '预警：收入低于当年监测线、或走访发现新发重病、受灾、大额刚性支出的农户',
        querystring: z.strictObject({ year: z.coerce.number().int().min(2015).max(2100), ...pageQuery }),
        response: { 200: page(Candidate), ...problemReplies },
      },
      handler: (req) => service.candidates(requireActor(req), req.query),
    });
    app.post('/monitoring-cases', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '识别监测对象',
        body: NewMonitoringCase,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.identify(requireActor(req), req.body) }),
    });
    app.post('/monitoring-cases/:id/transitions', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '监测程序流转（评议公示、审核、确定、风险消除、回退）',
        params: IdParams,
        body: MonitoringTransition,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.transition(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
