import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Db, Executor } from '../../db/index.ts';
import { withWriteCache } from '../../db/write-cache.ts';
import type { HouseholdImportTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { csvRows } from '../../lib/csv.ts';
import { excel } from '../../lib/excel.ts';
import { nowIso } from '../../lib/ids.ts';
import type { SealedFile } from '../../lib/sealed.ts';
import { checkArchive, inReadingOrder } from '../../lib/zip-guard.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { peopleRegistered } from './households.repository.ts';
import { CreateHousehold } from './households.schemas.ts';
import { householdRows } from './households.service.ts';
import {
  COLUMNS,
  type ColumnKey,
  type HeaderMap,
  type IgnoredColumn,
  type ImportMapping,
  type ParsedPerson,
  type RememberedHeadings,
  type RowError,
  columnHeader,
  headerAsMapped,
  layoutField,
  mapHeader,
  parseRow,
  previewCell,
} from './import.layout.ts';
import { finishImport, insertRegisterBatch } from './import.repository.ts';
import type { ImportScratch } from './import.scratch.ts';

/**
 * The stages of one import (import.service.ts `run` calls them in turn):
 * 1. read: every row of the file parsed into the import's scratch (`openRows`, `readRows`);
 * 2. validate: no ID number twice, nor already in the register (`checkPeople`); each household whole, in the
 *    importer's villages, as registration by hand would accept it, and prepared for the write (`prepareHouseholds`);
 * 3. write: everything in one transaction with its audit row (`writeHouseholds`).
 * Each stage reports its progress through `ImportProgress` and its mistakes, by row, into `ImportErrors`.
 */

/** The columns of the file not read, said in words after an import's outcome; nothing when all were read. */
export const ignoredNote = (ignored: readonly IgnoredColumn[]) =>
  ignored.length ? `；未读取的列：${ignored.map((c) => `第 ${c.column} 列“${c.header}”`).join('、')}` : '';

/** The headings read by the county's remembered names, said after an import's outcome; nothing when none were. */
export const rememberedNote = (remembered: readonly { heading: string; field: ColumnKey }[] = []) =>
  remembered.length
    ? `；按本县记住的列名读取：${remembered.map((r) => `“${r.heading}”→${columnHeader(r.field)}`).join('、')}`
    : '';

/** Errors kept for the report; the count covers them all. */
export const MAX_REPORTED_ERRORS = 10_000;

/**
 * People registered outside the importer's scope audited from one file: enough to pause the account many times over
 * (a registration by hand is one attempt), without writing a row per person of a file made to probe.
 */
export const MAX_AUDITED_ATTEMPTS = 100;

/** The file cannot be imported as it is: the user corrects it. */
export class Fatal extends Error {}

/** The import was marked interrupted (its heartbeat was judged stale) while this server still ran it. */
export class Interrupted extends Error {}

/**
 * Lets the event loop serve other requests (progress polls among them) during long CPU-bound stretches: on
 * SQLite every query is synchronous, so without this an import would hold the server for its whole length.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The mistakes found in a file, by row: the first `MAX_REPORTED_ERRORS` kept for the report, all counted. */
export class ImportErrors {
  readonly kept: RowError[] = [];
  count = 0;

  readonly add = (es: RowError[]) => {
    this.count += es.length;
    for (const e of es) if (this.kept.length < MAX_REPORTED_ERRORS) this.kept.push(e);
  };

  /** The kept errors in the file's order. */
  byRow(): RowError[] {
    return this.kept.sort((a, b) => a.row - b.row);
  }
}

export type ProgressState = Pick<HouseholdImportTable, 'phase' | 'progress' | 'rows_read'>;

/**
 * The import's progress as its row shows it to the UI: phase, percentage, rows read. Saved (with the heartbeat) at
 * most every 300 ms unless forced; `persist` answers false once another server has marked the import interrupted,
 * and the stage in progress stops with `Interrupted`.
 */
export class ImportProgress {
  readonly state: ProgressState;
  private lastSave = 0;

  constructor(
    phase: HouseholdImportTable['phase'],
    private readonly persist: (state: ProgressState) => Promise<boolean>,
  ) {
    this.state = { phase, progress: 0, rows_read: 0 };
  }

  async save(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastSave < 300) return;
    this.lastSave = now;
    // Marked interrupted by a server that missed our beats: stop, it has been reported already.
    if (!(await this.persist({ ...this.state }))) throw new Interrupted();
  }

  /** A new phase, saved at once; at `progress` when given. */
  async enter(phase: HouseholdImportTable['phase'], progress?: number): Promise<void> {
    this.state.phase = phase;
    if (progress !== undefined) this.state.progress = progress;
    await this.save(true);
  }
}

