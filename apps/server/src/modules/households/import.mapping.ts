import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden, invalid } from '../../lib/problem.ts';
import {
  COLUMNS,
  type ColumnKey,
  type ImportMapping,
  type MappedColumn,
  REGISTER_FIELDS,
  layoutField,
  normalHeading,
} from './import.layout.ts';

/**
 * The column-mapping step of a register import: what the clerk is shown while the import waits, the rules her
 * mapping must keep, and which of its headings are new to the county. The service (`confirmMapping`) applies them.
 */

/** The region an account imports within; refused to an account without one. */
export function regionScope(actor: Actor): string {
  if (actor.regionCode === null || actor.regionCode === '')
    throw forbidden('region_scope_required', '只有按行政区域授权的县、乡账号可以导入建档立卡户');
  return actor.regionCode;
}

/** The county whose clerks' confirmed headings map a file imported within `scope`. */
export const countyOf = (scope: string) => scope.slice(0, 6);

/** The mapping step as the clerk sees it: the file's headings, the mapping, the register's fields, the preview. */
export interface MappingView {
  headings: ImportMapping['headings'];
  columns: MappedColumn[];
  fields: typeof REGISTER_FIELDS;
  preview: string[][];
}

export function mappingView(json: string | null): MappingView | null {
  if (!json) return null;
  const m = JSON.parse(json) as ImportMapping;
  return { headings: m.headings, columns: m.columns, fields: REGISTER_FIELDS, preview: m.preview };
}

/** The mapping's headings the county does not know yet for their field: those a confirmation may remember. */
export function newHeadings(
  waiting: ImportMapping,
  columns: readonly MappedColumn[],
  remembered: ReadonlyMap<string, string>,
): { heading: string; field: ColumnKey }[] {
  const headingOf = new Map(waiting.headings.map((h) => [h.column, h.heading]));
  return columns
    .filter((c): c is { column: number; field: ColumnKey } => c.field !== null)
    .map((c) => ({ heading: headingOf.get(c.column) as string, field: c.field }))
    .filter((c) => layoutField(c.heading) === undefined && remembered.get(normalHeading(c.heading)) !== c.field);
}

/**
 * The clerk's mapping checked against the file's headings: every column one of them, each at most once (an unlisted
 * one is not imported); each field at most once; every required field given a column.
 */
export function checkedMapping(waiting: ImportMapping, given: readonly MappedColumn[]): MappedColumn[] {
  const headingOf = new Map(waiting.headings.map((h) => [h.column, h.heading]));
  const byColumn = new Map<number, ColumnKey | null>();
  const errors: { path: string; message: string }[] = [];
  given.forEach((c, i) => {
    if (!headingOf.has(c.column))
      errors.push({ path: `columns.${i}.column`, message: `文件中没有第 ${c.column} 列的表头` });
    else if (byColumn.has(c.column))
      errors.push({ path: `columns.${i}.column`, message: `第 ${c.column} 列出现了两次` });
    else byColumn.set(c.column, c.field);
  });
  if (errors.length) throw invalid('列的对应关系有误', errors);
  const columns = waiting.headings.map((h) => ({ column: h.column, field: byColumn.get(h.column) ?? null }));
  const label = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)?.header as string;
  const repeated = COLUMNS.map((f) => ({ f, cols: columns.filter((c) => c.field === f.key) })).filter(
    (x) => x.cols.length > 1,
  );
  if (repeated.length)
    throw new Problem(
      422,
      'import_mapping_repeated',
      `${repeated
        .map(
          ({ f, cols }) =>
            `“${f.header}”对应了多列（${cols.map((c) => `第 ${c.column} 列“${headingOf.get(c.column)}”`).join('、')}）`,
        )
        .join('；')}，每个字段只能对应一列`,
    );
  const missing = COLUMNS.filter((f) => f.required && !columns.some((c) => c.field === f.key)).map((f) => label(f.key));
  if (missing.length)
    throw new Problem(422, 'import_mapping_incomplete', `以下必填字段还没有对应的列：${missing.join('、')}`);
  return columns;
}
