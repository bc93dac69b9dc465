import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { COLUMNS } from '../src/modules/households/import.layout.ts';
import { ImportScratch } from '../src/modules/households/import.scratch.ts';
import {
  AwaitMapping,
  Fatal,
  ImportErrors,
  ImportProgress,
  Interrupted,
  NEXT_SHEET,
  prepareHouseholds,
  readRows,
} from '../src/modules/households/import.stages.ts';

let seq = 0;
function idNumber(year: number): string {
  seq += 1;
  const first17 = `411321${year}07${String(10 + (seq % 18)).padStart(2, '0')}${String(seq).padStart(3, '0').slice(-3)}`;
  return first17 + idCheckChar(first17);
}

type Key = (typeof COLUMNS)[number]['key'];
const HEADER = COLUMNS.map((c) => c.header);

/** One household's rows as cells in the template's column order; the head's row carries the household's columns. */
function household(no: string, village = '411321106200'): string[][] {
  return [0, 1].map((i) => {
    const head = i === 0;
    const r: Partial<Record<Key, string>> = {
      householdNo: no,
      regionCode: village,
      relationship: head ? '户主' : '配偶',
      name: head ? '王大山' : '李秀英',
      gender: head ? '男' : '女',
      idNumber: idNumber(head ? 1970 : 1972),
      health: '健康',
      labour: '普通劳动力',
      address: head ? '白河新村3号楼' : '',
      primaryCause: head ? '因病' : '',
      wages: head ? '9000' : '',
      business: head ? '3000' : '',
      transfer: head ? '2400' : '',
      property: head ? '0' : '',
      waterSafe: head ? '是' : '',
    };
    return COLUMNS.map((c) => r[c.key] ?? '');
  });
}

async function* cells(rows: string[][]): AsyncGenerator<string[]> {
  yield* rows;
}

/** The stages run without a database: progress kept in memory, the rows in a scratch folder of the test's own. */
describe('the import stages, one at a time', () => {
  const cipher = new DataCipher(randomBytes(32));
  const folders: string[] = [];
  const scratch = () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'import-stages-'));
    folders.push(folder);
    return new ImportScratch(folder);
  };
  const progress = (saved: unknown[] = []) =>
    new ImportProgress('validating', async (s) => {
      saved.push(s);
      return true;
    });
  afterEach(() => {
    for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
  });

  it('read: finds the header below a title, keeps the people, reports a wrong row by its number in the file', async () => {
    const into = scratch();
    const errors = new ImportErrors();
    const p = progress();
    const bad = household('2');
    (bad[1] as string[])[COLUMNS.findIndex((c) => c.key === 'idNumber')] = '411321197001011234';
    await readRows(cells([['花名册'], [], HEADER, ...household('1'), ...bad]), into, {
      maxRows: 100,
      blindIndex: (n) => cipher.blindIndex(n),
      progress: p,
      errors,
    });
    expect(p.state.rows_read).toBe(4);
    expect(errors.count).toBe(1);
    expect(errors.kept[0]).toMatchObject({ row: 7, column: '身份证号' });
    // The household with the wrong row is spoiled: only household 1 is left to assemble.
    expect([...into.households()].map((h) => [h.householdNo, h.members.length])).toEqual([['1', 2]]);
    into.close();
  });

  it("read: a sheet without a header in its first rows is passed over; the register's sheet is the last one read", async () => {
    const into = scratch();
    const errors = new ImportErrors();
    const notes = Array.from({ length: 12 }, (_, i) => [`填表说明 ${i}`]);
    const file = () =>
      cells([...notes, NEXT_SHEET, ['花名册'], [...HEADER, '帮扶责任人'], ...household('1'), NEXT_SHEET, ['值列表']]);
    const o = { maxRows: 100, blindIndex: (n: string) => cipher.blindIndex(n), progress: progress(), errors };
    // A column the register does not keep: the header waits for the clerk's mapping, found on the second sheet.
    const waiting = await readRows(file(), into, o).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(AwaitMapping);
    const mapping = (waiting as AwaitMapping).mapping;
    expect([mapping.sheet, mapping.headerRow, mapping.preview.length]).toEqual([2, 2, 2]);
    expect(mapping.columns.at(-1)).toEqual({ column: HEADER.length + 1, field: null });
    const header = await readRows(file(), into, { ...o, mapping });
    expect(errors.count).toBe(0);
    expect([...into.households()].map((h) => [h.householdNo, h.members.length])).toEqual([['1', 2]]);
    expect(header.ignored).toEqual([{ column: HEADER.length + 1, header: '帮扶责任人' }]);
    into.close();
  });

  it('read: a file without a header in its first 10 rows, or with more rows than allowed, is refused whole', async () => {
    const o = { maxRows: 3, blindIndex: (n: string) => cipher.blindIndex(n), progress: progress() };
    const noHeader = Array.from({ length: 12 }, (_, i) => [`说明 ${i}`]);
    const a = scratch();
    await expect(readRows(cells(noHeader), a, { ...o, errors: new ImportErrors() })).rejects.toThrow(Fatal);
    a.close();
    const b = scratch();
    await expect(
      readRows(cells([HEADER, ...household('1'), ...household('2')]), b, { ...o, errors: new ImportErrors() }),
    ).rejects.toThrow('超过每次导入 3 行的上限');
    b.close();
  });

  it('validate: a household outside the importer villages is an error and nothing is prepared after it', async () => {
    const into = scratch();
    const errors = new ImportErrors();
    const p = progress();
    const o = { maxRows: 100, blindIndex: (n: string) => cipher.blindIndex(n), progress: p, errors };
    await readRows(cells([HEADER, ...household('1'), ...household('2', '411321107201')]), into, o);
    const counts = await prepareHouseholds(into, new Set(['411321106200']), cipher, errors, p);
    expect(errors.byRow()).toEqual([expect.objectContaining({ row: 4, message: '不是本账号管辖范围内的村（社区）' })]);
    expect(counts).toEqual({ households: 1, people: 2 });
    into.close();
  });

  it('validate: good households are prepared encrypted, with the blind indexes read in stage 1', async () => {
    const into = scratch();
    const errors = new ImportErrors();
    const p = progress();
    const rows = [HEADER, ...household('1'), ...household('2')];
    await readRows(cells(rows), into, { maxRows: 100, blindIndex: (n) => cipher.blindIndex(n), progress: p, errors });
    expect(await prepareHouseholds(into, new Set(['411321106200']), cipher, errors, p)).toEqual({
      households: 2,
      people: 4,
    });
    const prepared = [...into.prepared(500)].flat();
    const first = rows[1]?.[COLUMNS.findIndex((c) => c.key === 'idNumber')] as string;
    const head = prepared[0]?.people[0];
    expect(head?.id_number_index).toBe(cipher.blindIndex(first));
    expect(head?.id_number_enc).not.toContain(first);
    expect(cipher.decrypt(head?.id_number_enc as string)).toBe(first);
    into.close();
  });

  it('progress: saved at most every 300 ms unless forced; a save refused by the row stops the import', async () => {
    const saved: unknown[] = [];
    const p = progress(saved);
    await p.save();
    await p.save();
    await p.enter('preparing', 60);
    expect(saved).toEqual([
      { phase: 'validating', progress: 0, rows_read: 0 },
      { phase: 'preparing', progress: 60, rows_read: 0 },
    ]);
    const cut = new ImportProgress('validating', async () => false);
    await expect(cut.enter('writing', 90)).rejects.toThrow(Interrupted);
  });
});
