import { type TableColumn, tableWorkbook } from '../../lib/table-workbook.ts';

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

const COLUMNS: TableColumn<LedgerRow>[] = [
  { header: '序号', width: 6, value: (r) => r.no },
  { header: '存在问题', width: 36, value: (r) => r.problem },
  { header: '责任党小组', width: 16, value: (r) => r.group },
  { header: '责任人', width: 14, value: (r) => r.people },
  { header: '整改措施', width: 30, value: (r) => r.measures },
  { header: '完成时限', width: 12, value: (r) => r.dueOn },
  { header: '进展情况', width: 30, value: (r) => r.progress },
  { header: '状态', width: 12, value: (r) => r.status },
  { header: '销号时间', width: 12, value: (r) => r.closedAt },
  { header: '销号人', width: 12, value: (r) => r.closedBy },
];

/**
 * The problem list as the county keeps it: the registers' A4 layout (`tableWorkbook`: title, stamp, header, every
 * text a plain string cell, never a formula) with the ledger's columns.
 */
export function ledgerWorkbook(title: string, subtitle: string, rows: LedgerRow[]): Promise<Buffer> {
  return tableWorkbook('问题清单', title, subtitle, COLUMNS, rows);
}
