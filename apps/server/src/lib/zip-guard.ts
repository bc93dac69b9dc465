import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

export class ArchiveRefused extends Error {
  constructor(
    readonly code: 'archive_invalid' | 'archive_too_large',
    message: string,
  ) {
    super(message);
  }
}

/** The bytes of an archive, wherever they are kept (an import's upload is sealed on disk). */
export interface ArchiveSource {
  size(): Promise<number>;
  read(position: number, length: number): Promise<Buffer>;
  /** From `start` to `end` inclusive. */
  stream(start: number, end: number): Readable;
}

/** A part listed in the central directory, where its local header and data are, and their sizes. */
export interface ArchivePart {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  headerOffset: number;
  dataOffset: number;
}

const invalid = () => new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');

/** The parts an archive's central directory lists, and where that directory starts (it runs to the end). */
interface Directory {
  parts: ArchivePart[];
  offset: number;
}

async function entries(source: ArchiveSource, maxEntries: number): Promise<Directory> {
  const size = await source.size();
  const tailLength = Math.min(size, 65_557);
  const tail = await source.read(size - tailLength, tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw invalid();
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count > maxEntries)
    throw new ArchiveRefused('archive_too_large', `工作簿内含 ${count} 个部件，超过上限 ${maxEntries}`);
  if (cdOffset + cdSize > size) throw invalid();
  const cd = await source.read(cdOffset, cdSize);
  const out: ArchivePart[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw invalid();
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const headerOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    const local = await source.read(headerOffset, 30 + nameLength);
    if (local.length < 30 + nameLength || local.readUInt32LE(0) !== 0x04034b50) throw invalid();
    // The reader goes by the local header's name, the check by the directory's: they must be the same part.
    if (local.readUInt16LE(26) !== nameLength || local.toString('utf8', 30) !== name) throw invalid();
    const dataOffset = headerOffset + 30 + nameLength + local.readUInt16LE(28);
    if (dataOffset + compressedSize > size) throw invalid();
    out.push({ name, method, crc, compressedSize, uncompressedSize, headerOffset, dataOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { parts: out, offset: cdOffset };
}

/**
 * Refuses a ZIP (an XLSX workbook is one) whose parts inflate to more than `maxBytes` in all, before any XML
 * parser sees it. Sizes declared in the archive can lie, so every part is actually inflated and counted, and
 * the output is thrown away as it comes: memory stays at one zlib window however large the bomb.
 */
export async function checkArchive(
  source: ArchiveSource,
  maxBytes: number,
  maxEntries = 2000,
): Promise<Directory & { bytes: number }> {
  const directory = await entries(source, maxEntries);
  const list = directory.parts;
  let total = 0;
  for (const e of list) {
    if (e.compressedSize === 0) continue;
    const raw = source.stream(e.dataOffset, e.dataOffset + e.compressedSize - 1);
    if (e.method === 0) {
      total += e.compressedSize;
      raw.destroy();
    } else if (e.method === 8) {
      const inflate = createInflateRaw();
      raw.pipe(inflate);
      try {
        for await (const chunk of inflate) {
          total += (chunk as Buffer).length;
          if (total > maxBytes)
            throw new ArchiveRefused(
              'archive_too_large',
              `工作簿解压后超过 ${Math.round(maxBytes / 1048576)} MB，已拒绝（疑似压缩炸弹）`,
            );
        }
      } catch (err) {
        if (err instanceof ArchiveRefused) throw err;
        throw new ArchiveRefused('archive_invalid', `工作簿的部件 ${e.name} 已损坏`);
      } finally {
        raw.destroy();
        inflate.destroy();
      }
    } else {
      raw.destroy();
      throw new ArchiveRefused('archive_invalid', `工作簿使用了不支持的压缩方式（${e.method}）`);
    }
    if (total > maxBytes)
      throw new ArchiveRefused(
        'archive_too_large',
        `工作簿解压后超过 ${Math.round(maxBytes / 1048576)} MB，已拒绝（疑似压缩炸弹）`,
      );
  }
  return { ...directory, bytes: total };
}

const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

/**
 * The parts the check counted, and nothing else, in the order a streaming reader needs them: the worksheets last.
 * Excel (and ExcelJS) write a sheet before its shared strings; ExcelJS's reader then sets the sheet aside in a
 * temporary file, in clear, in the system's temporary directory, until it has the strings. Each part goes with its
 * local header's sizes taken from the central directory (and no data descriptor), so the reader takes exactly the
 * bytes that were inflated and counted, never a part hidden between or inside them. The central directory follows
 * as it is, so that the reader ends where an archive ends.
 */
export function inReadingOrder(source: ArchiveSource, directory: Directory): Readable {
  const { parts } = directory;
  const ordered = [...parts.filter((p) => !WORKSHEET.test(p.name)), ...parts.filter((p) => WORKSHEET.test(p.name))];
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const p of ordered) {
      const header = await source.read(p.headerOffset, p.dataOffset - p.headerOffset);
      header.writeUInt16LE(header.readUInt16LE(6) & ~0x08, 6);
      header.writeUInt32LE(p.crc, 14);
      header.writeUInt32LE(p.compressedSize, 18);
      header.writeUInt32LE(p.uncompressedSize, 22);
      yield header;
      if (p.compressedSize > 0) yield* source.stream(p.dataOffset, p.dataOffset + p.compressedSize - 1);
    }
    yield* source.stream(directory.offset, (await source.size()) - 1);
  }
  return Readable.from(bytes(), { objectMode: false });
}
