import { randomInt } from 'node:crypto';
import { todayInShanghai } from '@lianjian/shared';
import { assertRegionsWithin } from '../../lib/scope.ts';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import { writeTransaction } from '../../db/group-commit.ts';
import { holdRow } from '../../db/locks.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskNumbersInText, maskPhone } from '../../lib/mask.ts';
import { type PhotoOwner, cleanPhotos, mayReadPhotosOf, photoIds, storePhotos } from '../../lib/photos.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { Problem, conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import { optOutPending, queueNotice, sealParams } from '../../lib/notices.ts';
import {
  isMistypedTrackingCode,
  newTrackingCode,
  normalizeTrackingCode,
  trackingHash,
  trackingHashes,
} from '../../lib/tracking.ts';
import { hasClaim, recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { itemEvents } from '../items/items.repository.ts';
import { reopenUntil } from '../items/item-common.ts';
import type { ItemService } from '../items/items.service.ts';
import * as policy from './reports.policy.ts';
import * as repo from './reports.repository.ts';
import type { CreateReport, DismissReport, PublicCreateReport, ReportListQuery } from './reports.schemas.ts';
import { known } from '../../lib/known.ts';

/** A one-time code to the phone on file: valid this long, this many wrong tries, resent after, at most per day. */
const PHONE_CODE_MINUTES = 10;
const PHONE_CODE_TRIES = 5;
const PHONE_CODE_RESEND_SECONDS = 60;
const PHONE_CODES_PER_DAY = 5;

const facts = (r: { source: string; phone_enc: string | null }): policy.ReportFacts => ({
  source: r.source as policy.ReportFacts['source'],
  hasPhone: r.phone_enc !== null,
});

/**
 * A device's clock may be this far off the server's: within it, a time "in the future" is taken as now, and one just
 * before the code was reserved as the reservation's.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The moment a report entered offline was made, as the device says: not in the future (beyond the clock skew allowed,
 * and then the server's now), not before its tracking code was reserved (the device could not have held the code).
 */
function madeAt(given: string, reservedAt: string, now: string): string {
  const at = Date.parse(given);
  if (at > Date.parse(now) + CLOCK_SKEW_MS || at < Date.parse(reservedAt) - CLOCK_SKEW_MS) {
    throw invalid('登记时间不能晚于现在，也不能早于查询码预留的时间', [
      { path: 'body.reportedAt', message: 'not in the future, not before the code was reserved' },
    ]);
  }
  return new Date(Math.max(Date.parse(reservedAt), Math.min(at, Date.parse(now)))).toISOString();
}

/** Residents' reports: raised on the public page or entered by staff, routed to the branch of the place. */
/** Codes an account may hold reserved and unused at once, and how long a reservation lasts. */
const RESERVED_POOL = 10;
const RESERVATION_DAYS = 30;

export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly items: ItemService,
    /** Residents' phones are kept encrypted with the data key. */
    private readonly cipher: DataCipher,
  ) {}

  async list(actor: Actor, q: z.infer<typeof ReportListQuery>) {
    const { rows, total } = await repo.listReports(this.db, actor, q, q.limit, decodeCursor(q.cursor));
    const page = pageOf(rows, q.limit, total, (r) => r.reported_at);
    const photos = await photoIds(
      this.db,
      'report',
      page.items.map((r) => r.id),
    );
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        source: r.source,
        regionCode: r.region_code,
        regionName: r.region_name,
        orgId: r.org_id,
        orgName: r.org_name,
        category: r.category as 'other',
        description: r.description,
        reporterName: r.reporter_name,
        phone: maskPhone(r.phone_enc ? this.cipher.decrypt(r.phone_enc) : null),
        status: r.status,
        itemId: r.item_id,
        photoIds: photos.get(r.id) ?? [],
        dismissal:
          r.status === 'dismissed' && r.dismissal_kind
            ? {
                kind: r.dismissal_kind,
                reason: r.dismissal_reason ?? '',
                at: known(r.dismissed_at, 'the dismissal’s time'),
                by: r.dismissed_by_name,
              }
            : null,
        reportedAt: r.reported_at,
        version: r.version,
        abilities: policy.abilities(actor, {
          status: r.status,
          listed: r.item_id !== null,
          hasPhone: r.phone_enc !== null,
        }),
      })),
    };
  }

  async get(actor: Actor, id: string) {
    const r = await this.list(actor, { id, limit: 1 } as z.infer<typeof ReportListQuery> & { id: string });
    const report = r.items[0];
    if (!report) throw notFound('群众反映');
    return report;
  }

  /**
   * The full phone of a report in scope, to call the resident back: only for those who work reports, with a reason,
   * and the reading is audited (as unmasking a household is).
   */
  async unmaskPhone(actor: Actor, id: string, reason: string) {
    const r = await repo.reportToWork(this.db, actor, id);
    if (!r) throw notFound('群众反映');
    if (!policy.canWork(actor)) throw forbidden('permission_denied', '无权查看反映人的完整电话');
    if (!policy.canUnmaskPhone(actor, { hasPhone: r.phone_enc !== null }))
      throw conflict('report_no_phone', '该反映没有留电话');
    const phone = this.cipher.decrypt(known(r.phone_enc, 'the phone on file'));
    await this.db.transaction().execute((tx) =>
      this.audit.record(tx, actor, {
        action: 'report.unmask_phone',
        entityType: 'report',
        entityId: id,
        after: { reason },
      }),
    );
    return { phone };
  }

  /**
   * Not taking a report up (a duplicate, nothing to act on or abuse, another body's duty), with a reason the resident
   * reads on the tracking page: by those who work reports in scope, only while the report is new and on no list.
   */
  async dismiss(actor: Actor, id: string, input: z.infer<typeof DismissReport>) {
    // The reason is shown on the public tracking page: a number typed into it is masked there, as in a report.
    const reason = maskNumbersInText(input.reason).text;
    await this.db.transaction().execute(async (tx) => {
      const r = await repo.reportToWork(tx, actor, id);
      if (!r) throw notFound('群众反映');
      if (!policy.canWork(actor)) throw forbidden('permission_denied', '无权处理群众反映');
      if (r.status === 'dismissed') throw conflict('report_already_dismissed', '该反映已不予受理');
      const facts = { status: r.status, listed: Number(r.listed) === 1, hasPhone: r.phone_enc !== null };
      if (
        !policy.canDismiss(actor, facts) ||
        !(await repo.dismissReport(tx, id, { kind: input.kind, reason, by: actor.userId, now: nowIso() }))
      )
        throw conflict('report_already_listed', '该反映已列入问题清单，不能再不予受理');
      await this.audit.record(tx, actor, {
        action: 'report.dismiss',
        entityType: 'report',
        entityId: id,
        before: { status: r.status, version: r.version },
        after: { status: 'dismissed', kind: input.kind, reason, version: r.version + 1 },
      });
    });
  }

  private async insert(
    input: {
      regionCode: string;
      category: string;
      description: string;
      phone?: string;
      reporterName?: string;
      photos?: { dataBase64: string }[];
      trackingCode?: string;
      reportedAt?: string;
    },
    source: 'resident' | 'visit' | 'hotline' | 'meeting',
    who: { userId: string | null; requestId: string },
    /** Staff entering the report: the place lies inside their reach (checked in the transaction that writes it). */
    staff: Actor | null,
  ) {
    const cleaned = await cleanPhotos(input.photos ?? []);
    // Reports arriving together share one commit on SQLite (db/group-commit.ts), each still all or nothing.
    return writeTransaction(this.db, async (tx) => {
      if (staff) await assertRegionsWithin(tx, staff, [{ path: 'body.regionCode', code: input.regionCode }]);
      const region = await repo.regionLevel(tx, input.regionCode);
      if (!region || region.level === 'county') {
        throw invalid('请选择所在的乡镇或村', [{ path: 'body.regionCode', message: input.regionCode }]);
      }
      const org = await repo.responsibleOrgFor(tx, region.code);
      const now = nowIso();
      if (input.reportedAt !== undefined && input.trackingCode === undefined) {
        throw invalid('只有用预留查询码离线登记的反映才能填写登记时间', [
          { path: 'body.reportedAt', message: 'only with a reserved trackingCode' },
        ]);
      }
      const reserved =
        input.trackingCode === undefined ? null : await this.reservedCode(tx, input.trackingCode, staff, now);
      const code = reserved?.code ?? newTrackingCode();
      const reportedAt =
        input.reportedAt === undefined || !reserved ? now : madeAt(input.reportedAt, reserved.reservedAt, now);
      // A number typed into the text is masked there; a phone among them is kept encrypted if none was given apart.
      const described = maskNumbersInText(input.description);
      const named = input.reporterName ? maskNumbersInText(input.reporterName) : null;
      const phone = input.phone ?? described.phones[0] ?? named?.phones[0];
      const row = {
        id: newId(),
        tracking_hash: trackingHash(normalizeTrackingCode(code) as string, this.cipher),
        source,
        region_code: region.code,
        org_id: org?.id ?? null,
        category: input.category,
        description: described.text,
        reporter_name: named?.text ?? null,
        phone_enc: phone ? this.cipher.encrypt(phone) : null,
        phone_index: phone ? this.cipher.blindIndex(phone) : null,
        status: 'new' as const,
        created_by: who.userId,
        reported_at: reportedAt,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertReport(tx, row);
      // The resident who left a phone is told the report was accepted, with the code to follow it by (unless the
      // phone's resident said no to messages by an earlier report).
      if (row.phone_enc && phone && !(await repo.phoneOptedOut(tx, this.cipher.blindIndexes(phone))))
        await queueNotice(tx, {
          channel: 'sms',
          purpose: 'report_accepted',
          countyCode: region.code.slice(0, 6),
          reportId: row.id,
          toEnc: row.phone_enc,
          params: { region: (await repo.regionName(tx, region.code)) ?? '' },
          secretParamsEnc: sealParams(this.cipher, { trackingCode: code }),
          expiresAt: new Date(Date.parse(now) + 3 * 86_400_000).toISOString(),
        });
      const photos = await storePhotos(tx, 'report', row.id, cleaned);
      const { phone_enc: _phone, phone_index: _index, tracking_hash: _hash, ...audited } = row;
      const receipt = { id: row.id, trackingCode: code, reportedAt, orgName: org?.name ?? null };
      // The receipt commits with the report: the server keeps only the code's hash, so a resident whose answer was
      // lost could never learn the code again; a retry with the same key gets it from here.
      await recordReply(tx, who.requestId, 201, receipt);
      await this.audit.record(tx, who, {
        action: 'report.create',
        entityType: 'report',
        entityId: row.id,
        after: { ...audited, photos },
      });
      return receipt;
    });
  }

  /**
   * A code the staff account reserved, handed to the resident with no connection: taken (one report per code), or
   * refused when the account holds no live reservation of it (another's, used, expired, or not a code).
   */
  private async reservedCode(
    tx: Executor,
    given: string,
    staff: Actor | null,
    now: string,
  ): Promise<{ code: string; reservedAt: string }> {
    const normalized = normalizeTrackingCode(given);
    const taken =
      staff !== null && normalized !== null
        ? await repo.takeReservation(tx, trackingHashes(normalized, this.cipher), staff.userId, now)
        : null;
    if (!taken || !normalized) {
      throw new Problem(400, 'tracking_code_not_reserved', '这个查询码不是本账号预留的，或已经用过、已过期', [
        { path: 'body.trackingCode', message: 'not a live reservation of this account' },
      ]);
    }
    return { code: normalized.match(/.{4}/g)?.join('-') ?? normalized, reservedAt: taken.reservedAt };
  }

  /**
   * Reserves tracking codes for the account's device (a small pool, at most RESERVED_POOL live at once, each for
   * RESERVATION_DAYS), so that a report entered with no connection hands the resident her code at once. The codes are
   * answered once; the server keeps only their hashes.
   */
  async reserveCodes(actor: Actor, count: number, sessionId: string) {
    return this.db.transaction().execute(async (tx) => {
      // The account's row is held first: two requests at once would both count the same pool and both fill it.
      await holdRow(tx, 'users', actor.userId);
      const now = nowIso();
      await repo.deleteExpiredReservations(tx, actor.userId, now);
      const held = await repo.liveReservations(tx, actor.userId, now);
      const n = Math.max(0, Math.min(count, RESERVED_POOL - held));
      const expiresAt = new Date(Date.parse(now) + RESERVATION_DAYS * 86_400_000).toISOString();
      const codes = Array.from({ length: n }, () => newTrackingCode());
      if (n > 0) {
        await repo.insertReservations(
          tx,
          codes.map((c) => ({
            tracking_hash: trackingHash(normalizeTrackingCode(c) as string, this.cipher),
            user_id: actor.userId,
            session_id: sessionId,
            reserved_at: now,
            expires_at: expiresAt,
          })),
        );
      }
      const reply = { codes: codes.map((trackingCode) => ({ trackingCode, expiresAt })) };
      await recordReply(tx, actor.requestId, 201, reply);
      await this.audit.record(tx, actor, {
        action: 'report.codes_reserve',
        entityType: 'user',
        entityId: actor.userId,
        after: { reserved: n, held: held + n, expiresAt },
      });
      return reply;
    });
  }

  /** A resident's report from the public page. */
  submitPublic(input: z.infer<typeof PublicCreateReport>, requestId: string) {
    return this.insert(input, 'resident', { userId: null, requestId }, null);
  }

  /**
   * A report entered by staff from a visit, a hotline call or a meeting, in a place the account reaches (its region,
   * or what its organization covers): a report placed elsewhere would land in another branch's work.
   */
  async create(actor: Actor, input: z.infer<typeof CreateReport>) {
    return this.insert(input, input.source, actor, actor);
  }

  private async byCode(code: string, db: Executor = this.db) {
    const normalized = normalizeTrackingCode(code);
    // One slip in reading or typing the code is caught by its check character: say so, rather than "not found".
    if (!normalized && isMistypedTrackingCode(code)) {
      throw new Problem(400, 'tracking_code_mistyped', '查询码有一位不对，请对照回执逐位核对', [
        { path: 'params.trackingCode', message: 'check character does not match' },
      ]);
    }
    const report = normalized
      ? await repo.reportByTrackingHash(db, trackingHashes(normalized, this.cipher))
      : undefined;
    if (!report) throw notFound('反映');
    const item = await repo.itemOfReport(db, report.id);
    return { report, item };
  }

  /** What the resident sees with the tracking code: the public progress only, never names or phones. */
  async follow(code: string, db: Executor = this.db) {
    const { report, item } = await this.byCode(code, db);
    const events = item ? await itemEvents(db, item.id, true) : [];
    const photos = await photoIds(db, 'report', [report.id]);
    // A closed item may be reopened within the county's window after it closed; then only rated (DOMAIN §9a).
    const until =
      item?.status === 'closed'
        ? await reopenUntil(db, item.closed_at, item.region_code ?? item.org_region_code)
        : null;
    const canReopen = until !== null && todayInShanghai() <= until;
    return {
      category: report.category as 'other',
      regionName: report.region_name,
      description: report.description,
      reportedAt: report.reported_at,
      orgName: report.org_name,
      stage: item
        ? item.status === 'open'
          ? ('listed' as const)
          : item.status
        : report.status === 'dismissed'
          ? ('dismissed' as const)
          : ('received' as const),
      dismissal:
        !item && report.status === 'dismissed' && report.dismissal_kind
          ? {
              kind: report.dismissal_kind,
              reason: report.dismissal_reason ?? '',
              at: known(report.dismissed_at, 'the dismissal’s time'),
            }
          : null,
      item: item
        ? {
            no: item.no,
            listTitle: item.title,
            dueOn: item.due_on,
            closedAt: item.closed_at,
            residentConfirmedAt: item.resident_confirmed_at,
            reopenedCount: item.reopened_count,
            reopenUntil: until,
            rating:
              item.resident_rating === null
                ? null
                : {
                    stars: Number(item.resident_rating),
                    comment: item.resident_comment,
                    at: known(item.resident_rated_at, 'the rating’s time'),
                  },
          }
        : null,
      events: events.map((e) => ({ at: e.at, text: e.text })),
      photoIds: photos.get(report.id) ?? [],
      canGiveFeedback:
        item !== undefined && (item.status === 'awaiting_confirmation' || (item.status === 'closed' && canReopen)),
      canRate: item?.status === 'closed',
      // A staff-entered report: "solved" and a rating need the one-time code sent to the phone on file.
      phoneProof: policy.codeIsTheResidents(facts(report)) ? null : { phone: this.maskedPhone(report.phone_enc) },
      textMessages: !report.phone_enc
        ? ('none' as const)
        : report.sms_opted_out_at || (await repo.phoneOptedOut(db, this.phoneIndexesOf(report)))
          ? ('declined' as const)
          : ('on' as const),
    };
  }

  private maskedPhone(enc: string | null) {
    return enc ? maskPhone(this.cipher.decrypt(enc)) : null;
  }

  /**
   * Sends a one-time code to the phone on file of a staff-entered report, for the resident to confirm or rate with.
   * One code at a time per report: a new one replaces the last after the resend interval, at most a few per day;
   * both limits are decided by the database in the statement that stores the code.
   */
  async sendPhoneCode(code: string, requestId: string) {
    const { report, item } = await this.byCode(code);
    const f = facts(report);
    if (policy.codeIsTheResidents(f))
      throw conflict('phone_code_not_needed', '您本人提交的反映，凭查询码即可确认或评价');
    if (!policy.canSendPhoneCode(f))
      throw conflict('no_phone_on_file', '登记反映时未留电话，请等待工作人员电话回访确认');
    if (!item || (item.status !== 'awaiting_confirmation' && item.status !== 'closed'))
      throw conflict('feedback_not_open', '事项尚未办结，暂不需要确认');
    const phone = this.cipher.decrypt(known(report.phone_enc, 'the phone on file'));
    const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + PHONE_CODE_MINUTES * 60_000).toISOString();
    const reply = { sentTo: maskPhone(phone) as string, expiresAt };
    await this.db.transaction().execute(async (tx) => {
      const stored = await repo.storePhoneCode(tx, {
        reportId: report.id,
        codeHash: this.phoneCodeHash(report.id, otp),
        now: now.toISOString(),
        expiresAt,
        today: todayInShanghai(now),
        resendAfter: new Date(now.getTime() - PHONE_CODE_RESEND_SECONDS * 1000).toISOString(),
        perDay: PHONE_CODES_PER_DAY,
      });
      if (!stored)
        throw conflict(
          'phone_code_too_soon',
          `验证码已发送，请${PHONE_CODE_RESEND_SECONDS}秒后再试（每天最多${PHONE_CODES_PER_DAY}次）`,
        );
      await queueNotice(tx, {
        channel: 'sms',
        purpose: 'phone_code',
        countyCode: report.region_code.slice(0, 6),
        reportId: report.id,
        itemId: item.id,
        toEnc: known(report.phone_enc, 'the phone on file'),
        params: { region: report.region_name, minutes: String(PHONE_CODE_MINUTES) },
        secretParamsEnc: sealParams(this.cipher, { code: otp }),
        expiresAt,
      });
      // A retry with the same key after a lost answer gets this reply, not a second message.
      await recordReply(tx, requestId, 200, reply);
      await this.audit.record(
        tx,
        { userId: null, requestId },
        { action: 'report.phone_code_sent', entityType: 'report', entityId: report.id },
      );
    });
    return reply;
  }

  /** The report's phone by its keyed hashes under every index key of the ring (none without a phone). */
  private phoneIndexesOf(report: { phone_enc: string | null }): string[] {
    return report.phone_enc ? this.cipher.blindIndexes(this.cipher.decrypt(report.phone_enc).trim()) : [];
  }

  private phoneCodeHash(reportId: string, otp: string) {
    return this.cipher.blindIndex(`resident-phone-code:${reportId}:${otp}`);
  }

  private phoneCodeHashes(reportId: string, otp: string) {
    return this.cipher.blindIndexes(`resident-phone-code:${reportId}:${otp}`);
  }

  /**
   * The proof a staff-entered report's "solved" or rating needs: the one-time code, checked in a transaction of its
   * own so that a wrong try counts even though the request fails (a few tries per code); the right code is spent by
   * the returned step, inside the transaction that records the resident's word.
   */
  private async phoneProof(
    report: { id: string; source: string; phone_enc: string | null },
    word: 'solved' | 'not_solved' | 'rating',
    phoneCode: string | undefined,
  ) {
    if (!policy.needsPhoneProof(facts(report), word)) return { channel: 'code' as const, proof: undefined };
    if (!phoneCode) {
      throw conflict(
        report.phone_enc ? 'phone_code_required' : 'no_phone_on_file',
        report.phone_enc
          ? '此反映由工作人员代为登记，请先获取发到您预留手机的验证码'
          : '登记反映时未留电话，请等待工作人员电话回访确认',
      );
    }
    // Under every index key of the ring: a code sent just before a rotation is still the code.
    const hashes = this.phoneCodeHashes(report.id, phoneCode);
    const tried = await repo.tryPhoneCode(this.db, report.id, nowIso(), PHONE_CODE_TRIES);
    if (!tried) throw conflict('phone_code_expired', '验证码已失效或尝试次数过多，请重新获取');
    if (!hashes.includes(tried.code_hash))
      throw invalid('验证码不正确', [{ path: 'body.phoneCode', message: 'wrong code' }]);
    const hash = tried.code_hash;
    return {
      channel: 'phone' as const,
      proof: async (tx: Executor) => {
        if (!(await repo.spendPhoneCode(tx, report.id, hash, nowIso())))
          throw conflict('phone_code_expired', '验证码已使用，请重新获取');
      },
    };
  }

  /**
   * The resident says no to text messages about the report: the flag is kept, and what waits to be sent (but the
   * one-time codes the resident asks for) is marked opted out in the same transaction.
   */
  async optOut(code: string, requestId: string) {
    const { report } = await this.byCode(code);
    await this.db.transaction().execute(async (tx) => {
      const now = nowIso();
      // Said again, it changes nothing but is recorded like the first time.
      // The "no" holds for the phone: every report from it (by its keyed hash), not only this one.
      if (report.phone_index) await repo.optOutPhone(tx, report.phone_index, now);
      if (await repo.optOutOfMessages(tx, report.id, now))
        await optOutPending(tx, report.id, this.phoneIndexesOf(report), now);
      await this.audit.record(
        tx,
        { userId: null, requestId },
        { action: 'report.sms_opt_out', entityType: 'report', entityId: report.id },
      );
    });
  }

  /** A photo of the resident's own report, by tracking code. */
  async publicPhoto(code: string, photoId: string) {
    const { report } = await this.byCode(code);
    return this.photo({ ownerType: 'report', ownerIds: [report.id] }, photoId);
  }

  /** A photo of a report, a progress entry, a meeting or a visit the actor may see. */
  async staffPhoto(actor: Actor, photoId: string) {
    const p = await repo.photoOwner(this.db, photoId);
    if (!p || !mayReadPhotosOf(actor.role, p.owner_type)) throw notFound('照片');
    if (p.owner_type === 'report') {
      if (!(await repo.reportVisible(this.db, actor, p.owner_id))) throw notFound('照片');
    } else if (p.owner_type === 'activity') {
      if (!(await repo.activityVisible(this.db, actor, p.owner_id))) throw notFound('照片');
    } else if (p.owner_type === 'visit') {
      if (!(await repo.visitVisible(this.db, actor, p.owner_id))) throw notFound('照片');
    } else {
      const itemId = await repo.itemOfEvent(this.db, p.owner_id);
      if (!itemId) throw notFound('照片');
      await this.items.access(actor, itemId);
    }
    return this.photo({ ownerType: p.owner_type, ownerIds: [p.owner_id] }, photoId);
  }

  private async photo(owner: { ownerType: PhotoOwner; ownerIds: string[] }, photoId: string) {
    const p = await repo.photoOf(this.db, owner, photoId);
    if (!p) throw notFound('照片');
    return { mime: p.mime, bytes: Buffer.from(p.data, 'base64') };
  }

  /** The resident confirms "solved" or reopens with a reason. */
  async feedback(code: string, solved: boolean, reason: string | undefined, requestId: string, phoneCode?: string) {
    const { report, item } = await this.byCode(code);
    if (!item) throw invalid('该反映尚未列入问题清单', [{ path: 'params.trackingCode', message: 'not listed yet' }]);
    const { channel, proof } = await this.phoneProof(report, solved ? 'solved' : 'not_solved', phoneCode);
    let view: Awaited<ReturnType<ReportService['follow']>> | undefined;
    // A number typed into the reason is masked as in a report: the reason is shown on the item's public timeline.
    const said = reason === undefined ? undefined : maskNumbersInText(reason).text;
    // With an Idempotency-Key, the view the resident is answered with commits with the feedback, for a retry after a
    // lost answer; without one it is read after the commit, outside the transaction.
    const within = hasClaim(requestId)
      ? async (tx: Executor) => {
          view = await this.follow(code, tx);
          await recordReply(tx, requestId, 200, view);
        }
      : undefined;
    await this.items.workflow.residentFeedback(item.id, solved, said, requestId, { within, channel, proof });
    return view ?? this.follow(code);
  }

  /** The resident rates a closed item (1–5 stars) and may comment; a number typed into the comment is masked. */
  async rate(code: string, stars: number, comment: string | undefined, requestId: string, phoneCode?: string) {
    const { report, item } = await this.byCode(code);
    if (!item) throw invalid('该反映尚未列入问题清单', [{ path: 'params.trackingCode', message: 'not listed yet' }]);
    const { proof } = await this.phoneProof(report, 'rating', phoneCode);
    let view: Awaited<ReturnType<ReportService['follow']>> | undefined;
    const within = hasClaim(requestId)
      ? async (tx: Executor) => {
          view = await this.follow(code, tx);
          await recordReply(tx, requestId, 200, view);
        }
      : undefined;
    await this.items.workflow.residentRating(
      item.id,
      stars,
      comment ? maskNumbersInText(comment).text : null,
      requestId,
      {
        within,
        proof,
      },
    );
    return view ?? this.follow(code);
  }
}
