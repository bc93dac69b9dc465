import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataCipher, cryptoProfileFromEnv, loadDataKey } from '../src/lib/crypto.ts';
import { DataKeyError } from '../src/lib/data-key.ts';

describe('field encryption, standard profile (AES-256-GCM, one random IV per value)', () => {
  const cipher = new DataCipher(randomBytes(32), 'standard');

  it('every value gets its own IV, past the pool of IVs drawn at once, and decrypts to itself', () => {
    const ivs = new Set<string>();
    // More values than one draw of IVs holds (512), so the pool is refilled twice.
    for (let i = 0; i < 1500; i++) {
      const plain = `41132119900101${String(i).padStart(4, '0')}`;
      const stored = cipher.encrypt(plain);
      const [version, iv, tag, ct] = stored.split(':');
      expect(version).toBe('v1');
      expect(Buffer.from(iv as string, 'base64url')).toHaveLength(12);
      expect(Buffer.from(tag as string, 'base64url')).toHaveLength(16);
      expect(ct).not.toBe('');
      ivs.add(iv as string);
      expect(cipher.decrypt(stored)).toBe(plain);
    }
    expect(ivs.size).toBe(1500);
  });

  it('the same value encrypts differently each time; Chinese text and the empty string round-trip', () => {
    expect(cipher.encrypt('慢性病')).not.toBe(cipher.encrypt('慢性病'));
    expect(cipher.decrypt(cipher.encrypt('慢性病'))).toBe('慢性病');
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
  });

  it('a changed ciphertext or another key is refused, not decrypted to something else', () => {
    const stored = cipher.encrypt('13903771234');
    const [v, iv, tag, ct] = stored.split(':') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString('base64url')].join(':'))).toThrow();
    expect(() => new DataCipher(randomBytes(32)).decrypt(stored)).toThrow();
  });
});

describe('the commercial-cryptography (gm) profile', () => {
  const key = randomBytes(32);
  const gm = new DataCipher(key, 'gm');
  const standard = new DataCipher(key, 'standard');

  it('SM3 gives the known answers of GB/T 32905 ("abc" and its 64-byte example)', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('SM4 gives the known answer of GB/T 32907 (its example key and plaintext)', () => {
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const ecb = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
    expect(Buffer.concat([ecb.update(k), ecb.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('a field is SM4-CTR with a 16-byte IV of its own and an HMAC-SM3 over format, IV and ciphertext', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 1100; i++) {
      const plain = `41132119900101${String(i).padStart(4, '0')}`;
      const stored = gm.encrypt(plain);
      const [version, iv, mac, ct] = stored.split(':');
      expect(version).toBe('g1');
      expect(Buffer.from(iv as string, 'base64url')).toHaveLength(16);
      expect(Buffer.from(mac as string, 'base64url')).toHaveLength(32);
      expect(Buffer.from(ct as string, 'base64url')).toHaveLength(18);
      ivs.add(iv as string);
      expect(gm.decrypt(stored)).toBe(plain);
    }
    expect(ivs.size).toBe(1100);
    expect(gm.decrypt(gm.encrypt('慢性病'))).toBe('慢性病');
    expect(gm.decrypt(gm.encrypt(''))).toBe('');
  });

  it('a changed ciphertext, IV or MAC, or another key, is refused before anything is decrypted', () => {
    const stored = gm.encrypt('13903771234');
    const [v, iv, mac, ct] = stored.split(':') as [string, string, string, string];
    const flip = (part: string) => {
      const b = Buffer.from(part, 'base64url');
      b[0] = (b[0] as number) ^ 1;
      return b.toString('base64url');
    };
    expect(() => gm.decrypt([v, iv, mac, flip(ct)].join(':'))).toThrow(/integrity/);
    expect(() => gm.decrypt([v, flip(iv), mac, ct].join(':'))).toThrow(/integrity/);
    expect(() => gm.decrypt([v, iv, flip(mac), ct].join(':'))).toThrow(/integrity/);
    // Relabelled as the other profile's format, it is not read either.
    expect(() => gm.decrypt(['v1', iv, mac, ct].join(':'))).toThrow();
    expect(() => new DataCipher(randomBytes(32), 'gm').decrypt(stored)).toThrow();
    // The MAC is what it says: HMAC-SM3, not SHA-256 under another name.
    const sha = createHmac('sha256', Buffer.alloc(32)).update('x').digest('base64url');
    expect(() => gm.decrypt([v, iv, sha, ct].join(':'))).toThrow(/integrity/);
  });

  it('each profile reads what the other wrote with the same master key, so a database can change profile while served', () => {
    expect(standard.decrypt(gm.encrypt('411321199001011234'))).toBe('411321199001011234');
    expect(gm.decrypt(standard.encrypt('411321199001011234'))).toBe('411321199001011234');
  });

  it('a blind index under gm is HMAC-SM3, says so, and is stable; it differs from the standard one', () => {
    const idx = gm.blindIndex(' 41132119900101123x ');
    expect(idx).toMatch(/^g1\.[\w-]{43}$/);
    expect(gm.blindIndex('41132119900101123X')).toBe(idx);
    expect(standard.blindIndex('41132119900101123X')).not.toBe(idx);
    expect(new DataCipher(randomBytes(32), 'gm').blindIndex('41132119900101123X')).not.toBe(idx);
    // The key id names the master key, whatever the profile.
    expect(gm.keyId).toBe(standard.keyId);
  });

  it('LIANJIAN_CRYPTO chooses the profile: standard when unset; a value it does not know is refused, not guessed', () => {
    expect(cryptoProfileFromEnv({})).toBe('standard');
    expect(cryptoProfileFromEnv({ LIANJIAN_CRYPTO: 'gm' })).toBe('gm');
    expect(() => cryptoProfileFromEnv({ LIANJIAN_CRYPTO: 'sm' })).toThrow(DataKeyError);
    expect(new DataCipher(randomBytes(32)).profile).toBe(cryptoProfileFromEnv());
  });
});

describe('the data key', () => {
  it('a key file is made only for a new database; otherwise a missing or malformed key is refused, naming the variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-key-'));
    try {
      const file = path.join(dir, 'keys', 'lianjian.key');
      const env = { LIANJIAN_KEY_FILE: file };
      expect(() => loadDataKey(env)).toThrow(DataKeyError);
      expect(() => loadDataKey(env)).toThrow(/LIANJIAN_KEY_FILE.*LIANJIAN_DATA_KEY/s);
      expect(fs.existsSync(file)).toBe(false);
      const made = loadDataKey(env, { create: true });
      expect(made).toHaveLength(32);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // Once made, it is the key: read back, never replaced.
      expect(loadDataKey(env, { create: true }).equals(made)).toBe(true);
      fs.writeFileSync(file, 'c2hvcnQ=\n');
      expect(() => loadDataKey(env)).toThrow(/LIANJIAN_KEY_FILE/);
      expect(() => loadDataKey({ LIANJIAN_DATA_KEY: 'c2hvcnQ=' })).toThrow(/LIANJIAN_DATA_KEY/);
      // The variable wins over the file.
      const given = randomBytes(32);
      expect(loadDataKey({ ...env, LIANJIAN_DATA_KEY: given.toString('base64') }).equals(given)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a key's id names it without revealing it: the same key, the same id; another key, another id", () => {
    const key = randomBytes(32);
    expect(new DataCipher(key).keyId).toBe(new DataCipher(Buffer.from(key)).keyId);
    expect(new DataCipher(key).keyId).not.toBe(new DataCipher(randomBytes(32)).keyId);
    expect(new DataCipher(key).keyId).toMatch(/^[\w-]{8}$/);
  });
});
