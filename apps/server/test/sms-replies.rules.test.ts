import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { noticeProviders } from '../src/lib/notice-providers.ts';
import { dispatchNotices } from '../src/lib/notices.ts';
import { loggedUrl } from '../src/lib/log-redact.ts';
import { newTrackingCode } from '../src/lib/tracking.ts';
import { mobileNumber, readReply } from '../src/modules/reports/sms-reply-words.ts';
import { testApp } from './helpers.ts';
import { listForQiaoGroup, useSmsPlatform } from './resident-sms.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));
const TOKEN = randomBytes(24).toString('hex');
const PHONE = '13812341234';
const DAY = 86_400_000;

/**
 * Issue 25 §3: residents answer the messages that ask them ("1" solved, "2" not solved, "TD" no more messages) by
 * replying. A reply is bound to the phone that sent it and to the question last put to that phone; it goes through
 * the same path as the tracking code's word; each provider message is taken once.
 */
describe('a resident answers by text message, bound to the phone the question went to', () => {
  const ctx = useCounty(cipher, { noticeProviders: { aliyun: null, gateway: null, replyToken: TOKEN } });

  const smsPlatform = useSmsPlatform();
  const platform = smsPlatform.sent;

  /** The dispatcher sends what is due through the platform. */
  const dispatch = () =>
    dispatchNotices(
      ctx.t.db.db,
      cipher,
      noticeProviders({ aliyun: null, gateway: { url: smsPlatform.url() } }, cipher),
    );

  const anon = (url: string, payload?: unknown) =>
    ctx.t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  let seq = 1000;
  /** Aliyun's 上行短信 push of one reply (or the given sequence id again). */
  /** Beijing time as Aliyun writes it. */
  const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const aliyunPush = (content: string, phone = PHONE, sequenceId = ++seq, sentAt = Date.now()) =>
    anon(`/public/sms/replies/${TOKEN}`, [
      {
        phone_number: phone,
        content,
        send_time: beijing(sentAt),
        sign_name: '联建',
        dest_code: '1234',
        sequence_id: sequenceId,
      },
    ]);
  const db = () => ctx.t.db.db;
  const item = async (id: string) => (await (await ctx.user('qiaoduan')).get(`/items/${id}`)).json();
  const version = async (id: string) => (await item(id)).version as number;
  const move = async (id: string, to: string) => {
    const r = await (await ctx.user('baihe')).post(`/items/${id}/transitions`, { to, version: await version(id) });
    expect(r.statusCode, r.body).toBe(204);
  };
  const replies = () =>
    db()
      .selectFrom('sms_replies')
      .select(['outcome', 'item_id', 'refusal_code', 'phone_masked', 'provider_message_id'])
      // Pushes follow one another; within one millisecond, the provider and its (growing) ids keep their order.
      .orderBy('received_at')
      .orderBy('provider')
      .orderBy('provider_message_id')
      .execute();

  /** A resident's report with a phone, listed, worked and handed in as done; the "done" message sent. */
  const handedIn = async (phone = PHONE, enteredBy?: 'qiaoduan') => {
    const report = { regionCode: '411321106200', category: 'electricity', description: '村口路灯不亮', phone };
    const submitted = enteredBy
      ? await (await ctx.user(enteredBy)).post('/reports', { ...report, source: 'hotline' })
      : await anon('/public/reports', report);
    expect(submitted.statusCode, submitted.body).toBe(201);
    const qiao = await ctx.user('qiaoduan');
    const reportId = (await qiao.get('/reports?limit=1')).json().items[0].id as string;
    const listed = await listForQiaoGroup(ctx, reportId);
    const itemId = listed;
    await move(itemId, 'in_progress');
    await move(itemId, 'awaiting_confirmation');
    await dispatch();
    return { code: submitted.json().trackingCode as string, itemId };
  };
  const status = async (id: string) =>
    await db()
      .selectFrom('items')
      .select(['status', 'resident_confirm_channel'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('"1" to the message that asked confirms the item: closed by the resident, by the same path and audit as the code', async () => {
    const { itemId } = await handedIn();
    // The message that asked says how to answer.
    expect(platform.at(-1)?.text).toContain('已解决请回复1，未解决请回复2');
    const r = await aliyunPush('1');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ code: 0, msg: '接收成功' });
    expect(await status(itemId)).toEqual({ status: 'closed', resident_confirm_channel: 'sms' });
    expect(await replies()).toMatchObject([{ outcome: 'confirmed', item_id: itemId, phone_masked: '138****1234' }]);
    // One transaction: the item's move and the reply's record, each with its audit row, under the request.
    const audit = await db()
      .selectFrom('audit_events')
      .select(['action', 'request_id', 'after_json'])
      .where('action', 'in', ['item.transition', 'sms_reply.receive'])
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['item.transition', 'sms_reply.receive']);
    expect(audit[0]?.request_id).toBe(audit[1]?.request_id);
    expect(JSON.parse(audit.find((a) => a.action === 'item.transition')?.after_json as string)).toMatchObject({
      status: 'closed',
      residentChannel: 'sms',
    });
    // The phone is nowhere in clear: not in the reply's record, not in the trail.
    expect(JSON.stringify(await db().selectFrom('sms_replies').selectAll().execute())).not.toContain(PHONE);
    expect(JSON.stringify(await db().selectFrom('audit_events').selectAll().execute())).not.toContain(PHONE);
  });

  it('a staff-entered report: the code alone does not confirm (staff held it), the reply from the phone on file does', async () => {
    const { itemId, code } = await handedIn(PHONE, 'qiaoduan');
    const byCode = await anon(`/public/reports/${code}/feedback`, { solved: true });
    expect(byCode.statusCode).toBe(409);
    expect(byCode.json().code).toBe('phone_code_required');
    expect((await aliyunPush('1')).statusCode).toBe(200);
    expect(await status(itemId)).toEqual({ status: 'closed', resident_confirm_channel: 'sms' });
  });

  it("the reply shows on the item's history as the resident's answer, the phone masked", async () => {
    const { itemId, code } = await handedIn();
    await aliyunPush('1');
    const shown = await item(itemId);
    expect(shown.residentConfirmation).toMatchObject({ channel: 'sms', text: '群众短信回复确认' });
    const answer = shown.events.find((e: { kind: string }) => e.kind === 'feedback');
    expect(answer).toMatchObject({ actor: '群众（短信回复，138****1234）', toStatus: 'closed', public: true });
    expect(answer.text).toContain('群众短信回复确认');
    expect(JSON.stringify(shown.events)).not.toContain(PHONE);
    // The resident's own page shows it too, without the phone.
    const page = (await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` })).json();
    expect(page.stage).toBe('closed');
    expect(JSON.stringify(page)).not.toContain('138****');
  });

  it('"2" with words reopens the item handed in, as the code\'s "not solved" does; the words are kept, numbers masked', async () => {
    const { itemId } = await handedIn();
    expect((await aliyunPush('２ 灯还是不亮，电话13912345678')).statusCode).toBe(200);
    expect((await status(itemId)).status).toBe('in_progress');
    const back = (await item(itemId)).events.find((e: { kind: string }) => e.kind === 'feedback');
    expect(back.text).toContain('群众反馈未解决：短信回复：灯还是不亮，电话139****5678');
    expect((await replies())[0]?.outcome).toBe('reopened');
  });

  it('the follow-up past the reopen window: "2" is refused by the same rule as the code\'s, recorded, shown on the history, and answers the question once', async () => {
    const { itemId, code } = await handedIn();
    expect((await anon(`/public/reports/${code}/feedback`, { solved: true })).statusCode).toBe(200);
    // Four weeks on: the follow-up goes (its due time moved to now).
    const now = new Date().toISOString();
    await db()
      .updateTable('notices')
      .set({ not_before: now, next_attempt_at: now })
      .where('purpose', '=', 'follow_up')
      .execute();
    await dispatch();
    expect(platform.at(-1)?.text).toContain('问题是否仍然解决？仍然解决请回复1，未解决请回复2');
    // The item closed four weeks ago: the county's window (5 days) is over.
    await db()
      .updateTable('items')
      .set({ closed_at: new Date(Date.now() - 28 * DAY).toISOString() })
      .where('id', '=', itemId)
      .execute();
    const before = await version(itemId);
    // The provider's time cannot open the window again: a reply it says was written the day after closing was written
    // before the follow-up went, and answers nothing.
    expect((await aliyunPush('2', PHONE, ++seq, Date.now() - 27 * DAY)).statusCode).toBe(200);
    expect((await aliyunPush('2')).statusCode).toBe(200);
    expect((await status(itemId)).status).toBe('closed');
    expect(await version(itemId)).toBe(before);
    expect(await replies()).toMatchObject([
      { outcome: 'nothing_open' },
      { outcome: 'refused', refusal_code: 'reopen_window_over', item_id: itemId },
    ]);
    const said = (await item(itemId)).events.at(-1);
    expect(said).toMatchObject({ actor: '群众（短信回复，138****1234）', public: false, kind: 'feedback' });
    expect(said.text).toContain('未解决');
    // Answered once: a second "2" finds nothing open.
    await aliyunPush('2');
    expect((await replies()).map((r) => r.outcome)).toEqual(['nothing_open', 'refused', 'nothing_open']);
  });

  it('"2" to the follow-up within the county\'s reopen window reopens the closed item, counted as a reopening', async () => {
    const { itemId, code } = await handedIn();
    expect((await anon(`/public/reports/${code}/feedback`, { solved: true })).statusCode).toBe(200);
    const now = new Date().toISOString();
    await db()
      .updateTable('notices')
      .set({ not_before: now, next_attempt_at: now })
      .where('purpose', '=', 'follow_up')
      .execute();
    await dispatch();
    expect((await aliyunPush('2 又坏了')).statusCode).toBe(200);
    const s = await db()
      .selectFrom('items')
      .select(['status', 'reopened_count'])
      .where('id', '=', itemId)
      .executeTakeFirstOrThrow();
    expect(s).toEqual({ status: 'in_progress', reopened_count: 1 });
  });

  it('"TD" says no to messages: the same effect as the opt-out by code, for the phone', async () => {
    const submitted = await anon('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '村口路灯不亮',
      phone: PHONE,
    });
    const code = submitted.json().trackingCode as string;
    // The receipt is still waiting (not sent yet) when the resident says no.
    expect((await aliyunPush('TD')).statusCode).toBe(200);
    expect(await replies()).toMatchObject([{ outcome: 'opted_out' }]);
    const optOuts = await db().selectFrom('sms_opt_outs').select('phone_index').execute();
    expect(optOuts).toEqual([{ phone_index: cipher.blindIndex(PHONE) }]);
    expect((await db().selectFrom('notices').select('status').execute()).map((n) => n.status)).toEqual(['opted_out']);
    expect((await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` })).json().textMessages).toBe('declined');
    // The county platform's shape, "退订" in full-width spacing: the same, said again, changes nothing more.
    const again = await anon(`/public/sms/replies/${TOKEN}`, { from: `+86${PHONE}`, text: ' 退订 ', id: 'gw-1' });
    expect(again.statusCode, again.body).toBe(200);
    expect((await replies()).map((r) => r.outcome)).toEqual(['opted_out', 'opted_out']);
  });

  it('a reply from a phone that never reported changes nothing (not even a "TD") and is recorded', async () => {
    const { itemId } = await handedIn();
    const before = await version(itemId);
    expect((await aliyunPush('1', '13900009999')).statusCode).toBe(200);
    expect((await aliyunPush('TD', '13900009999')).statusCode).toBe(200);
    expect(await version(itemId)).toBe(before);
    expect((await status(itemId)).status).toBe('awaiting_confirmation');
    expect(await db().selectFrom('sms_opt_outs').selectAll().execute()).toEqual([]);
    expect((await replies()).map((r) => [r.outcome, r.phone_masked])).toEqual([
      ['unknown_phone', '139****9999'],
      ['unknown_phone', '139****9999'],
    ]);
  });

  it('a reply to nothing open changes nothing: only listed (nothing asked), a message never sent, words not understood', async () => {
    const { itemId } = await handedIn();
    // The "done" message was not sent (the platform was down, say): it asked nothing.
    await db()
      .updateTable('notices')
      .set({ status: 'failed', sent_at: null })
      .where('purpose', '=', 'item_done')
      .execute();
    const before = await version(itemId);
    await aliyunPush('1');
    await aliyunPush('好的谢谢');
    expect(await version(itemId)).toBe(before);
    expect((await replies()).map((r) => r.outcome)).toEqual(['nothing_open', 'not_understood']);
  });

  it('the message that asked is the last made of those sent in the same millisecond, whatever their ids', async () => {
    const { itemId } = await handedIn();
    const done = await db()
      .selectFrom('notices')
      .selectAll()
      .where('item_id', '=', itemId)
      .where('purpose', '=', 'item_done')
      .executeTakeFirstOrThrow();
    // A listing message about the same item, made before the hand-in, that the outbox sent in the same millisecond as
    // the question; its id sorts after the question's.
    await db()
      .insertInto('notices')
      .values({
        ...done,
        id: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
        purpose: 'item_listed',
        created_at: new Date(Date.parse(done.created_at) - 1000).toISOString(),
      })
      .execute();
    await aliyunPush('1');
    expect(await status(itemId)).toEqual({ status: 'closed', resident_confirm_channel: 'sms' });
    expect((await replies()).map((r) => r.outcome)).toEqual(['confirmed']);
  });

  it('two items waiting for the phone: a bare "1" is ambiguous and changes nothing; "1 <code>" answers the one named', async () => {
    const first = await handedIn();
    const second = await handedIn();
    await aliyunPush('1');
    expect((await status(first.itemId)).status).toBe('awaiting_confirmation');
    expect((await status(second.itemId)).status).toBe('awaiting_confirmation');
    expect((await replies()).map((r) => r.outcome)).toEqual(['ambiguous']);
    await aliyunPush(`1 ${second.code.toLowerCase()}`);
    expect((await status(first.itemId)).status).toBe('awaiting_confirmation');
    expect((await status(second.itemId)).status).toBe('closed');
    // Another phone's code names nothing of this phone's.
    const other = await handedIn('13700001111');
    await aliyunPush(`1 ${other.code}`);
    expect((await status(other.itemId)).status).toBe('awaiting_confirmation');
    expect((await replies()).map((r) => r.outcome)).toEqual(['ambiguous', 'confirmed', 'nothing_open']);
  });

  it('a duplicate push is processed once: the provider retrying, and two pushes of the same id at the same moment', async () => {
    const { itemId } = await handedIn();
    const [a, b] = await Promise.all([aliyunPush('1', PHONE, 77), aliyunPush('1', PHONE, 77)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect((await aliyunPush('1', PHONE, 77)).statusCode).toBe(200);
    expect(await replies()).toMatchObject([{ outcome: 'confirmed', provider_message_id: '77' }]);
    const answers = (await item(itemId)).events.filter((e: { kind: string }) => e.kind === 'feedback');
    expect(answers).toHaveLength(1);
    const audited = await db()
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'sms_reply.receive')
      .execute();
    expect(audited).toHaveLength(1);
    // The county platform's ids are its own: the same number there is another message.
    const gw = await anon(`/public/sms/replies/${TOKEN}`, [{ from: PHONE, text: '1', id: 77 }]);
    expect(gw.statusCode).toBe(200);
    expect((await replies()).map((r) => r.outcome)).toEqual(['confirmed', 'nothing_open']);
  });

  it('two different replies from the phone at the same moment: one answers the question, the other finds it answered', async () => {
    const { itemId } = await handedIn();
    await Promise.all([aliyunPush('1'), aliyunPush('2 没修好')]);
    const outcomes = (await replies()).map((r) => r.outcome).sort();
    expect(outcomes).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'nothing_open')).toHaveLength(1);
    const s = (await status(itemId)).status;
    expect(outcomes.includes('confirmed') ? s === 'closed' : s === 'in_progress').toBe(true);
  });

  it('a wrong token answers 404 before the body is read, and the token never reaches the log', async () => {
    const wrong = await anon(`/public/sms/replies/${TOKEN.slice(0, -1)}x`, [{ nonsense: true }]);
    expect(wrong.statusCode).toBe(404);
    expect((await anon('/public/sms/replies/x', [])).statusCode).toBe(404);
    expect(await replies()).toEqual([]);
    expect(loggedUrl(`/api/v1/public/sms/replies/${TOKEN}`)).toBe('/api/v1/public/sms/replies/[redacted]');
    // A malformed push with the right token is refused (the provider may try again), and takes nothing.
    expect((await anon(`/public/sms/replies/${TOKEN}`, [{ content: '1' }])).statusCode).toBe(400);
  });
});

