import { underRegion } from '../../lib/scope.ts';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { excel } from '../../lib/excel.ts';
import { type SqlBool, sql } from 'kysely';
import { insertRows } from '../../db/bulk.ts';
import { withWriteCache } from '../../db/write-cache.ts';
import { type Db, databaseNow, isUniqueViolation } from '../../db/index.ts';
import type { HouseholdImportTable } from '../../db/types.ts';
import { type Actor, systemActor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { csvRows } from '../../lib/csv.ts';
import { keysetPage } from '../../lib/paging.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskNumbersInText } from '../../lib/mask.ts';
import { Problem, conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import type { ScratchSpace } from '../../lib/scratch.ts';
import { SealedFile } from '../../lib/sealed.ts';
import { ArchiveRefused, checkArchive, inReadingOrder } from '../../lib/zip-guard.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { ImportScratch } from './import.scratch.ts';
import { COLUMNS, type ParsedPerson, type RowError, columnHeader, mapHeader, parseRow } from './import.layout.ts';
import {
  DUPLICATE_ATTEMPTS_PER_DAY,
  duplicateAttemptsOfDay,
  peopleRegistered,
  registrationPaused,
} from './households.repository.ts';
import { householdRows } from './households.service.ts';
import { CreateHousehold } from './households.schemas.ts';

export interface ImportLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Most data rows (people) in one file. */
  maxRows: number;
  /** Most bytes an XLSX workbook may inflate to (zip-bomb guard). */
  maxUnzippedBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 200_000,
  maxUnzippedBytes: 300 * 1024 * 1024,
};

/** Import limits from the environment (`LIANJIAN_IMPORT_MAX_BYTES`, `…_MAX_ROWS`, `…_MAX_UNZIPPED_BYTES`). */
export function importLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  const n = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  return {
    maxBytes: n(env.LIANJIAN_IMPORT_MAX_BYTES, DEFAULT_IMPORT_LIMITS.maxBytes),
    maxRows: n(env.LIANJIAN_IMPORT_MAX_ROWS, DEFAULT_IMPORT_LIMITS.maxRows),
    maxUnzippedBytes: n(env.LIANJIAN_IMPORT_MAX_UNZIPPED_BYTES, DEFAULT_IMPORT_LIMITS.maxUnzippedBytes),
  };
}

export interface ImportJobs {
  /** How often the server running an import writes its heartbeat. */
  heartbeatMs: number;
  /** A running import whose heartbeat is older than this was cut off with its server. */
  staleMs: number;
}

export const DEFAULT_IMPORT_JOBS: ImportJobs = { heartbeatMs: 5000, staleMs: 30_000 };

/**
 * Heartbeat and threshold from the environment (`LIANJIAN_IMPORT_HEARTBEAT_MS`, `LIANJIAN_IMPORT_STALE_MS`). The
 * threshold is kept at three beats at least, so that one late beat never fails a live import.
 */
export function importJobsFromEnv(env: NodeJS.ProcessEnv = process.env): ImportJobs {
  const n = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  const heartbeatMs = n(env.LIANJIAN_IMPORT_HEARTBEAT_MS, DEFAULT_IMPORT_JOBS.heartbeatMs);
  return {
    heartbeatMs,
    staleMs: Math.max(n(env.LIANJIAN_IMPORT_STALE_MS, DEFAULT_IMPORT_JOBS.staleMs), 3 * heartbeatMs),
  };
}

/** How often every server looks for interrupted imports: four times per threshold. */
export const sweepInterval = (jobs: ImportJobs) => Math.max(100, Math.round(jobs.staleMs / 4));

/** Errors kept for the report; the count covers them all. */
const MAX_REPORTED_ERRORS = 10_000;

const INTERRUPTED = '导入因服务中断而停止，未写入任何数据。请重新上传同一文件';

/** The file cannot be imported as it is: the user corrects it. */
class Fatal extends Error {}

/**
 * People registered outside the importer's scope audited from one file: enough to pause the account many times over
 * (a registration by hand is one attempt), without writing a row per person of a file made to probe.
 */
const MAX_AUDITED_ATTEMPTS = 100;

/** The import was marked interrupted (its heartbeat was judged stale) while this server still ran it. */
class Interrupted extends Error {}

