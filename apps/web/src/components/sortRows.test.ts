import { describe, expect, it } from 'vitest';
import { nextSort, sortRows } from './sortRows';

const rows = [
  { name: '城关镇', overdue: 3 },
  { name: '皇路店镇', overdue: 0 },
  { name: '白土岗镇', overdue: 3 },
  { name: '太山庙乡', overdue: 7 },
];
const byOverdue = (a: { overdue: number }, b: { overdue: number }) => a.overdue - b.overdue;

describe('the small table sorts its rows', () => {
  it('ascending and descending by a column, ties in the order the server ranked them', () => {
    expect(sortRows(rows, byOverdue, 'ascend').map((r) => r.name)).toEqual([
      '皇路店镇',
      '城关镇',
      '白土岗镇',
      '太山庙乡',
    ]);
    expect(sortRows(rows, byOverdue, 'descend').map((r) => r.name)).toEqual([
      '太山庙乡',
      '城关镇',
      '白土岗镇',
      '皇路店镇',
    ]);
  });

  it('without an order the rows stay as they came, and the input is not changed', () => {
    const before = rows.map((r) => r.name);
    expect(sortRows(rows, byOverdue, null).map((r) => r.name)).toEqual(before);
    sortRows(rows, byOverdue, 'descend');
    expect(rows.map((r) => r.name)).toEqual(before);
  });

  it('a header cycles ascending, descending, unsorted; another header starts ascending', () => {
    expect(nextSort(null, 'open')).toEqual({ key: 'open', order: 'ascend' });
    expect(nextSort({ key: 'open', order: 'ascend' }, 'open')).toEqual({ key: 'open', order: 'descend' });
    expect(nextSort({ key: 'open', order: 'descend' }, 'open')).toBeNull();
    expect(nextSort({ key: 'open', order: 'descend' }, 'closed')).toEqual({ key: 'closed', order: 'ascend' });
  });
});
