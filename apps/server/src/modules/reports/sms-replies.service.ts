import type { Db, Executor } from '../../db/index.ts';
import { holdRow } from '../../db/locks.ts';
import type { SmsReplyOutcome, SmsReplyTable } from '../../db/types.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskNumbersInText, maskPhone } from '../../lib/mask.ts';
import { optOutPending } from '../../lib/notices.ts';
import { Problem } from '../../lib/problem.ts';
import { trackingHashes } from '../../lib/tracking.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { insertEvent } from '../items/items.repository.ts';
import { RESIDENT } from '../items/item-common.ts';
import type { ItemService } from '../items/items.service.ts';
import { optOutPhone } from './reports.repository.ts';
import * as repo from './sms-replies.repository.ts';
import { mobileNumber, readReply } from './sms-reply-words.ts';

/** One text message a resident sent, as the provider pushed it. */
export interface InboundSms {
  provider: 'aliyun' | 'gateway';
  /** The provider's own id of the message (Aliyun's sequence_id, the county platform's id). */
  messageId: string;
  phone: string;
  content: string;
  /** When the provider says it was sent (Aliyun: `yyyy-MM-dd HH:mm:ss`, Beijing time). */
  sentAt: string | null;
}

/** The messages that ask the resident for an answer, and the answer each takes. */
const ASKS = new Set(['item_done', 'follow_up']);
/** The provider's clock against the server's: a reply written this long before a question may still answer it. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Marks a reply whose provider id was taken before: nothing more is done with it. */
const DUPLICATE = Symbol('duplicate');

interface Decided {
  outcome: SmsReplyOutcome;
  reportId: string | null;
  itemId: string | null;
  noticeId: string | null;
  solved?: boolean;
}

/** The provider's `yyyy-MM-dd HH:mm:ss` (Beijing time) as an instant, or null when it is not that. */
function givenInstant(sentAt: string | null): number | null {
  const m = sentAt ? /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(sentAt.trim()) : null;
  if (!m) return null;
  const t = Date.parse(`${m[1]}T${m[2]}+08:00`);
  return Number.isNaN(t) ? null : t;
}

/**
 * Residents' text replies (issue 25 §3): "1"/"2" to the message that asked (the item handed in as done, the
 * follow-up four weeks after closing), "TD" to say no to messages. A reply is bound to the phone that sent it, matched
 * by its keyed hash against the reports' phones (never by the number in clear), and to the question last put to that
 * phone about an item. Each reply is taken once by the provider's id, in the transaction of what it does, with its
 * audit row; what it could not do (an unknown phone, nothing asked, two items waiting, a refusal by the rules of the
 * resident's word) is recorded and changes nothing.
 */
