import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { deflateRawSync } from 'node:zlib';
import zlib from 'node:zlib';
import type { Worksheet as ExcelWorksheet } from 'exceljs';
import { excel } from '../src/lib/excel.ts';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { COLUMNS } from '../src/modules/households/import.layout.ts';
import { buildApp } from '../src/app.ts';
import { PASSWORD } from './factories.ts';
import { as, exported, login, sessionHeaders } from './helpers.ts';
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
    });
  }
  return rows;
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: Row[]) => `${[HEADERS.join(','), ...rows.map((r) => COLUMNS.map((c) => quote(r[c.key])).join(','))].join('\r\n')}\r\n`;

async function xlsx(rows: Row[], numericIds = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(HEADERS);
  for (const r of rows) ws.addRow(COLUMNS.map((c) => (numericIds && c.key === 'idNumber' ? Number(r.idNumber.slice(0, 17)) * 10 : r[c.key])));
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

  const households = async () => Number((await ctx.t.db.db.selectFrom('households').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const people = async () => Number((await ctx.t.db.db.selectFrom('household_people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('a CSV in the registration layout registers every household, people grouped by household number', async () => {
    const rows = [...household('1'), ...household('2', '411321106201', 2)];
    const cacheSize = async () => (ctx.t.db.dialect === 'sqlite' ? (await sql<{ cache_size: number }>`pragma cache_size`.execute(ctx.t.db.db)).rows[0]?.cache_size : null);
    const cacheBefore = await cacheSize();
    const result = await imported('qiaoduan', csv(rows));
    expect(result).toMatchObject({ status: 'completed', households: 2, people: 5, rowsRead: 5, errorCount: 0, progress: 100 });
    // The larger page cache of the write (SQLite) is given back.
    expect(await cacheSize()).toBe(cacheBefore);
    expect(await households()).toBe(2);
    const qiao = await ctx.user('qiaoduan');
    const list = (await qiao.get('/households?regionCode=411321106201')).json();
    expect(list.total).toBe(1);
    const detail = (await qiao.get(`/households/${list.items[0].id}`)).json();
    expect(detail).toMatchObject({ primaryCause: 'illness', secondaryCauses: ['schooling', 'lack_of_skills'], perCapitaIncome: 7200 });
    expect(detail.people[0].idNumber).toMatch(/^4113\*{10}\w{4}$/);
    // Each person's blind index is their own ID number's (the import computes it as it reads the row), and finds them.
    const stored = await ctx.t.db.db.selectFrom('household_people').select(['id_number_enc', 'id_number_index']).execute();
    expect(stored).toHaveLength(5);
    for (const p of stored) expect(p.id_number_index).toBe(cipher.blindIndex(cipher.decrypt(p.id_number_enc)));
    expect((await qiao.get(`/households?idNumber=${rows[4]?.idNumber}`)).json().total).toBe(1);
    const audit = await ctx.t.db.db.selectFrom('audit_events').select(['action', 'after_json']).where('action', '=', 'household.import').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.after_json).not.toContain(rows[0]?.idNumber);
  });

  it('one bad row means nothing is written, and the error report names the row', async () => {
    const rows = [...household('1'), ...household('2'), ...household('3')];
    (rows[4] as Row).idNumber = `${(rows[4] as Row).idNumber.slice(0, 17)}${(rows[4] as Row).idNumber[17] === '1' ? '2' : '1'}`;
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
    expect(ws.getRow(2).values).toEqual([undefined, 6, '身份证号', expect.stringMatching(/^4113\*+\w{4}$/), '身份证号校验位不正确']);
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

  async function firstIdOf(file: string) {
    return file.split('\r\n')[1]?.split(',')[5];
  }

  it('households must have exactly one head and a village in the importer\'s scope', async () => {
    const noHead = household('1');
    (noHead[0] as Row).relationship = '父亲';
    const twoHeads = household('2');
    (twoHeads[1] as Row) = { ...(twoHeads[0] as Row), idNumber: idNumber(1971), name: '王二山' };
    const elsewhere = household('3', '411321300214');
    const result = await imported('qiaoduan', csv([...noHead, ...twoHeads, ...elsewhere]));
    expect(result.status).toBe('failed');
    const row = await ctx.t.db.db.selectFrom('household_imports').select('errors_json').where('id', '=', result.id).executeTakeFirstOrThrow();
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
    const ok = await imported('qiaoduan', await xlsx([...household('1'), ...household('2', '411321106200', 1)]), 'register.xlsx');
    expect(ok).toMatchObject({ status: 'completed', households: 2, people: 4, format: 'xlsx' });
    const numeric = await imported('qiaoduan', await xlsx(household('3'), true), 'numeric.xlsx');
    expect(numeric.status).toBe('failed');
    const row = await ctx.t.db.db.selectFrom('household_imports').select('errors_json').where('id', '=', numeric.id).executeTakeFirstOrThrow();
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

  it('files over the size or row limits are refused', async () => {
    // A second app on the same database, with small limits.
    const app = await buildApp({ db: ctx.t.db, importLimits: { maxBytes: 4096, maxRows: 5, maxUnzippedBytes: 1 << 20 } });
    await app.ready();
    const db = ctx.t.db;
    try {
      const cookie = await login(app, 'qiaoduan', PASSWORD);
      const send = (body: string) =>
        app.inject({ method: 'POST', url: '/api/v1/household-imports?fileName=a.csv', headers: { ...sessionHeaders(cookie), 'content-type': 'application/octet-stream' }, payload: body });
      const tooBig = await send(csv([...household('1'), ...household('2'), ...household('3'), ...household('4'), ...household('5')]).padEnd(5000, '\n'));
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().code).toBe('file_too_large');
      const tooMany = await send(csv([...household('1'), ...household('2')]));
      expect(tooMany.statusCode).toBe(202);
      await app.householdImports.settled(tooMany.json().id);
      const r = (await as(app, cookie).get(`/household-imports/${tooMany.json().id}`)).json();
      expect(r.status).toBe('failed');
      expect(r.message).toContain('5 行');
      expect(Number((await db.db.selectFrom('households').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('the template downloads with the layout\'s headers and imports as it is', async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const res = await ctx.t.app.inject({ method: 'GET', url: '/api/v1/household-imports/template', headers: sessionHeaders(cookie) });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const header = (wb.worksheets[0] as ExcelWorksheet).getRow(1).values as string[];
    expect(header.slice(1)).toEqual(HEADERS);
    const result = await imported('qiaoduan', res.rawPayload, 'template.xlsx');
    expect(result).toMatchObject({ status: 'completed', households: 1, people: 2 });
  });

  it('a township admin cannot import without region scope and uploads must be files', async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const json = await ctx.t.app.inject({ method: 'POST', url: '/api/v1/household-imports?fileName=a.csv', headers: sessionHeaders(cookie), payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    const empty = await upload('qiaoduan', '');
    expect(empty.statusCode).toBe(400);
  });
});

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
