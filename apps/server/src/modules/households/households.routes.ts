import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_BODY_LIMIT } from '../../lib/photos.ts';
import { noContent, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import {
  AddHelper,
  BulkAddHelper,
  CreateHousehold,
  EndHelper,
  HouseholdDetail,
  HouseholdList,
  HouseholdListQuery,
  HouseholdSearch,
  Unmask,
} from './households.schemas.ts';
import type { HouseholdService } from './households.service.ts';
import { Acknowledge, Measure, NewMeasure, NewVisit, Visit } from './assistance.schemas.ts';
import type { AssistanceService } from './assistance.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const tags = ['households'];

export function householdRoutes(service: HouseholdService, assistance: AssistanceService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/households', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '建档立卡户',
        querystring: HouseholdListQuery,
        response: { 200: HouseholdList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    // A search by ID number is a POST: the number stays in the body, out of URLs and the access logs that keep them.
    // Reads sent as POST ignore Idempotency-Key: a repeat changes nothing and answers with the register as it is now.
    app.post('/households/search', {
      config: { permission: 'households:read', idempotency: false },
      schema: {
        tags,
        summary: '检索建档立卡户（可按身份证号；条件在请求体中，不进网址和日志）',
        body: HouseholdSearch,
        response: { 200: HouseholdList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.body),
    });
    app.post('/households', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '建档立卡登记',
        body: CreateHousehold,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });
    app.get('/households/:id', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '农户详情（敏感信息脱敏）',
        params: IdParams,
        response: { 200: HouseholdDetail, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/households/:id/unmask', {
      config: { permission: 'households:unmask', idempotency: false },
      schema: {
        tags,
        summary: '查看完整身份证号、电话和健康状况（须说明理由，留痕）',
        params: IdParams,
        body: Unmask,
        response: { 200: HouseholdDetail, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id, { reason: req.body.reason }),
    });
    app.post('/households/:id/helpers', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '安排帮扶责任人或叠加帮扶',
        params: IdParams,
        body: AddHelper,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.addHelper(requireActor(req), req.params.id, req.body) }),
    });
    app.post('/households/helpers', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '批量安排帮扶人（同一帮扶人，多户一次办理，全部成功或全部不办）',
        body: BulkAddHelper,
        response: { 201: z.object({ ids: z.array(z.string()) }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ ids: await service.addHelperToMany(requireActor(req), req.body) }),
    });
    app.get('/households/:id/visits', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '走访记录',
        params: IdParams,
        response: { 200: z.object({ items: z.array(Visit) }), ...problemReplies },
      },
      handler: (req) => assistance.visits(requireActor(req), req.params.id),
    });
    app.post('/households/:id/visits', {
      bodyLimit: PHOTO_BODY_LIMIT,
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '记录走访（发现的问题转为群众反映）',
        params: IdParams,
        body: NewVisit,
        response: { 201: z.object({ id: z.string(), reportId: z.string().nullable() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await assistance.addVisit(requireActor(req), req.params.id, req.body)),
    });
    app.get('/households/:id/measures', {
      config: { permission: 'households:read' },
      schema: {
        tags,
        summary: '帮扶措施',
        params: IdParams,
        response: { 200: z.object({ items: z.array(Measure) }), ...problemReplies },
      },
      handler: (req) => assistance.measures(requireActor(req), req.params.id),
    });
    app.post('/households/:id/measures', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '登记帮扶措施',
        params: IdParams,
        body: NewMeasure,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await assistance.addMeasure(requireActor(req), req.params.id, req.body) }),
    });
    app.post('/households/:id/measures/:measureId/acknowledge', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '农户确认帮扶措施',
        params: z.object({ id: z.string().uuid(), measureId: z.string().uuid() }),
        body: Acknowledge,
        response: noContent,
      },
      handler: async (req, reply) => {
        await assistance.acknowledge(requireActor(req), req.params.id, req.params.measureId, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/households/:id/helpers/:helperId/end', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '结束帮扶',
        params: z.object({ id: z.string().uuid(), helperId: z.string().uuid() }),
        body: EndHelper,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.endHelper(requireActor(req), req.params.id, req.params.helperId, req.body);
        return reply.code(204).send();
      },
    });
  };
}
