import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Raised when a database and the data key given do not belong together; the message says what to set. */
export class DataKeyError extends Error {}

/**
 * The two cryptographic profiles (`LIANJIAN_CRYPTO`): `standard` (AES-256-GCM, HMAC-SHA-256) and `gm`, the
 * commercial-cryptography algorithms a 密评 assessor checks for (SM4-CTR with HMAC-SM3, encrypt-then-MAC, since Node's
 * OpenSSL has no SM4-GCM; HMAC-SM3 for blind indexes; keys derived with HKDF over SM3).
 */
export const CRYPTO_PROFILES = ['standard', 'gm'] as const;
export type CryptoProfile = (typeof CRYPTO_PROFILES)[number];

/** `LIANJIAN_CRYPTO`, `standard` when unset; anything else is refused at start rather than guessed. */
export function cryptoProfileFromEnv(env: NodeJS.ProcessEnv = process.env): CryptoProfile {
  const said = env.LIANJIAN_CRYPTO?.trim();
  if (!said) return 'standard';
  if ((CRYPTO_PROFILES as readonly string[]).includes(said)) return said as CryptoProfile;
  throw new DataKeyError(`LIANJIAN_CRYPTO=${said}：只能是 standard 或 gm。LIANJIAN_CRYPTO must be standard or gm.`);
}

const derive = (digest: 'sha256' | 'sm3', master: Buffer, info: string, length: number) =>
  Buffer.from(hkdfSync(digest, master, Buffer.alloc(0), info, length));

/**
 * What each data key is for. Every purpose has its own keys, in versions: version 1 of each profile is derived from the
 * master key (as every database had before versions), later ones are random keys kept wrapped by the master key in
 * `data_keys` (`lianjian rotate-keys`, `lianjian switch-crypto`).
 */
