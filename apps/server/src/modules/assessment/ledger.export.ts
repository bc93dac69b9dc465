import { excel } from '../../lib/excel.ts';
import type { LedgerRow, SchemeSnapshot } from './scoring.ts';

const GRADE_ZH = { good: '好', fair: '较好', average: '一般', poor: '差' } as const;
const DIMENSION_ZH = { political: '政治引领', role: '作用发挥', results: '实绩成效' } as const;

/**
 * The ledger as the county's paper ledger: a title, a two-row header (dimension over indicator with its
 * weight), one row per organization, A4 landscape. Text cells are strings, never formulas.
 */
export async function ledgerWorkbook(
  title: string,
  subtitle: string,
  scheme: SchemeSnapshot,
  rows: LedgerRow[],
): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Lianjian';
  const ws = wb.addWorksheet('考核台账', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const fixed = ['名次', '组织'];
  const tail = ['年终考核', '日常督查', '总分', '等次'];
  const width = fixed.length + scheme.indicators.length + tail.length;
  ws.mergeCells(1, 1, 1, width);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, width);
  ws.getCell(2, 1).value = subtitle;
  const h1 = ws.getRow(3);
  const h2 = ws.getRow(4);
  fixed.forEach((f, i) => {
    ws.mergeCells(3, i + 1, 4, i + 1);
    h1.getCell(i + 1).value = f;
  });
  scheme.indicators.forEach((ind, i) => {
    h1.getCell(fixed.length + i + 1).value = DIMENSION_ZH[ind.dimension];
    h2.getCell(fixed.length + i + 1).value = `${ind.name}（${ind.weight}）`;
  });
  tail.forEach((f, i) => {
    const c = fixed.length + scheme.indicators.length + i + 1;
    ws.mergeCells(3, c, 4, c);
    h1.getCell(c).value =
      f === '年终考核'
        ? `年终考核（${scheme.finalWeight}%）`
        : f === '日常督查'
          ? `日常督查（${scheme.dailyWeight}%）`
          : f;
  });
  for (const r of [h1, h2]) {
    r.font = { bold: true };
    r.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }
  rows.forEach((row, n) => {
    const r = ws.getRow(5 + n);
    r.getCell(1).value = row.rank;
    r.getCell(2).value = String(row.orgName);
    row.cells.forEach((c, i) => {
      r.getCell(fixed.length + i + 1).value = c.score;
    });
    const base = fixed.length + scheme.indicators.length;
    r.getCell(base + 1).value = row.yearEnd;
    r.getCell(base + 2).value = row.daily;
    r.getCell(base + 3).value = row.total;
    r.getCell(base + 4).value = GRADE_ZH[row.grade];
  });
  ws.getColumn(2).width = 34;
  for (let c = 3; c <= width; c++) ws.getColumn(c).width = 11;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
