import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import { deadlineNotBefore, factDay } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { ItemService } from '../items/items.service.ts';
import * as policy from './disputes.policy.ts';
import * as repo from './disputes.repository.ts';
import type { DisputeOutcome, FollowUp, MediationSession, OpenDispute } from './disputes.schemas.ts';

/** Dispute mediation (矛盾纠纷调解): parties, claims, sessions with mediators, outcome and a follow-up check. */
export class DisputeService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly items: ItemService,
  ) {}

  /** The item in the caller's scope (404 otherwise), its dispute, and the facts the policy reads. */
  private async load(actor: Actor, itemId: string, db: Executor = this.db) {
    const { row, facts } = await this.items.access(actor, itemId, db);
    const dispute = await repo.disputeOf(db, itemId);
    const f: policy.DisputeFacts = {
      isDispute: row.kind === 'dispute',
      frozen: facts.frozen,
      itemStatus: row.status,
      registered: dispute !== undefined,
      hasOutcome: Boolean(dispute?.outcome),
      followedUp: Boolean(dispute?.follow_up_on),
    };
    return { item: row, dispute, f };
  }

  /** Refuses a record of mediation with the reason the caller can act on. */
  private assertRecord(actor: Actor, f: policy.DisputeFacts) {
    if (!f.isDispute) throw conflict('not_a_dispute', '该事项不是矛盾纠纷');
    assertLive(f);
    if (f.itemStatus === 'closed') throw conflict('item_closed', '事项已销号');
    if (!policy.canRecord(actor, f)) throw forbidden('permission_denied', '无权记录调解');
  }

  async get(actor: Actor, itemId: string) {
    const { dispute: d, f } = await this.load(actor, itemId);
    if (!d) throw notFound('纠纷记录');
    const sessions = await repo.sessionsOf(this.db, itemId);
    const mediators = await repo.mediatorNames(
      this.db,
      sessions.map((s) => s.id),
    );
    return {
      itemId,
      parties: JSON.parse(d.parties_json) as { name: string; role?: string }[],
      claims: d.claims,
      outcome: d.outcome,
      outcomeNote: d.outcome_note,
      outcomeOn: d.outcome_on,
      followUpDueOn: d.follow_up_due_on,
      followUpOn: d.follow_up_on,
      followUpResult: d.follow_up_result,
      sessions: sessions.map((s) => ({
        id: s.id,
        heldOn: s.held_on,
        place: s.place,
        notes: s.notes,
        mediators: mediators.filter((m) => m.session_id === s.id).map((m) => m.name),
      })),
      abilities: policy.abilities(actor, f),
    };
  }

  /** Records the parties and their claims of a dispute item. */
  async open(actor: Actor, itemId: string, input: z.infer<typeof OpenDispute>) {
    await this.db.transaction().execute(async (tx) => {
      const { item, f } = await this.load(actor, itemId, tx);
      this.assertRecord(actor, f);
      deadlineNotBefore(input.followUpDueOn, 'body.followUpDueOn', '回访期限', {
        on: item.listed_on,
        what: '清单日期',
      });
      if (f.registered) throw conflict('dispute_exists', '已登记纠纷当事人和诉求');
      const now = nowIso();
      const row = {
        item_id: itemId,
        parties_json: JSON.stringify(input.parties),
        claims: input.claims,
        outcome: null,
        outcome_note: null,
        outcome_on: null,
        follow_up_due_on: input.followUpDueOn ?? null,
        follow_up_on: null,
        follow_up_result: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      if (!(await repo.insertDispute(tx, row))) throw conflict('dispute_exists', '已登记纠纷当事人和诉求');
      await this.audit.record(tx, actor, { action: 'dispute.open', entityType: 'item', entityId: itemId, after: row });
    });
  }

  /** One mediation session with its mediators. */
  async addSession(actor: Actor, itemId: string, input: z.infer<typeof MediationSession>) {
    await this.db.transaction().execute(async (tx) => {
      const { item, f } = await this.load(actor, itemId, tx);
      this.assertRecord(actor, f);
      factDay(input.heldOn, 'body.heldOn', '调解日期', { on: item.listed_on, what: '清单日期' });
      if (!f.registered) throw conflict('dispute_missing', '请先登记当事人和诉求');
      const known = await repo.existingMembers(tx, input.mediatorIds);
      const unknown = input.mediatorIds.find((m) => !known.has(m));
      if (unknown) throw invalid('调解人不存在', [{ path: 'body.mediatorIds', message: unknown }]);
      const now = nowIso();
      const session = {
        id: newId(),
        item_id: itemId,
        held_on: input.heldOn,
        place: input.place ?? null,
        notes: input.notes,
        created_by: actor.userId,
        created_at: now,
      };
      await repo.insertSession(tx, session, input.mediatorIds, {
        id: newId(),
        item_id: itemId,
        at: now,
        user_id: actor.userId,
        actor_label: actor.displayName,
        kind: 'progress',
        text: `调解（${input.heldOn}）：${input.notes}`,
        public: 0,
        from_status: null,
        to_status: null,
      });
      await this.audit.record(tx, actor, {
        action: 'dispute.session',
        entityType: 'item',
        entityId: itemId,
        after: { ...session, mediatorIds: input.mediatorIds },
      });
    });
  }

  /** The outcome: agreement, failed, or referred to the judicial office or the court. */
  async setOutcome(actor: Actor, itemId: string, input: z.infer<typeof DisputeOutcome>) {
    await this.db.transaction().execute(async (tx) => {
      const { item, dispute: d, f } = await this.load(actor, itemId, tx);
      this.assertRecord(actor, f);
      if (!d) throw conflict('dispute_missing', '请先登记当事人和诉求');
      const lastSession = await repo.lastSessionOn(tx, itemId);
      factDay(
        input.outcomeOn,
        'body.outcomeOn',
        '调解结果日期',
        lastSession ? { on: lastSession, what: '最近一次调解日期' } : { on: item.listed_on, what: '清单日期' },
      );
      deadlineNotBefore(input.followUpDueOn, 'body.followUpDueOn', '回访期限', {
        on: input.outcomeOn,
        what: '调解结果日期',
      });
      if (input.outcome !== 'referred_court' && input.outcome !== 'referred_judicial' && lastSession === null) {
        throw conflict('no_mediation_session', '尚无调解记录，不能记录调解结果');
      }
      const set = {
        outcome: input.outcome,
        outcome_note: input.note,
        outcome_on: input.outcomeOn,
        follow_up_due_on: input.followUpDueOn ?? d.follow_up_due_on,
        updated_at: nowIso(),
      };
      if (!(await repo.updateDispute(tx, itemId, d.version, set))) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'dispute.outcome',
        entityType: 'item',
        entityId: itemId,
        before: { outcome: d.outcome },
        after: input,
      });
    });
  }

  /** The follow-up check after the outcome: does the agreement hold? */
  async followUp(actor: Actor, itemId: string, input: z.infer<typeof FollowUp>) {
    await this.db.transaction().execute(async (tx) => {
      const { dispute: d, f } = await this.load(actor, itemId, tx);
      assertLive(f);
      if (!d?.outcome) throw conflict('dispute_outcome_missing', '须先有调解结果，才能回访');
      if (!policy.canFollowUp(actor, f)) throw forbidden('permission_denied', '无权记录回访');
      factDay(input.checkedOn, 'body.checkedOn', '回访日期', { on: d.outcome_on, what: '调解结果日期' });
      if (
        !(await repo.updateDispute(tx, itemId, d.version, {
          follow_up_on: input.checkedOn,
          follow_up_result: input.result,
          updated_at: nowIso(),
        }))
      )
        throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'dispute.follow_up',
        entityType: 'item',
        entityId: itemId,
        after: input,
      });
    });
  }
}
