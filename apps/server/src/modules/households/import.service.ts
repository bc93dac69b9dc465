import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { type Db, isUniqueViolation } from '../../db/index.ts';
import type { HouseholdImportTable } from '../../db/types.ts';
import { type Actor, systemActor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { unfinishedJob } from '../../lib/data-key.ts';
import { excel } from '../../lib/excel.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskNumbersInText } from '../../lib/mask.ts';
import { keysetPage } from '../../lib/paging.ts';
import { Problem, conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import type { ScratchSpace } from '../../lib/scratch.ts';
import { SealedFile } from '../../lib/sealed.ts';
import { ArchiveRefused } from '../../lib/zip-guard.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { DUPLICATE_ATTEMPTS_PER_DAY, duplicateAttemptsOfDay, registrationPaused } from './households.repository.ts';
import {
  COLUMNS,
  type ColumnKey,
  type IgnoredColumn,
  type ImportMapping,
  type MappedColumn,
  type RowError,
  normalHeading,
} from './import.layout.ts';
import {
  abandonWaiting,
  awaitMapping,
  beat,
  databaseClock,
  earlierImport,
  finishImport,
  forgetHeading,
  headingsOfCounty,
  importById,
  importOf,
  importsInScope,
  insertImport,
  markInterrupted,
  rememberHeadings,
  rememberedHeadings,
  resumeMapped,
  saveProgress,
  staleImports,
  villagesUnder,
  waitingImportsOf,
} from './import.repository.ts';
import { type MappingView, checkedMapping, countyOf, mappingView, newHeadings, regionScope } from './import.mapping.ts';
import { ImportScratch } from './import.scratch.ts';
import {
  AwaitMapping,
  Fatal,
  ImportErrors,
  ImportProgress,
  Interrupted,
  checkPeople,
  ignoredNote,
  rememberedNote,
  openRows,
  prepareHouseholds,
  readRows,
  writeHouseholds,
} from './import.stages.ts';

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
  /** How long an import waits for the clerk's column mapping before it is given up (its upload removed). */
  mappingWaitMs: number;
}

export const DEFAULT_IMPORT_JOBS: ImportJobs = { heartbeatMs: 5000, staleMs: 30_000, mappingWaitMs: 3_600_000 };

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
    mappingWaitMs: n(env.LIANJIAN_IMPORT_MAPPING_WAIT_MS, DEFAULT_IMPORT_JOBS.mappingWaitMs),
  };
}

/** How often every server looks for interrupted imports: four times per threshold. */
export const sweepInterval = (jobs: ImportJobs) => Math.max(100, Math.round(jobs.staleMs / 4));

const INTERRUPTED = '导入因服务中断而停止，未写入任何数据。请重新上传同一文件';
const AWAITING = '文件的表头与花名册字段不完全对应：请确认每一列对应的字段后导入';
const SUPERSEDED = '未确认列的对应关系，已由新上传的文件取代，未写入任何数据';
const WAITED_TOO_LONG = (minutes: number) =>
  `超过 ${minutes} 分钟未确认列的对应关系，未写入任何数据。请重新上传同一文件`;

export interface ImportView {
  id: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  status: HouseholdImportTable['status'];
  failure: HouseholdImportTable['failure'];
  phase: HouseholdImportTable['phase'];
  progress: number;
  rowsRead: number;
  households: number;
  people: number;
  errorCount: number;
  message: string | null;
  /** The file's columns that were not read: unknown headings, or a second column of one field. */
  ignoredColumns: IgnoredColumn[];
  /** The column mapping: proposed while awaiting it (with the preview), as confirmed afterwards; null if not needed. */
  mapping: MappingView | null;
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
  ignoredColumns: r.ignored_columns_json ? (JSON.parse(r.ignored_columns_json) as IgnoredColumn[]) : [],
  mapping: mappingView(r.mapping_json),
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  duplicateOf,
});

/**
 * Imports the register from XLSX or CSV: the file is streamed to a sealed scratch file and hashed, every row is
 * validated before anything is written, and the households are written in one transaction with their audit row —
 * all or nothing. The same file (by hash) is imported once. Progress is kept on the import's row for the UI, with
 * the heartbeat by which any server tells an import cut off with its server from one still running.
 */