/**
 * A count of the bytes a parser has consumed, for progress. Counted as they are pulled, not by listening: a listener
 * would start the stream flowing before the parser is attached, and what flowed meanwhile would be lost.
 */
function counted(s: Readable, onBytes: (n: number) => void): Readable {
  async function* count(): AsyncGenerator<Buffer> {
    let n = 0;
    for await (const chunk of s as AsyncIterable<Buffer>) {
      n += chunk.length;
      onBytes(n);
      yield chunk;
    }
  }
  return Readable.from(count(), { objectMode: false });
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    // Long digit strings typed as numbers lose precision; show them as Excel does so the row is refused.
    return Number.isSafeInteger(v) ? String(v) : v.toExponential().toUpperCase();
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v);
}

/**
 * Yielded by a workbook's rows between one sheet and the next: the register is the first sheet with a header in its
 * first rows, wherever the workbook puts it (a notes sheet often comes first).
 */
export const NEXT_SHEET: string[] = Object.freeze([]) as unknown as string[];

async function* xlsxRows(workbook: Readable): AsyncGenerator<string[]> {
  const reader = new (await excel()).stream.xlsx.WorkbookReader(workbook, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  // The parts come in reading order, so a sheet never waits for these; a workbook without shared strings (or
  // relationships) has none to wait for, and ExcelJS would otherwise set its sheet aside in a temporary file.
  Object.assign(reader, { sharedStrings: [], workbookRels: [] });
  let first = true;
  for await (const sheet of reader) {
    if (!first) yield NEXT_SHEET;
    first = false;
    let expected = 1;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      // Blank rows are not emitted: keep row numbers true to the file for the error report.
      while (expected < row.number) {
        yield [];
        expected++;
      }
      const values = row.values as ExcelJS.CellValue[];
      const out: string[] = [];
      for (let i = 1; i < values.length; i++) out.push(cellText(values[i] ?? null));
      yield out;
      expected++;
    }
  }
}

/** A parser's failure is the file's: the user is told to correct it, not to try again. */
async function* unreadable(rows: AsyncGenerator<string[]>): AsyncGenerator<string[]> {
  try {
    yield* rows;
  } catch (err) {
    throw new Fatal(`文件无法读取：${(err instanceof Error ? err.message : String(err)).slice(0, 200)}`);
  }
}

/**
 * Stage 1, read: the upload's rows as cells, its bytes counted into the progress (up to 60 %). A workbook's archive
 * is checked first (phase `checking`: zip-bomb guard, parts in reading order).
 */
export async function openRows(
  upload: SealedFile,
  format: 'csv' | 'xlsx',
  maxUnzippedBytes: number,
  progress: ImportProgress,
): Promise<AsyncGenerator<string[]>> {
  const size = await upload.size();
  const onBytes = (n: number) => {
    progress.state.progress = Math.min(60, Math.floor((n / size) * 60));
  };
  if (format === 'xlsx') {
    await progress.enter('checking');
    return xlsxRows(counted(inReadingOrder(upload, await checkArchive(upload, maxUnzippedBytes)), onBytes));
  }
  return csvRows(counted(upload.stream(), onBytes) as AsyncIterable<Buffer>);
}

/** The file's header as the later stages need it: its own headings, and the columns not read. */
export type ReadHeader = Pick<HeaderMap, 'headings' | 'ignored'> & {
  /** The mapping the rows were read with, when the clerk confirmed it. */
  mapping?: ImportMapping;
  /** The headings read by names the county's clerks confirmed before (not the layout's own), said to the clerk. */
  remembered?: { heading: string; field: ColumnKey }[];
};

