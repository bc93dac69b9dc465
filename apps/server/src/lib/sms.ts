import type { Db, Executor } from '../db/index.ts';
import type { DataCipher } from './crypto.ts';
import { newId, nowIso } from './ids.ts';

/**
 * Text messages to residents (one-time codes for confirming a staff-entered report) go through an outbox: queued in
 * the transaction that decides to send them, so that a message is sent if and only if that decision committed; the
 * phone and the text are kept encrypted with the data key. A sender hands them to the county's SMS platform
 * (政务短信平台) over HTTP; without one configured they wait and expire, and the call-back confirmation remains.
 */
export async function queueSms(
  tx: Executor,
  cipher: DataCipher,
  m: { purpose: string; phone: string; text: string; expiresAt: string },
) {
  await tx
    .insertInto('sms_outbox')
    .values({
      id: newId(),
      purpose: m.purpose,
      phone_enc: cipher.encrypt(m.phone),
      text_enc: cipher.encrypt(m.text),
      created_at: nowIso(),
      expires_at: m.expiresAt,
      sent_at: null,
      tries: 0,
      claimed_until: null,
      last_error: null,
    })
    .execute();
}

/** The county's SMS platform: an HTTP endpoint taking `{ "to": phone, "text": text }` as JSON. */
export interface SmsGateway {
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
}

/** `LIANJIAN_SMS_URL` (and `LIANJIAN_SMS_TOKEN`); none set, no sender. */
export function smsGatewayFromEnv(env: NodeJS.ProcessEnv): SmsGateway | null {
  const url = env.LIANJIAN_SMS_URL?.trim();
  if (!url) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`LIANJIAN_SMS_URL=${url}: an http(s) address of the SMS platform`);
  return { url, ...(env.LIANJIAN_SMS_TOKEN ? { token: env.LIANJIAN_SMS_TOKEN } : {}) };
}

/** A message is tried this many times before it is left as failed. */
const MAX_TRIES = 5;

/** How long a sender holds a message it is handing over before another sender may try it. */
const CLAIM_MS = 30_000;

/**
 * Sends what waits in the outbox, oldest first. Each message is claimed for a short while in one statement (a second
 * server draining at the same moment finds it held and skips it; a sender that died lets go when the hold runs out).
 * Messages past their expiry are never sent and are removed, as are sent ones after a day: the outbox keeps no
 * archive of residents' phones.
 */
export async function drainSms(
  db: Db,
  cipher: DataCipher,
  gateway: SmsGateway,
  send: typeof fetch = fetch,
): Promise<{ sent: number; failed: number }> {
  const now = nowIso();
  await db.deleteFrom('sms_outbox').where('sent_at', 'is', null).where('expires_at', '<', now).execute();
  await db
    .deleteFrom('sms_outbox')
    .where('sent_at', '<', new Date(Date.now() - 86_400_000).toISOString())
    .execute();
  const waiting = await db
    .selectFrom('sms_outbox')
    .select(['id', 'phone_enc', 'text_enc'])
    .where('sent_at', 'is', null)
    .where('tries', '<', MAX_TRIES)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('created_at')
    .limit(20)
    .execute();
  let sent = 0;
  let failed = 0;
  for (const m of waiting) {
    const at = nowIso();
    const claimed = await db
      .updateTable('sms_outbox')
      .set((eb) => ({ tries: eb('tries', '+', 1), claimed_until: new Date(Date.parse(at) + CLAIM_MS).toISOString() }))
      .where('id', '=', m.id)
      .where('sent_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    try {
      const res = await send(gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(gateway.token ? { authorization: `Bearer ${gateway.token}` } : {}),
        },
        body: JSON.stringify({ to: cipher.decrypt(m.phone_enc), text: cipher.decrypt(m.text_enc) }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS platform answered ${res.status}`);
      await db.updateTable('sms_outbox').set({ sent_at: nowIso(), last_error: null }).where('id', '=', m.id).execute();
      sent++;
    } catch (err) {
      await db
        .updateTable('sms_outbox')
        .set({ last_error: String((err as Error).message).slice(0, 200), claimed_until: null })
        .where('id', '=', m.id)
        .execute();
      failed++;
    }
  }
  return { sent, failed };
}