export class HouseholdImportService {
  private readonly running = new Map<string, Promise<void>>();
  /** Imports waiting for their column mapping, their upload kept on this server, since when (ms). */
  private readonly waiting = new Map<string, { upload: SealedFile; since: number }>();
  private readonly scratch: ScratchSpace;
  private readonly limits: ImportLimits;
  private readonly jobs: ImportJobs;
  private beatTimer: NodeJS.Timeout | null = null;
  private beating = false;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly cipher: DataCipher,
    options: { scratch: ScratchSpace; limits?: ImportLimits | undefined; jobs?: ImportJobs | undefined },
  ) {
    this.scratch = options.scratch;
    this.limits = options.limits ?? DEFAULT_IMPORT_LIMITS;
    this.jobs = options.jobs ?? DEFAULT_IMPORT_JOBS;
  }

  /** One import made within the caller's region. */
  async get(actor: Actor, id: string): Promise<ImportView> {
    const r = await importOf(this.db, actor, id);
    if (!r) throw notFound('导入记录');
    return view(r);
  }

  /** Imports of the account's region, newest first, in keyset pages with their total. */
  async list(actor: Actor, f: { limit?: number; cursor?: string | undefined } = {}) {
    return keysetPage(
      importsInScope(this.db, actor),
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
    const upload = new SealedFile(path.join(await this.scratch.folder(id), 'upload'), this.cipher.profile);
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
      const earlier = await earlierImport(this.db, fileHash, scope);
      if (earlier) {
        await this.scratch.remove(id);
        return { created: false, import: view(earlier, earlier.id) };
      }
      // A file of the account waiting for its mapping is given up for this one (one held upload per account).
      for (const w of await waitingImportsOf(this.db, actor.userId)) await this.abandon(actor, w, SUPERSEDED);

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
        ignored_columns_json: null,
        mapping_json: null,
        message: null,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
        heartbeat_at: now,
        finished_at: null,
      };
      // An import checks its people by the blind indexes of the moment: not while a key job rewrites them.
      if (await unfinishedJob(this.db))
        throw conflict('key_job_running', '数据密钥正在更换，暂不能导入登记册；请在更换完成后再导入');
      try {
        await insertImport(this.db, row);
      } catch (err) {
        // One running import per account (a unique index): see migration 0027.
        if (isUniqueViolation(err)) throw conflict('import_running', '本账号已有一个导入正在进行，请等它结束后再导入');
        throw err;
      }
    } catch (err) {
      await this.scratch.remove(id);
      throw err;
    }
    this.start(actor, row, upload);
    return { created: true, import: view(row) };
  }

  /**
   * Runs an import in the background. Its upload is removed when it ends, unless it stopped to wait for the clerk's
   * column mapping: then the upload waits on this server (beating like a running import) for `confirmMapping`.
   */
  private start(actor: Actor, row: HouseholdImportTable, upload: SealedFile, mapping?: ImportMapping): void {
    const id = row.id;
    const job: Promise<void> = this.run(actor, row, upload, mapping)
      .then((outcome) => (outcome === 'awaiting' ? undefined : this.scratch.remove(id)))
      .finally(() => {
        // A confirmed mapping may already have started the same import again.
        if (this.running.get(id) === job) this.running.delete(id);
        if (!this.running.size && !this.waiting.size) this.stopBeating();
      });
    this.running.set(id, job);
    this.startBeating();
  }

  /**
   * Confirms the column mapping of an import waiting for it, by the account that uploaded the file: each field at
   * most once, every required field given a column. The decision is audited (and, with `remember`, the headings that
   * were not known already are kept for the county's next files) in one transaction; the import then runs with it.
   */
  async confirmMapping(
    actor: Actor,
    id: string,
    body: { columns: MappedColumn[]; remember: boolean },
  ): Promise<ImportView> {
    const r = await importOf(this.db, actor, id);
    if (!r) throw notFound('导入记录');
    if (r.created_by !== actor.userId)
      throw forbidden('import_not_uploader', '只有上传该文件的账号可以确认列的对应关系');
    if (r.status !== 'awaiting_mapping' || !r.mapping_json)
      throw conflict('illegal_transition', '该导入不在等待确认列对应关系的状态');
    const waiting = JSON.parse(r.mapping_json) as ImportMapping;
    const columns = checkedMapping(waiting, body.columns);
    const held = this.waiting.get(id);
    if (!held)
      throw conflict('import_file_gone', '该导入的文件已不在本服务器上（服务重启或已超时），请重新上传同一文件');
    const confirmed: ImportMapping = { ...waiting, columns, preview: [] };
    const county = countyOf(r.scope_code);
    const headingOf = new Map(waiting.headings.map((h) => [h.column, h.heading]));
    const learned = newHeadings(waiting, columns, await rememberedHeadings(this.db, county));
    const now = nowIso();
    const row = { ...r, status: 'running' as const, mapping_json: JSON.stringify(confirmed), message: null };
    const reply = view(row);
    await this.db.transaction().execute(async (tx) => {
      if (!(await resumeMapped(tx, id, row.mapping_json, now)))
        throw conflict('illegal_transition', '该导入不在等待确认列对应关系的状态');
      await recordReply(tx, actor.requestId, 202, reply);
      if (body.remember)
        await rememberHeadings(
          tx,
          learned.map((c) => ({
            county_code: county,
            heading: normalHeading(c.heading),
            field: c.field,
            created_by: actor.userId,
            created_at: now,
          })),
        );
      await this.audit.record(tx, actor, {
        action: 'household.import_mapped',
        entityType: 'household_import',
        entityId: id,
        after: {
          fileName: r.file_name,
          fileHash: r.file_hash,
          columns: columns.map((c) => ({ column: c.column, heading: headingOf.get(c.column), field: c.field })),
          remembered: body.remember ? learned.map((c) => c.heading) : [],
        },
      });
    });
    this.waiting.delete(id);
    this.start(actor, row, held.upload, confirmed);
    return reply;
  }

  /** The headings the clerks of the account's county confirmed, with the field each names. */
  async rememberedHeadings(actor: Actor, q: { limit?: number; cursor?: string | undefined } = {}) {
    // A heading is unique in its county: it is both the order and the cursor's tie-break.
    const p = await keysetPage(
      headingsOfCounty(this.db, countyOf(regionScope(actor))),
      { sort: 'heading', id: 'heading', dir: 'asc', limit: q.limit, cursor: q.cursor },
      async (rows) =>
        rows.map((r) => ({
          id: r.heading,
          heading: r.heading,
          field: r.field as ColumnKey,
          label: COLUMNS.find((c) => c.key === r.field)?.header ?? r.field,
          createdAt: r.created_at,
        })),
      (r) => r.heading,
    );
    return { ...p, items: p.items.map(({ id: _, ...r }) => r) };
  }

  /** Forgets a remembered heading of the account's county, audited: the county's next files are asked about it again. */
  async forgetHeading(actor: Actor, heading: string): Promise<void> {
    const county = countyOf(regionScope(actor));
    const key = normalHeading(heading);
    await this.db.transaction().execute(async (tx) => {
      if (!(await forgetHeading(tx, county, key))) throw notFound('记住的列名');
      await this.audit.record(tx, actor, {
        action: 'household.import_heading_forgotten',
        entityType: 'import_heading',
        entityId: county,
        after: { heading: key },
      });
    });
  }

  /**
   * Gives up an import waiting for its mapping (superseded by the account's next upload, or left too long), with its
   * audit row; its upload is removed if it waits here.
   */
  private async abandon(actor: Actor, r: HouseholdImportTable, message: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (!(await abandonWaiting(tx, r.id, message, nowIso()))) return;
      await this.audit.record(tx, actor, {
        action: 'household.import_abandoned',
        entityType: 'household_import',
        entityId: r.id,
        after: { fileName: r.file_name, fileHash: r.file_hash, message },
      });
    });
    if (this.waiting.delete(r.id)) await this.scratch.remove(r.id);
  }

  /** While imports run here, their heartbeat every `heartbeatMs`, in one statement for all of them. */
  private startBeating(): void {
    if (this.beatTimer) return;
    this.beatTimer = setInterval(() => {
      // On SQLite a beat waits while an import's write holds the connection; one waiting is enough.
      if (this.beating || !(this.running.size || this.waiting.size)) return;
      this.beating = true;
      beat(this.db, [...this.running.keys(), ...this.waiting.keys()])
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
    const now = (await databaseClock(this.db)) ?? nowIso();
    const before = new Date(Date.parse(now) - staleMs).toISOString();
    const stale = await staleImports(this.db, before);
    let marked = 0;
    for (const r of stale) {
      const done = await this.db.transaction().execute(async (tx) => {
        if (!(await markInterrupted(tx, r.id, before, INTERRUPTED, nowIso()))) return false;
        await this.audit.record(tx, systemActor('import-sweep'), {
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
    await this.expireWaiting();
    const interrupted = await this.failInterrupted();
    return { interrupted, scratchRemoved: await this.scratch.sweep() };
  }

  /** Gives up the imports that have waited here for their mapping longer than `mappingWaitMs`. */
  async expireWaiting(now = Date.now()): Promise<number> {
    let expired = 0;
    for (const [id, w] of [...this.waiting]) {
      if (now - w.since < this.jobs.mappingWaitMs) continue;
      const r = await importById(this.db, id);
      if (r)
        await this.abandon(
          systemActor('import-sweep'),
          r,
          WAITED_TOO_LONG(Math.round(this.jobs.mappingWaitMs / 60000)),
        );
      else this.waiting.delete(id);
      expired++;
    }
    return expired;
  }

  /** On a clean stop: no more beats; this process's scratch files go (its running imports will be found stale). */
  async stop(): Promise<void> {
    this.stopBeating();
    await this.scratch.close();
  }

  /**
   * One import, stage after stage (import.stages.ts): read every row to disk, validate the people and the households,
   * write them all; refused as a whole at the first stage that finds the file wrong.
   */
  private async run(
    actor: Actor,
    row: HouseholdImportTable,
    upload: SealedFile,
    mapping?: ImportMapping,
  ): Promise<'awaiting' | 'done'> {
    let scratch: ImportScratch | null = null;
    const progress = new ImportProgress(row.phase, (state) => saveProgress(this.db, row.id, state, nowIso()));
    try {
      // 1. Read every row; the rows wait on disk (a register may hold a million people).
      const rows = await openRows(upload, row.format, this.limits.maxUnzippedBytes, progress);
      await progress.enter('validating');
      const rowsOnDisk = new ImportScratch(await this.scratch.folder(path.join(row.id, 'rows')), this.cipher.profile);
      scratch = rowsOnDisk;
      const errors = new ImportErrors();
      let header: Awaited<ReturnType<typeof readRows>>;
      try {
        header = await readRows(rows, rowsOnDisk, {
          maxRows: this.limits.maxRows,
          blindIndex: (idNumber) => this.cipher.blindIndex(idNumber),
          progress,
          errors,
          remembered: (await rememberedHeadings(this.db, countyOf(row.scope_code))) as Map<string, ColumnKey>,
          mapping,
        });
      } catch (err) {
        if (!(err instanceof AwaitMapping)) throw err;
        // The upload waits here for the clerk; the rows read so far are read again with the mapping.
        scratch = null;
        rowsOnDisk.close();
        await this.scratch.remove(path.join(row.id, 'rows'));
        this.waiting.set(row.id, { upload, since: Date.now() });
        const ignored = err.mapping.columns
          .filter((c) => c.field === null)
          .map((c) => ({
            column: c.column,
            header: err.mapping.headings.find((h) => h.column === c.column)?.heading ?? '',
          }));
        const waits = await awaitMapping(this.db, row.id, {
          ...progress.state,
          mapping_json: JSON.stringify(err.mapping),
          ignored_columns_json: ignored.length ? JSON.stringify(ignored) : null,
          message: AWAITING,
          updated_at: nowIso(),
        });
        if (waits) return 'awaiting';
        this.waiting.delete(row.id);
        return 'done';
      }

      // 2. Validate: the people against the file and the register, then the households.
      const elsewhere = await checkPeople(this.db, actor, rowsOnDisk, errors, header.headings);
      // An account that reached its daily limit meanwhile learns nothing more from this file: refused alike whether
      // or not it holds people registered elsewhere (checked again before the write, below).
      const paused = async () => (await duplicateAttemptsOfDay(this.db, actor)) >= DUPLICATE_ATTEMPTS_PER_DAY;
      if (elsewhere.length) {
        const kept = errors.byRow();
        const more = errors.count ? `；另有 ${errors.count} 处错误，见错误报告` : '';
        const message = (await paused())
          ? registrationPaused().message
          : `文件中有人员不能在此登记，未导入任何数据。请联系县级管理员核实${more}`;
        await this.fail(actor, row, progress, 'refused', message, kept, errors.count, elsewhere);
        return 'done';
      }
      if (await paused()) {
        await this.fail(actor, row, progress, 'refused', registrationPaused().message);
        return 'done';
      }
      const villages = new Set(await villagesUnder(this.db, row.scope_code));
      await progress.enter('preparing', 60);
      const counts = await prepareHouseholds(
        rowsOnDisk,
        villages,
        this.cipher,
        errors,
        progress,
        nowIso(),
        header.headings,
      );
      if (errors.count) {
        await this.fail(
          actor,
          row,
          progress,
          'refused',
          `发现 ${errors.count} 处错误，未导入任何数据。请下载错误报告，改正后重新导入${rememberedNote(header.remembered)}${ignoredNote(header.ignored)}`,
          errors.byRow(),
          errors.count,
          [],
          header.ignored,
        );
        return 'done';
      }

      // 3. Everything in one transaction with its audit row: all or nothing.
      await progress.enter('writing', 90);
      await writeHouseholds(
        this.db,
        this.audit,
        actor,
        row,
        rowsOnDisk,
        {
          ...counts,
          rowsRead: progress.state.rows_read,
        },
        header.ignored,
        header.remembered,
      );
    } catch (err) {
      if (err instanceof Interrupted) return 'done';
      if (err instanceof Fatal || err instanceof ArchiveRefused)
        await this.fail(actor, row, progress, 'refused', err.message);
      else {
        const message = err instanceof Error ? err.message : String(err);
        await this.fail(
          actor,
          row,
          progress,
          'interrupted',
          `导入中断，未写入任何数据：${message.slice(0, 200)}`,
        ).catch(() => undefined);
      }
    } finally {
      scratch?.close();
    }
    return 'done';
  }

  /**
   * Ends a running import as failed, with its errors (the kept ones and the count) and its audit row; nothing if
   * another server marked it interrupted meanwhile. Each person registered outside the importer's scope is an
   * attempt, as in a registration by hand: audited by blind index, and counted toward the account's daily limit.
   */
  private async fail(
    actor: Actor,
    row: HouseholdImportTable,
    progress: ImportProgress,
    failure: 'refused' | 'interrupted',
    message: string,
    errors: RowError[] = [],
    errorCount = 0,
    elsewhere: string[] = [],
    ignored: IgnoredColumn[] = [],
  ): Promise<void> {
    const state = progress.state;
    await this.db.transaction().execute(async (tx) => {
      const failed = await finishImport(tx, row.id, {
        ...state,
        status: 'failed',
        failure,
        phase: 'done',
        message,
        error_count: errorCount,
        errors_json: errors.length ? JSON.stringify(errors) : null,
        ignored_columns_json: ignored.length ? JSON.stringify(ignored) : null,
        updated_at: nowIso(),
        finished_at: nowIso(),
      });
      if (!failed) return;
      for (const idNumberIndex of elsewhere) {
        await this.audit.record(tx, actor, {
          action: 'household.duplicate_attempt',
          entityType: 'household_import',
          entityId: row.id,
          after: { idNumberIndex },
        });
      }
      await this.audit.record(tx, actor, {
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
  }

  /** The per-row error report as a workbook: row, column, the cell (masked), what is wrong. */
  async errorReport(actor: Actor, id: string, stamp?: string): Promise<{ fileName: string; body: Buffer }> {
    const r = await importOf(this.db, actor, id);
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
