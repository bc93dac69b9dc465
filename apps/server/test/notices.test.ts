import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { nowIso } from '../src/lib/ids.ts';
import type { Executor } from '../src/db/index.ts';
import {
  type NoticeProviders,
  type NoticeRoute,
  type OutgoingNotice,
  type SendResult,
  noticeProviders,
  providerConfigFromEnv,
} from '../src/lib/notice-providers.ts';
import {
  NOT_CONFIGURED,
  dispatchNotices,
  dispatchOptionsFromEnv,
  dropFollowUps,
  noticeStartWarnings,
  purgeNoticePhones,
  queueNotice,
  sealParams,
} from '../src/lib/notices.ts';
import { type FakeAnswer, type SendSmsCall, fakeAliyun } from './fake-aliyun.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));
const COUNTY = '411321';

/**
 * A provider at the network edge, in process: it records what it is handed and answers as told; `during` runs while
 * the message is "on the wire", for what happens in the system meanwhile.
 */
class ScriptedProvider implements NoticeProviders {
  readonly sent: OutgoingNotice[] = [];
  constructor(
    private readonly answer: SendResult,
    private readonly during: (n: OutgoingNotice) => Promise<void> = async () => {},
  ) {}
  async route(_db: Executor): Promise<NoticeRoute> {
    return {
      provider: 'gateway',
      send: async (n) => {
        this.sent.push(n);
        await this.during(n);
        return this.answer;
      },
    };
  }
}

