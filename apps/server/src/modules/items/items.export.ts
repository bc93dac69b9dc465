import { excel } from '../../lib/excel.ts';

export interface LedgerRow {
  no: number;
  problem: string;
  group: string;
  people: string;
  measures: string;
  dueOn: string;
  progress: string;
  status: string;
  closedAt: string;
  closedBy: string;
}

const COLUMNS: { header: string; key: keyof LedgerRow; width: number }[] = [
  { header: '序号', key: 'no', width: 6 },
  { header: '存在问题', key: 'problem', width: 36 },
  { header: '责任党小组', key: 'group', width: 16 },
  { header: '责任人', key: 'people', width: 14 },
  { header: '整改措施', key: 'measures', width: 30 },
  { header: '完成时限', key: 'dueOn', width: 12 },
  { header: '进展情况', key: 'progress', width: 30 },
  { header: '状态', key: 'status', width: 12 },
  { header: '销号时间', key: 'closedAt', width: 12 },
  { header: '销号人', key: 'closedBy', width: 12 },
];

/**
 * The problem list as the county keeps it: a title row, then the ledger columns. Every cell that holds
 * user-supplied text is written as a plain string cell, never as a formula, so `=`, `+`, `-` and `@` at the
 * start stay inert when the file is opened.
 */
export async function ledgerWorkbook(title: string, subtitle: string, rows: LedgerRow[]): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Lianjian';
  const ws = wb.addWorksheet('问题清单', { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1 } });
  ws.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  ws.mergeCells(1, 1, 1, COLUMNS.length);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, COLUMNS.length);
  ws.getCell(2, 1).value = subtitle;
  const header = ws.getRow(3);
  COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  rows.forEach((r, n) => {
    const row = ws.getRow(4 + n);
    COLUMNS.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      // A JS string is written as a string cell (t="s"); formulas exist only as { formula } objects.
      cell.value = c.key === 'no' ? r.no : String(r[c.key] ?? '');
      cell.alignment = { vertical: 'top', wrapText: true };
      cell.border = {
        top: { style: 'thin' },
        bottom: { style: 'thin' },
        left: { style: 'thin' },
        right: { style: 'thin' },
      };
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
