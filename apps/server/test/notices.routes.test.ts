import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { newId, nowIso } from '../src/lib/ids.ts';
import { noticeProviders, wecomSend } from '../src/lib/notice-providers.ts';
import { dispatchNotices } from '../src/lib/notices.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));
const ROBOT = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1a2b3c4d-5e6f-7a8b-9c0d-aabbccddeeff';

describe("the county administrator's outbox and channel settings", () => {
  const ctx = useCounty(cipher);

  it('the county administrator sets the sign name, templates and a branch robot; the robot key is stored encrypted and shown masked', async () => {
    const admin = await ctx.user('admin');
    const put = await admin.put('/notice-settings', {
      signName: '汝阳县联建',
      templates: { report_accepted: 'SMS_100001', item_done: 'SMS_100003' },
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: ROBOT }],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      signName: '汝阳县联建',
      templates: { report_accepted: 'SMS_100001', item_done: 'SMS_100003' },
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: expect.stringContaining('key=1a2b****') }],
      provider: 'none',
      abilities: { set: true },
    });
    const raw = JSON.stringify(await ctx.t.db.db.selectFrom('wecom_robots').selectAll().execute());
    expect(raw).not.toContain('1a2b3c4d');
    const removed = await admin.put('/notice-settings', {
      signName: '汝阳县联建',
      templates: {},
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: null }],
    });
    expect(removed.json().robots).toEqual([]);
  });

  it('saving a branch robot alone needs no SMS sign name, and leaves the sign name and templates as they were', async () => {
    const admin = await ctx.user('admin');
    const robotOnly = await admin.put('/notice-settings', {
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: ROBOT }],
    });
    expect(robotOnly.statusCode, robotOnly.body).toBe(200);
    expect(robotOnly.json()).toMatchObject({
      signName: null,
      templates: {},
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id }],
    });
    await admin.put('/notice-settings', { signName: '汝阳县联建', templates: { item_done: 'SMS_100003' } });
    const again = await admin.put('/notice-settings', {
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: null }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ signName: '汝阳县联建', templates: { item_done: 'SMS_100003' }, robots: [] });
    // Templates alone keep the sign name on file; with none on file to send them with, they are refused.
    const templatesOnly = await admin.put('/notice-settings', { templates: { item_done: 'SMS_100004' } });
    expect(templatesOnly.json()).toMatchObject({ signName: '汝阳县联建', templates: { item_done: 'SMS_100004' } });
    await ctx.t.db.db.deleteFrom('sms_settings').execute();
    const noSign = await admin.put('/notice-settings', { templates: { item_done: 'SMS_100003' } });
    expect(noSign.statusCode).toBe(400);
  });

  it('saving the settings makes the notices waiting for a channel due at once', async () => {
    const submitted = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: { regionCode: '411321106200', category: 'electricity', description: '路灯不亮', phone: '13812341234' },
    });
    expect(submitted.statusCode).toBe(201);
    await dispatchNotices(ctx.t.db.db, cipher, noticeProviders({ aliyun: null, gateway: null }, cipher));
    const waiting = () =>
      ctx.t.db.db.selectFrom('notices').select(['status', 'next_attempt_at']).executeTakeFirstOrThrow();
    expect((await waiting()).status).toBe('not_configured');
    expect(Date.parse((await waiting()).next_attempt_at)).toBeGreaterThan(Date.now());
    const put = await (await ctx.user('admin')).put('/notice-settings', {
      signName: '汝阳县联建',
      templates: { report_accepted: 'SMS_100001' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(Date.parse((await waiting()).next_attempt_at)).toBeLessThanOrEqual(Date.now());
  });

  it('only the county administrator reads the outbox and sets the channels; a robot address must be https', async () => {
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.get('/notices')).statusCode).toBe(403);
    expect((await qiao.put('/notice-settings', { signName: '汝阳县联建', templates: {} })).statusCode).toBe(403);
    const admin = await ctx.user('admin');
    const plain = await admin.put('/notice-settings', {
      signName: '汝阳县联建',
      templates: {},
      robots: [{ orgId: ctx.county.orgs.qiaoBranch.id, url: 'http://example.org/hook' }],
    });
    expect(plain.statusCode).toBe(400);
    const badTemplate = await admin.put('/notice-settings', { signName: '汝阳县联建', templates: { item_done: '3' } });
    expect(badTemplate.statusCode).toBe(400);
  });

  it('the outbox lists the county’s notices newest first, phones masked, each try with the provider’s answer', async () => {
    const admin = await ctx.user('admin');
    const submitted = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: { regionCode: '411321106200', category: 'electricity', description: '路灯不亮', phone: '13812341234' },
    });
    expect(submitted.statusCode).toBe(201);
    await dispatchNotices(ctx.t.db.db, cipher, noticeProviders({ aliyun: null, gateway: null }, cipher));
    const list = await admin.get('/notices?limit=10');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      nextCursor: null,
      items: [
        { purpose: 'report_accepted', status: 'not_configured', to: '138****1234', lastMessage: '未配置短信通道' },
      ],
    });
    expect(list.body).not.toContain('13812341234');
    const id = list.json().items[0].id as string;
    await ctx.t.db.db
      .insertInto('notice_attempts')
      .values({
        id: newId(),
        notice_id: id,
        at: nowIso(),
        result: 'retry',
        provider: 'aliyun',
        provider_code: 'isv.BUSINESS_LIMIT_CONTROL',
        provider_message: '流控',
      })
      .execute();
    expect((await admin.get('/notices?status=not_configured')).json().items[0].attempts).toMatchObject([
      { result: 'retry', code: 'isv.BUSINESS_LIMIT_CONTROL' },
    ]);
    expect((await admin.get('/notices?status=sent')).json().total).toBe(0);
  });

  it('a WeCom robot receives a text message as its webhook takes it; its rate limit is tried again, a bad key is not', async () => {
    const received: unknown[] = [];
    let answer = { errcode: 45009, errmsg: 'api freq out of limit' };
    const robot = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => robot.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(robot.address() as AddressInfo).port}/cgi-bin/webhook/send?key=k`;
      expect((await wecomSend(url, '新增事项')).outcome).toBe('retry');
      answer = { errcode: 0, errmsg: 'ok' };
      expect((await wecomSend(url, '新增事项')).outcome).toBe('sent');
      answer = { errcode: 93000, errmsg: 'invalid webhook url' };
      expect(await wecomSend(url, '新增事项')).toMatchObject({ outcome: 'failed', code: '93000' });
      expect(received[1]).toEqual({ msgtype: 'text', text: { content: '新增事项' } });
    } finally {
      robot.close();
    }
  });
});