export class SmsReplyService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly items: ItemService,
    private readonly cipher: DataCipher,
  ) {}

  /** Takes each reply of a push in turn; the outcomes, in order (a duplicate as `duplicate`). */
  async receive(messages: InboundSms[], requestId: string): Promise<(SmsReplyOutcome | 'duplicate')[]> {
    const outcomes: (SmsReplyOutcome | 'duplicate')[] = [];
    for (const m of messages) outcomes.push(await this.receiveOne(m, requestId));
    return outcomes;
  }

  private async receiveOne(m: InboundSms, requestId: string): Promise<SmsReplyOutcome | 'duplicate'> {
    const phone = mobileNumber(m.phone);
    const phoneIndexes = phone ? this.cipher.blindIndexes(phone) : null;
    const phoneIndex = phoneIndexes?.[0] ?? null;
    const masked = maskPhone(phone ?? m.phone.replace(/\D/g, ''));
    const row = (): SmsReplyTable => ({
      id: newId(),
      provider: m.provider,
      provider_message_id: m.messageId,
      phone_index: phoneIndex,
      phone_masked: masked,
      content_enc: this.cipher.encrypt(m.content),
      sent_at_given: m.sentAt?.slice(0, 40) ?? null,
      received_at: nowIso(),
      outcome: 'not_understood',
      refusal_code: null,
      report_id: null,
      item_id: null,
      notice_id: null,
    });
    const label = `${RESIDENT}（短信回复，${masked ?? '号码不明'}）`;
    // The question the reply answers, once known: a refusal by the rules of the resident's word is recorded against it.
    let asked = null as Decided | null;
    try {
      return await this.db.transaction().execute(async (tx) => {
        const reply = row();
        if (!(await repo.claimReply(tx, reply))) throw DUPLICATE;
        const decided = await this.decide(tx, m, phoneIndexes, requestId, label, (d) => {
          asked = d;
        });
        await repo.settleReply(tx, reply.id, {
          outcome: decided.outcome,
          report_id: decided.reportId,
          item_id: decided.itemId,
          notice_id: decided.noticeId,
          refusal_code: null,
        });
        await this.record(tx, requestId, reply.id, m, masked, decided, null);
        return decided.outcome;
      });
    } catch (err) {
      if (err === DUPLICATE) return 'duplicate';
      // Refused by the rules of the resident's word (the item moved on, the window to reopen is over): what it did is
      // undone with the transaction; the reply is recorded, and the item's history says what the resident answered.
      const question = asked;
      if (!(err instanceof Problem) || !question?.itemId) throw err;
      const refused = err;
      return this.db.transaction().execute(async (tx) => {
        const reply = {
          ...row(),
          outcome: 'refused' as const,
          refusal_code: refused.code,
          report_id: question.reportId,
          item_id: question.itemId,
          notice_id: question.noticeId,
        };
        if (!(await repo.claimReply(tx, reply))) return 'duplicate' as const;
        await insertEvent(tx, {
          id: newId(),
          itemId: question.itemId as string,
          userId: null,
          actorLabel: label,
          kind: 'feedback',
          text: `群众短信回复“${question.solved ? '已解决' : '未解决'}”，未能办理：${refused.message}`,
          public: false,
          at: reply.received_at,
        });
        await this.record(tx, requestId, reply.id, m, masked, { ...question, outcome: 'refused' }, refused.code);
        return 'refused' as const;
      });
    }
  }

  /** What the reply means for the phone that sent it, done in the caller's transaction. */
  private async decide(
    tx: Executor,
    m: InboundSms,
    phoneIndexes: string[] | null,
    requestId: string,
    label: string,
    answering: (d: Decided) => void,
  ): Promise<Decided> {
    const none = { reportId: null, itemId: null, noticeId: null };
    // The phone by its keyed hash under every index key of the ring: its reports may be from before a rotation.
    const reports = phoneIndexes ? await repo.reportsOfPhone(tx, phoneIndexes) : [];
    const first = reports[0];
    const phoneIndex = phoneIndexes?.[0];
    if (!phoneIndexes || !phoneIndex || !first) return { outcome: 'unknown_phone', ...none };
    const word = readReply(m.content);
    if (word.kind === 'opt_out') {
      // The same "no" as by the tracking code: for the phone, and what waits for any of its reports is not sent.
      const now = nowIso();
      await optOutPhone(tx, phoneIndex, now);
      await optOutPending(tx, first.id, phoneIndexes, now);
      return { outcome: 'opted_out', ...none, reportId: first.id };
    }
    if (word.kind === 'not_understood') return { outcome: 'not_understood', ...none };
    const waiting = await this.waiting(tx, phoneIndexes, givenInstant(m.sentAt));
    let question = waiting.length === 1 && !word.code ? waiting[0] : undefined;
    if (word.code) {
      const named = await repo.reportOfPhoneByCode(tx, phoneIndexes, trackingHashes(word.code, this.cipher));
      question = named ? waiting.find((q) => q.item_id === named.item_id) : undefined;
    }
    if (!question) return { outcome: waiting.length > 1 && !word.code ? 'ambiguous' : 'nothing_open', ...none };
    const itemId = question.item_id as string;
    // Two replies from the phone at once (two ids, the same answer sent twice): they take turns on the item, and the
    // second finds the question answered.
    await holdRow(tx, 'items', itemId);
    if ((await repo.answered(tx, [question.id])).size > 0) return { outcome: 'nothing_open', ...none };
    const solved = word.kind === 'solved';
    const decided: Decided = {
      outcome: solved ? 'confirmed' : 'reopened',
      reportId: question.report_id,
      itemId,
      noticeId: question.id,
      solved,
    };
    answering(decided);
    const reason = `短信回复${word.words ? `：${maskNumbersInText(word.words).text}` : ''}`;
    await this.items.workflow.residentFeedbackIn(tx, itemId, solved, solved ? undefined : reason, requestId, {
      channel: 'sms',
      label,
    });
    return decided;
  }

  /**
   * The questions waiting for this phone's answer: for each item it reported, the last message about the item that
   * went to it, when that message asked (handed in as done, the follow-up) and no reply has answered it yet. A question
   * is about the item as it stands: "done?" only while it awaits confirmation and only if it was sent after the item
   * was last handed in (a message about work since sent back asks nothing), the follow-up only while it is closed and
   * only if it was sent after the item last closed. A reply the provider says was written before the question was
   * sent, or before that hand-in or closure, answers nothing.
   */
  private async waiting(tx: Executor, phoneIndexes: readonly string[], writtenAt: number | null) {
    const last = new Map<string, Awaited<ReturnType<typeof repo.itemMessagesToPhone>>[number]>();
    for (const n of await repo.itemMessagesToPhone(tx, phoneIndexes))
      if (!last.has(n.item_id as string)) last.set(n.item_id as string, n);
    const candidates = [...last.values()].filter((n) => ASKS.has(n.purpose) && n.sent_at !== null);
    const stands = await repo.itemStands(
      tx,
      candidates.map((n) => n.item_id as string),
    );
    const after = (at: number, since: string | null) => since !== null && at >= Date.parse(since) - CLOCK_SKEW_MS;
    const asking = candidates.filter((n) => {
      const item = stands.get(n.item_id as string);
      const since =
        n.purpose === 'item_done'
          ? item?.status === 'awaiting_confirmation'
            ? item.handedInAt
            : null
          : item?.status === 'closed'
            ? item.closedAt
            : null;
      const sentAt = Date.parse(n.sent_at as string);
      return (
        since !== null &&
        sentAt >= Date.parse(since) &&
        (writtenAt === null || (writtenAt >= sentAt - CLOCK_SKEW_MS && after(writtenAt, since)))
      );
    });
    const done = await repo.answered(
      tx,
      asking.map((n) => n.id),
    );
    return asking.filter((n) => !done.has(n.id));
  }

  private record(
    tx: Executor,
    requestId: string,
    id: string,
    m: InboundSms,
    masked: string | null,
    d: Decided,
    refusalCode: string | null,
  ) {
    return this.audit.record(
      tx,
      { userId: null, requestId },
      {
        action: 'sms_reply.receive',
        entityType: 'sms_reply',
        entityId: id,
        after: {
          provider: m.provider,
          phone: masked,
          outcome: d.outcome,
          ...(refusalCode ? { refusalCode } : {}),
          ...(d.itemId ? { itemId: d.itemId } : {}),
          ...(d.reportId ? { reportId: d.reportId } : {}),
        },
      },
    );
  }
}
