import type { Selectable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Db, Executor } from '../db/index.ts';
import type { Database, NoticeChannel, NoticePurpose, NoticeStatus, NoticeTable } from '../db/types.ts';
import type { DataCipher } from './crypto.ts';
import { newId, nowIso } from './ids.ts';
import type { NoticeProviders, ProviderConfig, SendResult } from './notice-providers.ts';

/**
 * The outbox of every notice that leaves the system: text messages to residents and messages to a branch's WeCom
 * group robot. A notice is queued in the transaction that decides to send it, so that it exists if and only if that
 * decision committed (a refused change leaves none); the phone and what is personal in the text are kept encrypted
 * with the data key. The dispatcher sends what is due, records each try with the provider's answer, waits longer
 * after each failed try, and gives a final status after a few.
 */
export interface QueuedNotice {
  channel: NoticeChannel;
  purpose: NoticePurpose;
  countyCode: string | null;
  reportId?: string | null;
  itemId?: string | null;
  orgId?: string | null;
  /** The phone, already encrypted with the data key (a report's `phone_enc` as it is). */
  toEnc?: string | null;
  params: Record<string, string>;
  /** Personal parameters (a tracking code, a one-time code), already encrypted with the data key as JSON. */
  secretParamsEnc?: string | null;
  /** Not sent before then (the follow-up four weeks after closing). */
  notBefore?: string;
  /** Never sent after then: a message that comes too late says nothing true. */
  expiresAt: string;
}

