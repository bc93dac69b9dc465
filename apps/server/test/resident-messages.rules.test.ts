import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { listForQiaoGroup } from './resident-sms.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));
const DAY = 86_400_000;

/** Issue 25: residents who left a phone are told what happened to their report, each message with its change. */
describe('residents are told what happened, in the transaction of what happened', () => {
  const ctx = useCounty(cipher);
  const anon = {
    post: (url: string, payload?: object) =>
      ctx.t.app.inject({ method: 'POST', url: `/api/v1${url}`, ...(payload ? { payload } : {}) }),
  };
  const notices = () =>
    ctx.t.db.db
      .selectFrom('notices')
      .select(['purpose', 'status', 'report_id', 'item_id', 'not_before', 'created_at', 'to_enc'])
      .where('channel', '=', 'sms')
      .orderBy('created_at')
      .execute();
  const version = async (itemId: string) =>
    (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json().version as number;
  const move = async (who: 'qiaoduan' | 'baihe', itemId: string, to: string, extra: object = {}) =>
    (await ctx.user(who)).post(`/items/${itemId}/transitions`, { to, version: await version(itemId), ...extra });

  /** A resident's report from the public page, listed for the party group. */
  const listedReport = async (phone?: string) => {
    const submitted = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '村口路灯不亮',
      ...(phone ? { phone } : {}),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { trackingCode } = submitted.json();
    const qiao = await ctx.user('qiaoduan');
    const reportId = (await qiao.get('/reports?limit=5')).json().items[0].id as string;
    const listed = await listForQiaoGroup(ctx, reportId);
    return { code: trackingCode as string, reportId, itemId: listed };
  };

  it('acceptance, listing and handing in are each told to the phone on file, the phone kept encrypted', async () => {
    const { itemId, reportId } = await listedReport('13812341234');
    expect((await notices()).map((n) => n.purpose)).toEqual(['report_accepted', 'item_listed']);
    expect((await move('baihe', itemId, 'in_progress')).statusCode).toBe(204);
    expect((await move('baihe', itemId, 'awaiting_confirmation')).statusCode).toBe(204);
    const all = await notices();
    expect(all.map((n) => [n.purpose, n.status, n.report_id])).toEqual([
      ['report_accepted', 'pending', reportId],
      ['item_listed', 'pending', reportId],
      ['item_done', 'pending', reportId],
    ]);
    expect(JSON.stringify(await ctx.t.db.db.selectFrom('notices').selectAll().execute())).not.toContain('13812341234');
    expect(cipher.decrypt(all[2]?.to_enc as string)).toBe('13812341234');
  });

  it('a report without a phone queues no message', async () => {
    const { code, itemId } = await listedReport();
    expect((await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` })).json().textMessages).toBe('none');
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    expect(await notices()).toEqual([]);
  });

  it('a refused change leaves no message: a stale handing-in, a report placed in the county itself', async () => {
    const { itemId } = await listedReport('13812341234');
    const before = (await notices()).length;
    expect((await move('baihe', itemId, 'in_progress')).statusCode).toBe(204);
    const stale = await (await ctx.user('baihe')).post(`/items/${itemId}/transitions`, {
      to: 'awaiting_confirmation',
      version: (await version(itemId)) - 1,
    });
    expect(stale.statusCode).toBe(409);
    const nowhere = await anon.post('/public/reports', {
      regionCode: '411321000000',
      category: 'electricity',
      description: '路灯不亮',
      phone: '13912341234',
    });
    expect(nowhere.statusCode).toBe(400);
    expect((await notices()).length).toBe(before);
  });

  it('closing queues the follow-up four weeks later; reopening withdraws it', async () => {
    const { code, itemId } = await listedReport('13812341234');
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const confirmed = await anon.post(`/public/reports/${code}/feedback`, { solved: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const followUp = (await notices()).find((n) => n.purpose === 'follow_up');
    expect(followUp?.status).toBe('pending');
    const closedAt = (
      await ctx.t.db.db.selectFrom('items').select('closed_at').where('id', '=', itemId).executeTakeFirst()
    )?.closed_at as string;
    expect(Date.parse(followUp?.not_before as string) - Date.parse(closedAt)).toBe(28 * DAY);
    const reopened = await anon.post(`/public/reports/${code}/feedback`, { solved: false, reason: '又不亮了' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect((await notices()).find((n) => n.purpose === 'follow_up')?.status).toBe('expired');
  });

  it('a resident who says no by the tracking code gets nothing more: waiting messages are opted out, none are queued', async () => {
    const { code, itemId } = await listedReport('13812341234');
    const view = () => ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` });
    expect((await view()).json().textMessages).toBe('on');
    const no = await anon.post(`/public/reports/${code}/sms-opt-out`);
    expect((await view()).json().textMessages).toBe('declined');
    expect(no.statusCode, no.body).toBe(204);
    expect((await notices()).map((n) => n.status)).toEqual(['opted_out', 'opted_out']);
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    expect((await notices()).length).toBe(2);
    // Saying it twice changes nothing and is not an error.
    expect((await anon.post(`/public/reports/${code}/sms-opt-out`)).statusCode).toBe(204);
    const unknown = await anon.post('/public/reports/XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX/sms-opt-out');
    expect([400, 404]).toContain(unknown.statusCode);
  });

  it("the item's history shows its residents' messages: what, when, what became of them, the phone masked", async () => {
    const { itemId } = await listedReport('13812341234');
    const item = (await (await ctx.user('qiaoduan')).get(`/items/${itemId}`)).json();
    expect(
      item.residentMessages.map((m: { purpose: string; status: string; phone: string }) => [
        m.purpose,
        m.status,
        m.phone,
      ]),
    ).toEqual([
      ['report_accepted', 'pending', '138****1234'],
      ['item_listed', 'pending', '138****1234'],
    ]);
  });

  /** The branch's WeCom robot, set by the county administrator. */
  const robotForQiao = async () => {
    const put = await (await ctx.user('admin')).put('/notice-settings', {
      robots: [
        { orgId: ctx.county.orgs.qiaoBranch.id, url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1' },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
  };
  const robotNotices = (itemId: string) =>
    ctx.t.db.db
      .selectFrom('notices')
      .select(['org_id', 'params', 'status'])
      .where('channel', '=', 'wecom')
      .where('item_id', '=', itemId)
      .execute();

  it("a new item is told to the branch's WeCom robot queue", async () => {
    await robotForQiao();
    const { itemId } = await listedReport();
    const robot = await robotNotices(itemId);
    expect(robot).toHaveLength(1);
    expect(robot[0]?.org_id).toBe(ctx.county.orgs.qiaoBranch.id);
    expect(JSON.parse(robot[0]?.params as string).text).toContain('路灯不亮');
  });

  it('a branch without a robot gets no robot message queued: nothing waits that nothing could send', async () => {
    const { itemId } = await listedReport();
    expect(await robotNotices(itemId)).toEqual([]);
  });

  it('the robot message carries the problem with its phone and ID numbers masked', async () => {
    await robotForQiao();
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '群众反映清单',
      listedOn: '2020-05-19',
      items: [
        {
          problem: '路灯不亮，王某13812341234，身份证411321198511113333',
          category: 'electricity',
          regionCode: '411321106200',
          responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
        },
      ],
    });
    expect(list.statusCode, list.body).toBe(201);
    const [robot] = await robotNotices(list.json().itemIds[0] as string);
    const text = JSON.parse(robot?.params as string).text as string;
    expect(text).toContain('138****1234');
    expect(text).not.toContain('13812341234');
    expect(text).not.toContain('198511113333');
  });

  it('a staff close after the handing-in queues no second item_done: one per close', async () => {
    const { itemId } = await listedReport('13812341234');
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const closed = await move('qiaoduan', itemId, 'closed', { evidence: '试送电正常' });
    expect(closed.statusCode, closed.body).toBe(204);
    expect((await notices()).filter((n) => n.purpose === 'item_done')).toHaveLength(1);
  });

  it('a send-back withdraws the item_done still waiting: the resident is not asked about work undone', async () => {
    const { itemId } = await listedReport('13812341234');
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const back = await move('qiaoduan', itemId, 'in_progress', { reason: '现场未完工' });
    expect(back.statusCode, back.body).toBe(204);
    expect((await notices()).filter((n) => n.purpose === 'item_done').map((n) => n.status)).toEqual(['expired']);
  });

  it('a report merged into an item by POST /items/:id/reports tells its own resident the item, once; the others hear nothing again', async () => {
    const { itemId, reportId: first } = await listedReport('13812341234');
    const later = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '路灯还是不亮，整条街都黑',
      phone: '13912341234',
    });
    expect(later.statusCode, later.body).toBe(201);
    const qiao = await ctx.user('qiaoduan');
    const second = (await qiao.get('/reports?limit=5')).json().items.find((r: { id: string }) => r.id !== first)
      .id as string;
    const added = await qiao.post(`/items/${itemId}/reports`, { reportIds: [second], version: await version(itemId) });
    expect(added.statusCode, added.body).toBe(204);
    const listed = (await notices()).filter((n) => n.purpose === 'item_listed');
    expect(listed.map((n) => n.report_id).sort()).toEqual([first, second].sort());
    const mine = listed.find((n) => n.report_id === second);
    expect(cipher.decrypt(mine?.to_enc as string)).toBe('13912341234');
    expect(mine?.status).toBe('pending');
    // Refused (already listed): nothing more is queued.
    const before = (await notices()).length;
    const again = await qiao.post(`/items/${itemId}/reports`, { reportIds: [second], version: await version(itemId) });
    expect(again.json().code).toBe('report_not_new');
    expect((await notices()).length).toBe(before);
  });

  it('a resident who said no hears nothing when their report is merged into an item', async () => {
    const { itemId } = await listedReport();
    const later = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '路灯还是不亮',
      phone: '13912341234',
    });
    const { trackingCode } = later.json();
    expect((await anon.post(`/public/reports/${trackingCode}/sms-opt-out`)).statusCode).toBe(204);
    const qiao = await ctx.user('qiaoduan');
    const second = (await qiao.get('/reports?limit=5')).json().items.find((r: { status: string }) => r.status === 'new')
      .id as string;
    const added = await qiao.post(`/items/${itemId}/reports`, { reportIds: [second], version: await version(itemId) });
    expect(added.statusCode, added.body).toBe(204);
    expect((await notices()).filter((n) => n.purpose === 'item_listed')).toEqual([]);
  });

  it('a resident who says no by one report’s code hears nothing more about any report from that phone', async () => {
    const { code, reportId: first } = await listedReport('13812341234');
    const { itemId: secondItem, reportId: second } = await listedReport('13812341234');
    const other = await listedReport('13912341234');
    expect((await anon.post(`/public/reports/${code}/sms-opt-out`)).statusCode).toBe(204);
    // What waited for either report from the phone is opted out; the other phone's messages wait as before.
    const byReport = (id: string) => notices().then((all) => all.filter((n) => n.report_id === id));
    expect((await byReport(first)).map((n) => n.status)).toEqual(['opted_out', 'opted_out']);
    expect((await byReport(second)).map((n) => n.status)).toEqual(['opted_out', 'opted_out']);
    expect((await byReport(other.reportId)).map((n) => n.status)).toEqual(['pending', 'pending']);
    // The second report's item moves on: nothing is queued for the phone; a new report from it is not acknowledged.
    await move('baihe', secondItem, 'in_progress');
    await move('baihe', secondItem, 'awaiting_confirmation');
    expect((await byReport(second)).length).toBe(2);
    const before = (await notices()).length;
    const third = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '又一处路灯不亮',
      phone: '13812341234',
    });
    expect(third.statusCode, third.body).toBe(201);
    expect((await notices()).length).toBe(before);
    const view = await ctx.t.app.inject({ url: `/api/v1/public/reports/${third.json().trackingCode}` });
    expect(view.json().textMessages).toBe('declined');
  });

  it('one message per phone: two reports from one phone on one item bring one item_done, not two', async () => {
    const { itemId, reportId: first } = await listedReport('13812341234');
    const again = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'electricity',
      description: '路灯还是不亮',
      phone: '13812341234',
    });
    expect(again.statusCode, again.body).toBe(201);
    const qiao = await ctx.user('qiaoduan');
    const second = (await qiao.get('/reports?limit=5')).json().items.find((r: { id: string }) => r.id !== first)
      .id as string;
    const added = await qiao.post(`/items/${itemId}/reports`, { reportIds: [second], version: await version(itemId) });
    expect(added.statusCode, added.body).toBe(204);
    await move('baihe', itemId, 'in_progress');
    await move('baihe', itemId, 'awaiting_confirmation');
    const done = (await notices()).filter((n) => n.purpose === 'item_done');
    expect(done).toHaveLength(1);
    expect(cipher.decrypt(done[0]?.to_enc as string)).toBe('13812341234');
  });
});
