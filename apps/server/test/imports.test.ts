import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { deflateRawSync } from 'node:zlib';
import zlib from 'node:zlib';
import type { Worksheet as ExcelWorksheet } from 'exceljs';
import { excel } from '../src/lib/excel.ts';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { ScratchSpace } from '../src/lib/scratch.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { COLUMNS } from '../src/modules/households/import.layout.ts';
import { buildApp } from '../src/app.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { PASSWORD } from './factories.ts';
import { as, auditTrailGuard, exported, login, sessionHeaders } from './helpers.ts';
import { useCounty } from './setup-county.ts';

// Through the application's loader, which fixes ExcelJS's reader before it is first loaded.
const ExcelJS = await excel();

let seq = 0;
/** A valid generated ID number, different on every call. */
function idNumber(year = 1975): string {
  seq += 1;
  const first17 = `411321${year}06${String(10 + (seq % 18)).padStart(2, '0')}${String(seq).padStart(3, '0').slice(-3)}`;
  return first17 + idCheckChar(first17);
}

type Row = Record<(typeof COLUMNS)[number]['key'], string>;
const HEADERS = COLUMNS.map((c) => c.header);

/** One household in the registration layout: the head's row carries the household-level columns. */
function household(no: string, village = '411321106200', size = 3): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < size; i++) {
    const head = i === 0;
    rows.push({
      householdNo: no,
      regionCode: village,
      relationship: head ? '户主' : i === 1 ? '配偶' : '长子',
      name: head ? '王大山' : i === 1 ? '李秀英' : '王小明',
      gender: i === 1 ? '女' : '男',
      idNumber: idNumber(head ? 1970 : i === 1 ? 1972 : 2008),
      phone: head ? '13812341234' : '',
      health: i === 1 ? '重病' : '健康',
      labour: i === 2 ? '无劳动力' : '普通劳动力',
      inSchool: i === 2 ? '是' : '否',
      address: head ? '白河新村3号楼' : '',
      attribute: head ? '一般贫困户' : '',
      standard: head ? '国家标准' : '',
      primaryCause: head ? '因病' : '',
      secondaryCauses: head ? '因学、缺技术' : '',
      wages: head ? '9000' : '',
      business: head ? '3000' : '',
      transfer: head ? '2400' : '',
      property: head ? '0' : '',
      housingArea: head ? '90' : '',
      dangerRating: '',
      waterSafe: head ? '是' : '',
      relocatedTo: '',
      exitStatus: '',
      exitYear: '',
    });
  }
  return rows;
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: Row[]) =>
  `${[HEADERS.join(','), ...rows.map((r) => COLUMNS.map((c) => quote(r[c.key])).join(','))].join('\r\n')}\r\n`;

