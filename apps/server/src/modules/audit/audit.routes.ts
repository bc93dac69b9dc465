import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { auditView } from './audit.view.ts';
import { afterCursor, decodeCursor, pageOf, pageQuery } from '../../lib/paging.ts';
import { isoDate, page, problemReplies } from '../../lib/schemas.ts';
import { addDays } from '@lianjian/shared';
import { verifyAuditChain } from './audit.service.ts';
import { startsWith } from '../../lib/like.ts';

const AuditEvent = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    at: z.string(),
    userId: z.string().nullable(),
    username: z.string().nullable().describe('Who acted (their account name), or null for the system'),
    requestId: z.string().nullable().describe("The server's id of the request"),
    clientRequestId: z
      .string()
      .nullable()
      .describe('The X-Request-Id the client sent, if any: its own label, never trusted as the request id'),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export function auditRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit-events', {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: '审计记录（最新在前）',
        querystring: z.strictObject({
          ...pageQuery,
          entityId: z.string().max(64).optional(),
          entityType: z.string().max(40).optional(),
          action: z.string().max(64).optional().describe('An action, or a family of them ending in `.` (`auth.`)'),
          username: z.string().trim().max(64).optional(),
          from: isoDate.optional().describe('First Shanghai day'),
          to: isoDate.optional().describe('Last Shanghai day'),
        }),
        response: { 200: page(AuditEvent), ...problemReplies },
      },
      handler: async (req) => {
        const q = req.query;
        // Days are Shanghai days; the trail stores UTC instants.
        const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
        const filtered = () => {
          let b = db.selectFrom('audit_events').leftJoin('users as u', 'u.id', 'audit_events.user_id');
          if (q.entityId) b = b.where('entity_id', '=', q.entityId);
          if (q.entityType) b = b.where('entity_type', '=', q.entityType);
          if (q.action)
            b = q.action.endsWith('.') ? b.where(startsWith('action', q.action)) : b.where('action', '=', q.action);
          if (q.username) b = b.where('u.username', '=', q.username);
          if (q.from) b = b.where('at', '>=', startOf(q.from));
          if (q.to) b = b.where('at', '<', startOf(addDays(q.to, 1)));
          return b;
        };
        let rows = filtered().selectAll('audit_events').select('u.username');
        const cursor = decodeCursor(q.cursor);
        if (cursor) rows = rows.where(afterCursor('audit_events.seq', 'audit_events.id', cursor, 'desc'));
        const list = await rows
          .orderBy('audit_events.seq', 'desc')
          .limit(q.limit + 1)
          .execute();
        const total = await filtered()
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const p = pageOf(list, q.limit, Number(total.n), (r) => r.seq);
        return {
          ...p,
          items: p.items.map((r) => ({
            id: r.id,
            seq: Number(r.seq),
            at: r.at,
            userId: r.user_id,
            username: r.username ?? null,
            requestId: r.request_id,
            clientRequestId: r.client_request_id ?? null,
            action: r.action,
            entityType: r.entity_type,
            entityId: r.entity_id,
            before: r.before_json ? auditView(JSON.parse(r.before_json)) : null,
            after: r.after_json ? auditView(JSON.parse(r.after_json)) : null,
            hash: r.hash,
          })),
        };
      },
    });
    app.get('/audit/verify', {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: '校验审计哈希链',
        response: {
          200: z.object({
            ok: z.boolean(),
            count: z.number().int(),
            brokenAt: z.number().int().nullable(),
            reason: z
              .enum(['link', 'missing', 'head', 'unsealed'])
              .nullable()
              .describe(
                "link: an event does not follow; missing: events are gone; head: the head disagrees or its seal is not the key's; unsealed: not yet sealed under the key",
              ),
          }),
          ...problemReplies,
        },
      },
      handler: () => verifyAuditChain(db),
    });
  };
}