describe('without LIANJIAN_SMS_REPLY_TOKEN', () => {
  it('the reply address answers 404 to every token', async () => {
    const t = await testApp(undefined, cipher);
    try {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/public/sms/replies/anything',
        payload: [{ phone_number: PHONE, content: '1', sequence_id: 1 }],
      });
      expect(r.statusCode).toBe(404);
      expect(await t.db.db.selectFrom('sms_replies').selectAll().execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('what a reply says, read as the messages ask it', () => {
  it('1 and 2 standing alone (full-width too), with a code and words after; TD and its kin; nothing else', () => {
    expect(readReply('1')).toEqual({ kind: 'solved', code: null, words: null });
    expect(readReply(' １。')).toEqual({ kind: 'solved', code: null, words: null });
    expect(readReply('2灯还是不亮，再看看')).toEqual({ kind: 'not_solved', code: null, words: '灯还是不亮，再看看' });
    const code = newTrackingCode();
    expect(readReply(`2 ${code.toLowerCase()} 没修好`)).toEqual({
      kind: 'not_solved',
      code: code.replace(/-/g, ''),
      words: '没修好',
    });
    for (const no of ['TD', 'td', '退订', 'N', 'T', 'ＴＤ']) expect(readReply(no), no).toEqual({ kind: 'opt_out' });
    for (const other of ['12', '2020', '好的', '', '3', 'TD1'])
      expect(readReply(other), other).toEqual({ kind: 'not_understood' });
  });

  it('the phone as providers write it, or nothing', () => {
    expect(mobileNumber('+86 138-1234-1234')).toBe(PHONE);
    expect(mobileNumber(`0086${PHONE}`)).toBe(PHONE);
    expect(mobileNumber(`86${PHONE}`)).toBe(PHONE);
    expect(mobileNumber('1381111****')).toBeNull();
    expect(mobileNumber('010-12345678')).toBeNull();
  });
});