async function xlsx(rows: Row[], numericIds = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(HEADERS);
  for (const r of rows)
    ws.addRow(
      COLUMNS.map((c) => (numericIds && c.key === 'idNumber' ? Number(r.idNumber.slice(0, 17)) * 10 : r[c.key])),
    );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A ZIP written by hand, so that the declared sizes can lie the way a zip bomb's do. */
function zip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data, { level: 9 });
    const size = e.declaredSize ?? e.data.length;
    const crc = zlib.crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('DOMAIN §5: importing the register from XLSX and CSV', () => {
  const cipher = new DataCipher(randomBytes(32));
  const ctx = useCounty(cipher);

  async function upload(user: 'admin' | 'qiaoduan' | 'chengjiao', body: Buffer | string, fileName = 'register.csv') {
    const cookie = await login(ctx.t.app, user, PASSWORD);
    const res = await ctx.t.app.inject({
      method: 'POST',
      url: `/api/v1/household-imports?fileName=${encodeURIComponent(fileName)}`,
      headers: { ...sessionHeaders(cookie), 'content-type': 'application/octet-stream' },
      payload: body,
    });
    return res;
  }

  async function imported(user: 'admin' | 'qiaoduan' | 'chengjiao', body: Buffer | string, fileName?: string) {
    const res = await upload(user, body, fileName);
    expect([200, 202], res.body).toContain(res.statusCode);
    await ctx.t.app.householdImports.settled(res.json().id);
    const c = await ctx.user(user);
    return (await c.get(`/household-imports/${res.json().id}`)).json();
  }

  /** The import confirmed with the mapping it proposes (the clerk accepts it as it is), once it has run. */
  async function confirmedAsProposed(user: 'qiaoduan', waiting: { id: string; mapping: { columns: unknown[] } }) {
    const c = await ctx.user(user);
    const res = await c.post(`/household-imports/${waiting.id}/mapping`, {
      columns: waiting.mapping.columns,
      remember: false,
    });
    expect(res.statusCode, res.body).toBe(202);
    await ctx.t.app.householdImports.settled(waiting.id);
    return (await c.get(`/household-imports/${waiting.id}`)).json();
  }

  const households = async () =>
    Number(
      (
        await ctx.t.db.db
          .selectFrom('households')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const people = async () =>
    Number(
      (
        await ctx.t.db.db
          .selectFrom('household_people')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a CSV in the registration layout registers every household, people grouped by household number', async () => {
    const rows = [...household('1'), ...household('2', '411321106201', 2)];
    const cacheSize = async () =>
      ctx.t.db.dialect === 'sqlite'
        ? (await sql<{ cache_size: number }>`pragma cache_size`.execute(ctx.t.db.db)).rows[0]?.cache_size
        : null;
    const cacheBefore = await cacheSize();
    const result = await imported('qiaoduan', csv(rows));
    expect(result).toMatchObject({
      status: 'completed',
      households: 2,
      people: 5,
      rowsRead: 5,
      errorCount: 0,
      progress: 100,
    });
    // The larger page cache of the write (SQLite) is given back.
    expect(await cacheSize()).toBe(cacheBefore);
    expect(await households()).toBe(2);
    const qiao = await ctx.user('qiaoduan');
    const list = (await qiao.get('/households?regionCode=411321106201')).json();
    expect(list.total).toBe(1);
    const detail = (await qiao.get(`/households/${list.items[0].id}`)).json();
    expect(detail).toMatchObject({
      primaryCause: 'illness',
      secondaryCauses: ['schooling', 'lack_of_skills'],
      perCapitaIncome: 7200,
    });
    expect(detail.people[0].idNumber).toMatch(/^4113\*{10}\w{4}$/);
    // Each person's blind index is their own ID number's (the import computes it as it reads the row), and finds them.
    const stored = await ctx.t.db.db
      .selectFrom('household_people')
      .select(['id_number_enc', 'id_number_index'])
      .execute();
    expect(stored).toHaveLength(5);
    for (const p of stored) expect(p.id_number_index).toBe(cipher.blindIndex(cipher.decrypt(p.id_number_enc)));
    expect((await qiao.post('/households/search', { idNumber: rows[4]?.idNumber })).json().total).toBe(1);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('action', '=', 'household.import')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after_json).not.toContain(rows[0]?.idNumber);
  });

  it('one bad row means nothing is written, and the error report names the row', async () => {
    const rows = [...household('1'), ...household('2'), ...household('3')];
    (rows[4] as Row).idNumber =
      `${(rows[4] as Row).idNumber.slice(0, 17)}${(rows[4] as Row).idNumber[17] === '1' ? '2' : '1'}`;
    (rows[7] as Row).health = '很好';
    const result = await imported('qiaoduan', csv(rows));
    expect(result).toMatchObject({ status: 'failed', errorCount: 2, households: 0 });
    expect(result.message).toContain('未导入任何数据');
    expect(await households()).toBe(0);
    expect(await people()).toBe(0);

    const report = await exported(await ctx.user('qiaoduan'), 'import_errors', { id: result.id });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelWorksheet;
    // Data row 5 of the file is line 6 (after the header); row 8 is line 9.
    expect(ws.getRow(2).values).toEqual([
      undefined,
      6,
      '身份证号',
      expect.stringMatching(/^4113\*+\w{4}$/),
      '身份证号校验位不正确',
    ]);
    expect(ws.getRow(3).getCell(1).value).toBe(9);
    expect(ws.getRow(3).getCell(2).value).toBe('健康状况');
    expect(String(ws.getRow(3).getCell(4).value)).toContain('应为');
  });

  it("a mistake on the head's row is reported once, not again as a household without a head", async () => {
    const rows = household('1');
    (rows[0] as Row).idNumber = '41132119700101001';
    const result = await imported('qiaoduan', csv(rows));
    expect(result).toMatchObject({ status: 'failed', errorCount: 1 });
  });

  it('re-importing the same file writes no duplicates', async () => {
    const file = csv([...household('1'), ...household('2')]);
    const first = await imported('qiaoduan', file);
    expect(first.status).toBe('completed');
    const again = await upload('admin', file, 'register-copy.csv');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, duplicateOf: first.id, status: 'completed' });
    expect(await households()).toBe(2);
    // A different file holding a person already registered is refused row by row.
    const overlap = [...household('9')];
    (overlap[1] as Row).idNumber = (await firstIdOf(file)) as string;
    const r = await imported('qiaoduan', csv(overlap));
    expect(r).toMatchObject({ status: 'failed', errorCount: 1 });
    expect(await households()).toBe(2);
  });

  it('an import is no ID-number oracle: people registered in another township are neither named by row nor imported, and each is audited as an attempt', async () => {
    // 城郊乡 registers two households; 乔端镇 then imports a file holding one person of each among its own.
    const theirs = csv([...household('1', '411321300214'), ...household('2', '411321300214')]);
    expect((await imported('chengjiao', theirs)).status).toBe('completed');
    const [a, b] = [theirs.split('\r\n')[1]?.split(',')[5] as string, theirs.split('\r\n')[4]?.split(',')[5] as string];
    const probe = [...household('7'), ...household('8'), ...household('9')];
    (probe[1] as Row).idNumber = a;
    (probe[4] as Row).idNumber = b;
    const before = await households();
    const r = await imported('qiaoduan', csv(probe), '探查.csv');
    expect(r.status).toBe('failed');
    expect(r.message).toContain('不能在此登记');
    // No row, no village, no household of the other township in what the importer can read or download.
    expect(r.errorCount).toBe(0);
    const report = await exported(await ctx.user('qiaoduan'), 'import_errors', { id: r.id });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.worksheets[0]?.eachRow((row) => cells.push(String(row.values)));
    expect(cells.join('\n')).not.toMatch(/第 ?[0-9]+ ?行|柴岗|城郊/);
    expect(await households()).toBe(before);
    const attempts = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['after_json'])
      .where('action', '=', 'household.duplicate_attempt')
      .execute();
    expect(attempts).toHaveLength(2);
    expect(attempts.map((x) => JSON.parse(x.after_json as string).idNumberIndex).sort()).toEqual(
      [cipher.blindIndex(a), cipher.blindIndex(b)].sort(),
    );
    expect(JSON.stringify(attempts)).not.toContain(a);
    // In its own scope the importer is told which row: it can read that household anyway.
    const mine = csv(household('3'));
    expect((await imported('qiaoduan', mine)).status).toBe('completed');
    const again = [...household('4')];
    (again[0] as Row).idNumber = mine.split('\r\n')[1]?.split(',')[5] as string;
    const own = await imported('qiaoduan', csv(again));
    expect(own).toMatchObject({ status: 'failed', errorCount: 1 });
    // Attempts count toward the account's daily limit, by hand or by file: four more files pause its imports.
    for (let i = 0; i < 2; i++) {
      const more = [...household(`p${i}`)];
      (more[0] as Row).idNumber = i === 0 ? a : b;
      expect((await imported('qiaoduan', csv(more))).status).toBe('failed');
    }
    for (let i = 0; i < 2; i++) {
      const more = [...household(`q${i}`)];
      (more[0] as Row).idNumber = i === 0 ? a : b;
      const res = await upload('qiaoduan', csv(more), `q${i}.csv`);
      if (i === 0) {
        await ctx.t.app.householdImports.settled(res.json().id);
        continue;
      }
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('registration_paused');
    }
  });

  it('an account runs one import at a time: files sent while its import runs answer 409 import_running, so none of them can outrun the daily limit on attempts', async () => {
    const theirs = csv(household('1', '411321300214'));
    expect((await imported('chengjiao', theirs)).status).toBe('completed');
    const a = theirs.split('\r\n')[1]?.split(',')[5] as string;
    // A large import of its own runs while seven probes arrive at once, each holding the same person of 城郊乡.
    const sample = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-sample-')), 'large.csv');
    await writeRegisterSample(sample, { rows: 20_000, villages: ['411321106200', '411321106201'], serial: 7 });
    const large = await upload('qiaoduan', fs.readFileSync(sample), 'large.csv');
    fs.rmSync(path.dirname(sample), { recursive: true, force: true });
    expect(large.statusCode).toBe(202);
    const probes = Array.from({ length: 7 }, (_, i) => {
      const rows = [...household(`x${i}`)];
      (rows[0] as Row).idNumber = a;
      return csv(rows);
    });
    const answers = await Promise.all(probes.map((f, i) => upload('qiaoduan', f, `probe-${i}.csv`)));
    expect(answers.map((r) => [r.statusCode, r.json().code])).toEqual(Array(7).fill([409, 'import_running']));
    await ctx.t.app.householdImports.settled(large.json().id);
    expect((await (await ctx.user('qiaoduan')).get(`/household-imports/${large.json().id}`)).json().status).toBe(
      'completed',
    );
    expect(
      await ctx.t.db.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'household.duplicate_attempt')
        .execute(),
    ).toEqual([]);
    // Once it has ended, the next one starts.
    const next = await upload('qiaoduan', csv(household('y1')), 'next.csv');
    expect(next.statusCode).toBe(202);
    await ctx.t.app.householdImports.settled(next.json().id);
  });

  async function firstIdOf(file: string) {
    return file.split('\r\n')[1]?.split(',')[5];
  }

  it("households must have exactly one head and a village in the importer's scope", async () => {
    const noHead = household('1');
    (noHead[0] as Row).relationship = '父亲';
    const twoHeads = household('2');
    (twoHeads[1] as Row) = { ...(twoHeads[0] as Row), idNumber: idNumber(1971), name: '王二山' };
    const elsewhere = household('3', '411321300214');
    const result = await imported('qiaoduan', csv([...noHead, ...twoHeads, ...elsewhere]));
    expect(result.status).toBe('failed');
    const row = await ctx.t.db.db
      .selectFrom('household_imports')
      .select('errors_json')
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    const errors = JSON.parse(row.errors_json as string) as { row: number; message: string }[];
    expect(errors.map((e) => [e.row, e.message])).toEqual([
      [2, '户编号 1 没有户主'],
      [6, '户编号 2 有多位户主'],
      [8, '不是本账号管辖范围内的村（社区）'],
    ]);
    // Another township's imports are not visible.
    const other = await ctx.user('chengjiao');
    expect((await other.get(`/household-imports/${result.id}`)).statusCode).toBe(404);
  });

  it('an XLSX workbook imports like a CSV; ID numbers stored as numbers are refused with the fix', async () => {
    const ok = await imported(
      'qiaoduan',
      await xlsx([...household('1'), ...household('2', '411321106200', 1)]),
      'register.xlsx',
    );
    expect(ok).toMatchObject({ status: 'completed', households: 2, people: 4, format: 'xlsx' });
    const numeric = await imported('qiaoduan', await xlsx(household('3'), true), 'numeric.xlsx');
    expect(numeric.status).toBe('failed');
    const row = await ctx.t.db.db
      .selectFrom('household_imports')
      .select('errors_json')
      .where('id', '=', numeric.id)
      .executeTakeFirstOrThrow();
    expect(row.errors_json).toContain('文本格式');
  });

  it('a large XLSX keeps every Chinese character whole, wherever the reader’s chunks are cut', async () => {
    // Names and addresses of pure Chinese text, different on every row (no shared strings), so that the workbook's
    // parts are read in many chunks and some chunk ends inside a character.
    const chars = '山水田林河村镇乡社区组号楼东西南北中上下前后新老大小长青明德福寿康宁安和平春秋';
    let k = 7;
    const word = (n: number) => {
      let w = '';
      for (let i = 0; i < n; i++) {
        k = (k * 48271) % 2147483647;
        w += chars[k % chars.length];
      }
      return w;
    };
    const rows = Array.from({ length: 1000 }, (_, i) => household(String(i + 1)))
      .flat()
      .map((r) => ({ ...r, name: `王${word(11)}`, address: r.address ? `${word(30)}号` : '' }));
    const result = await imported('qiaoduan', await xlsx(rows), 'large.xlsx');
    expect(result).toMatchObject({ status: 'completed', households: 1000, people: 3000 });
    const stored = await ctx.t.db.db.selectFrom('household_people').select('name').execute();
    const names = new Set(rows.map((r) => r.name));
    expect(stored.filter((p) => p.name.startsWith('王') && p.name.length === 12 && !names.has(p.name))).toEqual([]);
    expect(stored.filter((p) => names.has(p.name))).toHaveLength(3000);
  });

  it('a CSV saved by Excel in GB18030 is read correctly', async () => {
    const text = csv(household('1'));
    // Node decodes GB18030 but cannot encode it: build the two-byte table by decoding every GBK code.
    const GB18030 = gbkTable();
    const encoded = Buffer.concat(
      [...text].map((ch) => {
        const code = ch.codePointAt(0) as number;
        if (code < 0x80) return Buffer.from([code]);
        const bytes = GB18030[ch];
        if (!bytes) throw new Error(`no GB18030 bytes for ${ch}`);
        return Buffer.from(bytes);
      }),
    );
    expect(new TextDecoder('gb18030').decode(encoded)).toBe(text);
    const result = await imported('qiaoduan', encoded);
    expect(result).toMatchObject({ status: 'completed', households: 1, people: 3 });
    const names = await ctx.t.db.db.selectFrom('household_people').select('name').orderBy('name').execute();
    expect(names.map((n) => n.name)).toEqual(['李秀英', '王大山', '王小明']);
  });

  it('a zip bomb is refused without exhausting memory', async () => {
    // 400 MB of zeros in a file of a few hundred kB, its sizes declared as tiny.
    const big = Buffer.alloc(400 * 1024 * 1024);
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: big, declaredSize: 1000 },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    const result = await imported('qiaoduan', bomb, 'bomb.xlsx');
    const after = process.memoryUsage().rss;
    expect(result.status).toBe('failed');
    expect(result.message).toContain('压缩炸弹');
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
    expect(await households()).toBe(0);
  });

  it('the reader gets only the parts the zip-bomb check counted: a part hidden from the central directory is never read', async () => {
    // 100 MB of zeros as a first worksheet that the central directory does not list, before a valid workbook.
    const book = await xlsx(household('1'));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const packed = deflateRawSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(100 * 1024 * 1024, 22);
    local.writeUInt16LE(name.length, 26);
    const hidden = Buffer.concat([local, name, packed]);
    const smuggled = Buffer.concat([hidden, book]);
    // The listed parts moved by the hidden one's length: their offsets in the directory, and the directory's own.
    const eocd = smuggled.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cd = smuggled.readUInt32LE(eocd + 16) + hidden.length;
    smuggled.writeUInt32LE(cd, eocd + 16);
    for (
      let p = cd;
      smuggled.readUInt32LE(p) === 0x02014b50;
      p += 46 + smuggled.readUInt16LE(p + 28) + smuggled.readUInt16LE(p + 30) + smuggled.readUInt16LE(p + 32)
    ) {
      smuggled.writeUInt32LE(smuggled.readUInt32LE(p + 42) + hidden.length, p + 42);
    }
    const result = await imported('qiaoduan', smuggled, 'smuggled.xlsx');
    expect(result).toMatchObject({ status: 'completed', households: 1, people: 3 });
  });

  it('files over the size or row limits are refused', async () => {
    // A second app on the same database, with small limits.
    const app = await buildApp({
      db: ctx.t.db,
      importLimits: { maxBytes: 4096, maxRows: 5, maxUnzippedBytes: 1 << 20 },
      scratch: new ScratchSpace(path.join(ctx.t.dataDir, 'scratch')),
    });
    const trail = auditTrailGuard(app, ctx.t.db);
    await app.ready();
    const db = ctx.t.db;
    try {
      const cookie = await login(app, 'qiaoduan', PASSWORD);
      const send = (body: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/household-imports?fileName=a.csv',
          headers: { ...sessionHeaders(cookie), 'content-type': 'application/octet-stream' },
          payload: body,
        });
      const tooBig = await send(
        csv([...household('1'), ...household('2'), ...household('3'), ...household('4'), ...household('5')]).padEnd(
          5000,
          '\n',
        ),
      );
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().code).toBe('file_too_large');
      const tooMany = await send(csv([...household('1'), ...household('2')]));
      expect(tooMany.statusCode).toBe(202);
      await app.householdImports.settled(tooMany.json().id);
      const r = (await as(app, cookie).get(`/household-imports/${tooMany.json().id}`)).json();
      expect(r.status).toBe('failed');
      expect(r.message).toContain('5 行');
      expect(
        Number(
          (
            await db.db
              .selectFrom('households')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ).toBe(0);
    } finally {
      await trail.settled();
      await app.close();
    }
    trail.assertHeld();
  });

  it("the template downloads with the layout's headers and imports as it is", async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const res = await ctx.t.app.inject({
      method: 'GET',
      url: '/api/v1/household-imports/template',
      headers: sessionHeaders(cookie),
    });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const header = (wb.worksheets[0] as ExcelWorksheet).getRow(1).values as string[];
    expect(header.slice(1)).toEqual(HEADERS);
    const result = await imported('qiaoduan', res.rawPayload, 'template.xlsx');
    expect(result).toMatchObject({ status: 'completed', households: 1, people: 2 });
  });

  it('a re-upload of the same file whose import went stale (its server stopped beating) starts a new import; the stale one is marked interrupted, audited', async () => {
    const file = csv([...household('1'), ...household('2')]);
    const hash = createHash('sha256').update(file).digest('hex');
    const qiao = await ctx.t.db.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'qiaoduan')
      .executeTakeFirstOrThrow();
    // An import left running by a server that died an hour ago.
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    await ctx.t.db.db
      .insertInto('household_imports')
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        scope_code: '411321106',
        file_name: 'register.csv',
        file_hash: hash,
        file_bytes: Buffer.byteLength(file),
        format: 'csv',
        status: 'running',
        phase: 'validating',
        progress: 20,
        rows_read: 3,
        households: 0,
        people: 0,
        error_count: 0,
        errors_json: null,
        message: null,
        failure: null,
        created_by: qiao.id,
        created_at: hourAgo,
        updated_at: hourAgo,
        heartbeat_at: hourAgo,
        finished_at: null,
      })
      .execute();
    const res = await upload('qiaoduan', file);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'running', duplicateOf: null });
    expect(res.json().id).not.toBe('00000000-0000-4000-8000-000000000001');
    await ctx.t.app.householdImports.settled(res.json().id);
    const qiaoClient = await ctx.user('qiaoduan');
    expect((await qiaoClient.get(`/household-imports/${res.json().id}`)).json()).toMatchObject({
      status: 'completed',
      households: 2,
    });
    expect((await qiaoClient.get('/household-imports/00000000-0000-4000-8000-000000000001')).json()).toMatchObject({
      status: 'failed',
      failure: 'interrupted',
    });
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', '00000000-0000-4000-8000-000000000001')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['household.import_interrupted']);
  });

  it('an import marked interrupted while it runs (another server judged its heartbeat stale) writes nothing and never turns completed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-sample-'));
    try {
      const sample = path.join(dir, 'r.csv');
      await writeRegisterSample(sample, { rows: 12_000, villages: ['411321106200', '411321106201'], serial: 9 });
      const res = await upload('qiaoduan', fs.readFileSync(sample));
      expect(res.statusCode).toBe(202);
      const id = res.json().id as string;
      for (let i = 0; i < 1000; i++) {
        const r = await ctx.t.db.db
          .selectFrom('household_imports')
          .select(['rows_read', 'status'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        if (r.rows_read > 0 || r.status !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Every running import counts as stale here: what a sweep on another server does when it sees no beat.
      expect(await ctx.t.app.householdImports.failInterrupted(-60_000)).toBe(1);
      await ctx.t.app.householdImports.settled(id);
      const row = await ctx.t.db.db
        .selectFrom('household_imports')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'failed', failure: 'interrupted', households: 0 });
      expect(await households()).toBe(0);
      const audit = await ctx.t.db.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).execute();
      expect(audit.map((a) => a.action)).toEqual(['household.import_interrupted']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an XLSX as Excel writes it (its sheet before its shared strings) is read without setting the sheet aside on disk, and no scratch file outlives its import', async () => {
    const tmpBefore = new Set(fs.readdirSync(os.tmpdir()));
    const book = await xlsx([...household('1'), ...household('2')]);
    const ok = await imported('qiaoduan', book, 'register.xlsx');
    expect(ok).toMatchObject({ status: 'completed', households: 2, people: 6 });
    // Shared strings were read before the sheet: the names are names, not empty cells.
    const names = await ctx.t.db.db.selectFrom('household_people').select('name').execute();
    expect(new Set(names.map((n) => n.name))).toEqual(new Set(['王大山', '李秀英', '王小明']));
    const bad = household('3');
    (bad[1] as Row).health = '很好';
    expect((await imported('qiaoduan', await xlsx(bad), 'bad.xlsx')).status).toBe('failed');
    expect((await imported('qiaoduan', csv(bad))).status).toBe('failed');
    // ExcelJS sets a sheet aside in a temporary file when it comes before the shared strings.
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('tmp-') && !tmpBefore.has(f))).toEqual([]);
    expect(filesIn(path.join(ctx.t.dataDir, 'scratch'))).toEqual([]);
  });

  it('a township admin cannot import without region scope and uploads must be files', async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const json = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/household-imports?fileName=a.csv',
      headers: sessionHeaders(cookie),
      payload: { a: 1 },
    });
    expect(json.statusCode).toBe(415);
    const empty = await upload('qiaoduan', '');
    expect(empty.statusCode).toBe(400);
  });

  /**
   * A provincial 建档立卡 workbook as the clerk has it: a notes sheet first, merged title rows above the header, the
   * province's own headings, the exit and relocation columns, and columns the register does not keep.
   */
  async function provincial(rows: Row[]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('填表说明');
    notes.addRow(['填表说明']);
    notes.addRow(['1. 证件号码请填写18位身份证号']);
    const ws = wb.addWorksheet('建档立卡贫困人口花名册');
    const cols: [string, (r: Row, i: number) => string][] = [
      ['序号', (_r, i) => String(i + 1)],
      ['户编号', (r) => r.householdNo],
      ['行政区划代码', (r) => r.regionCode],
      ['成员姓名', (r) => r.name],
      ['性别', (r) => r.gender],
      ['证件号码', (r) => r.idNumber],
      ['与户主关系', (r) => r.relationship],
      ['联系方式', (r) => r.phone],
      ['健康状况', (r) => r.health],
      ['劳动技能', (r) => r.labour],
      ['是否在校生', (r) => r.inSchool],
      ['详细地址', (r) => r.address],
      ['贫困户属性', (r) => r.attribute],
      ['主要致贫原因', (r) => r.primaryCause],
      ['工资性收入', (r) => r.wages],
      ['生产经营性收入', (r) => r.business],
      ['转移性收入', (r) => r.transfer],
      ['财产性收入', (r) => r.property],
      ['人均纯收入', () => '4800'],
      ['是否饮水安全', (r) => r.waterSafe],
      ['安置地点', (r) => r.relocatedTo],
      ['脱贫状态', (r) => r.exitStatus],
      ['脱贫年度', (r) => r.exitYear],
      ['帮扶责任人', () => '张干部'],
    ];
    ws.addRow(['河南省建档立卡贫困人口信息采集表']);
    ws.mergeCells(1, 1, 1, cols.length);
    ws.addRow(['填报单位：乔端镇', '', '', '', '', '', '', '', '填报日期：2020年12月']);
    ws.addRow(cols.map(([h]) => h));
    for (const [i, r] of rows.entries()) ws.addRow(cols.map(([, f]) => f(r, i)));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const asExited = (rows: Row[], exit: string, exitYear: string, relocatedTo = '') =>
    rows.map((r, i) => ({
      ...r,
      exitStatus: i === 0 ? exit : '',
      exitYear: i === 0 ? exitYear : '',
      relocatedTo: i === 0 ? relocatedTo : '',
    }));

  it('a provincial workbook is read as the clerk has it: its headings, exits with their year, relocation', async () => {
    const file = await provincial([
      ...asExited(household('1'), '已脱贫', '2019', '白河新村安置点'),
      ...asExited(household('2'), '未脱贫', ''),
    ]);
    // Its columns the register does not keep are put to the clerk before anything is read.
    const waiting = await imported('qiaoduan', file, '乔端镇花名册.xlsx');
    expect(waiting.status).toBe('awaiting_mapping');
    const result = await confirmedAsProposed('qiaoduan', waiting);
    expect(result, result.message).toMatchObject({ status: 'completed', households: 2, people: 6 });
    // What the file holds and the register does not keep is named, with its place, not dropped silently.
    expect(result.ignoredColumns).toEqual([
      { column: 1, header: '序号' },
      { column: 19, header: '人均纯收入' },
      { column: 24, header: '帮扶责任人' },
    ]);
    expect(result.message).toContain('未读取的列：第 1 列“序号”、第 19 列“人均纯收入”、第 24 列“帮扶责任人”');
    const rows = await ctx.t.db.db
      .selectFrom('households')
      .select(['status', 'exit_year', 'exited_on', 'relocated_to'])
      .orderBy('status', 'desc')
      .execute();
    expect(rows).toEqual([
      { status: 'registered', exit_year: null, exited_on: null, relocated_to: null },
      { status: 'exited', exit_year: 2019, exited_on: null, relocated_to: '白河新村安置点' },
    ]);
  });

  it("a provincial workbook's mistakes are reported under the clerk's own headings", async () => {
    const bad = household('1');
    (bad[1] as Row).idNumber = '411321197001011234';
    const file = await provincial([...asExited(bad, '已脱贫', ''), ...asExited(household('2'), '已脱贫', '2030')]);
    const result = await confirmedAsProposed('qiaoduan', await imported('qiaoduan', file, '乔端镇花名册.xlsx'));
    expect(result).toMatchObject({ status: 'failed', households: 0 });
    expect(await households()).toBe(0);
    const report = await exported(await ctx.user('qiaoduan'), 'import_errors', { id: result.id });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelWorksheet;
    const lines = ws
      .getRows(2, ws.rowCount - 1)
      ?.filter((r) => typeof r.getCell(1).value === 'number')
      .map((r) => [r.getCell(1).value, r.getCell(2).value]);
    // Header on line 3: household 1 is on lines 4-6, household 2 on lines 7-9.
    expect(lines).toEqual([
      [4, '脱贫年度'],
      [5, '证件号码'],
      [7, '脱贫年度'],
    ]);
  });
});

/** Every file under `dir` (folders are not files). */
function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Character → its two GBK bytes (the two-byte range of GB18030), from Node's own decoder. */
function gbkTable(): Record<string, number[]> {
  const table: Record<string, number[]> = {};
  const decoder = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.from([a, b]));
      if (ch.length === 1 && table[ch] === undefined) table[ch] = [a, b];
    }
  }
  return table;
}
