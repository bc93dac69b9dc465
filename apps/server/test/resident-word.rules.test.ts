import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { noticeProviders, noticeText } from '../src/lib/notice-providers.ts';
import { dispatchNotices } from '../src/lib/notices.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));

/** DOMAIN §9a: a resident's word is the resident's — a tracking code that staff received is not the resident's voice. */
describe("a resident's word is the resident's", () => {
  const ctx = useCounty(cipher);
  const anon = {
    post: (url: string, payload?: object) =>
      ctx.t.app.inject({ method: 'POST', url: `/api/v1${url}`, ...(payload ? { payload } : {}) }),
    get: (url: string) => ctx.t.app.inject({ url: `/api/v1${url}` }),
  };
  const version = async (itemId: string) =>
    (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json().version as number;
  const move = async (who: 'qiaoduan' | 'baihe' | 'admin', itemId: string, to: string, extra: object = {}) =>
    (await ctx.user(who)).post(`/items/${itemId}/transitions`, { to, version: await version(itemId), ...extra });

  /** The secretary enters a hotline call, lists it for the party group, the group hands it in as done. */
  const hotlineItem = async (phone?: string) => {
    const qiao = await ctx.user('qiaoduan');
    const entered = await qiao.post('/reports', {
      source: 'hotline',
      regionCode: '411321106200',
      category: 'electricity',
      description: '12345 转来：断路器老是跳闸',
      ...(phone ? { phone } : {}),
    });
    expect(entered.statusCode, entered.body).toBe(201);
    const { id, trackingCode } = entered.json();
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '热线转办清单',
      listedOn: '2020-05-19',
      items: [
        {
          problem: '断路器频繁跳闸',
          category: 'electricity',
          regionCode: '411321106200',
          reportIds: [id],
          responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
        },
      ],
    });
    expect(list.statusCode, list.body).toBe(201);
    const itemId = list.json().itemIds[0] as string;
    expect((await move('baihe', itemId, 'in_progress')).statusCode).toBe(204);
    expect((await move('baihe', itemId, 'awaiting_confirmation')).statusCode).toBe(204);
    return { code: trackingCode as string, itemId };
  };
  /** The one-time codes waiting in the outbox, read as the SMS platform would. */
  const outbox = async () =>
    (
      await ctx.t.db.db
        .selectFrom('notices')
        .select(['to_enc', 'params', 'secret_params_enc'])
        .where('purpose', '=', 'phone_code')
        .orderBy('created_at')
        .execute()
    ).map((m) => ({
      to: cipher.decrypt(m.to_enc as string),
      text: noticeText('phone_code', {
        ...JSON.parse(m.params),
        ...JSON.parse(cipher.decrypt(m.secret_params_enc as string)),
      }),
    }));
  const lastCode = async () => /验证码：(\d{6})/.exec((await outbox()).at(-1)?.text ?? '')?.[1] as string;

  it("a staff-entered report's tracking code does not confirm 'solved' by itself: it needs the one-time code sent to the phone on file", async () => {
    const { code, itemId } = await hotlineItem('13812341234');
    const bare = await anon.post(`/public/reports/${code}/feedback`, { solved: true });
    expect([bare.statusCode, bare.json().code]).toEqual([409, 'phone_code_required']);
    expect((await anon.get(`/public/reports/${code}`)).json().phoneProof).toEqual({ phone: '138****1234' });

    const sent = await anon.post(`/public/reports/${code}/phone-code`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sentTo).toBe('138****1234');
    expect((await outbox()).map((m) => m.to)).toEqual(['13812341234']);
    const otp = await lastCode();
    // A second code inside the resend interval is refused: one message, not two.
    expect((await anon.post(`/public/reports/${code}/phone-code`)).json().code).toBe('phone_code_too_soon');
    expect(await outbox()).toHaveLength(1);

    const wrong = await anon.post(`/public/reports/${code}/feedback`, {
      solved: true,
      phoneCode: otp === '000000' ? '111111' : '000000',
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([400, 'validation_failed']);
    const right = await anon.post(`/public/reports/${code}/feedback`, { solved: true, phoneCode: otp });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json().stage).toBe('closed');
    const item = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json();
    expect(item.residentConfirmation).toMatchObject({ channel: 'phone', recordedBy: null });
    expect(item.closedBy).toBe('群众');
    // The code is spent: rating with it again is refused.
    const again = await anon.post(`/public/reports/${code}/rating`, { stars: 5, phoneCode: otp });
    expect([again.statusCode, again.json().code]).toEqual([409, 'phone_code_expired']);
    // The stored message text and phone are ciphertext, and the stored code only a keyed hash.
    const raw =
      JSON.stringify(await ctx.t.db.db.selectFrom('notices').selectAll().execute()) +
      JSON.stringify(await ctx.t.db.db.selectFrom('resident_phone_codes').selectAll().execute());
    expect(raw).not.toContain('13812341234');
    expect(raw).not.toContain(otp);
  });

  it('a one-time code allows a few wrong tries, then it is spent and a new one is needed', async () => {
    const { code } = await hotlineItem('13812341234');
    expect((await anon.post(`/public/reports/${code}/phone-code`)).statusCode).toBe(200);
    const otp = await lastCode();
    const wrongCode = otp === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      expect(
        (await anon.post(`/public/reports/${code}/feedback`, { solved: true, phoneCode: wrongCode })).statusCode,
      ).toBe(400);
    // Even the right code no longer works: the tries are used up.
    const late = await anon.post(`/public/reports/${code}/feedback`, { solved: true, phoneCode: otp });
    expect([late.statusCode, late.json().code]).toEqual([409, 'phone_code_expired']);
  });

  it("'not solved' through a staff-entered report's code needs no proof: sending work back serves nobody who holds the code", async () => {
    const { code, itemId } = await hotlineItem('13812341234');
    const back = await anon.post(`/public/reports/${code}/feedback`, { solved: false, reason: '还是跳闸' });
    expect(back.statusCode, back.body).toBe(200);
    expect((await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json().status).toBe('in_progress');
  });

  it("a resident's own report is confirmed by its tracking code alone; no code is sent for it", async () => {
    const receipt = (
      await anon.post('/public/reports', {
        regionCode: '411321106200',
        category: 'electricity',
        description: '路灯不亮了',
        phone: '13812341234',
      })
    ).json();
    expect((await anon.get(`/public/reports/${receipt.trackingCode}`)).json().phoneProof).toBeNull();
    expect((await anon.post(`/public/reports/${receipt.trackingCode}/phone-code`)).json().code).toBe(
      'phone_code_not_needed',
    );
  });

  it('a staff-entered report is confirmed by a call back recorded by another account, never by the one who entered the report or worked the item', async () => {
    const { code, itemId } = await hotlineItem();
    // No phone on file: the code cannot confirm and no one-time code can be sent.
    expect((await anon.post(`/public/reports/${code}/feedback`, { solved: true })).json().code).toBe(
      'no_phone_on_file',
    );
    expect((await anon.post(`/public/reports/${code}/phone-code`)).json().code).toBe('no_phone_on_file');
    const call = (calledAt: string, solved = true) => ({
      solved,
      calledAt,
      residentWords: '灯修好了，谢谢大家',
      version: 0,
    });
    const record = async (who: 'qiaoduan' | 'baihe' | 'admin', body: ReturnType<typeof call>) =>
      (await ctx.user(who)).post(`/items/${itemId}/resident-call`, { ...body, version: await version(itemId) });
    const now = new Date().toISOString();
    // The secretary entered the hotline report; 白河 handed the work in: neither may give the resident's word.
    for (const who of ['qiaoduan', 'baihe'] as const) {
      const own = await record(who, call(now));
      expect([own.statusCode, own.json().code]).toEqual([403, 'cannot_confirm_own_work']);
      expect((await (await ctx.user(who)).get(`/items/${itemId}`)).json().abilities.recordResidentCall).toBe(false);
    }
    const admin = await ctx.user('admin');
    expect((await admin.get(`/items/${itemId}`)).json().abilities.recordResidentCall).toBe(true);
    // A call in the future has not happened; one before the work was handed in cannot confirm it.
    expect((await record('admin', call(new Date(Date.now() + 3_600_000).toISOString()))).statusCode).toBe(400);
    expect((await record('admin', call('2020-01-01T00:00:00.000Z'))).statusCode).toBe(400);
    const done = await record('admin', call(now));
    expect(done.statusCode, done.body).toBe(204);
    const item = (await admin.get(`/items/${itemId}`)).json();
    expect(item.status).toBe('closed');
    expect(item.closedBy).toBe('群众');
    const recorder = await ctx.t.db.db
      .selectFrom('users')
      .select('display_name')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(item.residentConfirmation).toMatchObject({
      channel: 'call',
      recordedBy: recorder.display_name,
      callAt: now,
      words: '灯修好了，谢谢大家',
    });
    expect(item.events.at(-1).actor).toContain('电话回访');
  });

  it("a call back saying 'not solved' reopens a closed item only within the county's reopen window, as the tracking code does", async () => {
    const { itemId } = await hotlineItem();
    const admin = await ctx.user('admin');
    const record = async (solved: boolean, words: string) =>
      admin.post(`/items/${itemId}/resident-call`, {
        solved,
        calledAt: new Date().toISOString(),
        residentWords: words,
        version: await version(itemId),
      });
    expect((await record(true, '修好了')).statusCode).toBe(204);
    // Closed eleven days ago (the window is five days by default): the resident's "not solved" no longer reopens it.
    const closedAt = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    await ctx.t.db.db
      .updateTable('items')
      .set({ closed_at: closedAt(11) })
      .where('id', '=', itemId)
      .execute();
    const late = await record(false, '又跳闸了');
    expect([late.statusCode, late.json().code]).toEqual([409, 'reopen_window_over']);
    expect((await admin.get(`/items/${itemId}`)).json().status).toBe('closed');
    // Closed two days ago: the same call reopens it.
    await ctx.t.db.db
      .updateTable('items')
      .set({ closed_at: closedAt(2) })
      .where('id', '=', itemId)
      .execute();
    const inTime = await record(false, '又跳闸了');
    expect(inTime.statusCode, inTime.body).toBe(204);
    expect((await admin.get(`/items/${itemId}`)).json().status).toBe('in_progress');
  });

  it('the one-time code reaches the SMS platform once, even with two senders draining at the same moment', async () => {
    const { code } = await hotlineItem('13812341234');
    expect((await anon.post(`/public/reports/${code}/phone-code`)).statusCode).toBe(200);
    const received: { to: string; text: string; auth: string | undefined }[] = [];
    const platform = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ ...JSON.parse(body), auth: req.headers.authorization });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
    try {
      const gateway = {
        url: `http://127.0.0.1:${(platform.address() as AddressInfo).port}/sms`,
        token: 'county-token',
      };
      const providers = noticeProviders({ aliyun: null, gateway }, cipher);
      const codes = () => received.filter((m) => m.text.includes('验证码'));
      const runs = await Promise.all([
        dispatchNotices(ctx.t.db.db, cipher, providers),
        dispatchNotices(ctx.t.db.db, cipher, providers),
      ]);
      // The code, and the messages of the report's acceptance, listing and handing in, each once.
      expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(received.length);
      expect(codes()).toHaveLength(1);
      expect(codes()[0]).toMatchObject({ to: '13812341234', auth: 'Bearer county-token' });
      expect(codes()[0]?.text).toMatch(/验证码：\d{6}/);
      expect(new Set(received.map((m) => m.text)).size).toBe(received.length);
      expect((await dispatchNotices(ctx.t.db.db, cipher, providers)).sent).toBe(0);
    } finally {
      platform.close();
    }
  });
});
