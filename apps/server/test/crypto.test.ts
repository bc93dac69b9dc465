import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataCipher, loadDataKey } from '../src/lib/crypto.ts';
import { DataKeyError } from '../src/lib/data-key.ts';

describe('field encryption (AES-256-GCM, one random IV per value)', () => {
  const cipher = new DataCipher(randomBytes(32));

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
