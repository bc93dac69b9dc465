import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { Dispute, DisputeOutcome, FollowUp, MediationSession, OpenDispute } from './disputes.schemas.ts';
import type { DisputeService } from './disputes.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const tags = ['disputes'];

export function disputeRoutes(service: DisputeService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/items/:id/dispute', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '矛盾纠纷：当事人、诉求、调解、结果与回访',
        params: IdParams,
        response: { 200: Dispute, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/items/:id/dispute', {
      config: { permission: 'items:write' },
      schema: { tags, summary: '登记纠纷当事人和诉求', params: IdParams, body: OpenDispute, response: noContent },
      handler: async (req, reply) => {
        await service.open(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/dispute/sessions', {
      config: { permission: 'items:write' },
      schema: { tags, summary: '记录一次调解', params: IdParams, body: MediationSession, response: noContent },
      handler: async (req, reply) => {
        await service.addSession(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/dispute/outcome', {
      config: { permission: 'items:write' },
      schema: { tags, summary: '记录调解结果', params: IdParams, body: DisputeOutcome, response: noContent },
      handler: async (req, reply) => {
        await service.setOutcome(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/dispute/follow-up', {
      config: { permission: 'items:write' },
      schema: { tags, summary: '回访', params: IdParams, body: FollowUp, response: noContent },
      handler: async (req, reply) => {
        await service.followUp(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
