import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Raised when a database and the data key given do not belong together; the message says what to set. */
export class DataKeyError extends Error {}

/**
 * Field encryption for the most sensitive personal data (ID numbers, phone numbers, health): AES-256-GCM
 * with a random IV per value, and a keyed hash (blind index) for exact search and duplicate detection.
 * Both keys derive from one master key that lives outside the database.
 */
export class DataCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;
  /** Keys the audit hash chain (HMAC-SHA-256). */
  readonly auditKey: Buffer;
  /** A short public name of the key, recorded with the database, so that a refusal can say which key it expected. */
  readonly keyId: string;

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error('the data key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian field encryption v1', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian blind index v1', 32));
    this.auditKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian audit chain v1', 32));
    this.keyId = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian key id v1', 6)).toString(
      'base64url',
    );
  }

  /**
   * Random IVs drawn from the system's generator a few hundred at a time: one call per IV cost a register import
   * a seventh of its time (each IV is used once, and the pool is never read twice).
   */
  private readonly ivs = Buffer.allocUnsafe(12 * 512);
  private ivAt = this.ivs.length;

  private nextIv(): Buffer {
    if (this.ivAt === this.ivs.length) {
      randomFillSync(this.ivs);
      this.ivAt = 0;
    }
    // A copy: the pool is refilled in place.
    const iv = Buffer.from(this.ivs.subarray(this.ivAt, this.ivAt + 12));
    this.ivAt += 12;
    return iv;
  }

  /** `v1:<iv>:<tag>:<ciphertext>`, base64url parts. */
  encrypt(plain: string): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const head = cipher.update(plain, 'utf8');
    // GCM is a stream mode: final() adds nothing but the tag's computation.
    const tail = cipher.final();
    const ct = tail.length ? Buffer.concat([head, tail]) : head;
    return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  decrypt(stored: string): string {
    const [v, iv, tag, ct] = stored.split(':');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Same input, same index; without the key it reveals nothing. */
  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value.trim().toUpperCase()).digest('base64url');
  }
}

/** Where the data key comes from, in the words an operator sets it with. */
export function dataKeySource(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIANJIAN_DATA_KEY ? 'LIANJIAN_DATA_KEY' : `LIANJIAN_KEY_FILE=${keyFilePath(env)}`;
}

const keyFilePath = (env: NodeJS.ProcessEnv) => path.resolve(env.LIANJIAN_KEY_FILE ?? './data/lianjian.key');

/**
 * The master key: LIANJIAN_DATA_KEY (base64, 32 bytes), or a key file (LIANJIAN_KEY_FILE, default
 * ./data/lianjian.key). Losing it makes encrypted fields unreadable: back it up apart from the database.
 * A missing key file is created (mode 0600) only when `create` says the database is new: for a database that
 * holds data a new key could read nothing, and the server would answer with errors instead of refusing to start.
 */
export function loadDataKey(
  env: NodeJS.ProcessEnv = process.env,
  { create = false }: { create?: boolean } = {},
): Buffer {
  if (env.LIANJIAN_DATA_KEY) {
    const key = Buffer.from(env.LIANJIAN_DATA_KEY, 'base64');
    if (key.length !== 32)
      throw new DataKeyError('LIANJIAN_DATA_KEY 须为 32 字节的 base64。LIANJIAN_DATA_KEY must be 32 bytes, base64.');
    return key;
  }
  const file = keyFilePath(env);
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32)
      throw new DataKeyError(
        `数据密钥文件 ${file}（LIANJIAN_KEY_FILE）不是 32 字节的 base64 密钥。The key file ${file} (LIANJIAN_KEY_FILE) does not hold a 32-byte base64 key.`,
      );
    return key;
  }
  if (!create) {
    throw new DataKeyError(
      `数据密钥文件 ${file} 不存在，未创建新密钥：只有新数据库第一次启动时才创建密钥。请把写入该数据库时的密钥放回该位置，或用 LIANJIAN_KEY_FILE 指向它，或以 LIANJIAN_DATA_KEY 提供。` +
        ` The key file ${file} does not exist and no key was made (a key is made only at a new database's first start): put back the key the database was written with, point LIANJIAN_KEY_FILE at it, or pass it in LIANJIAN_DATA_KEY.`,
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
