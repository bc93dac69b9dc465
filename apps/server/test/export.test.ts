import { excel } from '../src/lib/excel.ts';
import { describe, expect, it } from 'vitest';
import { exported } from './helpers.ts';
import { useCounty } from './setup-county.ts';

// Through the application's loader, which fixes ExcelJS's reader before it is first loaded.
const ExcelJS = await excel();

describe('problem-list export to XLSX', () => {
  const ctx = useCounty();

  it('writes the ledger columns, and every user-supplied cell as a string, never a formula', async () => {
    const qiao = await ctx.user('qiaoduan');
    const hostile = ['=HYPERLINK("http://x","点我")', '+1+1', '-2+3', '@SUM(A1:A2)'];
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '=危险标题',
      listedOn: '2020-05-19',
      items: hostile.map((problem) => ({
        problem,
        category: 'other',
        measures: problem,
        responsibleMemberIds: [ctx.county.members.qiaoSecretary],
      })),
    });
    expect(list.statusCode).toBe(201);
    const itemId = list.json().itemIds[0];
    await qiao.post(`/items/${itemId}/events`, { text: '=cmd|/C calc!A0', public: false });
    const res = await exported(qiao, 'problem_list', { id: list.json().id });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('问题清单');
    expect(ws).toBeDefined();
    if (!ws) return;
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual([
      '序号',
      '存在问题',
      '责任党小组',
      '责任人',
      '整改措施',
      '完成时限',
      '进展情况',
      '状态',
      '销号时间',
      '销号人',
    ]);
    expect(ws.getCell(1, 1).value).toBe('=危险标题');
    for (let r = 4; r < 4 + hostile.length; r++) {
      const row = ws.getRow(r);
      expect(row.getCell(1).value).toBe(r - 3);
      for (let c = 2; c <= 10; c++) {
        const cell = row.getCell(c);
        expect(cell.formula, `R${r}C${c}`).toBeUndefined();
        expect(cell.type === ExcelJS.ValueType.String || cell.value === null || cell.value === '', `R${r}C${c}`).toBe(
          true,
        );
      }
      expect(row.getCell(2).value).toBe(hostile[r - 4]);
      expect(row.getCell(4).value).toBe('张伟');
    }
    expect(ws.getRow(4).getCell(7).value).toBe('=cmd|/C calc!A0');
    // Out of scope: not found.
    expect((await exported(await ctx.user('chengjiao'), 'problem_list', { id: list.json().id })).statusCode).toBe(404);
  });
});