/**
 * Lets the event loop serve other requests (progress polls among them) during long CPU-bound stretches: on
 * SQLite every query is synchronous, so without this an import would hold the server for its whole length.
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  for await (const sheet of reader) {
    // The first worksheet is the register; further sheets (instructions…) are not read.
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
    return;
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

export interface ImportView {
  id: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  status: 'running' | 'completed' | 'failed';
  failure: HouseholdImportTable['failure'];
  phase: HouseholdImportTable['phase'];
  progress: number;
  rowsRead: number;
  households: number;
  people: number;
  errorCount: number;
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
  duplicateOf: string | null;
}

const view = (r: HouseholdImportTable, duplicateOf: string | null = null): ImportView => ({
  id: r.id,
  fileName: r.file_name,
  format: r.format,
  status: r.status,
  failure: r.failure,
  phase: r.phase,
  progress: r.progress,
  rowsRead: r.rows_read,
  households: r.households,
  people: r.people,
  errorCount: r.error_count,
  message: r.message,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  duplicateOf,
});

type Registration = { regionCode: string; input: Omit<ReturnType<typeof CreateHousehold.parse>, 'regionCode'> };

/**
 * One household's people (by household number): exactly one head, one village within the importer's scope, and
 * the same schema as registration by hand. Errors go to `addErrors`, by row.
 */
function assemble(
  no: string,
  members: ParsedPerson[],
  villages: Set<string>,
  addErrors: (errors: RowError[]) => void,
): Registration | null {
  const heads = members.filter((p) => p.household);
  const headRow = members.find((p) => p.relationship === '户主');
  const first = members[0] as ParsedPerson;
  if (!headRow) {
    addErrors([{ row: first.row, column: columnHeader('relationship'), value: '', message: `户编号 ${no} 没有户主` }]);
    return null;
  }
  if (heads.length > 1) {
    addErrors(
      heads.slice(1).map((p) => ({
        row: p.row,
        column: columnHeader('relationship'),
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
          column: columnHeader('regionCode'),
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
        column: columnHeader('regionCode'),
        value: head.regionCode,
        message: '不是本账号管辖范围内的村（社区）',
      },
    ]);
    ok = false;
  }
  if (members.length > 30) {
    addErrors([{ row: head.row, column: columnHeader('householdNo'), value: no, message: '一户最多30人' }]);
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
        return { row: who.row, column: issue.path.join('.'), value: '', message: issue.message };
      }),
    );
    return null;
  }
  const { regionCode, ...input } = checked.data;
  return { regionCode, input };
}

/**
 * Imports the register from XLSX or CSV: the file is streamed to a sealed scratch file and hashed, every row is
 * validated before anything is written, and the households are written in one transaction with their audit row —
 * all or nothing. The same file (by hash) is imported once. Progress is kept on the import's row for the UI, with
 * the heartbeat by which any server tells an import cut off with its server from one still running.
 */
