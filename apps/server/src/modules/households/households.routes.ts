import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { AddHelper, CreateHousehold, EndHelper, HouseholdDetail, HouseholdList, HouseholdListQuery, Unmask } from './households.schemas.ts';
import type { HouseholdService } from './households.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const tags = ['households'];

export function householdRoutes(service: HouseholdService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/households', {
      config: { permission: 'households:read' },
      schema: { tags, summary: '建档立卡户', querystring: HouseholdListQuery, response: { 200: HouseholdList, ...problemReplies } },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.post('/households', {
      config: { permission: 'households:write' },
      schema: { tags, summary: '建档立卡登记', body: CreateHousehold, response: { 201: z.object({ id: z.string() }), ...problemReplies } },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });
    app.get('/households/:id', {
      config: { permission: 'households:read' },
      schema: { tags, summary: '农户详情（敏感信息脱敏）', params: IdParams, response: { 200: HouseholdDetail, ...problemReplies } },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/households/:id/unmask', {
      config: { permission: 'households:unmask' },
      schema: { tags, summary: '查看完整身份证号、电话和健康状况（须说明理由，留痕）', params: IdParams, body: Unmask, response: { 200: HouseholdDetail, ...problemReplies } },
      handler: (req) => service.get(requireActor(req), req.params.id, { reason: req.body.reason }),
    });
    app.post('/households/:id/helpers', {
      config: { permission: 'households:write' },
      schema: { tags, summary: '安排帮扶责任人或叠加帮扶', params: IdParams, body: AddHelper, response: { 201: z.object({ id: z.string() }), ...problemReplies } },
      handler: async (req, reply) => reply.code(201).send({ id: await service.addHelper(requireActor(req), req.params.id, req.body) }),
    });
    app.post('/households/:id/helpers/:helperId/end', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '结束帮扶',
        params: z.object({ id: z.string().uuid(), helperId: z.string().uuid() }),
        body: EndHelper,
        response: { 204: z.undefined(), ...problemReplies },
      },
      handler: async (req, reply) => {
        await service.endHelper(requireActor(req), req.params.id, req.params.helperId, req.body);
        return reply.code(204).send();
      },
    });
  };
}
