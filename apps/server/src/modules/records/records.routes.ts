import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { id, noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { AcknowledgeFeedback, Feedback, FeedbackQuery, MemberRecord, NewFeedback } from './records.schemas.ts';
import type { RecordService } from './records.service.ts';

const tags = ['members'];

export function recordRoutes(service: RecordService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/members/:id/record', {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: '党员履职纪实（跨所有临时党组织）',
        params: z.object({ id }),
        response: { 200: MemberRecord, ...problemReplies },
      },
      handler: (req) => service.record(requireActor(req), req.params.id),
    });
    app.get('/feedback-to-home', {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: '向党员所在党组织的反馈（收到的或发出的）',
        querystring: FeedbackQuery,
        response: { 200: page(Feedback), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.post('/feedback-to-home', {
      config: { permission: 'feedback:write' },
      schema: {
        tags,
        summary: '临时党组织向党员所在党组织反馈表现（不评定、不处分）',
        body: NewFeedback,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.send(requireActor(req), req.body) }),
    });
    app.post('/feedback-to-home/:id/acknowledge', {
      config: { permission: 'feedback:acknowledge' },
      schema: {
        tags,
        summary: '所在党组织签收反馈',
        params: z.object({ id }),
        body: AcknowledgeFeedback,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.acknowledge(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