export class HouseholdImportService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly scratch: ScratchSpace;
  private readonly limits: ImportLimits;
  private readonly jobs: ImportJobs;
  private beatTimer: NodeJS.Timeout | null = null;
  private beating = false;

  constructor(
    private readonly db: Db,
    private readonly cipher: DataCipher,
    options: { scratch: ScratchSpace; limits?: ImportLimits | undefined; jobs?: ImportJobs | undefined },
  ) {
    this.scratch = options.scratch;
    this.limits = options.limits ?? DEFAULT_IMPORT_LIMITS;
    this.jobs = options.jobs ?? DEFAULT_IMPORT_JOBS;
  }

  /** Imports visible to the caller: those made within their region. */
  private scoped(actor: Actor) {
    const prefix = actor.regionCode;
    return this.db
      .selectFrom('household_imports')
      .selectAll()
      .where(prefix === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`scope_code like ${`${prefix}%`}`);
  }

  async get(actor: Actor, id: string): Promise<ImportView> {
    const r = await this.scoped(actor).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('导入记录');
    return view(r);
  }

  /** Imports of the account's region, newest first, in keyset pages with their total. */
  async list(actor: Actor, f: { limit?: number; cursor?: string | undefined } = {}) {
    return keysetPage(
      this.scoped(actor),
      { sort: 'created_at', id: 'id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => view(r)),
      (v) => v.createdAt,
    );
  }

  /** Waits for a running import (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  /** Receives an upload; starts the import, or answers with the earlier import of the same file. */
  async receive(actor: Actor, fileName: string, body: Readable): Promise<{ created: boolean; import: ImportView }> {
    const scope = actor.regionCode;
    if (scope === null || scope === '')
      throw forbidden('region_scope_required', '只有按行政区域授权的县、乡账号可以导入建档立卡户');
    // An account whose registrations are paused (too many people registered elsewhere) imports nothing either.
    if ((await duplicateAttemptsOfDay(this.db, actor)) >= DUPLICATE_ATTEMPTS_PER_DAY) throw registrationPaused();
    const id = newId();
    const upload = new SealedFile(path.join(await this.scratch.folder(id), 'upload'));
    let row: HouseholdImportTable;
    try {
      const hash = createHash('sha256');
      let bytes = 0;
      const limit = this.limits.maxBytes;
      await upload.write(
        (async function* () {
          for await (const chunk of body as AsyncIterable<Buffer>) {
            bytes += chunk.length;
            if (bytes > limit)
              throw new Problem(413, 'file_too_large', `文件超过 ${Math.round(limit / 1048576)} MB 上限`);
            hash.update(chunk);
            yield chunk;
          }
        })(),
      );
      if (bytes === 0) throw invalid('文件为空');
      const fileHash = hash.digest('hex');
      // Zeros past the end of a file shorter than the signatures.
      const head = Buffer.alloc(8);
      (await upload.read(0, 8)).copy(head);
      let format: 'csv' | 'xlsx';
      if (head.readUInt32LE(0) === 0x04034b50) format = 'xlsx';
      else if (head.readUInt32BE(0) === 0xd0cf11e0)
        throw invalid('不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 .csv 后导入');
      else format = 'csv';

      // An import of the same file cut off with its server does not stand in for this one: it is marked first.
      await this.failInterrupted();
      // The same file already imported (or being imported) within an overlapping scope: answer with it.
      const earlier = await this.db
        .selectFrom('household_imports')
        .selectAll()
        .where('file_hash', '=', fileHash)
        .where('status', 'in', ['running', 'completed'])
        .where(sql<SqlBool>`(scope_code like ${`${scope}%`} or ${scope} like scope_code || '%')`)
        .orderBy('created_at')
        .executeTakeFirst();
      if (earlier) {
        await this.scratch.remove(id);
        return { created: false, import: view(earlier, earlier.id) };
      }

      const now = nowIso();
      row = {
        id,
        scope_code: scope,
        // A file is often named after a person (`张三 4113…`): numbers in its name are masked like any text.
        file_name: maskNumbersInText(fileName).text.slice(0, 200),
        file_hash: fileHash,
        file_bytes: bytes,
        format,
        status: 'running',
        failure: null,
        phase: 'received',
        progress: 0,
        rows_read: 0,
        households: 0,
        people: 0,
        error_count: 0,
        errors_json: null,
        message: null,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
        heartbeat_at: now,
        finished_at: null,
      };
      try {
        await this.db
          .insertInto('household_imports')
          .values({ ...row, heartbeat_at: databaseNow(this.db) })
          .execute();
      } catch (err) {
        // One running import per account (a unique index): see migration 0027.
        if (isUniqueViolation(err)) throw conflict('import_running', '本账号已有一个导入正在进行，请等它结束后再导入');
        throw err;
      }
    } catch (err) {
      await this.scratch.remove(id);
      throw err;
    }
    const job = this.run(actor, row, upload).finally(() => {
      this.running.delete(id);
      if (!this.running.size) this.stopBeating();
      return this.scratch.remove(id);
    });
    this.running.set(id, job);
    this.startBeating();
    return { created: true, import: view(row) };
  }

  /** While imports run here, their heartbeat every `heartbeatMs`, in one statement for all of them. */
  private startBeating(): void {
    if (this.beatTimer) return;
    this.beatTimer = setInterval(() => {
      // On SQLite a beat waits while an import's write holds the connection; one waiting is enough.
      if (this.beating || !this.running.size) return;
      this.beating = true;
      this.db
        .updateTable('household_imports')
        .set({ heartbeat_at: databaseNow(this.db) })
        .where('id', 'in', [...this.running.keys()])
        .where('status', '=', 'running')
        .execute()
        // A beat that fails is a beat missed; the threshold allows for a few.
        .catch(() => undefined)
        .finally(() => {
          this.beating = false;
        });
    }, this.jobs.heartbeatMs);
    this.beatTimer.unref();
  }

  private stopBeating(): void {
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
  }

  /**
   * Marks as failed (`interrupted`) the imports whose heartbeat is older than `staleMs`: their server stopped, and
   * since their writes were one transaction, nothing of them was written. Each is marked by whichever server gets
   * there first, with its audit row; an import that beats or finishes meanwhile is left alone.
   */
  async failInterrupted(staleMs = this.jobs.staleMs): Promise<number> {
    // Judged by the database's clock, which wrote every heartbeat: servers' own clocks may disagree.
    const now =
      (await sql<{ now: string }>`select ${databaseNow(this.db)} as now`.execute(this.db)).rows[0]?.now ?? nowIso();
    const before = new Date(Date.parse(now) - staleMs).toISOString();
    const stale = await this.db
      .selectFrom('household_imports')
      .select(['id', 'file_name', 'file_hash', 'phase', 'rows_read', 'heartbeat_at'])
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', before)
      .execute();
    let marked = 0;
    for (const r of stale) {
      const done = await this.db.transaction().execute(async (tx) => {
        const now = nowIso();
        const u = await tx
          .updateTable('household_imports')
          .set({
            status: 'failed',
            failure: 'interrupted',
            phase: 'done',
            message: INTERRUPTED,
            updated_at: now,
            finished_at: now,
          })
          .where('id', '=', r.id)
          .where('status', '=', 'running')
          .where('heartbeat_at', '<', before)
          .executeTakeFirst();
        if (!Number(u.numUpdatedRows)) return false;
        await recordAudit(tx, systemActor('import-sweep'), {
          action: 'household.import_interrupted',
          entityType: 'household_import',
          entityId: r.id,
          after: {
            fileName: r.file_name,
            fileHash: r.file_hash,
            phase: r.phase,
            rows: r.rows_read,
            lastHeartbeat: r.heartbeat_at,
          },
        });
        return true;
      });
      if (done) marked++;
    }
    return marked;
  }

  /** The periodic look of every server: imports cut off with their server, and scratch files stopped servers left. */
  async sweep(): Promise<{ interrupted: number; scratchRemoved: number }> {
    const interrupted = await this.failInterrupted();
    return { interrupted, scratchRemoved: await this.scratch.sweep() };
  }

  /** On a clean stop: no more beats; this process's scratch files go (its running imports will be found stale). */
  async stop(): Promise<void> {
    this.stopBeating();
    await this.scratch.close();
  }

  private async run(actor: Actor, row: HouseholdImportTable, upload: SealedFile): Promise<void> {
    let lastSave = 0;
    let scratch: ImportScratch | null = null;
    const state = { phase: row.phase, progress: 0, rows_read: 0 };
    const save = async (force = false) => {
      const now = Date.now();
      if (!force && now - lastSave < 300) return;
      lastSave = now;
      const at = nowIso();
      const u = await this.db
        .updateTable('household_imports')
        .set({ ...state, updated_at: at, heartbeat_at: databaseNow(this.db) })
        .where('id', '=', row.id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      // Marked interrupted by a server that missed our beats: stop, it has been reported already.
      if (!Number(u.numUpdatedRows)) throw new Interrupted();
    };
    const fail = async (
      failure: 'refused' | 'interrupted',
      message: string,
      errors: RowError[] = [],
      errorCount = 0,
      elsewhere: string[] = [],
    ) => {
      await this.db.transaction().execute(async (tx) => {
        const u = await tx
          .updateTable('household_imports')
          .set({
            ...state,
            status: 'failed',
            failure,
            phase: 'done',
            message,
            error_count: errorCount,
            errors_json: errors.length ? JSON.stringify(errors) : null,
            updated_at: nowIso(),
            finished_at: nowIso(),
          })
          .where('id', '=', row.id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (!Number(u.numUpdatedRows)) return;
        // Each person registered outside the importer's scope is an attempt, as in a registration by hand: audited by
        // blind index, and counted toward the account's daily limit.
        for (const idNumberIndex of elsewhere) {
          await recordAudit(tx, actor, {
            action: 'household.duplicate_attempt',
            entityType: 'household_import',
            entityId: row.id,
            after: { idNumberIndex },
          });
        }
        await recordAudit(tx, actor, {
          action: failure === 'refused' ? 'household.import_refused' : 'household.import_interrupted',
          entityType: 'household_import',
          entityId: row.id,
          after: {
            fileName: row.file_name,
            fileHash: row.file_hash,
            rows: state.rows_read,
            errors: errorCount,
            message,
          },
        });
      });
    };

    try {
      const size = await upload.size();
      const onBytes = (n: number) => {
        state.progress = Math.min(60, Math.floor((n / size) * 60));
      };
      let rows: AsyncGenerator<string[]>;
      if (row.format === 'xlsx') {
        state.phase = 'checking';
        await save(true);
        rows = xlsxRows(
          counted(inReadingOrder(upload, await checkArchive(upload, this.limits.maxUnzippedBytes)), onBytes),
        );
      } else rows = csvRows(counted(upload.stream(), onBytes) as AsyncIterable<Buffer>);
      state.phase = 'validating';
      await save(true);

      // 1. Read and validate every row; the rows wait on disk (a register may hold a million people).
      const rowsOnDisk = new ImportScratch(await this.scratch.folder(row.id));
      scratch = rowsOnDisk;
      const errors: RowError[] = [];
      let errorCount = 0;
      const addErrors = (es: RowError[]) => {
        errorCount += es.length;
        for (const e of es) if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
      };
      let index: ReturnType<typeof mapHeader>['index'] | null = null;
      let rowNo = 0;
      for await (const cells of unreadable(rows)) {
        rowNo++;
        if (cells.every((c) => String(c ?? '').trim() === '')) continue;
        if (!index) {
          const h = mapHeader(cells);
          if (h.missing.length < COLUMNS.filter((c) => c.required).length / 2) {
            if (h.missing.length)
              throw new Fatal(`第 ${rowNo} 行表头缺少必需的列：${h.missing.join('、')}。请使用系统提供的导入模板`);
            index = h.index;
            continue;
          }
          if (rowNo >= 10)
            throw new Fatal('前10行中找不到表头（须含“户编号”“姓名”“身份证号”等列）。请使用系统提供的导入模板');
          continue;
        }
        state.rows_read++;
        if (state.rows_read > this.limits.maxRows)
          throw new Fatal(`超过每次导入 ${this.limits.maxRows} 行的上限，请分批导入`);
        const parsed = parseRow(rowNo, cells, index);
        if (Array.isArray(parsed)) {
          addErrors(parsed);
          // The household's own checks wait until its rows are right: one mistake, one error.
          const no = index.householdNo === undefined ? '' : String(cells[index.householdNo] ?? '').trim();
          if (no) rowsOnDisk.spoil(no);
        } else rowsOnDisk.addPerson(parsed, this.cipher.blindIndex(parsed.idNumber));
        if (state.rows_read % 1000 === 0) {
          await save();
          await breathe();
        }
      }
      if (!index) throw new Fatal('文件中没有表头和数据。请使用系统提供的导入模板');
      if (state.rows_read === 0) throw new Fatal('文件中没有数据行');
      rowsOnDisk.finishReading();

      // 2. No ID number twice in the file, nor already in the register. A person registered in the importer's scope is
      // named by row; one registered elsewhere is not (the file would otherwise ask the county's register, number by
      // number, where each person is): the import is refused as a whole, and each such person audited as an attempt.
      for (const r of rowsOnDisk.repeatedIds())
        addErrors([
          { row: r.row, column: columnHeader('idNumber'), value: '', message: `与第 ${r.first} 行的身份证号重复` },
        ]);
      let checked = 0;
      const elsewhere: string[] = [];
      for (const chunk of rowsOnDisk.idKeys(500)) {
        for (const f of await peopleRegistered(this.db, actor, [...chunk.keys()])) {
          if (f.inScope) {
            addErrors([
              {
                row: chunk.get(f.id_number_index) as number,
                column: columnHeader('idNumber'),
                value: '',
                message: '该身份证号已登记在本辖区的其他农户',
              },
            ]);
          } else if (elsewhere.length < MAX_AUDITED_ATTEMPTS) elsewhere.push(f.id_number_index);
        }
        checked += chunk.size;
        if (checked % 5000 === 0) await breathe();
      }
      // An account that reached its daily limit meanwhile learns nothing more from this file: refused alike whether
      // or not it holds people registered elsewhere (checked again before the write, below).
      const paused = async () => (await duplicateAttemptsOfDay(this.db, actor)) >= DUPLICATE_ATTEMPTS_PER_DAY;
      if (elsewhere.length) {
        errors.sort((a, b) => a.row - b.row);
        const more = errorCount ? `；另有 ${errorCount} 处错误，见错误报告` : '';
        const message = (await paused())
          ? registrationPaused().message
          : `文件中有人员不能在此登记，未导入任何数据。请联系县级管理员核实${more}`;
        await fail('refused', message, errors, errorCount, elsewhere);
        return;
      }
      if (await paused()) {
        await fail('refused', registrationPaused().message);
        return;
      }

      // 3. Households: one head each, one village each, in the importer's scope; encrypted as they pass, and kept
      // on disk for the write.
      const villages = new Set(
        (
          await this.db
            .selectFrom('regions')
            .select('code')
            .where('level', '=', 'village')
            .where(underRegion('code', row.scope_code))
            .execute()
        ).map((r) => r.code),
      );
      state.phase = 'preparing';
      state.progress = 60;
      await save(true);
      const now = nowIso();
      let households = 0;
      let peopleCount = 0;
      for (const { householdNo, members, idKeys } of rowsOnDisk.households()) {
        const x = assemble(householdNo, members, villages, addErrors);
        // Once a mistake is found nothing will be written: the rest is only checked.
        if (x && !errorCount) {
          rowsOnDisk.addPrepared(householdRows(this.cipher, x.input, x.regionCode, now, idKeys));
          households++;
          peopleCount += members.length;
        }
        if ((households + 1) % 500 === 0) {
          state.progress = 60 + Math.min(30, Math.floor((peopleCount / Math.max(1, state.rows_read)) * 30));
          await save();
          await breathe();
        }
      }
      if (errorCount) {
        errors.sort((a, b) => a.row - b.row);
        await fail(
          'refused',
          `发现 ${errorCount} 处错误，未导入任何数据。请下载错误报告，改正后重新导入`,
          errors,
          errorCount,
        );
        return;
      }

      // 4. Everything in one transaction with its audit row: all or nothing.
      state.phase = 'writing';
      state.progress = 90;
      await save(true);
      await this.db.transaction().execute(async (tx) => {
        await withWriteCache(tx, 32, async () => {
          for (const batch of rowsOnDisk.prepared(500)) {
            await insertRows(
              tx,
              'households',
              batch.map((p) => p.household),
              500,
            );
            await insertRows(
              tx,
              'household_people',
              batch.flatMap((p) => p.people),
              500,
            );
            // SQLite's driver is synchronous: without a turn of the event loop between batches the server would
            // not even answer (other requests wait for the connection until the commit, but they are received).
            await breathe();
          }
        });
        // Completed only if still running: an import another server has meanwhile marked interrupted (it missed
        // our beats) stays so, and this transaction rolls back. The row before the audit head, as the sweep locks
        // them, so that the two never wait for each other.
        const done = await tx
          .updateTable('household_imports')
          .set({
            status: 'completed',
            phase: 'done',
            progress: 100,
            rows_read: state.rows_read,
            households,
            people: peopleCount,
            message: `已导入 ${households} 户 ${peopleCount} 人`,
            updated_at: nowIso(),
            finished_at: nowIso(),
          })
          .where('id', '=', row.id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (!Number(done.numUpdatedRows)) throw new Interrupted();
        await recordAudit(tx, actor, {
          action: 'household.import',
          entityType: 'household_import',
          entityId: row.id,
          after: { fileName: row.file_name, fileHash: row.file_hash, households, people: peopleCount },
        });
      });
    } catch (err) {
      if (err instanceof Interrupted) return;
      if (err instanceof Fatal || err instanceof ArchiveRefused) await fail('refused', err.message);
      else {
        const message = err instanceof Error ? err.message : String(err);
        await fail('interrupted', `导入中断，未写入任何数据：${message.slice(0, 200)}`).catch(() => undefined);
      }
    } finally {
      scratch?.close();
    }
  }

  /** The per-row error report as a workbook: row, column, the cell (masked), what is wrong. */
  async errorReport(actor: Actor, id: string, stamp?: string): Promise<{ fileName: string; body: Buffer }> {
    const r = await this.scoped(actor).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('导入记录');
    const errors = r.errors_json ? (JSON.parse(r.errors_json) as RowError[]) : [];
    const wb = new (await excel()).Workbook();
    wb.creator = 'Lianjian';
    const ws = wb.addWorksheet('错误报告');
    ws.columns = [
      { header: '行号', key: 'row', width: 8 },
      { header: '列', key: 'column', width: 22 },
      { header: '填写内容', key: 'value', width: 26 },
      { header: '问题', key: 'message', width: 60 },
    ];
    ws.getRow(1).font = { bold: true };
    // Strings stay string cells: nothing from the uploaded file can become a formula here.
    for (const e of errors)
      ws.addRow({ row: e.row, column: String(e.column), value: String(e.value), message: String(e.message) });
    if (stamp) {
      ws.addRow({});
      ws.addRow({ row: stamp });
    }
    if (r.error_count > errors.length)
      ws.addRow({ row: '', column: '', value: '', message: `另有 ${r.error_count - errors.length} 处错误未列出` });
    const base = r.file_name.replace(/\.(csv|xlsx)$/i, '');
    return { fileName: `${base}-错误报告.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
  }
}
