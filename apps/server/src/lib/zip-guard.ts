import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

export class ArchiveRefused extends Error {
  constructor(
    readonly code: 'archive_invalid' | 'archive_too_large',
    message: string,
  ) {
    super(message);
  }
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

async function entries(path: string, maxEntries: number): Promise<Entry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count > maxEntries) throw new ArchiveRefused('archive_too_large', `工作簿内含 ${count} 个部件，超过上限 ${maxEntries}`);
    if (cdOffset + cdSize > size) throw new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const out: Entry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const headerOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, headerOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');
      const localOffset = headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (localOffset + compressedSize > size) throw new ArchiveRefused('archive_invalid', '文件不是有效的 XLSX 工作簿');
      out.push({ name, method, compressedSize, localOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * Refuses a ZIP (an XLSX workbook is one) whose parts inflate to more than `maxBytes` in all, before any XML
 * parser sees it. Sizes declared in the archive can lie, so every part is actually inflated and counted, and
 * the output is thrown away as it comes: memory stays at one zlib window however large the bomb.
 */
export async function checkArchive(path: string, maxBytes: number, maxEntries = 2000): Promise<{ entries: number; bytes: number }> {
  const list = await entries(path, maxEntries);
  let total = 0;
  for (const e of list) {
    if (e.compressedSize === 0) continue;
    const raw = createReadStream(path, { start: e.localOffset, end: e.localOffset + e.compressedSize - 1 });
    if (e.method === 0) {
      total += e.compressedSize;
      raw.destroy();
    } else if (e.method === 8) {
      const inflate = createInflateRaw();
      raw.pipe(inflate);
      try {
        for await (const chunk of inflate) {
          total += (chunk as Buffer).length;
          if (total > maxBytes) throw new ArchiveRefused('archive_too_large', `工作簿解压后超过 ${Math.round(maxBytes / 1048576)} MB，已拒绝（疑似压缩炸弹）`);
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
    if (total > maxBytes) throw new ArchiveRefused('archive_too_large', `工作簿解压后超过 ${Math.round(maxBytes / 1048576)} MB，已拒绝（疑似压缩炸弹）`);
  }
  return { entries: list.length, bytes: total };
}
