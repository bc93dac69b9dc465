import type { Worksheet } from 'exceljs';
import { describe, expect, it } from 'vitest';
import { excel } from '../src/lib/excel.ts';
import type { Client } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

const ExcelJS = await excel();

/** Asks for an export, downloads it and reads the named sheet's rows below the header (row 3) as text. */
async function exported(
  c: Client,
  kind: string,
  sheet: string,
  params: Record<string, unknown> = {},
): Promise<{ rows: string[][]; header: string[]; about: string }> {
  const grant = await c.post('/exports', { kind, params, reason: '年度归档' });
  expect([grant.statusCode, grant.body]).toEqual([201, expect.any(String)]);
  const file = await c.get(grant.json().downloadUrl.replace('/api/v1', ''));
  expect(file.statusCode).toBe(200);
  return read(file.rawPayload, sheet);
}

async function read(payload: Buffer, sheet: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(sheet) as Worksheet;
  const text = (r: number) =>
    ((ws.getRow(r).values as unknown[]) ?? []).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)));
  const rows: string[][] = [];
  for (let r = 4; r <= ws.rowCount; r++) rows.push(text(r));
  const about = JSON.stringify((wb.getWorksheet('说明') as Worksheet).getSheetValues());
  return { rows, header: text(3), about };
}

describe('registers a county keeps on paper, exported within the account’s scope', () => {
  const ctx = useCounty();

  it('the organization roster lists the organizations of the account’s scope only, with level, leaders, members, dates and status', async () => {
    const qiao = await ctx.user('qiaoduan');
    const { rows, header, about } = await exported(qiao, 'org_roster', '组织花名册');
    expect(header).toEqual([
      '组织名称',
      '层级',
      '类别',
      '上级组织',
      '所在地',
      '负责人',
      '成员人数',
      '批准日期',
      '批准文号',
      '成立日期',
      '状态',
      '撤销日期',
    ]);
    expect(about).toContain('用途：年度归档');
    const names = rows.map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(['乔端镇临时党总支', '白河新村易地搬迁临时党支部', '基础建设党小组']));
    expect(names).not.toContain('城郊乡临时党总支');
    expect(names).not.toContain('国储林基地临时党支部');
    const branch = rows.find((r) => r[0] === '白河新村易地搬迁临时党支部') as string[];
    expect(branch[1]).toBe('临时党支部');
    expect(branch[3]).toBe('乔端镇临时党总支');
    expect(branch[5]).toContain('书记：张伟');
    expect(Number(branch[6])).toBeGreaterThanOrEqual(2);
    expect(branch[9]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(branch[10]).toBe('运行中');

    const cheng = await ctx.user('chengjiao');
    const theirs = (await exported(cheng, 'org_roster', '组织花名册')).rows.map((r) => r[0]);
    expect(theirs).toContain('国储林基地临时党支部');
    expect(theirs).not.toContain('白河新村易地搬迁临时党支部');
  });

  it('the member list holds the members of the account’s scope only', async () => {
    const names = (await exported(await ctx.user('qiaoduan'), 'member_list', '人员名册')).rows.map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(['张伟', '李电明', '王芳']));
    expect(names).not.toContain('陈静');
    expect(names).not.toContain('刘洋');
    const theirs = (await exported(await ctx.user('chengjiao'), 'member_list', '人员名册')).rows.map((r) => r[0]);
    expect(theirs).toEqual(expect.arrayContaining(['陈静', '刘洋']));
    expect(theirs).not.toContain('张伟');
  });

  it('the reports ledger holds the reports of the account’s scope only, the phone masked', async () => {
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const made = [
      await qiao.post('/reports', {
        source: 'visit',
        regionCode: '411321106200',
        category: 'electricity',
        description: '乔端走访：线路老化',
        phone: '13912345678',
      }),
      await cheng.post('/reports', {
        source: 'hotline',
        regionCode: '411321300214',
        category: 'roads',
        description: '城郊热线：便桥损坏',
      }),
    ];
    expect(made.map((r) => r.statusCode)).toEqual([201, 201]);
    const { rows } = await exported(qiao, 'reports', '群众反映台账');
    expect(rows.map((r) => r[4])).toEqual(['乔端走访：线路老化']);
    const row = rows[0] as string[];
    expect(row.slice(1, 4)).toEqual(['走访', '穆老庄村', '用电']);
    expect(row[6]).toBe('139****5678');
    expect(JSON.stringify(rows)).not.toContain('13912345678');
    expect((await exported(cheng, 'reports', '群众反映台账')).rows.map((r) => r[4])).toEqual(['城郊热线：便桥损坏']);
  });

  it('the audit log is exported by the audit administrator alone, in words, with the viewer’s masking; every other role is refused', async () => {
    const qiao = await ctx.user('qiaoduan');
    await registerHousehold(qiao);
    const auditor = await ctx.user('auditor');
    const grant = await auditor.post('/audit/exports', { params: { action: 'household.create' }, reason: '季度审计' });
    expect([grant.statusCode, grant.body]).toEqual([201, expect.any(String)]);
    expect(grant.json().downloadUrl).toBe(`/api/v1/audit/exports/${grant.json().id}/file`);
    const file = await auditor.get(grant.json().downloadUrl.replace('/api/v1', ''));
    expect(file.statusCode).toBe(200);
    const { rows, about } = await read(file.rawPayload, '审计日志');
    expect(about).toContain('用途：季度审计');
    expect(rows).toHaveLength(1);
    const row = rows[0] as string[];
    expect(row.slice(2, 5)).toEqual(['qiaoduan', '建档立卡登记', '建档立卡户']);
    expect(row[6]).toContain('（业务内容，审计视图不显示）');
    expect(JSON.stringify(rows)).not.toContain('赵大山');
    const actions = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', grant.json().id)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['export.request', 'export.download']);

    // Any other role: refused, through either door, and nothing granted.
    for (const who of ['admin', 'qiaoduan', 'supervisor', 'security'] as const) {
      const c = await ctx.user(who);
      expect((await c.post('/exports', { kind: 'audit_log', params: {}, reason: '看看' })).statusCode).toBe(403);
      expect((await c.post('/audit/exports', { params: {}, reason: '看看' })).statusCode).toBe(403);
      expect((await c.get(`/audit/exports/${grant.json().id}/file`)).statusCode).toBe(403);
    }
    // The auditor's grant is not fetched through the general door, nor another export through the auditor's.
    expect((await auditor.get(`/exports/${grant.json().id}/file`)).statusCode).toBe(403);
    const roster = await qiao.post('/exports', { kind: 'org_roster', params: {}, reason: '归档' });
    expect((await qiao.get(`/exports/${roster.json().id}/file`)).statusCode).toBe(200);
    const kinds = await ctx.t.db.db.selectFrom('export_grants').select('kind').orderBy('kind').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['audit_log', 'org_roster']);
  });

  it('export parameters are checked: an unknown filter is refused with 400 before any grant', async () => {
    const qiao = await ctx.user('qiaoduan');
    const res = await qiao.post('/exports', { kind: 'org_roster', params: { regionCode: '4113' }, reason: '归档' });
    expect(res.statusCode).toBe(400);
    expect(await ctx.t.db.db.selectFrom('export_grants').select('id').execute()).toHaveLength(0);
  });
});
