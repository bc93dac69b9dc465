import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone } from './mask.ts';
import { newTrackingCode, normalizeTrackingCode, trackingHash } from './tracking.ts';

describe('tracking codes', () => {
  it('carry at least 128 random bits and normalize however they are typed', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newTrackingCode();
      expect(code).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
      const n = normalizeTrackingCode(code);
      expect(n).not.toBeNull();
      expect(normalizeTrackingCode(code.toLowerCase().replace(/-/g, ' '))).toBe(n);
      codes.add(code);
    }
    expect(codes.size).toBe(500);
    // 32 base32 characters = 160 bits
    expect(32 * 5).toBeGreaterThanOrEqual(128);
  });

  it('rejects anything that is not a code', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const n = normalizeTrackingCode(s);
        if (n !== null) expect(n).toHaveLength(32);
      }),
    );
    expect(normalizeTrackingCode('')).toBeNull();
    expect(normalizeTrackingCode('ABC')).toBeNull();
  });

  it('stores only a hash', () => {
    const n = normalizeTrackingCode(newTrackingCode()) as string;
    expect(trackingHash(n)).toMatch(/^[0-9a-f]{64}$/);
    expect(trackingHash(n)).not.toContain(n);
  });

  it('masks phone numbers', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(null)).toBeNull();
  });
});