/** Data rows shown in the mapping step's preview. */
export const PREVIEW_ROWS = 5;

/**
 * The header was found but its mapping is not complete and certain (a required field without a column, or a headed
 * column not read): the import waits for the clerk to confirm it. Nothing beyond the preview's rows was read.
 */
export class AwaitMapping extends Error {
  constructor(readonly mapping: ImportMapping) {
    super('awaiting mapping');
  }
}

const NO_HEADER = '前10行中找不到表头（须含“户编号”“姓名”“身份证号”等列）。请使用系统提供的导入模板';

/** The rows of a sheet in which its header is looked for. */
const HEADER_ROWS = 10;
/** A row of a sheet's first rows taken for a header the layout does not know: at least this many headings. */
const MIN_UNKNOWN_HEADINGS = 5;

/** How many distinct headings a row holds: short texts that are not numbers (a title row holds one). */
function headingCount(cells: string[]): number {
  const texts = cells
    .map((c) => String(c ?? '').trim())
    .filter((c) => c && c.length <= 30 && !/^[\d.,\-/:\s]+$/.test(c));
  return new Set(texts).size;
}

/** A data row of the preview: each heading's cell, an ID number or phone never whole. */
function previewRow(a: ImportMapping, cells: string[]): string[] {
  const fields = new Map(a.columns.map((c) => [c.column, c.field]));
  return a.headings.map((h) => previewCell(fields.get(h.column) ?? null, String(cells[h.column - 1] ?? '')));
}

/**
 * Stage 1, read: finds the header (within the first 10 rows of the first sheet that has one), parses every row after
 * it and keeps each person on disk with their ID number's blind index; a wrong row is reported and spoils its
 * household. A header whose every heading is known (by the layout or the county's remembered headings) is read at
 * once; any other stops the import with `AwaitMapping` (the headings, the proposed mapping, a masked preview) until
 * the clerk confirms a `mapping`, with which the same header is read again. Throws `Fatal` for a file that cannot be
 * imported at all (no header, no data, too many rows, unreadable). Answers the file's headings and the columns it
 * holds that are not read.
 */
