import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DataCipher } from './crypto.ts';
import { describe, expect, it } from 'vitest';
import { maskPhone } from './mask.ts';
import { isMistypedTrackingCode, newTrackingCode, normalizeTrackingCode, trackingHash } from './tracking.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('tracking codes', () => {
  it('are 12 characters in groups of four, unique, and normalize however they are typed', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newTrackingCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      const n = normalizeTrackingCode(code);
      expect(n).toBe(code.replace(/-/g, ''));
      expect(normalizeTrackingCode(code.toLowerCase().replace(/-/g, ' '))).toBe(n);
      // Read aloud, 0 and 1 may be heard as O, I or L.
      expect(normalizeTrackingCode(code.replace(/0/g, 'o').replace(/1/g, 'l'))).toBe(n);
      codes.add(code);
    }
    expect(codes.size).toBe(2000);
  });

  it('use every character of the alphabet in every random position (no position is fixed)', () => {
    const seen = Array.from({ length: 11 }, () => new Set<string>());
    for (let i = 0; i < 3000; i++) {
      const n = normalizeTrackingCode(newTrackingCode()) as string;
      for (let p = 0; p < 11; p++) seen[p]?.add(n[p] as string);
    }
    expect(seen.map((s) => s.size)).toEqual(Array(11).fill(32));
  });

  it('a single mistyped character or any two swapped characters is told to be mistyped, never taken for another code', () => {
    for (let k = 0; k < 100; k++) {
      const n = normalizeTrackingCode(newTrackingCode()) as string;
      for (let pos = 0; pos < 12; pos++) {
        for (const c of ALPHABET.replace(n[pos] as string, '')) {
          const typo = n.slice(0, pos) + c + n.slice(pos + 1);
          expect(normalizeTrackingCode(typo)).toBeNull();
          expect(isMistypedTrackingCode(typo)).toBe(true);
        }
        for (let other = pos + 1; other < 12; other++) {
          if (n[pos] === n[other]) continue;
          const chars = [...n];
          [chars[pos], chars[other]] = [chars[other] as string, chars[pos] as string];
          expect(normalizeTrackingCode(chars.join(''))).toBeNull();
        }
      }
    }
  });

  it('a resident’s earlier 32-character code still works', () => {
    const legacy = 'K1BX-HXHQ-7M2D-9QWE-R5TY-ZP3C-8VNA-N472';
    expect(normalizeTrackingCode(legacy)).toBe(legacy.replace(/-/g, ''));
    expect(isMistypedTrackingCode(legacy)).toBe(false);
  });

  it('rejects anything that is not a code', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const n = normalizeTrackingCode(s);
        if (n !== null) expect([12, 32]).toContain(n.length);
      }),
    );
    expect(normalizeTrackingCode('')).toBeNull();
    expect(normalizeTrackingCode('ABC')).toBeNull();
    expect(normalizeTrackingCode('UUUU-UUUU-UUUU')).toBeNull();
    expect(isMistypedTrackingCode('ABC')).toBe(false);
  });

  it('stores only a hash, keyed for short codes: without the data key no code can be tried against it', () => {
    const n = normalizeTrackingCode(newTrackingCode()) as string;
    const key = randomBytes(32);
    const hash = trackingHash(n, new DataCipher(key));
    expect(hash).not.toContain(n);
    expect(trackingHash(n, new DataCipher(key))).toBe(hash);
    expect(trackingHash(n, new DataCipher(randomBytes(32)))).not.toBe(hash);
    expect(hash).not.toBe(createHash('sha256').update(n).digest('hex'));
    // A 32-character code made before keeps the plain hash it was stored with.
    const legacy = normalizeTrackingCode('K1BX-HXHQ-7M2D-9QWE-R5TY-ZP3C-8VNA-N472') as string;
    expect(trackingHash(legacy, new DataCipher(key))).toBe(createHash('sha256').update(legacy).digest('hex'));
  });

  it('masks phone numbers', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(null)).toBeNull();
  });
});
