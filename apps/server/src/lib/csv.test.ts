import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRows } from './csv.ts';

async function parse(chunks: Buffer[]): Promise<string[][]> {
  const out: string[][] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const row of csvRows(source())) out.push(row);
  return out;
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('streaming CSV reader', () => {
  it('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes; a UTF-8 BOM is dropped', async () => {
    const text = '\ufeff户编号,姓名,备注\r\n1,"王,大山","说""好""的"\r\n2,李四,"两\n行"\n';
    expect(await parse([Buffer.from(text)])).toEqual([
      ['户编号', '姓名', '备注'],
      ['1', '王,大山', '说"好"的'],
      ['2', '李四', '两\n行'],
    ]);
  });

  it('gives the same rows however the bytes are split into chunks (multi-byte characters and quotes cut in half)', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', '王', ',', '"', '\n', ' ', '1', '秀') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        async (rows, cuts, crlf) => {
          // A row of one empty field is a blank line, which readers skip; keep rows non-blank.
          const data = rows.map((r) => (r.length === 1 && r[0] === '' ? ['x'] : r));
          const bytes = Buffer.from(data.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n'));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(bytes.subarray(last, p));
            last = p;
          }
          chunks.push(bytes.subarray(last));
          expect(await parse(chunks.filter((c) => c.length > 0))).toEqual(data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads GB18030 (what Excel on Chinese Windows saves) when the file is not UTF-8', async () => {
    // 姓名 in GBK: D0 D5 C3 FB
    expect(await parse([Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0x31, 0x0a])])).toEqual([['姓名', '1']]);
  });
});