export async function readRows(
  rows: AsyncGenerator<string[]>,
  into: ImportScratch,
  o: {
    maxRows: number;
    blindIndex: (idNumber: string) => string;
    progress: ImportProgress;
    errors: ImportErrors;
    remembered?: RememberedHeadings;
    mapping?: ImportMapping | undefined;
  },
): Promise<ReadHeader> {
  const { progress, errors, mapping } = o;
  let header: HeaderMap | null = null;
  let awaiting: ImportMapping | null = null;
  let sheet = 1;
  let rowNo = 0;
  let seen = false;
  let skipSheet = false;
  // The sheet's first rows, kept while no header is found: a header the layout does not know at all (every heading
  // the county's own) is taken from them for the clerk to map, rather than the file refused.
  let early: { rowNo: number; cells: string[] }[] = [];
  const unknownHeader = (): ImportMapping | null => {
    if (mapping || header || awaiting) return null;
    let best: { rowNo: number; cells: string[]; n: number } | null = null;
    for (const r of early) {
      const n = headingCount(r.cells);
      if (r.rowNo <= HEADER_ROWS && n >= MIN_UNKNOWN_HEADINGS && (!best || n > best.n)) best = { ...r, n };
    }
    const at = best;
    const after = at ? early.filter((r) => r.rowNo > at.rowNo) : [];
    if (!at || !after.length) return null;
    const h = mapHeader(at.cells, o.remembered);
    const m: ImportMapping = { sheet, headerRow: at.rowNo, headings: h.fileHeadings, columns: h.columns, preview: [] };
    m.preview = after.slice(0, PREVIEW_ROWS).map((r) => previewRow(m, r.cells));
    return m;
  };
  for await (const cells of unreadable(rows)) {
    if (cells === NEXT_SHEET) {
      awaiting = awaiting ?? unknownHeader();
      // The register's sheet has been read: further sheets (instructions, lists of values…) are not.
      if (header || awaiting) break;
      sheet++;
      rowNo = 0;
      skipSheet = false;
      early = [];
      continue;
    }
    rowNo++;
    if (skipSheet || cells.every((c) => String(c ?? '').trim() === '')) continue;
    seen = true;
    if (awaiting) {
      const a = awaiting;
      // Rows the preview already holds (a header taken from the sheet's first rows) are not shown twice.
      if (rowNo > a.headerRow + a.preview.length) a.preview.push(previewRow(a, cells));
      if (a.preview.length >= PREVIEW_ROWS) break;
      continue;
    }
    if (!header && !mapping) early.push({ rowNo, cells });
    if (!header) {
      if (mapping) {
        // The same file (by its hash) as when the clerk mapped it: its header where it was then.
        if (sheet === mapping.sheet && rowNo === mapping.headerRow) header = headerAsMapped(cells, mapping.columns);
        continue;
      }
      const h = mapHeader(cells, o.remembered);
      if (h.missing.length < COLUMNS.filter((c) => c.required).length / 2) {
        if (h.missing.length || h.ignored.length)
          awaiting = { sheet, headerRow: rowNo, headings: h.fileHeadings, columns: h.columns, preview: [] };
        else header = h;
        continue;
      }
      // No header the layout knows in this sheet's first rows: one of the county's own, or the next sheet.
      if (rowNo >= HEADER_ROWS) {
        awaiting = unknownHeader();
        if (!awaiting) skipSheet = true;
      }
      continue;
    }
    const index = header.index;
    progress.state.rows_read++;
    if (progress.state.rows_read > o.maxRows) throw new Fatal(`超过每次导入 ${o.maxRows} 行的上限，请分批导入`);
    const parsed = parseRow(rowNo, cells, index, header.headings);
    if (Array.isArray(parsed)) {
      errors.add(parsed);
      // The household's own checks wait until its rows are right: one mistake, one error.
      const no = index.householdNo === undefined ? '' : String(cells[index.householdNo] ?? '').trim();
      if (no) into.spoil(no);
    } else into.addPerson(parsed, o.blindIndex(parsed.idNumber));
    if (progress.state.rows_read % 1000 === 0) {
      await progress.save();
      await breathe();
    }
  }
  awaiting = awaiting ?? unknownHeader();
  if (awaiting) {
    if (!awaiting.preview.length) throw new Fatal('文件中没有数据行');
    throw new AwaitMapping(awaiting);
  }
  if (!header) throw new Fatal(seen ? NO_HEADER : '文件中没有表头和数据。请使用系统提供的导入模板');
  if (progress.state.rows_read === 0) throw new Fatal('文件中没有数据行');
  into.finishReading();
  const remembered = mapping
    ? []
    : header.fileHeadings.flatMap((h) => {
        const field = header?.columns.find((c) => c.column === h.column)?.field;
        return field && layoutField(h.heading) === undefined ? [{ heading: h.heading, field }] : [];
      });
  return {
    headings: header.headings,
    ignored: header.ignored,
    ...(mapping ? { mapping } : {}),
    ...(remembered.length ? { remembered } : {}),
  };
}

/** The column an error names: the file's own heading where it has one, the register's otherwise. */
const named = (headings: ReadHeader['headings'], key: ColumnKey) => headings[key] ?? columnHeader(key);

/** The column of a registration schema's issue (`people.0.idNumber`, `income.wages`, `address`), named as in the file. */
function issueColumn(headings: ReadHeader['headings'], path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((p): p is ColumnKey => COLUMNS.some((c) => c.key === p));
  if (key) return named(headings, key);
  return path[0] === 'people' ? named(headings, 'name') : named(headings, 'householdNo');
}

/**
 * Stage 2, validate the people: no ID number twice in the file, nor already in the register. A person registered in
 * the importer's scope is named by row; one registered elsewhere is not (the file would otherwise ask the county's
 * register, number by number, where each person is): those are answered, by blind index (at most
 * `MAX_AUDITED_ATTEMPTS`), for the import to be refused as a whole and each audited as an attempt.
 */
