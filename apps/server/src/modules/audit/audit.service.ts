import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { Problem, forbidden } from '../../lib/problem.ts';
import * as policy from './audit.policy.ts';
import * as repo from './audit.repository.ts';
import type { AuditQuery } from './audit.schemas.ts';
import type { AuditTrail } from './audit.trail.ts';
import { FIELD_REFERS, auditView, changesOf } from './audit.view.ts';

const NAMED = new Set<string>([
  'user',
  'temporary_org',
  'party_org',
  'unit',
  'problem_list',
  'item',
  'activity',
  'ledger',
  'assessment_scheme',
  'chain',
  'project',
  'county',
  'account_request',
  'membership',
] satisfies repo.NamedType[]);

/** A record's name as the viewer shows it. */
function nameOf(n: repo.NameRow): string {
  switch (n.type) {
    case 'user':
      return n.extra ? `${n.name}（${n.extra}）` : (n.name ?? '');
    case 'item':
      return `${n.name} #${n.extra}`;
    case 'problem_list':
      return `${n.name}（${n.extra}）`;
    case 'activity':
      return [n.name, n.extra, n.more].filter(Boolean).join(' ');
    case 'ledger':
      return `${n.name}${n.extra ? ` · ${n.extra}` : ''} v${n.more}`;
    case 'account_request':
      return n.name ? `${n.name}（${n.extra}）` : (n.extra ?? '');
    default:
      return n.name ?? '';
  }
}

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
    return { ...p, items: await this.inWords(actor, p.items) };
  }

  /**
   * Events as the viewer shows them: masked before and after (audit.view.ts), what changed field by field, and the
   * names of the records they name, read for the whole page in one query.
   */
  async inWords(actor: Actor, rows: Awaited<ReturnType<typeof repo.trailPage>>['rows']) {
    const viewed = rows.map((r) => {
      const rawBefore: unknown = r.before_json ? JSON.parse(r.before_json) : null;
      const rawAfter: unknown = r.after_json ? JSON.parse(r.after_json) : null;
      return { r, before: auditView(rawBefore), after: auditView(rawAfter), changes: changesOf(rawBefore, rawAfter) };
    });
    const wanted: Partial<Record<repo.NamedType, string[]>> = {};
    const want = (type: string, id: unknown) => {
      if (typeof id !== 'string' || !NAMED.has(type)) return;
      const key = type as repo.NamedType;
      wanted[key] ??= [];
      wanted[key].push(id);
    };
    for (const v of viewed) {
      want(v.r.entity_type, v.r.entity_id);
      for (const c of v.changes) {
        const type = FIELD_REFERS[c.field.split('.').at(-1) ?? ''];
        if (type) for (const value of [c.before, c.after]) want(type, value);
      }
    }
    const names = new Map<string, string>();
    for (const n of await repo.namesOf(this.db, wanted)) names.set(`${n.type}:${n.id}`, nameOf(n));
    return viewed.map(({ r, before, after, changes }) => {
      const mentioned: Record<string, string> = {};
      for (const c of changes) {
        const type = FIELD_REFERS[c.field.split('.').at(-1) ?? ''];
        for (const value of [c.before, c.after]) {
          const name = type && typeof value === 'string' ? names.get(`${type}:${value}`) : undefined;
          if (name && typeof value === 'string') mentioned[value] = name;
        }
      }
      return {
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
        entityName: names.get(`${r.entity_type}:${r.entity_id}`) ?? null,
        entityLink: policy.recordPage(actor, r.entity_type, r.entity_id),
        before,
        after,
        changes,
        names: mentioned,
        hash: r.hash,
      };
    });
  }

  /**
   * The trail for the audit administrator's export, in the viewer's words and with its masking: every event under the
   * filter, newest first, read a page at a time; more than `max` is refused before anything is read.
   */
  async exportRows(actor: Actor, f: repo.TrailFilter, max: number) {
    if (!policy.canReadTrail(actor)) throw forbidden('permission_denied', '无权导出审计记录');
    const out: Awaited<ReturnType<AuditService['inWords']>> = [];
    let cursor: string | undefined;
    do {
      const { rows, total } = await repo.trailPage(this.db, f, 500, decodeCursor(cursor));
      if (total > max)
        throw new Problem(
          413,
          'export_too_large',
          `符合条件的审计记录有 ${total} 条，超过 ${max} 条，请缩小时间段后导出`,
        );
      const p = pageOf(rows, 500, total, (r) => r.seq);
      out.push(...(await this.inWords(actor, p.items)));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  verify(actor: Actor) {
    if (!policy.canReadTrail(actor)) throw forbidden('permission_denied', '无权校验审计记录');
    return this.audit.verify(this.db);
  }
}
