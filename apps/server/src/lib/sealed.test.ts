import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SealedFile, SealedLog } from './sealed.ts';

describe('scratch files are sealed under the profile: AES-256-CTR (standard) or SM4-CTR (gm)', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  // Bytes that show in clear if the file were not sealed, over more than one counter block and a 64-bit carry.
  const plain = Buffer.from('411321199001011234,13800138000,张三\n'.repeat(5000));

  for (const [profile, algorithm] of [
    ['standard', 'aes-256-ctr'],
    ['gm', 'sm4-ctr'],
  ] as const) {
    it(`${profile}: an upload is sealed with ${algorithm}, nothing of it on disk in clear, and read back at any position`, async () => {
      const file = new SealedFile(path.join(dir(), 'upload'), profile);
      expect(file.algorithm).toBe(algorithm);
      await file.write(
        (async function* () {
          for (let at = 0; at < plain.length; at += 7777) yield plain.subarray(at, at + 7777);
        })(),
      );
      const onDisk = fs.readFileSync(file.path);
      expect(onDisk.length).toBe(plain.length);
      expect(onDisk.includes(Buffer.from('411321199001011234'))).toBe(false);
      for (const [at, n] of [
        [0, 100],
        [13, 3],
        [16 * 1000 + 5, 40],
        [plain.length - 9, 9],
      ] as const)
        expect((await file.read(at, n)).equals(plain.subarray(at, at + n))).toBe(true);
      const chunks: Buffer[] = [];
      for await (const c of file.stream(31)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(plain.subarray(31))).toBe(true);
    });

    it(`${profile}: a log of records is sealed with ${algorithm} and reads back by position`, () => {
      const log = new SealedLog(path.join(dir(), 'rows.sealed'), profile);
      expect(log.algorithm).toBe(algorithm);
      const at = [log.append(plain.subarray(0, 5000)), log.append(plain.subarray(5000, 2_000_000))];
      log.flush();
      expect(log.read(at[0] as number, 50).equals(plain.subarray(0, 50))).toBe(true);
      expect(log.read(123_457, 33).equals(plain.subarray(123_457, 123_490))).toBe(true);
      log.close();
    });
  }
});