export async function checkPeople(
  db: Executor,
  actor: Actor,
  rowsOnDisk: ImportScratch,
  errors: ImportErrors,
  headings: ReadHeader['headings'] = {},
): Promise<string[]> {
  for (const r of rowsOnDisk.repeatedIds())
    errors.add([
      { row: r.row, column: named(headings, 'idNumber'), value: '', message: `与第 ${r.first} 行的身份证号重复` },
    ]);
  let checked = 0;
  const elsewhere: string[] = [];
  for (const chunk of rowsOnDisk.idKeys(500)) {
    for (const f of await peopleRegistered(db, actor, [...chunk.keys()])) {
      if (f.inScope) {
        errors.add([
          {
            row: chunk.get(f.id_number_index) as number,
            column: named(headings, 'idNumber'),
            value: '',
            message: '该身份证号已登记在本辖区的其他农户',
          },
        ]);
      } else if (elsewhere.length < MAX_AUDITED_ATTEMPTS) elsewhere.push(f.id_number_index);
    }
    checked += chunk.size;
    if (checked % 5000 === 0) await breathe();
  }
  return elsewhere;
}

type Registration = {
  regionCode: string;
  input: Omit<ReturnType<typeof CreateHousehold.parse>, 'regionCode'>;
  /** A historical exit's year, from the file; null for a household still poor. */
  exitYear: number | null;
};

/**
 * One household's people (by household number): exactly one head, one village within the importer's scope, and
 * the same schema as registration by hand. Errors go to `addErrors`, by row.
 */
export function assemble(
  no: string,
  members: ParsedPerson[],
  villages: ReadonlySet<string>,
  addErrors: (errors: RowError[]) => void,
  headings: ReadHeader['headings'] = {},
): Registration | null {
  const heads = members.filter((p) => p.household);
  const headRow = members.find((p) => p.relationship === '户主');
  const first = members[0] as ParsedPerson;
  if (!headRow) {
    addErrors([
      { row: first.row, column: named(headings, 'relationship'), value: '', message: `户编号 ${no} 没有户主` },
    ]);
    return null;
  }
  if (heads.length > 1) {
    addErrors(
      heads.slice(1).map((p) => ({
        row: p.row,
        column: named(headings, 'relationship'),
        value: '户主',
        message: `户编号 ${no} 有多位户主`,
      })),
    );
    return null;
  }
  const head = heads[0] as ParsedPerson;
  let ok = true;
  for (const p of members) {
    if (p.regionCode !== head.regionCode) {
      addErrors([
        {
          row: p.row,
          column: named(headings, 'regionCode'),
          value: p.regionCode,
          message: `与户主所在村（第 ${head.row} 行）不一致`,
        },
      ]);
      ok = false;
    }
  }
  if (!villages.has(head.regionCode)) {
    addErrors([
      {
        row: head.row,
        column: named(headings, 'regionCode'),
        value: head.regionCode,
        message: '不是本账号管辖范围内的村（社区）',
      },
    ]);
    ok = false;
  }
  if (members.length > 30) {
    addErrors([{ row: head.row, column: named(headings, 'householdNo'), value: no, message: '一户最多30人' }]);
    ok = false;
  }
  if (!ok) return null;
  const h = head.household as NonNullable<ParsedPerson['household']>;
  const candidate = {
    regionCode: head.regionCode,
    address: h.address,
    attribute: h.attribute,
    standard: h.standard,
    primaryCause: h.primaryCause,
    secondaryCauses: h.secondaryCauses,
    income: h.income,
    ...(h.housingArea !== null ? { housingArea: h.housingArea } : {}),
    ...(h.dangerRating ? { dangerRating: h.dangerRating } : {}),
    waterSafe: h.waterSafe,
    ...(h.relocatedTo ? { relocatedTo: h.relocatedTo } : {}),
    people: members.map((p) => ({
      name: p.name,
      relationship: p.relationship,
      gender: p.gender,
      idNumber: p.idNumber,
      ...(p.phone ? { phone: p.phone } : {}),
      inSchool: p.inSchool,
      health: p.health,
      labour: p.labour,
    })),
  };
  // The same schema as registration by hand: the import can accept nothing the form would refuse.
  const checked = CreateHousehold.safeParse(candidate);
  if (!checked.success) {
    addErrors(
      checked.error.issues.map((issue) => {
        const [top, i] = issue.path;
        const who = top === 'people' && typeof i === 'number' ? (members[i] as ParsedPerson) : head;
        return { row: who.row, column: issueColumn(headings, issue.path), value: '', message: issue.message };
      }),
    );
    return null;
  }
  const { regionCode, ...input } = checked.data;
  return { regionCode, input, exitYear: h.exitYear };
}

