import { excel } from './excel.ts';

export interface TableColumn<R> {
  header: string;
  width: number;
  value: (row: R) => string | number | null;
}

/**
 * A register as a county keeps it on paper: a title row, the stamp (who took it, when, why), the header, then one row
 * per record, on A4 landscape with every column on the page and text wrapped; a second sheet 说明 repeats the stamp.
 * Every text is written as a plain string cell, never a formula, so `=`, `+`, `-` and `@` stay inert.
 */
export async function tableWorkbook<R>(
  sheet: string,
  title: string,
  stamp: string,
  columns: TableColumn<R>[],
  rows: Iterable<R>,
): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Lianjian';
  const ws = wb.addWorksheet(sheet, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  ws.mergeCells(1, 1, 1, columns.length);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, columns.length);
  ws.getCell(2, 1).value = stamp;
  const header = ws.getRow(3);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  ws.pageSetup.printTitlesRow = '3:3';
  const thin = { style: 'thin' } as const;
  let n = 4;
  for (const r of rows) {
    const row = ws.getRow(n++);
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      const v = c.value(r);
      cell.value = typeof v === 'number' ? v : String(v ?? '');
      cell.alignment = { vertical: 'top', wrapText: true };
      cell.border = { top: thin, bottom: thin, left: thin, right: thin };
    });
  }
  const about = wb.addWorksheet('说明');
  about.getColumn(1).width = 100;
  about.getCell(1, 1).value = title;
  about.getCell(2, 1).value = stamp;
  about.getCell(3, 1).value = `共 ${n - 4} 行`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
