import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { forbidden } from '../../lib/problem.ts';
import * as policy from './audit.policy.ts';
import * as repo from './audit.repository.ts';
import type { AuditQuery } from './audit.schemas.ts';
import type { AuditTrail } from './audit.trail.ts';
import { auditView } from './audit.view.ts';

/** The audit administrator's reading of the trail: events in words (audit.view.ts), and the chain's verification. */
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  async trail(actor: Actor, q: z.infer<typeof AuditQuery>) {
    if (!policy.canReadTrail(actor)) throw forbidden('permission_denied', '无权查看审计记录');
    const { rows, total } = await repo.trailPage(this.db, q, q.limit, decodeCursor(q.cursor));
    const p = pageOf(rows, q.limit, total, (r) => r.seq);
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
  }

  verify(actor: Actor) {
    if (!policy.canReadTrail(actor)) throw forbidden('permission_denied', '无权校验审计记录');
    return this.audit.verify(this.db);
  }
}