/**
 * Stage 2, validate the households: one head each, one village each, among `villages` (the importer's); encrypted as
 * they pass and kept on disk for the write (progress from 60 to 90 %). Once a mistake is found nothing will be
 * written: the rest is only checked. Answers what would be written.
 */
export async function prepareHouseholds(
  rowsOnDisk: ImportScratch,
  villages: ReadonlySet<string>,
  cipher: DataCipher,
  errors: ImportErrors,
  progress: ImportProgress,
  now = nowIso(),
  headings: ReadHeader['headings'] = {},
): Promise<{ households: number; people: number }> {
  let households = 0;
  let people = 0;
  for (const { householdNo, members, idKeys } of rowsOnDisk.households()) {
    const x = assemble(householdNo, members, villages, errors.add, headings);
    if (x && !errors.count) {
      const rows = householdRows(cipher, x.input, x.regionCode, now, idKeys);
      // Exited in a past year, as the file records: the year alone is known, not the day of the announcement.
      if (x.exitYear !== null) Object.assign(rows.household, { status: 'exited', exit_year: x.exitYear });
      rowsOnDisk.addPrepared(rows);
      households++;
      people += members.length;
    }
    if ((households + 1) % 500 === 0) {
      progress.state.progress = 60 + Math.min(30, Math.floor((people / Math.max(1, progress.state.rows_read)) * 30));
      await progress.save();
      await breathe();
    }
  }
  return { households, people };
}

/**
 * Stage 3, write: every prepared household in one transaction with the import's outcome and its audit row, all or
 * nothing. Completed only if still running: an import another server has meanwhile marked interrupted (it missed
 * our beats) stays so, and the transaction rolls back (`Interrupted`).
 */
export async function writeHouseholds(
  db: Db,
  audit: AuditTrail,
  actor: Actor,
  row: Pick<HouseholdImportTable, 'id' | 'file_name' | 'file_hash'>,
  rowsOnDisk: ImportScratch,
  counts: { households: number; people: number; rowsRead: number },
  ignored: IgnoredColumn[] = [],
  remembered: ReadHeader['remembered'] = [],
): Promise<void> {
  const { households, people } = counts;
  await db.transaction().execute(async (tx) => {
    await withWriteCache(tx, 32, async () => {
      for (const batch of rowsOnDisk.prepared(500)) {
        await insertRegisterBatch(tx, batch);
        // SQLite's driver is synchronous: without a turn of the event loop between batches the server would
        // not even answer (other requests wait for the connection until the commit, but they are received).
        await breathe();
      }
    });
    // The row before the audit head, as the sweep locks them, so that the two never wait for each other.
    const done = await finishImport(tx, row.id, {
      status: 'completed',
      phase: 'done',
      progress: 100,
      rows_read: counts.rowsRead,
      households,
      people,
      message: `已导入 ${households} 户 ${people} 人${rememberedNote(remembered)}${ignoredNote(ignored)}`,
      ignored_columns_json: ignored.length ? JSON.stringify(ignored) : null,
      updated_at: nowIso(),
      finished_at: nowIso(),
    });
    if (!done) throw new Interrupted();
    await audit.record(tx, actor, {
      action: 'household.import',
      entityType: 'household_import',
      entityId: row.id,
      after: { fileName: row.file_name, fileHash: row.file_hash, households, people },
    });
  });
}