export const KEY_PURPOSES = ['field', 'index', 'audit', 'signing'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** One data key: its purpose, the profile whose algorithms it keys, and its version within the two. */
export interface KeyVersion {
  purpose: KeyPurpose;
  profile: CryptoProfile;
  version: number;
}

/** `field/gm/2`: the name a wrapped key is bound to (its wrapping authenticates it), and the job's wording. */
export const keyLabel = (k: KeyVersion): string => `${k.purpose}/${k.profile}/${k.version}`;

/** The bytes of a key of each purpose and profile: SM4 and its HMAC-SM3 key together for gm fields, an SM2 seed. */
export const KEY_LENGTH: Record<KeyPurpose, Record<CryptoProfile, number>> = {
  field: { standard: 32, gm: 48 },
  index: { standard: 32, gm: 32 },
  audit: { standard: 32, gm: 32 },
  signing: { standard: 32, gm: 40 },
};

/** The HKDF labels of each version-1 key: the ones databases were written with before keys had versions. */
const V1: Record<KeyPurpose, Record<CryptoProfile, [digest: 'sha256' | 'sm3', ...labels: string[]]>> = {
  field: {
    standard: ['sha256', 'lianjian field encryption v1'],
    gm: ['sm3', 'lianjian field encryption gm v1', 'lianjian field mac gm v1'],
  },
  index: { standard: ['sha256', 'lianjian blind index v1'], gm: ['sm3', 'lianjian blind index gm v1'] },
  audit: { standard: ['sha256', 'lianjian audit chain v1'], gm: ['sm3', 'lianjian audit chain gm v1'] },
  signing: { standard: ['sha256', 'lianjian act signing ed25519 v1'], gm: ['sm3', 'lianjian act signing sm2 v1'] },
};

/**
 * The master key, wherever it is kept: the one key that is never in the database. It derives the version-1 keys and
 * wraps (encrypts, bound to their label) the later ones. `SoftwareMasterKey` holds it in memory, from
 * LIANJIAN_DATA_KEY or the key file; a server cipher machine (服务器密码机) holds it inside and does the same through
 * its GM/T 0018 SDF interface (docs/CRYPTO.md says which SDF functions map to which operation).
 */
export interface MasterKeyModule {
  /** A short public name of the master key, recorded with the database. */
  readonly keyId: string;
  /** A key derived from the master key for a fixed label (HKDF over SHA-256 or SM3). */
  derive(digest: 'sha256' | 'sm3', info: string, length: number): Buffer;
  /** A data key encrypted and bound to its label under the master key, with the profile's algorithms. */
  wrap(profile: CryptoProfile, label: string, key: Buffer): string;
  /** The data key of `wrapped`, or an error when it was not wrapped by this master key for this label. */
  unwrap(label: string, wrapped: string): Buffer;
}

/** The master key held in memory: AES-256-GCM (`w1:`) or SM4-CTR with HMAC-SM3 (`gw1:`) key wrapping. */
export class SoftwareMasterKey implements MasterKeyModule {
  readonly keyId: string;
  private readonly kek: { standard: Buffer; gm: Buffer; gmMac: Buffer };

  constructor(private readonly master: Buffer) {
    if (master.length !== 32) throw new Error('the data key must be 32 bytes');
    this.keyId = derive('sha256', master, 'lianjian key id v1', 6).toString('base64url');
    this.kek = {
      standard: derive('sha256', master, 'lianjian key wrapping v1', 32),
      gm: derive('sm3', master, 'lianjian key wrapping gm v1', 16),
      gmMac: derive('sm3', master, 'lianjian key wrapping mac gm v1', 32),
    };
  }

  derive(digest: 'sha256' | 'sm3', info: string, length: number): Buffer {
    return derive(digest, this.master, info, length);
  }

  wrap(profile: CryptoProfile, label: string, key: Buffer): string {
    if (profile === 'gm') {
      const iv = randomBytes(16);
      const c = createCipheriv('sm4-ctr', this.kek.gm, iv);
      const ct = Buffer.concat([c.update(key), c.final()]);
      const mac = createHmac('sm3', this.kek.gmMac).update(`gw1:${label}:`).update(iv).update(ct).digest();
      return `gw1:${iv.toString('base64url')}:${mac.toString('base64url')}:${ct.toString('base64url')}`;
    }
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.kek.standard, iv);
    c.setAAD(Buffer.from(`w1:${label}`));
    const ct = Buffer.concat([c.update(key), c.final()]);
    return `w1:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  unwrap(label: string, wrapped: string): Buffer {
    const [mark, iv64, tag64, ct64] = wrapped.split(':');
    if (!iv64 || !tag64 || ct64 === undefined) throw new Error(`key ${label}: unknown wrapping`);
    const iv = Buffer.from(iv64, 'base64url');
    const ct = Buffer.from(ct64, 'base64url');
    const tag = Buffer.from(tag64, 'base64url');
    if (mark === 'gw1') {
      const expected = createHmac('sm3', this.kek.gmMac).update(`gw1:${label}:`).update(iv).update(ct).digest();
      if (iv.length !== 16 || tag.length !== expected.length || !timingSafeEqual(tag, expected))
        throw new DataKeyError(
          `数据密钥 ${label} 不是由此主密钥封装的。Key ${label} was not wrapped by this master key.`,
        );
      const d = createDecipheriv('sm4-ctr', this.kek.gm, iv);
      return Buffer.concat([d.update(ct), d.final()]);
    }
    if (mark === 'w1') {
      try {
        const d = createDecipheriv('aes-256-gcm', this.kek.standard, iv);
        d.setAAD(Buffer.from(`w1:${label}`));
        d.setAuthTag(tag);
        return Buffer.concat([d.update(ct), d.final()]);
      } catch {
        throw new DataKeyError(
          `数据密钥 ${label} 不是由此主密钥封装的。Key ${label} was not wrapped by this master key.`,
        );
      }
    }
    throw new Error(`key ${label}: unknown wrapping`);
  }
}

/** A data key's row in `data_keys` as the ring reads it: `wrapped` null for a version 1, derived again from the master. */
export interface StoredKey extends KeyVersion {
  wrapped: string | null;
  state: 'incoming' | 'active' | 'retired';
}

/** The mark of a field ciphertext: `v<n>` (AES-256-GCM) or `g<n>` (SM4-CTR, HMAC-SM3), n the key's version. */
const FIELD_MARK = /^([vg])(\d+)$/;
/** The tag of a blind index other than the standard's version 1 (untagged): `v<n>.` or `g<n>.`. */
const INDEX_TAG = /^([vg])(\d+)\./;
const letterOf = (profile: CryptoProfile) => (profile === 'gm' ? 'g' : 'v');
const profileOfLetter = (l: string): CryptoProfile => (l === 'g' ? 'gm' : 'standard');

/** A keyless digest under the gm profile carries its algorithm; the standard's untagged SHA-256 hex is its first. */
const GM_DIGEST = 'g1.';

/**
 * A keyless digest under a profile, for what must be found again by its digest but never read back: session and CSRF
 * tokens, request fingerprints, recovery codes. SHA-256 hex under `standard`, SM3 hex tagged `g1.` under `gm`.
 */
export function digestUnder(profile: CryptoProfile, data: string): string {
  return profile === 'gm'
    ? GM_DIGEST + createHash('sm3').update(data).digest('hex')
    : createHash('sha256').update(data).digest('hex');
}

/**
 * Field encryption for the most sensitive personal data (ID numbers, phone numbers, health), with a random IV per
 * value, and a keyed hash (blind index) for exact search and duplicate detection, under the active keys of the
 * database's key ring. The ring starts with the version-1 keys of both profiles, derived from the master key, active
 * under the profile given; `refresh` reads the database's `data_keys` (new versions, which are active), so that a
 * server follows a rotation or a change of profile made while it runs. Every value names the algorithm and key version
 * it was written with, and is read under any key of the ring: old and new coexist while a job rewrites them.
 */
export class DataCipher {
  readonly master: MasterKeyModule;
  /** Key material by `keyLabel`; version 1 of each profile derived at construction. */
  private readonly keys = new Map<string, Buffer>();
  private active: Record<KeyPurpose, KeyVersion>;
  /** The versions of the ring other than the derived ones, by purpose: what lookups by a keyed hash also try. */
  private readonly loaded = new Map<string, KeyVersion>();

  constructor(master: Buffer | MasterKeyModule, initial: CryptoProfile = cryptoProfileFromEnv()) {
    this.master = Buffer.isBuffer(master) ? new SoftwareMasterKey(master) : master;
    for (const purpose of KEY_PURPOSES)
      for (const profile of CRYPTO_PROFILES) {
        const [digest, ...labels] = V1[purpose][profile];
        // A gm field key is two: the SM4 key (16 bytes) and its HMAC-SM3 key (32).
        const lengths = labels.length === 2 ? [16, 32] : [KEY_LENGTH[purpose][profile]];
        const parts = labels.map((l, i) => this.master.derive(digest, l, lengths[i] as number));
        this.keys.set(keyLabel({ purpose, profile, version: 1 }), Buffer.concat(parts));
      }
    this.active = Object.fromEntries(
      KEY_PURPOSES.map((p) => [p, { purpose: p, profile: initial, version: 1 }]),
    ) as Record<KeyPurpose, KeyVersion>;
  }

  /** A short public name of the master key, recorded with the database. */
  get keyId(): string {
    return this.master.keyId;
  }

  /** The profile fields are written under now: the active field key's. */
  get profile(): CryptoProfile {
    return this.active.field.profile;
  }

  /** The key each purpose writes with now. */
  activeKey(purpose: KeyPurpose): KeyVersion {
    return this.active[purpose];
  }

  /** The material of a key of the ring, or null when the ring does not hold it. */
  keyOf(k: KeyVersion): Buffer | null {
    return this.keys.get(keyLabel(k)) ?? null;
  }

  /** Every key of a purpose the ring holds, the active one first. */
  versionsOf(purpose: KeyPurpose): KeyVersion[] {
    const all: KeyVersion[] = [this.active[purpose]];
    const add = (k: KeyVersion) => {
      if (!all.some((a) => keyLabel(a) === keyLabel(k))) all.push(k);
    };
    for (const profile of CRYPTO_PROFILES) add({ purpose, profile, version: 1 });
    for (const k of this.loaded.values()) if (k.purpose === purpose) add(k);
    return all;
  }

  /**
   * Installs the database's stored keys: each unwrapped by the master key (a key wrapped by another master key is
   * refused), the `active` one of each purpose written with from now on. Purposes with no active row keep theirs.
   */
  install(rows: readonly StoredKey[]): void {
    for (const r of rows) {
      const label = keyLabel(r);
      if (!this.keys.has(label)) {
        if (r.wrapped === null) throw new DataKeyError(`key ${label}: only version 1 is derived from the master key`);
        const key = this.master.unwrap(label, r.wrapped);
        if (key.length !== KEY_LENGTH[r.purpose][r.profile]) throw new DataKeyError(`key ${label}: wrong length`);
        this.keys.set(label, key);
      }
      this.loaded.set(label, { purpose: r.purpose, profile: r.profile, version: r.version });
    }
    for (const r of rows)
      if (r.state === 'active') this.active[r.purpose] = { purpose: r.purpose, profile: r.profile, version: r.version };
  }

  /** Makes `profile` the active one of every purpose at version 1 (a database with no stored keys yet). */
  startUnder(profile: CryptoProfile): void {
    for (const purpose of KEY_PURPOSES) this.active[purpose] = { purpose, profile, version: 1 };
  }

  /** The version-1 chain keys, as the audit fixtures and a bare trail take them. */
  get auditKey(): Buffer {
    return this.keyOf({ purpose: 'audit', profile: 'standard', version: 1 }) as Buffer;
  }
  get auditKeyGm(): Buffer {
    return this.keyOf({ purpose: 'audit', profile: 'gm', version: 1 }) as Buffer;
  }

  /**
   * Random IVs drawn from the system's generator a few kilobytes at a time: one call per IV cost a register import
   * a seventh of its time (each byte is used once, and the pool is never read twice).
   */
  private readonly pool = Buffer.allocUnsafe(16 * 512);
  private poolAt = this.pool.length;

  private nextIv(length: 12 | 16): Buffer {
    if (this.poolAt + length > this.pool.length) {
      randomFillSync(this.pool);
      this.poolAt = 0;
    }
    // A copy: the pool is refilled in place.
    const iv = Buffer.from(this.pool.subarray(this.poolAt, this.poolAt + length));
    this.poolAt += length;
    return iv;
  }

  /** The mark new field ciphertexts begin with (`v1`, `g2`, ...): what a rewriting job looks for. */
  fieldMark(k: KeyVersion = this.active.field): string {
    return `${letterOf(k.profile)}${k.version}`;
  }

  /**
   * `v<n>:<iv>:<tag>:<ciphertext>` (AES-256-GCM) or `g<n>:<iv>:<mac>:<ciphertext>` (SM4-CTR, HMAC-SM3), base64url
   * parts, n the active field key's version.
   */
  encrypt(plain: string): string {
    const k = this.active.field;
    const key = this.keyOf(k) as Buffer;
    return k.profile === 'gm'
      ? this.encryptSm4(key, this.fieldMark(k), plain)
      : this.encryptAes(key, this.fieldMark(k), plain);
  }

  private encryptAes(key: Buffer, mark: string, plain: string): string {
    const iv = this.nextIv(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const head = cipher.update(plain, 'utf8');
    // GCM is a stream mode: final() adds nothing but the tag's computation.
    const tail = cipher.final();
    const ct = tail.length ? Buffer.concat([head, tail]) : head;
    return `${mark}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  private encryptSm4(key: Buffer, mark: string, plain: string): string {
    const iv = this.nextIv(16);
    const cipher = createCipheriv('sm4-ctr', key.subarray(0, 16), iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${mark}:${iv.toString('base64url')}:${sm4Mac(key, mark, iv, ct).toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Whether a stored value is a field ciphertext of either profile (and not, say, JSON written before encryption). */
  static isCiphertext(stored: string): boolean {
    const colon = stored.indexOf(':');
    return colon > 0 && FIELD_MARK.test(stored.slice(0, colon));
  }

  decrypt(stored: string): string {
    const [v, iv, tag, ct] = stored.split(':');
    const m = v ? FIELD_MARK.exec(v) : null;
    if (!m || !iv || !tag || ct === undefined) throw new Error('unknown ciphertext format');
    const k: KeyVersion = { purpose: 'field', profile: profileOfLetter(m[1] as string), version: Number(m[2]) };
    const key = this.keyOf(k);
    if (!key) throw new Error(`ciphertext under key ${keyLabel(k)}, which this server does not hold`);
    if (k.profile === 'standard') {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    }
    const ivBytes = Buffer.from(iv, 'base64url');
    const ctBytes = Buffer.from(ct, 'base64url');
    const mac = Buffer.from(tag, 'base64url');
    const expected = sm4Mac(key, v as string, ivBytes, ctBytes);
    // The MAC is checked before anything is decrypted, in constant time.
    if (ivBytes.length !== 16 || mac.length !== expected.length || !timingSafeEqual(mac, expected))
      throw new Error('ciphertext failed its integrity check');
    const decipher = createDecipheriv('sm4-ctr', key.subarray(0, 16), ivBytes);
    return Buffer.concat([decipher.update(ctBytes), decipher.final()]).toString('utf8');
  }

  /** The keyless digest of `data` under the running profile (see `digestUnder`). */
  digest(data: string): string {
    return digestUnder(this.profile, data);
  }

  /**
   * The digests of `data` under every profile, the running one first: what a lookup by digest matches, so that a
   * session or a fingerprint written before a change of profile is still found after it.
   */
  digests(data: string): string[] {
    return [this.profile, ...CRYPTO_PROFILES.filter((p) => p !== this.profile)].map((p) => digestUnder(p, data));
  }

  /** Whether `stored` is the digest of `data` under the algorithm it names, compared in constant time. */
  digestMatches(stored: string, data: string): boolean {
    const expected = digestUnder(stored.startsWith(GM_DIGEST) ? 'gm' : 'standard', data);
    return stored.length === expected.length && timingSafeEqual(Buffer.from(stored), Buffer.from(expected));
  }

  /** Same input, same index under the active index key; without the key it reveals nothing. */
  blindIndex(value: string): string {
    return this.blindIndexUnder(this.active.index, value);
  }

  /**
   * The blind indexes of `value` under every index key of the ring, the active one first: what a lookup matches, so
   * that a value indexed before a rotation (or a tracking code, whose hash can never be made again) is still found.
   */
  blindIndexes(value: string): string[] {
    return this.versionsOf('index').map((k) => this.blindIndexUnder(k, value));
  }

  /** Whether a stored blind index was made with the active index key (a rewriting job's test). */
  isCurrentIndex(stored: string): boolean {
    return indexVersionOf(stored) === keyLabel(this.active.index);
  }

  /**
   * Under a key of the ring: HMAC-SHA-256, untagged for the standard's version 1 and `v<n>.` after it; HMAC-SM3,
   * tagged `g<n>.`.
   */
  blindIndexUnder(k: KeyVersion, value: string): string {
    const key = this.keyOf(k);
    if (!key) throw new Error(`no key ${keyLabel(k)}`);
    const normalized = value.trim().toUpperCase();
    const mac = createHmac(k.profile === 'gm' ? 'sm3' : 'sha256', key)
      .update(normalized)
      .digest('base64url');
    return indexTag(k) + mac;
  }
}

/** What a blind index under `k` begins with: nothing for the standard's version 1, `v<n>.` or `g<n>.` after it. */
export function indexTag(k: KeyVersion): string {
  return k.profile === 'standard' && k.version === 1 ? '' : `${letterOf(k.profile)}${k.version}.`;
}

/** The label of the index key a stored blind index was made with. */
export function indexVersionOf(stored: string): string {
  const m = INDEX_TAG.exec(stored);
  return m
    ? keyLabel({ purpose: 'index', profile: profileOfLetter(m[1] as string), version: Number(m[2]) })
    : 'index/standard/1';
}

/** Encrypt-then-MAC: HMAC-SM3, under the key's second part, over the mark, the IV and the ciphertext. */
function sm4Mac(key: Buffer, mark: string, iv: Buffer, ct: Buffer): Buffer {
  return createHmac('sm3', key.subarray(16)).update(`${mark}:`).update(iv).update(ct).digest();
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
