import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';

const require = createRequire(import.meta.url);

/**
 * ExcelJS's XML reader turns each chunk of a workbook part into text on its own (exceljs 4.4,
 * `lib/utils/parse-sax.js`), so a Chinese character whose bytes fall across two chunks comes out as two U+FFFD:
 * in a large register, a name or a village here and there, silently. Its reader is replaced, before ExcelJS is
 * first loaded, by the same reader with one streaming UTF-8 decoder per part.
 */
function installStreamingDecoder(): void {
  const id = require.resolve('exceljs/lib/utils/parse-sax.js');
  const cached = require.cache[id];
  if (cached) {
    if ((cached.exports as { fixed?: boolean }).fixed) return;
    throw new Error('ExcelJS was loaded before its reader was fixed: load it through lib/excel.ts');
  }
  const { SaxesParser } = createRequire(id)('saxes') as typeof import('saxes');
  async function* parseSax(iterable: AsyncIterable<Buffer | string> & { pipe?: unknown }) {
    const source =
      iterable.pipe && !(Symbol.asyncIterator in iterable)
        ? (iterable as unknown as NodeJS.ReadableStream).pipe(new PassThrough())
        : iterable;
    const parser = new SaxesParser();
    let error: Error | undefined;
    parser.on('error', (err) => {
      error = err;
    });
    let events: { eventType: string; value: unknown }[] = [];
    parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
    parser.on('text', (value) => events.push({ eventType: 'text', value }));
    parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.decode();
    if (rest) {
      parser.write(rest);
      if (error) throw error;
      yield events;
    }
  }
  const Module = require('node:module') as { new (id: string): NodeJS.Module };
  const m = new Module(id);
  m.filename = id;
  m.loaded = true;
  m.exports = Object.assign(parseSax, { fixed: true });
  require.cache[id] = m;
}

/**
 * ExcelJS's streaming reader sets a worksheet aside in a temporary file (the `tmp` package: the system's temporary
 * directory, in clear) when the sheet comes before the shared strings, and leaves it there until the process exits
 * if reading stops early. The import hands it the parts in reading order (`inReadingOrder` in zip-guard.ts), so it
 * never needs to; should it ever try, the read fails instead of writing residents' data outside the data directory.
 */
function refuseTemporaryFiles(): void {
  const tmp = createRequire(require.resolve('exceljs'))('tmp') as {
    file: (...args: unknown[]) => void;
    refused?: boolean;
  };
  if (tmp.refused) return;
  tmp.file = (...args: unknown[]) => {
    const done = args.at(-1);
    if (typeof done === 'function')
      done(new Error('ExcelJS would have written a temporary file; the workbook is read in order instead'));
  };
  tmp.refused = true;
}

/**
 * ExcelJS, loaded when a workbook is first read or written: it is a large library (some 28 MB of a server's memory)
 * that most requests never need.
 */
export async function excel(): Promise<typeof ExcelJS> {
  installStreamingDecoder();
  refuseTemporaryFiles();
  return (await import('exceljs')).default;
}