export async function queueNotice(tx: Executor, n: QueuedNotice): Promise<string> {
  const now = nowIso();
  const id = newId();
  const notBefore = n.notBefore ?? now;
  await tx
    .insertInto('notices')
    .values({
      id,
      channel: n.channel,
      purpose: n.purpose,
      county_code: n.countyCode,
      report_id: n.reportId ?? null,
      item_id: n.itemId ?? null,
      org_id: n.orgId ?? null,
      to_enc: n.toEnc ?? null,
      params: JSON.stringify(n.params),
      secret_params_enc: n.secretParamsEnc ?? null,
      status: 'pending',
      not_before: notBefore,
      next_attempt_at: notBefore,
      expires_at: n.expiresAt,
      tries: 0,
      claimed_until: null,
      sent_at: null,
      provider_ref: null,
      last_code: null,
      last_message: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Personal template parameters, encrypted for `secretParamsEnc`. */
export const sealParams = (cipher: DataCipher, p: Record<string, string>) => cipher.encrypt(JSON.stringify(p));

/**
 * The resident said no: what waits for the report, and for every report from the same phone (by its keyed hash), is
 * not sent. One-time codes the resident asks for still go.
 */
export function optOutPending(tx: Executor, reportId: string, phoneIndexes: readonly string[], now: string) {
  return tx
    .updateTable('notices')
    .set({ status: 'opted_out', updated_at: now, claimed_until: null })
    .where((eb) =>
      phoneIndexes.length === 0
        ? eb('report_id', '=', reportId)
        : eb.or([
            eb('report_id', '=', reportId),
            eb('report_id', 'in', eb.selectFrom('reports').select('id').where('phone_index', 'in', phoneIndexes)),
          ]),
    )
    .where('purpose', '!=', 'phone_code')
    .where('status', 'in', ['pending', 'not_configured'])
    .execute();
}

/**
 * What asks the residents about a finished item and has not gone yet is dropped when the item goes back to work
 * (reopened after closing, or sent back before): the "done, please confirm" and the follow-up four weeks later.
 */
export function dropFollowUps(tx: Executor, itemId: string, now: string) {
  return tx
    .updateTable('notices')
    .set({ status: 'expired', updated_at: now })
    .where('item_id', '=', itemId)
    .where('purpose', 'in', ['item_done', 'follow_up'])
    .where('status', 'in', ['pending', 'not_configured'])
    .execute();
}

export interface DispatchOptions {
  /** Tries before a notice is left as failed. */
  maxTries: number;
  /** The wait after the first failed try; doubled after each further one. */
  backoffMs: number;
  /** How long a dispatcher holds a notice it is handing over before another may take it. */
  claimMs: number;
  /** The public address of the resident pages (links in messages). */
  publicUrl: string;
  /**
   * How long a notice no channel could take waits before it is looked at again. Saving the county's settings makes
   * such notices due at once; a provider set in the environment takes them on the next look.
   */
  notConfiguredMs: number;
}

export const DISPATCH_DEFAULTS: DispatchOptions = {
  maxTries: 5,
  backoffMs: 30_000,
  claimMs: 60_000,
  publicUrl: '',
  notConfiguredMs: 15 * 60_000,
};
/** Batches of due notices one run goes through at most (each batch's unsendable ones are pushed back). */
const BATCH = 20;
const MAX_BATCHES = 10;

/** The dispatcher's timing from the environment (shorter in tests), and the public address for links. */
export function dispatchOptionsFromEnv(env: NodeJS.ProcessEnv): DispatchOptions & { intervalMs: number } {
  const ms = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: a whole number of milliseconds`);
    return n;
  };
  return {
    ...DISPATCH_DEFAULTS,
    intervalMs: ms('LIANJIAN_NOTICE_INTERVAL_MS', 3_000),
    backoffMs: ms('LIANJIAN_NOTICE_BACKOFF_MS', DISPATCH_DEFAULTS.backoffMs),
    claimMs: ms('LIANJIAN_NOTICE_CLAIM_MS', DISPATCH_DEFAULTS.claimMs),
    publicUrl: (env.LIANJIAN_PUBLIC_URL ?? '').replace(/\/+$/, ''),
  };
}

/**
 * What the operator is told when the server starts: text messages with nothing to send them through, replies with
 * nowhere to arrive, and links in them (the tracking page, the follow-up) without the public address they need, which
 * would reach residents as a bare path.
 */
export function noticeStartWarnings(config: ProviderConfig, publicUrl: string): string[] {
  const warnings: string[] = [];
  if (!config.aliyun && !config.gateway)
    warnings.push(
      'no SMS provider configured (LIANJIAN_ALIYUN_ACCESS_KEY_ID or LIANJIAN_SMS_URL): text messages to residents stay in the outbox as 未配置短信通道',
    );
  if (!config.replyToken)
    warnings.push(
      "LIANJIAN_SMS_REPLY_TOKEN is not set: residents' text replies (1 / 2 / TD) are not taken; the reply address answers 404",
    );
  if (!publicUrl)
    warnings.push(
      'LIANJIAN_PUBLIC_URL is not set: links in text messages to residents (tracking page, follow-up) lack the public address',
    );
  return warnings;
}

/** The words shown when no provider can take a notice. */
export const NOT_CONFIGURED = '未配置短信通道';

const WAITING: NoticeStatus[] = ['pending', 'not_configured'];

type FreeQuery = UpdateQueryBuilder<Database, 'notices', 'notices', UpdateResult>;

/**
 * Sends what is due, oldest first. Each notice is claimed in one statement (a second server dispatching at the same
 * moment finds it held and skips it; a dispatcher that died lets go when the hold runs out), handed to its provider,
 * and its try recorded with the outcome in one transaction. A notice the provider acknowledged is marked sent in
 * that transaction before the next one is claimed. Killed between the provider's answer and that commit, a
 * dispatcher leaves the notice to be sent again: the one window where a message can go twice. Only a notice still
 * due is claimed, and the answer is written only to the claim this dispatcher holds: a notice expired (its item
 * reopened) or opted out while it was with the provider keeps that status.
 */
export async function dispatchNotices(
  db: Db,
  cipher: DataCipher,
  providers: NoticeProviders,
  options: Partial<DispatchOptions> = {},
): Promise<{ sent: number; retried: number; failed: number; notConfigured: number }> {
  const o = { ...DISPATCH_DEFAULTS, ...options };
  const now = nowIso();
  const tally = { sent: 0, retried: 0, failed: 0, notConfigured: 0 };
  await db
    .updateTable('notices')
    .set({ status: 'expired', updated_at: now, claimed_until: null })
    .where('status', 'in', WAITING)
    .where('expires_at', '<', now)
    .execute();
  // A full batch is followed by another: notices no channel can take are pushed back as they are met, so that those
  // queued behind them are sent in the same run.
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const due = await dueNotices(db);
    for (const listed of due) await dispatchOne(listed);
    if (due.length < BATCH) break;
  }
  return tally;

  async function dispatchOne(listed: Selectable<NoticeTable>) {
    const at = nowIso();
    // Every write of the dispatcher takes the notice only as it is now: waiting, due and held by no one. The copy
    // listed above may be stale (another dispatcher tried it meanwhile, the item was reopened, the resident said no).
    const free = (q: FreeQuery) =>
      q
        .where('id', '=', listed.id)
        .where('status', 'in', WAITING)
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]));
    // The channel, branch, county and purpose of a notice never change: the stale copy is good enough for its route.
    const route = await providers.route(db, listed);
    if (route === null) {
      // Kept, marked, and looked at again later (a provider may be configured meanwhile); pushed back so that what
      // can be sent is not held up behind it.
      const marked = await free(
        db.updateTable('notices').set({
          status: 'not_configured',
          last_message: NOT_CONFIGURED,
          next_attempt_at: new Date(Date.parse(at) + o.notConfiguredMs).toISOString(),
          updated_at: at,
        }),
      ).executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 1 && listed.status !== 'not_configured') tally.notConfigured++;
      return;
    }
    if (listed.report_id && listed.purpose !== 'phone_code') {
      // The report's own "no", or its phone's by any report.
      const optedOut = await db
        .selectFrom('reports as r')
        .leftJoin('sms_opt_outs as o', 'o.phone_index', 'r.phone_index')
        .select(['r.sms_opted_out_at', 'o.opted_out_at as phone_opted_out_at'])
        .where('r.id', '=', listed.report_id)
        .executeTakeFirst();
      if (optedOut?.sms_opted_out_at || optedOut?.phone_opted_out_at) {
        await free(db.updateTable('notices').set({ status: 'opted_out', updated_at: at })).execute();
        return;
      }
    }
    const claimedUntil = new Date(Date.parse(at) + o.claimMs).toISOString();
    const claimed = await free(
      db
        .updateTable('notices')
        .set((eb) => ({ tries: eb('tries', '+', 1), claimed_until: claimedUntil, status: 'pending' })),
    ).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    // The row as claimed: its tries, its phone and parameters as they are now.
    const n = await db.selectFrom('notices').selectAll().where('id', '=', listed.id).executeTakeFirst();
    if (n?.status !== 'pending' || n.claimed_until !== claimedUntil) return;
    const tries = n.tries;
    const params: Record<string, string> = {
      ...(JSON.parse(n.params) as Record<string, string>),
      ...(n.secret_params_enc ? (JSON.parse(cipher.decrypt(n.secret_params_enc)) as Record<string, string>) : {}),
    };
    if (params.trackingCode) params.link = `${o.publicUrl}/r/${params.trackingCode}`;
    else if (params.path) params.link = `${o.publicUrl}${params.path}`;
    let result: SendResult;
    try {
      result = await route.send({
        id: n.id,
        purpose: n.purpose,
        to: n.to_enc ? cipher.decrypt(n.to_enc) : null,
        params,
      });
    } catch (err) {
      result = { outcome: 'retry', code: 'exception', message: String((err as Error).message).slice(0, 200) };
    }
    const final = result.outcome === 'retry' && tries >= o.maxTries ? 'failed' : result.outcome;
    const done = nowIso();
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('notice_attempts')
        .values({
          id: newId(),
          notice_id: n.id,
          at: done,
          result: final,
          provider: route.provider,
          provider_code: result.code?.slice(0, 100) ?? null,
          provider_message: result.message?.slice(0, 300) ?? null,
        })
        .execute();
      const answer = {
        sent_at: final === 'sent' ? done : null,
        provider_ref: result.ref ?? null,
        last_code: result.code ?? null,
        last_message: result.message ?? null,
        claimed_until: null,
        updated_at: done,
      };
      // Only the claim this dispatcher holds is answered: a notice expired or opted out meanwhile keeps that status
      // (the try is recorded, nothing more goes), one another dispatcher took after the hold ran out is theirs.
      const answered = await tx
        .updateTable('notices')
        .set({
          ...answer,
          status: final === 'sent' ? 'sent' : final === 'failed' ? 'failed' : 'pending',
          next_attempt_at:
            final === 'retry' ? new Date(Date.parse(done) + o.backoffMs * 2 ** (tries - 1)).toISOString() : done,
        })
        .where('id', '=', n.id)
        .where('status', '=', 'pending')
        .where('claimed_until', '=', claimedUntil)
        .executeTakeFirst();
      if (Number(answered.numUpdatedRows) !== 1)
        await tx
          .updateTable('notices')
          .set(answer)
          .where('id', '=', n.id)
          .where('status', 'not in', WAITING)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '=', claimedUntil)]))
          .execute();
    });
    if (final === 'sent') tally.sent++;
    else if (final === 'failed') tally.failed++;
    else tally.retried++;
  }
}

/**
 * The outbox keeps no archive of residents' phones: a week after a notice is done with, its phone and personal
 * parameters are gone. Run hourly by the server (a week's limit needs no finer step); the number of notices cleared.
 */
export async function purgeNoticePhones(db: Db): Promise<number> {
  const r = await db
    .updateTable('notices')
    .set({ to_enc: null, secret_params_enc: null })
    .where('status', 'not in', WAITING)
    .where('updated_at', '<', new Date(Date.now() - 7 * 86_400_000).toISOString())
    .where((eb) => eb.or([eb('to_enc', 'is not', null), eb('secret_params_enc', 'is not', null)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The notices due now, waiting and held by no dispatcher, oldest first. */
function dueNotices(db: Db) {
  const now = nowIso();
  return db
    .selectFrom('notices')
    .selectAll()
    .where('status', 'in', WAITING)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(BATCH)
    .execute();
}
