import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { deadlineNotBefore, factDay } from '../../lib/step-dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ItemService } from '../items/items.service.ts';
import type { DisputeOutcome, FollowUp, MediationSession, OpenDispute } from './disputes.schemas.ts';

/** Dispute mediation (矛盾纠纷调解): parties, claims, sessions with mediators, outcome and a follow-up check. */
export class DisputeService {
  constructor(
    private readonly db: Db,
    private readonly items: ItemService,
  ) {}

  private async writable(actor: Actor, itemId: string) {
    const { row, facts } = await this.items.access(actor, itemId);
    if (row.kind !== 'dispute') throw conflict('not_a_dispute', '该事项不是矛盾纠纷');
    if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
    if (row.status === 'closed') throw conflict('item_closed', '事项已销号');
    if (actor.role !== 'county_admin' && actor.role !== 'township_admin' && actor.role !== 'org_secretary' && actor.role !== 'member') throw forbidden('permission_denied', '无权记录调解');
    return row;
  }

  async get(actor: Actor, itemId: string) {
    await this.items.access(actor, itemId);
    const d = await this.db.selectFrom('disputes').selectAll().where('item_id', '=', itemId).executeTakeFirst();
    if (!d) throw notFound('纠纷记录');
    const sessions = await this.db
      .selectFrom('mediation_sessions')
      .selectAll()
      .where('item_id', '=', itemId)
      .orderBy('held_on')
      .orderBy('created_at')
      .execute();
    const mediators = sessions.length
      ? await this.db
          .selectFrom('mediation_mediators as mm')
          .innerJoin('members as p', 'p.id', 'mm.member_id')
          .select(['mm.session_id', 'p.name'])
          .where('mm.session_id', 'in', sessions.map((s) => s.id))
          .execute()
      : [];
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
    };
  }

  /** Records the parties and their claims of a dispute item. */
  async open(actor: Actor, itemId: string, input: z.infer<typeof OpenDispute>) {
    const item = await this.writable(actor, itemId);
    deadlineNotBefore(input.followUpDueOn, 'body.followUpDueOn', '回访期限', { on: item.listed_on, what: '清单日期' });
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('disputes').select('item_id').where('item_id', '=', itemId).executeTakeFirst();
      if (existing) throw conflict('dispute_exists', '已登记纠纷当事人和诉求');
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
      await tx.insertInto('disputes').values(row).execute();
      await recordAudit(tx, actor, { action: 'dispute.open', entityType: 'item', entityId: itemId, after: row });
    });
  }

  /** One mediation session with its mediators. */
  async addSession(actor: Actor, itemId: string, input: z.infer<typeof MediationSession>) {
    const item = await this.writable(actor, itemId);
    factDay(input.heldOn, 'body.heldOn', '调解日期', { on: item.listed_on, what: '清单日期' });
    await this.db.transaction().execute(async (tx) => {
      const d = await tx.selectFrom('disputes').select('outcome').where('item_id', '=', itemId).executeTakeFirst();
      if (!d) throw conflict('dispute_missing', '请先登记当事人和诉求');
      for (const m of input.mediatorIds) {
        const found = await tx.selectFrom('members').select('id').where('id', '=', m).executeTakeFirst();
        if (!found) throw invalid('调解人不存在', [{ path: 'body.mediatorIds', message: m }]);
      }
      const now = nowIso();
      const session = { id: newId(), item_id: itemId, held_on: input.heldOn, place: input.place ?? null, notes: input.notes, created_by: actor.userId, created_at: now };
      await tx.insertInto('mediation_sessions').values(session).execute();
      for (const m of new Set(input.mediatorIds)) await tx.insertInto('mediation_mediators').values({ session_id: session.id, member_id: m }).execute();
      await tx
        .insertInto('item_events')
        .values({ id: newId(), item_id: itemId, at: now, user_id: actor.userId, actor_label: actor.displayName, kind: 'progress', text: `调解（${input.heldOn}）：${input.notes}`, public: 0, from_status: null, to_status: null })
        .execute();
      await recordAudit(tx, actor, { action: 'dispute.session', entityType: 'item', entityId: itemId, after: { ...session, mediatorIds: input.mediatorIds } });
    });
  }

  /** The outcome: agreement, failed, or referred to the judicial office or the court. */
  async setOutcome(actor: Actor, itemId: string, input: z.infer<typeof DisputeOutcome>) {
    const item = await this.writable(actor, itemId);
    await this.db.transaction().execute(async (tx) => {
      const d = await tx.selectFrom('disputes').selectAll().where('item_id', '=', itemId).executeTakeFirst();
      if (!d) throw conflict('dispute_missing', '请先登记当事人和诉求');
      const sessions = await tx.selectFrom('mediation_sessions').select(['id', 'held_on']).where('item_id', '=', itemId).execute();
      const lastSession = sessions.reduce<string | null>((a, x) => (a === null || x.held_on > a ? x.held_on : a), null);
      factDay(input.outcomeOn, 'body.outcomeOn', '调解结果日期', lastSession ? { on: lastSession, what: '最近一次调解日期' } : { on: item.listed_on, what: '清单日期' });
      deadlineNotBefore(input.followUpDueOn, 'body.followUpDueOn', '回访期限', { on: input.outcomeOn, what: '调解结果日期' });
      if (input.outcome !== 'referred_court' && input.outcome !== 'referred_judicial' && sessions.length === 0) {
        throw conflict('no_mediation_session', '尚无调解记录，不能记录调解结果');
      }
      const now = nowIso();
      const r = await tx
        .updateTable('disputes')
        .set({ outcome: input.outcome, outcome_note: input.note, outcome_on: input.outcomeOn, follow_up_due_on: input.followUpDueOn ?? d.follow_up_due_on, version: d.version + 1, updated_at: now })
        .where('item_id', '=', itemId)
        .where('version', '=', d.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, { action: 'dispute.outcome', entityType: 'item', entityId: itemId, before: { outcome: d.outcome }, after: input });
    });
  }

  /** The follow-up check after the outcome: does the agreement hold? */
  async followUp(actor: Actor, itemId: string, input: z.infer<typeof FollowUp>) {
    const { facts } = await this.items.access(actor, itemId);
    if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
    await this.db.transaction().execute(async (tx) => {
      const d = await tx.selectFrom('disputes').selectAll().where('item_id', '=', itemId).executeTakeFirst();
      if (!d?.outcome) throw conflict('dispute_outcome_missing', '须先有调解结果，才能回访');
      factDay(input.checkedOn, 'body.checkedOn', '回访日期', { on: d.outcome_on, what: '调解结果日期' });
      const r = await tx
        .updateTable('disputes')
        .set({ follow_up_on: input.checkedOn, follow_up_result: input.result, version: d.version + 1, updated_at: nowIso() })
        .where('item_id', '=', itemId)
        .where('version', '=', d.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, { action: 'dispute.follow_up', entityType: 'item', entityId: itemId, after: input });
    });
  }
}
