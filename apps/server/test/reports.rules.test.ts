import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

// A 1×1 PNG: a resident's photo.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** DOMAIN §8: reports reach the staff with their evidence, are entered from visits and the hotline, or not taken up. */
describe('reports: evidence, entry and dismissal', () => {
  const ctx = useCounty();
  const anon = {
    post: (url: string, payload?: object) =>
      ctx.t.app.inject({ method: 'POST', url: `/api/v1${url}`, ...(payload ? { payload } : {}) }),
    get: (url: string) => ctx.t.app.inject({ url: `/api/v1${url}` }),
  };
  /** A resident of 穆老庄村 (乔端镇) reports on the public page, with a phone and a photo. */
  const residentReport = async (description = '村口路灯坏了一个月') => {
    const res = await anon.post('/public/reports', {
      regionCode: '411321106200',
      category: 'roads',
      description,
      phone: '13812341234',
      photos: [{ dataBase64: PNG }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const trackingCode = res.json().trackingCode as string;
    const list = (await (await ctx.user('qiaoduan')).get('/reports?status=new')).json();
    const id = list.items.find((r: { description: string }) => r.description === description).id as string;
    return { id, trackingCode };
  };
  const auditOf = async (id: string, action: string) =>
    (await (await ctx.user('auditor')).get(`/audit-events?entityId=${id}&action=${action}`)).json().items as {
      after: Record<string, unknown>;
    }[];

  it("staff see a resident's photos and the masked phone; the full phone needs a reason and is audited", async () => {
    const { id } = await residentReport();
    const qiao = await ctx.user('qiaoduan');
    const report = (await qiao.get(`/reports/${id}`)).json();
    expect(report.phone).toBe('138****1234');
    expect(report.photoIds).toHaveLength(1);
    expect(report.abilities).toEqual({ dismiss: true, unmaskPhone: true });
    const photo = await qiao.get(`/photos/${report.photoIds[0]}`);
    expect([photo.statusCode, photo.headers['content-type']]).toEqual([200, 'image/png']);

    expect((await qiao.post(`/reports/${id}/unmask`, {})).statusCode).toBe(400);
    const unmasked = await qiao.post(`/reports/${id}/unmask`, { reason: '电话回访核实情况' });
    expect(unmasked.statusCode, unmasked.body).toBe(200);
    expect(unmasked.json()).toEqual({ phone: '13812341234' });
    const audit = await auditOf(id, 'report.unmask_phone');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after.reason).toBe('电话回访核实情况');
    // The trail keeps the reason, never the number.
    const raw = JSON.stringify(await ctx.t.db.db.selectFrom('audit_events').selectAll().execute());
    expect(raw).not.toContain('13812341234');
  });

  it('unmasking a phone: outside the scope the report is not found; a reader without the work permission is refused', async () => {
    const { id } = await residentReport();
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/reports/${id}`)).statusCode).toBe(404);
    expect((await cheng.post(`/reports/${id}/unmask`, { reason: '回访' })).statusCode).toBe(404);
    const supervisor = await ctx.user('supervisor');
    expect((await supervisor.get(`/reports/${id}`)).json().abilities).toEqual({ dismiss: false, unmaskPhone: false });
    expect((await supervisor.post(`/reports/${id}/unmask`, { reason: '回访' })).statusCode).toBe(403);
    // The branch secretary of the place calls back too.
    const baihe = await ctx.user('baihe');
    expect((await baihe.post(`/reports/${id}/unmask`, { reason: '回访' })).json().phone).toBe('13812341234');
    expect(await auditOf(id, 'report.unmask_phone')).toHaveLength(1);
  });

  it('a report without a phone has nothing to unmask', async () => {
    const qiao = await ctx.user('qiaoduan');
    const entered = await qiao.post('/reports', {
      source: 'visit',
      regionCode: '411321106200',
      category: 'water',
      description: '走访发现：水管冻裂',
    });
    expect(entered.statusCode, entered.body).toBe(201);
    const id = entered.json().id as string;
    expect((await qiao.get(`/reports/${id}`)).json().abilities.unmaskPhone).toBe(false);
    const res = await qiao.post(`/reports/${id}/unmask`, { reason: '回访' });
    expect([res.statusCode, res.json().code]).toEqual([409, 'report_no_phone']);
  });

  it('staff enter a hotline report only for a place in their reach; it lands in the new queue with its source', async () => {
    const qiao = await ctx.user('qiaoduan');
    const outside = await qiao.post('/reports', {
      source: 'hotline',
      regionCode: '411321300214',
      category: 'roads',
      description: '12345 转来：路面塌陷',
    });
    expect(outside.statusCode).toBe(400);
    const entered = await qiao.post('/reports', {
      source: 'hotline',
      regionCode: '411321106200',
      category: 'roads',
      description: '12345 转来：路面塌陷',
      reporterName: '王先生',
      phone: '13900001111',
    });
    expect(entered.statusCode, entered.body).toBe(201);
    const report = (await qiao.get(`/reports/${entered.json().id}`)).json();
    expect(report).toMatchObject({ source: 'hotline', status: 'new', phone: '139****1111', reporterName: '王先生' });
    expect((await (await ctx.user('supervisor')).post('/reports', { ...report, id: undefined })).statusCode).toBe(403);
  });

  it('a dismissed report leaves the new queue, is audited with its reason, and the resident reads the reason', async () => {
    const { id, trackingCode } = await residentReport('路灯坏了（重复反映）');
    const baihe = await ctx.user('baihe');
    const missing = await baihe.post(`/reports/${id}/dismiss`, { kind: 'duplicate' });
    expect(missing.statusCode).toBe(400);
    const wrongKind = await baihe.post(`/reports/${id}/dismiss`, { kind: 'spam', reason: '骚扰' });
    expect(wrongKind.statusCode).toBe(400);
    const res = await baihe.post(`/reports/${id}/dismiss`, {
      kind: 'duplicate',
      reason: '与本月已受理的路灯反映重复，将一并办理；联系电话13800001111',
    });
    expect(res.statusCode, res.body).toBe(204);

    const qiao = await ctx.user('qiaoduan');
    const queue = (await qiao.get('/reports?status=new')).json().items as { id: string }[];
    expect(queue.map((r) => r.id)).not.toContain(id);
    const report = (await qiao.get(`/reports/${id}`)).json();
    expect(report.status).toBe('dismissed');
    expect(report.dismissal).toMatchObject({ kind: 'duplicate', by: 'baihe' });
    expect(report.abilities.dismiss).toBe(false);
    const audit = await auditOf(id, 'report.dismiss');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after).toMatchObject({ status: 'dismissed', kind: 'duplicate' });

    const seen = (await anon.get(`/public/reports/${trackingCode}`)).json();
    expect(seen.stage).toBe('dismissed');
    expect(seen.dismissal.kind).toBe('duplicate');
    expect(seen.dismissal.reason).toContain('与本月已受理的路灯反映重复');
    // A number typed into the reason is masked on the public page.
    expect(seen.dismissal.reason).not.toContain('13800001111');

    const again = await baihe.post(`/reports/${id}/dismiss`, { kind: 'invalid', reason: '再次' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'report_already_dismissed']);
  });

  it('dismissing: outside the scope the report is not found; a reader without the work permission is refused', async () => {
    const { id, trackingCode } = await residentReport();
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.post(`/reports/${id}/dismiss`, { kind: 'invalid', reason: '无效' })).statusCode).toBe(404);
    const supervisor = await ctx.user('supervisor');
    expect((await supervisor.post(`/reports/${id}/dismiss`, { kind: 'invalid', reason: '无效' })).statusCode).toBe(403);
    expect((await anon.get(`/public/reports/${trackingCode}`)).json()).toMatchObject({
      stage: 'received',
      dismissal: null,
    });
    expect(await auditOf(id, 'report.dismiss')).toHaveLength(0);
  });

  it('a report already combed into an item cannot be dismissed', async () => {
    const { id, trackingCode } = await residentReport();
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '路灯清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路灯损坏', category: 'roads', regionCode: '411321106200', reportIds: [id] }],
    });
    expect(list.statusCode, list.body).toBe(201);
    expect((await qiao.get(`/reports/${id}`)).json().abilities.dismiss).toBe(false);
    const res = await qiao.post(`/reports/${id}/dismiss`, { kind: 'duplicate', reason: '重复' });
    expect([res.statusCode, res.json().code]).toEqual([409, 'report_already_listed']);
    expect((await qiao.get(`/reports/${id}`)).json().status).toBe('listed');
    expect((await anon.get(`/public/reports/${trackingCode}`)).json()).toMatchObject({
      stage: 'listed',
      dismissal: null,
    });
  });

  it('a dismissed report cannot be combed into an item: the list is refused whole and the resident still reads the dismissal', async () => {
    const { id, trackingCode } = await residentReport('路灯坏了（已另案受理）');
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.post(`/reports/${id}/dismiss`, { kind: 'duplicate', reason: '重复' })).statusCode).toBe(204);
    const lists = (await qiao.get('/problem-lists')).json().total;
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '路灯清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路灯损坏', category: 'roads', regionCode: '411321106200', reportIds: [id] }],
    });
    expect([list.statusCode, list.json().code]).toEqual([409, 'report_already_dismissed']);
    expect((await qiao.get('/problem-lists')).json().total).toBe(lists);
    expect((await qiao.get(`/reports/${id}`)).json().status).toBe('dismissed');
    expect((await anon.get(`/public/reports/${trackingCode}`)).json()).toMatchObject({ stage: 'dismissed' });
  });

  it('a report is on one item: the same report in two items of a list, or a report already listed, refuses the list whole', async () => {
    const { id } = await residentReport('桥面有裂缝');
    const qiao = await ctx.user('qiaoduan');
    const item = (problem: string) => ({ problem, category: 'roads', regionCode: '411321106200', reportIds: [id] });
    const list = (items: object[]) =>
      qiao.post('/problem-lists', {
        orgId: ctx.county.orgs.qiaoBranch.id,
        title: '桥梁清单',
        listedOn: '2020-05-19',
        items,
      });
    const before = (await qiao.get('/problem-lists')).json().total;
    const twice = await list([item('桥面裂缝'), item('桥面裂缝（重复）')]);
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'report_not_new']);
    expect((await qiao.get('/problem-lists')).json().total).toBe(before);
    expect((await qiao.get(`/reports/${id}`)).json().status).toBe('new');
    expect((await list([item('桥面裂缝')])).statusCode).toBe(201);
    const again = await list([item('桥面裂缝（再列一次）')]);
    expect([again.statusCode, again.json().code]).toEqual([409, 'report_not_new']);
    expect((await qiao.get('/problem-lists')).json().total).toBe(before + 1);
  });
});
