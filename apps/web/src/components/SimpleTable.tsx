import { CaretDownOutlined, CaretUpOutlined } from '@ant-design/icons';
import { type ReactNode, useState } from 'react';
import { type SortOrder, nextSort, sortRows } from './sortRows';

export type SimpleColumn<T> = {
  key: string;
  title: ReactNode;
  render: (row: T, index: number) => ReactNode;
  align?: 'left' | 'right';
  width?: number;
  /** Makes the header a button that sorts the rows by this comparison. */
  sorter?: (a: T, b: T) => number;
};

/**
 * A small read-only table in antd's look, for a handful of rows shown whole (the cockpit's grades and rankings):
 * antd's Table brings pagination, selection, filters and virtual lists with it, more than the cockpit's first load can carry.
 */
export function SimpleTable<T>({
  rows,
  columns,
  rowKey,
  testId,
}: {
  rows: readonly T[];
  columns: SimpleColumn<T>[];
  rowKey: (row: T) => string;
  testId?: string;
}) {
  const [sort, setSort] = useState<{ key: string; order: SortOrder } | null>(null);
  const sorted = sortRows(rows, columns.find((c) => c.key === sort?.key)?.sorter, sort?.order ?? null);
  return (
    <table className="lj-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => {
            const order = sort?.key === c.key ? sort.order : null;
            return (
              <th
                key={c.key}
                style={{ textAlign: c.align, width: c.width }}
                aria-sort={order === 'ascend' ? 'ascending' : order === 'descend' ? 'descending' : undefined}
              >
                {c.sorter ? (
                  <button type="button" className="lj-table-sort" onClick={() => setSort(nextSort(sort, c.key))}>
                    {c.title}
                    <span className="lj-table-carets" aria-hidden>
                      <CaretUpOutlined className={order === 'ascend' ? 'on' : undefined} />
                      <CaretDownOutlined className={order === 'descend' ? 'on' : undefined} />
                    </span>
                  </button>
                ) : (
                  c.title
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row, i) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.key} style={{ textAlign: c.align }}>
                {c.render(row, i)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