describe('the notice outbox and its dispatcher', () => {
  const ctx = useCounty(cipher);
  const db = () => ctx.t.db.db;
  const fakes: Awaited<ReturnType<typeof fakeAliyun>>[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });
  const aliyun = async (answer: (call: SendSmsCall, n: number) => FakeAnswer) => {
    const f = await fakeAliyun(answer);
    fakes.push(f);
    return {
      fake: f,
      providers: noticeProviders(
        { aliyun: { accessKeyId: 'test-key-id', accessKeySecret: 'test-secret', endpoint: f.endpoint }, gateway: null },
        cipher,
      ),
    };
  };
  const signAndTemplates = (templates: Record<string, string>) =>
    db()
      .insertInto('sms_settings')
      .values({
        county_code: COUNTY,
        sign_name: '汝阳县联建',
        templates: JSON.stringify(templates),
        updated_by: 'test',
        updated_at: nowIso(),
      })
      .execute();
  const queue = (phone: string, purpose: 'report_accepted' | 'item_done' = 'report_accepted') =>
    db()
      .transaction()
      .execute((tx) =>
        queueNotice(tx, {
          channel: 'sms',
          purpose,
          countyCode: COUNTY,
          toEnc: cipher.encrypt(phone),
          params: purpose === 'item_done' ? { no: '3' } : { region: '桥东村' },
          secretParamsEnc: purpose === 'item_done' ? null : sealParams(cipher, { trackingCode: 'ABCD-EFGH' }),
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      );
  const notice = (id: string) => db().selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const attempts = (id: string) =>
    db().selectFrom('notice_attempts').selectAll().where('notice_id', '=', id).orderBy('at').execute();
  /** Time passes: the notice's next try is due now. */
  const due = (id: string) =>
    db()
      .updateTable('notices')
      .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();

  it('a message Aliyun throttles is tried again after a wait that doubles, and sent; each try is recorded with its code', async () => {
    await signAndTemplates({ report_accepted: 'SMS_100001' });
    const { fake, providers } = await aliyun((_call, n) =>
      n <= 2
        ? { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发号码天级流控Permits:10' }
        : { Code: 'OK', Message: 'OK', BizId: '900000^0' },
    );
    const id = await queue('13812341234');
    const options = { backoffMs: 10_000, maxTries: 5 };
    expect(await dispatchNotices(db(), cipher, providers, options)).toMatchObject({ sent: 0, retried: 1 });
    let n = await notice(id);
    expect(n.status).toBe('pending');
    expect(Date.parse(n.next_attempt_at) - Date.parse(n.updated_at)).toBe(10_000);
    // Not due yet: nothing is sent before the wait is over.
    expect((await dispatchNotices(db(), cipher, providers, options)).retried).toBe(0);
    expect(fake.calls).toHaveLength(1);
    await due(id);
    await dispatchNotices(db(), cipher, providers, options);
    n = await notice(id);
    expect(Date.parse(n.next_attempt_at) - Date.parse(n.updated_at)).toBe(20_000);
    await due(id);
    expect((await dispatchNotices(db(), cipher, providers, options)).sent).toBe(1);
    n = await notice(id);
    expect(n).toMatchObject({ status: 'sent', tries: 3, provider_ref: '900000^0', last_code: 'OK' });
    expect((await attempts(id)).map((a) => [a.result, a.provider, a.provider_code])).toEqual([
      ['retry', 'aliyun', 'isv.BUSINESS_LIMIT_CONTROL'],
      ['retry', 'aliyun', 'isv.BUSINESS_LIMIT_CONTROL'],
      ['sent', 'aliyun', 'OK'],
    ]);
    // What Aliyun received: the county's sign name and template, the template's variables, the notice as OutId.
    expect(fake.calls[2]).toMatchObject({
      Action: 'SendSms',
      PhoneNumbers: '13812341234',
      SignName: '汝阳县联建',
      TemplateCode: 'SMS_100001',
      OutId: id,
    });
    expect(fake.calls[2]?.Authorization).toContain('Credential=test-key-id');
    expect(JSON.parse(fake.calls[2]?.TemplateParam ?? '{}')).toEqual({ trackingCode: 'ABCD-EFGH', region: '桥东村' });
    // Sent is done: a later run sends nothing.
    await due(id);
    expect((await dispatchNotices(db(), cipher, providers, options)).sent).toBe(0);
    expect(fake.calls).toHaveLength(3);
  });

  it('a template Aliyun refuses fails at once: trying again cannot change the answer', async () => {
    await signAndTemplates({ item_done: 'SMS_BAD' });
    const { fake, providers } = await aliyun(() => ({ Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法' }));
    const id = await queue('13812341234', 'item_done');
    expect(await dispatchNotices(db(), cipher, providers)).toMatchObject({ failed: 1, retried: 0 });
    expect(await notice(id)).toMatchObject({ status: 'failed', tries: 1, last_code: 'isv.SMS_TEMPLATE_ILLEGAL' });
    await due(id);
    await dispatchNotices(db(), cipher, providers);
    expect(fake.calls).toHaveLength(1);
    expect((await attempts(id)).map((a) => [a.result, a.provider_message])).toEqual([['failed', '模板不合法']]);
  });

  it('a message still throttled after the last try is left as failed, with every try recorded', async () => {
    await signAndTemplates({ report_accepted: 'SMS_100001' });
    const { fake, providers } = await aliyun(() => ({ Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '流控' }));
    const id = await queue('13812341234');
    for (let i = 0; i < 5; i++) {
      await due(id);
      await dispatchNotices(db(), cipher, providers, { maxTries: 3 });
    }
    expect(fake.calls).toHaveLength(3);
    expect(await notice(id)).toMatchObject({ status: 'failed', tries: 3 });
    expect((await attempts(id)).map((a) => a.result)).toEqual(['retry', 'retry', 'failed']);
  });

  it('an HTTP error and an unreachable endpoint count as tries to repeat', async () => {
    await signAndTemplates({ report_accepted: 'SMS_100001' });
    const { fake, providers } = await aliyun(() => ({ Code: 'ServiceUnavailable', Message: 'busy', status: 503 }));
    const id = await queue('13812341234');
    await dispatchNotices(db(), cipher, providers);
    expect(await notice(id)).toMatchObject({ status: 'pending', tries: 1 });
    await fake.close();
    await due(id);
    await dispatchNotices(db(), cipher, providers);
    expect((await attempts(id)).map((a) => a.result)).toEqual(['retry', 'retry']);
  });

  it('without a provider, or without the county’s sign name and template, a message is kept as 未配置短信通道 and sent once one is configured', async () => {
    const none = noticeProviders({ aliyun: null, gateway: null }, cipher);
    const id = await queue('13812341234');
    expect((await dispatchNotices(db(), cipher, none)).notConfigured).toBe(1);
    expect(await notice(id)).toMatchObject({ status: 'not_configured', tries: 0, last_message: NOT_CONFIGURED });
    // Keys, but no template for the county: still not configured, nothing reaches Aliyun.
    const { fake, providers } = await aliyun(() => ({ Code: 'OK', Message: 'OK' }));
    await due(id);
    await dispatchNotices(db(), cipher, providers);
    expect(fake.calls).toHaveLength(0);
    expect((await notice(id)).status).toBe('not_configured');
    await signAndTemplates({ report_accepted: 'SMS_100001' });
    await due(id);
    expect((await dispatchNotices(db(), cipher, providers)).sent).toBe(1);
    expect(await notice(id)).toMatchObject({ status: 'sent', tries: 1 });
  });

  it('two dispatchers at the same moment send each message once', async () => {
    await signAndTemplates({ report_accepted: 'SMS_100001' });
    const { fake, providers } = await aliyun(() => ({ Code: 'OK', Message: 'OK' }));
    for (let i = 0; i < 6; i++) await queue(`1381234123${i}`);
    await Promise.all([dispatchNotices(db(), cipher, providers), dispatchNotices(db(), cipher, providers)]);
    expect(fake.acknowledged.map((c) => c.PhoneNumbers).sort()).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `1381234123${i}`),
    );
  });

  it('a notice expired while its send was in flight stays expired: the retry does not bring it back', async () => {
    const id = await queue('13812341234', 'item_done');
    // The follow-up of an item closed four weeks ago.
    await db().updateTable('notices').set({ purpose: 'follow_up', item_id: 'item-1' }).where('id', '=', id).execute();
    // The item is reopened while the provider is still answering; the provider asks for another try.
    const provider = new ScriptedProvider({ outcome: 'retry', code: 'busy' }, () =>
      db()
        .transaction()
        .execute((tx) => dropFollowUps(tx, 'item-1', nowIso()))
        .then(() => undefined),
    );
    await dispatchNotices(db(), cipher, provider, { backoffMs: 1 });
    expect(await notice(id)).toMatchObject({ status: 'expired', claimed_until: null });
    expect((await attempts(id)).map((a) => a.result)).toEqual(['retry']);
    await due(id);
    await dispatchNotices(db(), cipher, provider, { backoffMs: 1 });
    expect(provider.sent).toHaveLength(1);
    expect((await notice(id)).status).toBe('expired');
  });

  it('a notice opted out while its send was in flight stays opted out, the try it had recorded', async () => {
    const id = await queue('13812341234');
    const optOut = () =>
      db()
        .updateTable('notices')
        .set({ status: 'opted_out', updated_at: nowIso() })
        .where('id', '=', id)
        .execute()
        .then(() => undefined);
    const provider = new ScriptedProvider({ outcome: 'sent', code: 'OK', ref: 'r-1' }, optOut);
    await dispatchNotices(db(), cipher, provider);
    expect(await notice(id)).toMatchObject({ status: 'opted_out', claimed_until: null, provider_ref: 'r-1' });
    expect((await attempts(id)).map((a) => a.result)).toEqual(['sent']);
  });

  it('a notice whose next try is not due is not sent, even when another dispatcher read it as due', async () => {
    const id = await queue('13812341234');
    // Another dispatcher tried it meanwhile and set the next try an hour ahead: this one's copy of the row is stale.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    let first = true;
    const provider = new ScriptedProvider({ outcome: 'sent', code: 'OK' });
    const racing: NoticeProviders = {
      async route(d) {
        if (first) {
          first = false;
          await db()
            .updateTable('notices')
            .set({ next_attempt_at: later, tries: 1, claimed_until: null })
            .where('id', '=', id)
            .execute();
        }
        return provider.route(d);
      },
    };
    expect((await dispatchNotices(db(), cipher, racing)).sent).toBe(0);
    expect(provider.sent).toHaveLength(0);
    expect(await notice(id)).toMatchObject({ status: 'pending', tries: 1, next_attempt_at: later });
  });

  it('notices no channel can take do not hold up those one can: they wait long, and the sendable go in the same run', async () => {
    const stuck: string[] = [];
    for (let i = 0; i < 25; i++)
      stuck.push(
        await db()
          .transaction()
          .execute((tx) =>
            queueNotice(tx, {
              channel: 'wecom',
              purpose: 'staff_assigned',
              countyCode: COUNTY,
              orgId: 'org-without-robot',
              params: { text: `第${i}项` },
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            }),
          ),
      );
    // They were due before the text message: the first batch of the run holds none but them.
    await db()
      .updateTable('notices')
      .set({ next_attempt_at: new Date(Date.now() - 3_600_000).toISOString() })
      .where('id', 'in', stuck)
      .execute();
    const sms = await queue('13812341234');
    const gateway = new ScriptedProvider({ outcome: 'sent', code: '200' });
    const smsOnly: NoticeProviders = {
      route: async (d, n) => (n.channel === 'sms' ? gateway.route(d) : null),
    };
    expect(await dispatchNotices(db(), cipher, smsOnly)).toMatchObject({ sent: 1, notConfigured: 25 });
    expect((await notice(sms)).status).toBe('sent');
    const waiting = await notice(stuck[0] as string);
    expect(waiting.status).toBe('not_configured');
    expect(Date.parse(waiting.next_attempt_at) - Date.parse(waiting.updated_at)).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it('the server warns at start when LIANJIAN_PUBLIC_URL is unset: the links in text messages need it', () => {
    const gateway = { aliyun: null, gateway: { url: 'https://sms.example.org/send' }, replyToken: 'r'.repeat(32) };
    const unset = noticeStartWarnings(gateway, dispatchOptionsFromEnv({}).publicUrl);
    expect(unset).toHaveLength(1);
    expect(unset[0]).toContain('LIANJIAN_PUBLIC_URL');
    const set = dispatchOptionsFromEnv({ LIANJIAN_PUBLIC_URL: 'https://lianjian.example.org/' }).publicUrl;
    expect(set).toBe('https://lianjian.example.org');
    expect(noticeStartWarnings(gateway, set)).toEqual([]);
  });

  it('the server warns at start when LIANJIAN_SMS_REPLY_TOKEN is unset, and refuses a token short enough to guess', () => {
    const url = 'https://lianjian.example.org';
    const noReplies = providerConfigFromEnv({ LIANJIAN_SMS_URL: 'https://sms.example.org/send' });
    expect(noReplies.replyToken).toBeNull();
    const warned = noticeStartWarnings(noReplies, url);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('LIANJIAN_SMS_REPLY_TOKEN');
    expect(() => providerConfigFromEnv({ LIANJIAN_SMS_REPLY_TOKEN: 'short-secret' })).toThrow(/at least 32/);
    const token = 'a1'.repeat(16);
    expect(providerConfigFromEnv({ LIANJIAN_SMS_REPLY_TOKEN: token }).replyToken).toBe(token);
  });

  it('phones leave the outbox a week after their notice is done with, by the hourly purge, not by each dispatch', async () => {
    const old = await queue('13812341234');
    const recent = await queue('13812341235');
    const waiting = await queue('13812341236');
    const weekAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await db().updateTable('notices').set({ status: 'sent', updated_at: weekAgo }).where('id', '=', old).execute();
    await db().updateTable('notices').set({ status: 'sent', updated_at: nowIso() }).where('id', '=', recent).execute();
    await db()
      .updateTable('notices')
      .set({ updated_at: weekAgo, next_attempt_at: new Date(Date.now() + 3_600_000).toISOString() })
      .where('id', '=', waiting)
      .execute();
    // A dispatch run (every few seconds) leaves the purge to its own hourly run.
    await dispatchNotices(db(), cipher, new ScriptedProvider({ outcome: 'sent', code: 'OK' }));
    expect((await notice(old)).to_enc).not.toBeNull();
    expect(await purgeNoticePhones(db())).toBe(1);
    expect(await notice(old)).toMatchObject({ to_enc: null, secret_params_enc: null, status: 'sent' });
    expect((await notice(recent)).to_enc).not.toBeNull();
    expect((await notice(waiting)).to_enc).not.toBeNull();
  });
});
