import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';

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
