import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error('the data key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian field encryption v1', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian blind index v1', 32));
    this.auditKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian audit chain v1', 32));
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

/**
 * The master key: LIANJIAN_DATA_KEY (base64, 32 bytes), or a key file (LIANJIAN_KEY_FILE, default
 * ./data/lianjian.key) created with mode 0600 on first start. Losing it makes encrypted fields unreadable:
 * back it up apart from the database.
 */
export function loadDataKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.LIANJIAN_DATA_KEY) {
    const key = Buffer.from(env.LIANJIAN_DATA_KEY, 'base64');
    if (key.length !== 32) throw new Error('LIANJIAN_DATA_KEY must be 32 bytes, base64');
    return key;
  }
  const file = path.resolve(env.LIANJIAN_KEY_FILE ?? './data/lianjian.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
