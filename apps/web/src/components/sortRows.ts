export type SortOrder = 'ascend' | 'descend';

/**
 * The rows ordered by one column's comparison, ascending or descending; ties keep their order (the server's ranking).
 * Without an order the rows are returned as they came.
 */
export function sortRows<T>(
  rows: readonly T[],
  compare: ((a: T, b: T) => number) | undefined,
  order: SortOrder | null,
): T[] {
  if (!compare || !order) return [...rows];
  const sign = order === 'ascend' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.i - b.i)
    .map((x) => x.row);
}

/** A header's click: none → ascending → descending → none, as antd's tables do; another column starts ascending. */
export function nextSort(
  current: { key: string; order: SortOrder } | null,
  key: string,
): { key: string; order: SortOrder } | null {
  if (!current || current.key !== key) return { key, order: 'ascend' };
  return current.order === 'ascend' ? { key, order: 'descend' } : null;
}
