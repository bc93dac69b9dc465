import type ExcelJS from 'exceljs';

/**
 * ExcelJS, loaded when a workbook is first read or written: it is a large library (some 28 MB of a server's memory)
 * that most requests never need.
 */
export async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
