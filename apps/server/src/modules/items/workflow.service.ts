import { followUpLater, messageReporters } from '../../lib/resident-messages.ts';
import { ITEM_TRANSITIONS, type ItemStatus, canTransition, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { ItemTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { dropFollowUps } from '../../lib/notices.ts';
import { maskNumbersInText } from '../../lib/mask.ts';
import { cleanPhotos, storePhotos } from '../../lib/photos.ts';
import { conflict, forbidden, invalid, versionConflict } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { insertMembership } from '../orgs/orgs.repository.ts';
import { endRunningPause } from './deadlines.repository.ts';
import { RESIDENT, RESIDENT_CHANNEL_TEXT, STATUS_TEXT, accessItem, reopenUntil } from './item-common.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type { AddEvent, ItemTransition, ResidentCall } from './items.schemas.ts';
import { notify } from './notifications.service.ts';

/** The resident's confirmation as recorded on the item: when, how, and for a call who recorded it. */
const residentWord = (
  now: string,
  recordedBy: string | null,
  opts: { residentChannel?: 'code' | 'phone' | 'call' | 'sms'; call?: { at: string; words: string } },
) => ({
  resident_confirmed_at: now,
  resident_confirm_channel: opts.residentChannel ?? 'code',
  resident_confirm_recorded_by: opts.residentChannel === 'call' ? recordedBy : null,
  resident_call_at: opts.call?.at ?? null,
  resident_words: opts.call?.words ?? null,
});
const NO_RESIDENT_WORD = {
  resident_confirmed_at: null,
  resident_confirm_channel: null,
  resident_confirm_recorded_by: null,
  resident_call_at: null,
  resident_words: null,
  // A rating is of an outcome: reopened, the outcome it rated is undone (the timeline keeps what was said).
  resident_rating: null,
  resident_comment: null,
  resident_rated_at: null,
};

type Who = { userId: string | null; label: string; requestId: string };

export interface ResidentFeedbackOptions {
  /** The caller's part of the same transaction: the reply the resident is answered with. */
  within?: (tx: Executor) => Promise<void>;
  /**
   * How the resident proved it is them: their own tracking code, with a one-time code to the phone on file, or by a
   * text reply from that phone to the message that asked.
   */
  channel: 'code' | 'phone' | 'sms';
  /** Spends the proof in this transaction (a second use of it finds it spent). */
  proof?: (tx: Executor) => Promise<void>;
  /** Who the resident is in the item's trail, when more than 群众 (a text reply: the phone, masked). */
  label?: string;
}

/**
 * An item's workflow (DOMAIN §8): progress entries, moving it on (nobody confirms their own work), and the resident's
 * word — by tracking code, by a code to the phone on file, by a text reply from that phone, or by a call back recorded
 * by someone else — and rating.
 */
export class ItemWorkflowService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** A progress entry (进展情况), public or internal. */
  async addEvent(actor: Actor, id: string, input: z.infer<typeof AddEvent>) {
    const cleaned = await cleanPhotos(input.photos);
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      // Said as it is: an entry written offline while the item was open arrives after it was closed out, and the
      // field queue shows the secretary this reason.
      if (facts.status === 'closed') throw conflict('item_closed', '事项已销号，不能再填写进展');
      if (!policy.canProgress(actor, facts)) throw forbidden('permission_denied', '无权为该事项填写进展');
      const event = {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'progress' as const,
        text: input.text,
        public: input.public,
        at: nowIso(),
      };
      await repo.insertEvent(tx, event);
      const photos = await storePhotos(tx, 'item_event', event.id, cleaned);
      await this.audit.record(tx, actor, {
        action: 'item.progress',
        entityType: 'item',
        entityId: id,
        after: { ...event, photos },
      });
    });
  }

  /** Moves an item through its workflow; nobody confirms their own work. */
  async transition(actor: Actor, id: string, input: z.infer<typeof ItemTransition>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!canTransition(ITEM_TRANSITIONS, row.status, input.to)) {
        throw conflict('illegal_transition', `事项不能从“${STATUS_TEXT[row.status]}”变为“${STATUS_TEXT[input.to]}”`);
      }
      if (!policy.allowedTransitions(actor, facts).includes(input.to)) {
        if (input.to === 'closed' && (facts.actorWorked || actor.userId === row.submitted_by)) {
          throw forbidden('cannot_confirm_own_work', '办理人不能确认自己的工作，须由他人验收销号');
        }
        throw forbidden('permission_denied', '无权变更该事项的状态');
      }
      if (input.to === 'closed' && !input.evidence) {
        throw invalid('销号须填写依据', [{ path: 'body.evidence', message: 'required' }]);
      }
      if (input.to === 'awaiting_confirmation' && row.kind === 'dispute' && !(await repo.disputeOutcome(tx, id)))
        throw conflict('dispute_outcome_missing', '矛盾纠纷须先记录调解结果（达成协议、调解不成或移交）');
      if (
        input.to === 'in_progress' &&
        (row.status === 'closed' || row.status === 'awaiting_confirmation') &&
        !input.reason
      ) {
        throw invalid('退回或重新打开须说明原因', [{ path: 'body.reason', message: 'required' }]);
      }
      await this.move(
        tx,
        { userId: actor.userId, label: actor.displayName, requestId: actor.requestId },
        row,
        input.to,
        input.version,
        {
          reason: input.reason,
          evidence: input.evidence,
        },
      );
    });
  }

  /** Applies a status change with its side effects; the caller has checked who may do it. */
  private async move(
    tx: Executor,
    who: Who,
    row: Pick<ItemTable, 'id' | 'status' | 'reopened_count' | 'list_id' | 'no' | 'problem'>,
    to: ItemStatus,
    version: number,
    opts: {
      reason?: string;
      evidence?: string;
      byResident?: boolean;
      residentChannel?: 'code' | 'phone' | 'call' | 'sms';
      call?: { at: string; words: string };
    },
  ) {
    const now = nowIso();
    const today = todayInShanghai();
    const reopening = to === 'in_progress' && (row.status === 'closed' || row.status === 'awaiting_confirmation');
    const patch: Partial<ItemTable> = { status: to, updated_at: now };
    if (to === 'awaiting_confirmation') patch.submitted_by = who.userId;
    if (to === 'closed') {
      patch.closed_at = now;
      // Closed by the resident's word: nobody on the staff closed it, even when a call back was recorded by one.
      patch.closed_by = opts.byResident ? null : who.userId;
      patch.close_evidence = opts.evidence ?? null;
      if (opts.byResident) Object.assign(patch, residentWord(now, who.userId, opts));
    }
    if (reopening) {
      patch.reopened_count = row.reopened_count + (row.status === 'closed' ? 1 : 0);
      patch.closed_at = null;
      patch.closed_by = null;
      Object.assign(patch, NO_RESIDENT_WORD);
    }
    if (!(await repo.updateItem(tx, row.id, version, patch))) throw versionConflict();
    // Handed in or closed, the item leaves the working states: a pause running ends with the move.
    const pauseEnded =
      to === 'awaiting_confirmation' || to === 'closed'
        ? await endRunningPause(tx, row.id, { on: today, at: now, by: who.userId })
        : null;
    const text = [STATUS_TEXT[to], opts.reason, opts.evidence ? `销号依据：${opts.evidence}` : undefined]
      .filter(Boolean)
      .join('；');
    await repo.insertEvent(tx, {
      id: newId(),
      itemId: row.id,
      userId: who.userId,
      actorLabel: who.label,
      kind: opts.byResident ? 'feedback' : 'transition',
      text,
      public: true,
      from: row.status,
      to,
      at: now,
    });
    if (to === 'closed') {
      // Those who assisted finish with the item; members linked by need for it leave the party group.
      await repo.endParticipants(tx, row.id, today);
      await repo.endLinkedMemberships(tx, row.id, today, `清单事项第${row.no}项已销号`, now);
    }
    if (reopening && row.status === 'closed') {
      // The members linked by need for this item left its party group when it closed: they come back with it.
      for (const l of await repo.endedLinks(tx, row.id)) {
        if (l.end_on === today) {
          await repo.reopenMembership(tx, l.membership_id, now);
          continue;
        }
        const id = newId();
        await insertMembership(tx, {
          id,
          org_id: l.org_id,
          member_id: l.member_id,
          role: 'member',
          start_on: today,
          end_on: null,
          end_reason: null,
          link_reason: l.link_reason,
          designated_by_party_org_id: null,
          designated_by_org_id: null,
          version: 1,
          created_at: now,
          updated_at: now,
        });
        await repo.relinkMember(tx, row.id, l.member_id, id);
      }
    }
    // The residents who reported it: asked to confirm or reopen when it is handed in as done (an item is closed only
    // after that, so its close asks nothing twice), asked again four weeks after it closed; a reopening or a
    // send-back withdraws what still waits.
    if (to === 'awaiting_confirmation') await messageReporters(tx, row.id, 'item_done', { no: String(row.no) }, now);
    if (to === 'closed') await followUpLater(tx, row.id, now);
    if (reopening) await dropFollowUps(tx, row.id, now);
    if (reopening) {
      await notify(tx, await repo.itemWorkerIds(tx, row.id), {
        itemId: row.id,
        kind: 'reopened',
        text: `事项被退回：${opts.reason ?? ''}`,
        at: now,
      });
    }
    await this.audit.record(
      tx,
      { userId: who.userId, requestId: who.requestId },
      {
        action: 'item.transition',
        entityType: 'item',
        entityId: row.id,
        before: { status: row.status },
        after: { status: to, ...opts, ...(pauseEnded ? { pauseEnded } : {}) },
      },
    );
  }

  /**
   * The resident's word on an item they reported: "solved" confirms it (closing it if it waits for
   * confirmation); "not solved" sends it back to work and counts a reopening.
   */
  async residentFeedback(
    itemId: string,
    solved: boolean,
    reason: string | undefined,
    requestId: string,
    opts: ResidentFeedbackOptions,
  ) {
    await this.db.transaction().execute((tx) => this.residentFeedbackIn(tx, itemId, solved, reason, requestId, opts));
  }

  /**
   * The resident's word inside the caller's transaction: the one path for every way a resident gives it (the tracking
   * code, a one-time code to the phone on file, a text reply from that phone), with the same rules — the item handed
   * in or closed, a reopening within the county's window, the organization live — and its audit row.
   */
  async residentFeedbackIn(
    tx: Executor,
    itemId: string,
    solved: boolean,
    reason: string | undefined,
    requestId: string,
    opts: ResidentFeedbackOptions,
  ) {
    await opts.proof?.(tx);
    const row = await repo.itemRow(tx, itemId);
    const org = await repo.itemOrg(tx, row.org_id);
    if (org.status === 'dissolved' && !row.handed_over_to_org_id) throw conflict('org_dissolved', '该组织已撤销');
    if (row.status !== 'awaiting_confirmation' && row.status !== 'closed') {
      throw conflict('feedback_not_open', '事项尚未办结，暂不能确认');
    }
    const who = { userId: null, label: opts.label ?? RESIDENT, requestId };
    // A closed item is reopened by the resident only within the county's window after it closed; then the
    // tracking code only rates and comments (DOMAIN §9a).
    if (!solved && row.status === 'closed') {
      const until = await reopenUntil(tx, row.closed_at, row.region_code ?? org.region_code);
      if (until !== null && todayInShanghai() > until) {
        throw conflict(
          'reopen_window_over',
          `事项已于 ${until} 前结束可重新打开的期限，可以评价和留言，如有新问题请重新反映`,
        );
      }
    }
    await this.applyResidentWord(tx, who, row, solved, reason, { residentChannel: opts.channel });
    await opts.within?.(tx);
  }

  /** "Solved" closes an item that waits for it (or confirms a closed one); "not solved" sends it back to work. */
  private async applyResidentWord(
    tx: Executor,
    who: Who,
    row: ItemTable,
    solved: boolean,
    reason: string | undefined,
    how: { residentChannel: 'code' | 'phone' | 'call' | 'sms'; call?: { at: string; words: string } },
  ) {
    const evidence = RESIDENT_CHANNEL_TEXT[how.residentChannel];
    if (solved) {
      if (row.status === 'awaiting_confirmation') {
        await this.move(tx, who, row, 'closed', row.version, { evidence, byResident: true, ...how });
      } else {
        const now = nowIso();
        if (!(await repo.updateItem(tx, row.id, row.version, residentWord(now, who.userId, how))))
          throw versionConflict();
        await repo.insertEvent(tx, {
          id: newId(),
          itemId: row.id,
          userId: who.userId,
          actorLabel: who.label,
          kind: 'feedback',
          text: `${evidence}已解决`,
          public: true,
          at: now,
        });
        await this.audit.record(
          tx,
          { userId: who.userId, requestId: who.requestId },
          { action: 'item.resident_confirm', entityType: 'item', entityId: row.id, after: how },
        );
      }
    } else {
      await this.move(tx, who, row, 'in_progress', row.version, {
        reason: `群众反馈未解决：${reason ?? ''}`,
        byResident: true,
        ...how,
      });
    }
  }

  /**
   * A call back to the resident who reported the problem, recorded by staff who neither entered the report nor worked
   * the item: the call's time (not in the future, not before the item was handed in) and the resident's words.
   */
  async recordResidentCall(actor: Actor, id: string, input: z.infer<typeof ResidentCall>) {
    await this.db.transaction().execute(async (tx) => {
      const { facts, org } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!policy.canRecordResidentCall(actor, facts)) {
        if (facts.status !== 'awaiting_confirmation' && facts.status !== 'closed')
          throw conflict('feedback_not_open', '事项尚未办结，暂不能回访确认');
        if (facts.actorWorked || facts.actorEnteredReport || actor.userId === facts.submitted_by) {
          throw forbidden('cannot_confirm_own_work', '登记反映或办理事项的人员不能记录群众确认，须由其他工作人员回访');
        }
        throw forbidden('permission_denied', '无权记录群众回访');
      }
      const row = await repo.itemRow(tx, id);
      if (row.version !== input.version) throw versionConflict();
      const calledAt = new Date(input.calledAt);
      // A little leeway for the clerk's clock; a call later than that has not happened yet.
      if (calledAt.getTime() > Date.now() + 5 * 60_000)
        throw invalid('回访时间不能晚于现在', [{ path: 'body.calledAt', message: 'in the future' }]);
      const submitted = await repo.lastSubmittedAt(tx, id);
      if (submitted && calledAt.toISOString() < submitted) {
        throw invalid('回访时间不能早于事项报办结的时间', [{ path: 'body.calledAt', message: `before ${submitted}` }]);
      }
      if (!input.solved && row.status === 'closed') {
        const until = await reopenUntil(tx, row.closed_at, row.region_code ?? org.region_code);
        if (until !== null && todayInShanghai() > until)
          throw conflict('reopen_window_over', `事项已于 ${until} 前结束可重新打开的期限`);
      }
      const words = maskNumbersInText(input.residentWords).text;
      const who = {
        userId: actor.userId,
        label: `${RESIDENT}（电话回访，${actor.displayName}记录）`,
        requestId: actor.requestId,
      };
      await this.applyResidentWord(tx, who, row, input.solved, words, {
        residentChannel: 'call',
        call: { at: calledAt.toISOString(), words },
      });
    });
  }

  /** The resident's rating (1–5) and comment on a closed item, by tracking code; the latest stands, audited. */
  async residentRating(
    itemId: string,
    stars: number,
    comment: string | null,
    requestId: string,
    opts: { within?: (tx: Executor) => Promise<void>; proof?: (tx: Executor) => Promise<void> } = {},
  ) {
    const { within } = opts;
    await this.db.transaction().execute(async (tx) => {
      await opts.proof?.(tx);
      const row = await repo.itemRow(tx, itemId);
      if (row.status !== 'closed') throw conflict('rating_not_open', '事项销号后才能评价');
      const now = nowIso();
      if (
        !(await repo.updateItem(tx, row.id, row.version, {
          resident_rating: stars,
          resident_comment: comment,
          resident_rated_at: now,
        }))
      )
        throw versionConflict();
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: row.id,
        userId: null,
        actorLabel: RESIDENT,
        kind: 'feedback',
        text: `群众评价：${'★'.repeat(stars)}${comment ? `，${comment}` : ''}`,
        public: true,
        at: now,
      });
      await within?.(tx);
      await this.audit.record(
        tx,
        { userId: null, requestId },
        { action: 'item.resident_rating', entityType: 'item', entityId: row.id, after: { stars, comment } },
      );
    });
  }
}
