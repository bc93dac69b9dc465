import { type Cipher, createCipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { type Readable, pipeline } from 'node:stream';
import { pipeline as pipe } from 'node:stream/promises';
import type { CryptoProfile } from './crypto.ts';

/**
 * Scratch files hold residents' ID numbers and phones on their way into the register. They are sealed with
 * AES-256-CTR (profile `standard`) or SM4-CTR (profile `gm`) under a key made for each file and kept only in this process's memory: what a killed server leaves on
 * disk, or a copy of the data directory holds, cannot be read by anyone, with or without the data key. CTR lets any
 * byte be read without those before it (the workbook check reads the archive's directory at its end first). There is
 * no tag: secrecy at rest is what is wanted, and whoever could alter a scratch file could as well alter the upload
 * before it arrived. Every byte position is written once, so no part of the key stream is used twice.
 */
class KeyStream {
  readonly algorithm: 'aes-256-ctr' | 'sm4-ctr';
  private readonly key: Buffer;
  private readonly nonce = randomBytes(8);

  constructor(profile: CryptoProfile) {
    this.algorithm = profile === 'gm' ? 'sm4-ctr' : 'aes-256-ctr';
    this.key = randomBytes(profile === 'gm' ? 16 : 32);
  }

  /** The cipher (encryption and decryption alike) positioned at byte `offset` of the file. */
  at(offset: number): Cipher {
    const iv = Buffer.alloc(16);
    this.nonce.copy(iv, 0);
    iv.writeBigUInt64BE(BigInt(Math.floor(offset / 16)), 8);
    const cipher = createCipheriv(this.algorithm, this.key, iv);
    if (offset % 16) cipher.update(Buffer.alloc(offset % 16));
    return cipher;
  }
}

/** A sealed file written once as a stream (an upload) and then read as streams or at positions. */
export class SealedFile {
  private readonly keys: KeyStream;

  constructor(
    readonly path: string,
    profile: CryptoProfile = 'standard',
  ) {
    this.keys = new KeyStream(profile);
  }

  /** The cipher the file is sealed with. */
  get algorithm(): string {
    return this.keys.algorithm;
  }

  /** Writes the file from `source`; the file must not exist yet. */
  async write(source: AsyncIterable<Buffer>): Promise<void> {
    await pipe(source, this.keys.at(0), fs.createWriteStream(this.path, { mode: 0o600, flags: 'wx' }));
  }

  async size(): Promise<number> {
    return (await stat(this.path)).size;
  }

  /** `length` bytes from `position` (fewer at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return this.keys.at(position).update(buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  }

  /** The bytes from `start` to `end` inclusive (as `fs.createReadStream` counts), or to the end of the file. */
  stream(start = 0, end?: number): Readable {
    const raw = fs.createReadStream(this.path, {
      start,
      ...(end === undefined ? {} : { end }),
      highWaterMark: 256 * 1024,
    });
    // An error of either stream ends the other and reaches whoever reads the returned one.
    return pipeline(raw, this.keys.at(start), () => undefined);
  }
}

const READ_AHEAD = 256 * 1024;
const WRITE_BEHIND = 1024 * 1024;

/**
 * A sealed file of records appended and then read back by position, synchronously, as the scratch database's
 * queries are. Records read in about the order they were written cost one decryption per 256 kB read ahead.
 */
export class SealedLog {
  private readonly keys: KeyStream;
  private readonly fd: number;
  /** Bytes appended so far; `flushed` of them are on disk. */
  size = 0;
  private flushed = 0;
  private pending: Buffer[] = [];
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(path: string, profile: CryptoProfile = 'standard') {
    this.keys = new KeyStream(profile);
    this.fd = fs.openSync(path, 'wx+', 0o600);
  }

  /** The cipher the file is sealed with. */
  get algorithm(): string {
    return this.keys.algorithm;
  }

  /** Appends `data`; returns the position it starts at. */
  append(data: Buffer): number {
    const at = this.size;
    this.pending.push(data);
    this.size += data.length;
    if (this.size - this.flushed >= WRITE_BEHIND) this.flush();
    return at;
  }

  flush(): void {
    if (this.flushed === this.size) return;
    const sealed = this.keys.at(this.flushed).update(Buffer.concat(this.pending));
    fs.writeSync(this.fd, sealed, 0, sealed.length, this.flushed);
    this.flushed = this.size;
    this.pending = [];
  }

  /** `length` bytes from `position`; valid until the next read. */
  read(position: number, length: number): Buffer {
    if (position + length > this.flushed) this.flush();
    if (position < this.windowStart || position + length > this.windowStart + this.window.length) {
      const n = Math.min(Math.max(length, READ_AHEAD), this.flushed - position);
      const raw = Buffer.allocUnsafe(n);
      const got = fs.readSync(this.fd, raw, 0, n, position);
      this.window = this.keys.at(position).update(raw.subarray(0, got));
      this.windowStart = position;
    }
    return this.window.subarray(position - this.windowStart, position - this.windowStart + length);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
