import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excel } from '../src/lib/excel.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { scratchDatabases } from './scratch-db.ts';
import { type ImportView, countyDatabase, session, startServer } from './server-process.ts';

/** Every file under `dir` (folders are not files: an empty folder holds nothing). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name));
}

/** What `list` gives once it is empty, or after 2 s. */
async function settle(list: () => string[]): Promise<string[]> {
  for (let i = 0; i < 40 && list().length; i++) await new Promise((r) => setTimeout(r, 50));
  return list();
}

/**
 * Scratch files of register imports hold residents' ID numbers and phones on their way in. They live under the
 * data directory only, and no longer than their import: removed when it completes or fails, and at the next start
 * when a killed server left them.
 */
describe('scratch files of imports', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  const children: ChildProcess[] = [];
  let url = '';
  let dataDir = '';
  let systemTmp = '';
  const files = { ok: '', bad: '', big: '', xlsx: '' };
  const idsOfBig: string[] = [];

  beforeAll(async () => {
    url = await countyDatabase(scratch);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-data-'));
    // The server's idea of the system's temporary directory: watched, so that anything written there shows.
    systemTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-systmp-'));
    files.ok = path.join(scratch.dir, 'ok.csv');
    await writeRegisterSample(files.ok, { rows: 400, villages: ['411321106200'], serial: 3 });
    files.bad = path.join(scratch.dir, 'bad.csv');
    await writeRegisterSample(files.bad, { rows: 400, villages: ['411321106200'], serial: 4, badRow: 7 });
    files.big = path.join(scratch.dir, 'big.csv');
    await writeRegisterSample(files.big, { rows: 60_000, villages: ['411321106200', '411321106201'], serial: 5 });
    for (const line of fs.readFileSync(files.big, 'utf8').split('\r\n').slice(1)) {
      const id = line.split(',').find((c) => /^\d{17}[\dX]$/.test(c));
      if (id) idsOfBig.push(id);
    }
    // The workbook as Excel (and ExcelJS) write it: the sheet comes before its shared strings in the archive.
    const ExcelJS = await excel();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    await writeRegisterSample(path.join(scratch.dir, 'x.csv'), { rows: 300, villages: ['411321106201'], serial: 6 });
    for (const line of fs.readFileSync(path.join(scratch.dir, 'x.csv'), 'utf8').replace(/\r\n$/, '').split('\r\n'))
      ws.addRow(line.split(','));
    files.xlsx = path.join(scratch.dir, 'ok.xlsx');
    fs.writeFileSync(files.xlsx, Buffer.from(await wb.xlsx.writeBuffer()));
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(systemTmp, { recursive: true, force: true });
    await scratch.cleanup();
  });

  it('no scratch file outlives its import (completed, failed, or cut off by a killed server and then a start), none holds an ID number in clear, and none is written outside the data directory', async () => {
    const written: string[] = [];
    const watcher = fs.watch(systemTmp, (event, name) => written.push(`${event} ${name}`));
    const env = {
      LIANJIAN_DATA_DIR: dataDir,
      TMPDIR: systemTmp,
      // tsx keeps its compiled files in the temporary directory: off, so that only the server's own files show.
      TSX_DISABLE_CACHE: '1',
      LIANJIAN_DAILY_SNAPSHOTS: 'off',
    };
    const start = async () => {
      const s = await startServer(url, key, env);
      children.push(s.child);
      return { ...s, headers: await session(s.base) };
    };
    const send = async (s: { base: string; headers: Record<string, string> }, file: string) => {
      const res = await fetch(`${s.base}/api/v1/household-imports?fileName=${path.basename(file)}`, {
        method: 'POST',
        headers: { ...s.headers, 'content-type': 'application/octet-stream' },
        body: fs.readFileSync(file),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as ImportView).id;
    };
    const read = async (s: { base: string; headers: Record<string, string> }, id: string) =>
      (await (await fetch(`${s.base}/api/v1/household-imports/${id}`, { headers: s.headers })).json()) as ImportView;
    const finished = async (s: { base: string; headers: Record<string, string> }, id: string) => {
      for (let i = 0; i < 1200; i++) {
        const v = await read(s, id);
        if (v.status !== 'running') return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('import did not finish');
    };

    try {
      const s1 = await start();
      // A completed CSV import, a completed XLSX import and a refused one: nothing of them stays on disk.
      expect(await finished(s1, await send(s1, files.ok))).toMatchObject({ status: 'completed' });
      expect(await finished(s1, await send(s1, files.xlsx))).toMatchObject({ status: 'completed' });
      expect(await finished(s1, await send(s1, files.bad))).toMatchObject({ status: 'failed' });
      expect(written).toEqual([]);
      // Removed as each import ends (a moment after its status is final).
      expect(await settle(() => filesUnder(path.join(dataDir, 'scratch')))).toEqual([]);

      // A large import, killed while its rows wait on disk.
      const id = await send(s1, files.big);
      let v = await read(s1, id);
      for (let i = 0; i < 2000 && v.rowsRead < 25_000 && v.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        v = await read(s1, id);
      }
      expect(v).toMatchObject({ status: 'running' });
      const contents: string[] = [];
      for (const f of filesUnder(path.join(dataDir, 'scratch'))) {
        try {
          contents.push(fs.readFileSync(f).toString('latin1'));
        } catch {
          // Gone while the job ran on (SQLite's passing files).
        }
      }
      s1.child.kill('SIGKILL');
      await new Promise((r) => s1.child.once('exit', r));
      // What a stolen disk or a copy of the data directory would show of them: no ID number of the file in clear.
      expect(contents.length).toBeGreaterThan(0);
      expect(contents.reduce((n, c) => n + c.length, 0)).toBeGreaterThan(1_000_000);
      const ids = new Set(idsOfBig);
      expect(contents.flatMap((c) => c.match(/\d{17}[\dX]/g) ?? []).filter((n) => ids.has(n))).toEqual([]);
      expect(filesUnder(path.join(dataDir, 'scratch')).length).toBeGreaterThan(0);

      // The next start removes what the killed server left, before it serves.
      const s2 = await start();
      expect(filesUnder(path.join(dataDir, 'scratch'))).toEqual([]);
      s2.child.kill('SIGTERM');
      await new Promise((r) => s2.child.once('exit', r));
    } finally {
      watcher.close();
    }
    // Nothing went to the system's temporary directory, not even for a moment.
    expect(written).toEqual([]);
    expect(filesUnder(systemTmp)).toEqual([]);
  }, 300_000);
});
