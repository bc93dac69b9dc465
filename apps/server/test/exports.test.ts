import type { Worksheet as ExcelWorksheet } from 'exceljs';
import { excel } from '../src/lib/excel.ts';
import { describe, expect, it } from 'vitest';
import { newIdNumber, registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

// Through the application's loader, which fixes ExcelJS's reader before it is first loaded.
const ExcelJS = await excel();

describe('PIPL: exports of personal data need a reason and go through an owner-checked link that expires', () => {
  const ctx = useCounty();

  it('asks why, stamps who, when and why into the file, audits the request and every download', async () => {
    const qiao = await ctx.user('qiaoduan');
    await registerHousehold(qiao);
    expect((await qiao.post('/exports', { kind: 'households', params: {} })).statusCode).toBe(400);
    expect((await qiao.post('/exports', { kind: 'households', params: {}, reason: '   ' })).statusCode).toBe(400);
    const grant = await qiao.post('/exports', {
      kind: 'households',
      params: { status: 'registered' },
      reason: '乡镇年度帮扶核查',
    });
    expect(grant.statusCode).toBe(201);
    const { downloadUrl, expiresAt, id } = grant.json();
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const file = await qiao.get(downloadUrl.replace('/api/v1', ''));
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const about = JSON.stringify((wb.getWorksheet('说明') as ExcelWorksheet).getSheetValues());
    expect(about).toContain('导出人：qiaoduan（qiaoduan）');
    expect(about).toContain('用途：乡镇年度帮扶核查');
    expect(about).toMatch(/导出时间：\d{4}/);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['export.request', 'export.download']);
    expect(audit[0]?.after_json).toContain('乡镇年度帮扶核查');

    // Only its owner can use the link, whatever their role.
    for (const who of ['chengjiao', 'admin'] as const) {
      expect((await (await ctx.user(who)).get(downloadUrl.replace('/api/v1', ''))).statusCode).toBe(404);
    }
    // It expires.
    await ctx.t.db.db
      .updateTable('export_grants')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    const late = await qiao.get(downloadUrl.replace('/api/v1', ''));
    expect([late.statusCode, late.json().code]).toEqual([410, 'export_expired']);
  });

  it('refuses kinds the role may not export and records out of scope (404) before granting anything', async () => {
    const security = await ctx.user('security');
    expect((await security.post('/exports', { kind: 'households', params: {}, reason: '看看' })).statusCode).toBe(403);
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '乔端清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路灯不亮', category: 'other', responsibleMemberIds: [ctx.county.members.qiaoSecretary] }],
    });
    const cheng = await ctx.user('chengjiao');
    expect(
      (await cheng.post('/exports', { kind: 'problem_list', params: { id: list.json().id }, reason: '核查' }))
        .statusCode,
    ).toBe(404);
    expect(await ctx.t.db.db.selectFrom('export_grants').select('id').execute()).toHaveLength(0);
  });

  it("a link whose records have left the account's reach answers 404 and records no download", async () => {
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const list = (org: string, title: string) => ({
      orgId: org,
      title,
      listedOn: '2020-05-19',
      items: [{ problem: '路灯不亮', category: 'other' }],
    });
    const own = (await qiao.post('/problem-lists', list(ctx.county.orgs.qiaoBranch.id, '乔端清单'))).json().id;
    const theirs = (await cheng.post('/problem-lists', list(ctx.county.orgs.chengBranch.id, '城郊清单'))).json().id;
    const grant = await qiao.post('/exports', { kind: 'problem_list', params: { id: own }, reason: '核查' });
    expect(grant.statusCode, grant.body).toBe(201);
    // As if the list had moved out of the township's tree since the link was made.
    await ctx.t.db.db
      .updateTable('export_grants')
      .set({ params_json: JSON.stringify({ id: theirs }) })
      .where('id', '=', grant.json().id)
      .execute();
    expect((await qiao.get(grant.json().downloadUrl.replace('/api/v1', ''))).statusCode).toBe(404);
    const downloads = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'export.download')
      .execute();
    expect(downloads).toEqual([]);
  });

  it('the register export keeps the order the register was sorted in: the same households, in the same order', async () => {
    const qiao = await ctx.user('qiaoduan');
    const heads = ['艾一', '白二', '陈三', '邓四'];
    for (const name of heads) {
      await registerHousehold(qiao, {
        people: [
          {
            name,
            relationship: '户主',
            gender: 'male',
            idNumber: newIdNumber(1966),
            health: 'healthy',
            labour: 'normal',
          },
        ],
      });
    }
    for (const dir of ['desc', 'asc'] as const) {
      const filter = { regionCode: '411321106200', sort: 'name', dir };
      const screen = (await qiao.get(`/households?${new URLSearchParams({ ...filter, limit: '200' })}`)).json()
        .items as { headName: string }[];
      const grant = await qiao.post('/exports', { kind: 'households', params: filter, reason: '按姓名排序核对' });
      expect(grant.statusCode, grant.body).toBe(201);
      const file = await qiao.get(grant.json().downloadUrl.replace('/api/v1', ''));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.getWorksheet('建档立卡户') as ExcelWorksheet;
      const headColumn = (sheet.getRow(1).values as unknown[]).indexOf('户主');
      expect(headColumn).toBeGreaterThan(0);
      const exported: string[] = [];
      sheet.eachRow((row, n) => {
        if (n > 1 && typeof row.getCell(headColumn).value === 'string')
          exported.push(row.getCell(headColumn).value as string);
      });
      expect(screen.map((h) => h.headName).filter((n) => heads.includes(n))).toEqual(
        dir === 'asc' ? heads : [...heads].reverse(),
      );
      expect(exported).toEqual(screen.map((h) => h.headName));
    }
  });
});
