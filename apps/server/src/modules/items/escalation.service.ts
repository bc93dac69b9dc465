import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { decodeCursor, encodeCursor, invalidCursor } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, versionConflict } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import { endRunningPause } from './deadlines.repository.ts';
import { accessItem } from './item-common.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type { Escalate, EscalationTargetQuery } from './items.schemas.ts';
import { notify } from './notifications.service.ts';

/**
 * An item the branch cannot solve goes straight to the county's special-task branch or general branch that holds the
 * resources (DOMAIN §8, 直接上交); both sides see it, and the leaders of the receiving one are told.
 */
export class EscalationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * The caller's county's special-task branches and general branches, ranked by how many of their members have the
   * capability; paged by place in the ranking (it is worked out afresh for each page, and a county has tens of them).
   */
  async targets(actor: Actor, q: z.infer<typeof EscalationTargetQuery>) {
    const rows = await repo.escalationTargets(this.db, await countyOf(this.db, actor), q.skill);
    const after = decodeCursor(q.cursor);
    if (after && !(Number.isInteger(after.v) && Number(after.v) >= 0)) throw invalidCursor();
    // Where the last one of the page before now stands; if it has gone, where it stood.
    const from = after ? rows.findIndex((r) => r.id === after.id) + 1 || Number(after.v) + 1 : 0;
    const items = rows.slice(from, from + q.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        id: r.id,
        name: r.name,
        level: r.level,
        kind: r.kind,
        membersWithSkill: Number(r.n),
      })),
      nextCursor: last && from + q.limit < rows.length ? encodeCursor({ v: from + q.limit - 1, id: last.id }) : null,
      total: rows.length,
    };
  }

  /** Sends an item the branch cannot solve straight to the branch that holds the resources; both sides see it. */
  async escalate(actor: Actor, id: string, input: z.infer<typeof Escalate>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts, org } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!policy.canEscalate(actor, facts)) {
        if (row.escalated_to_org_id) throw conflict('already_escalated', '该事项已上交');
        throw forbidden('permission_denied', '无权上交该事项');
      }
      // Only to one of the targets the item's county offers, never its own organization.
      const [target] = await repo.escalationTargets(tx, org.region_code.slice(0, 6), undefined, input.toOrgId);
      if (!target || target.id === row.org_id) {
        throw invalid('只能直接上交县属专项支部或临时党总支', [
          { path: 'body.toOrgId', message: 'not an escalation target' },
        ]);
      }
      const now = nowIso();
      if (
        !(await repo.updateItem(tx, id, input.version, {
          escalated_to_org_id: target.id,
          escalated_at: now,
          escalation_reason: input.reason,
          updated_at: now,
        }))
      ) {
        throw versionConflict();
      }
      // Escalated elsewhere, the item is out of its branch's hands: a pause running ends with it.
      const pauseEnded = await endRunningPause(tx, id, { on: todayInShanghai(), at: now, by: actor.userId });
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'escalation',
        text: `直接上交${target.name}：${input.reason}`,
        public: true,
        at: now,
      });
      await notify(tx, await repo.leadersOf(tx, target.id, todayInShanghai()), {
        itemId: id,
        kind: 'escalated',
        text: `${row.org_name}上交：${row.problem}`,
        at: now,
      });
      await this.audit.record(tx, actor, {
        action: 'item.escalate',
        entityType: 'item',
        entityId: id,
        after: { toOrgId: target.id, reason: input.reason, ...(pauseEnded ? { pauseEnded } : {}) },
      });
    });
  }
}
