import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { AuditEvent, AuditQuery, ChainReportView } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(service: AuditService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit-events', {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: '审计记录（最新在前）',
        querystring: AuditQuery,
        response: { 200: page(AuditEvent), ...problemReplies },
      },
      handler: (req) => service.trail(requireActor(req), req.query),
    });
    app.get('/audit/verify', {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: '校验审计哈希链', response: { 200: ChainReportView, ...problemReplies } },
      handler: (req) => service.verify(requireActor(req)),
    });
  };
}
