import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './paging.ts';
import { Problem } from './problem.ts';
import { isoDate, regionCode, text } from './schemas.ts';

describe('validators (property tests)', () => {
  it('isoDate accepts exactly the real calendar days', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
        expect(isoDate.safeParse(d.toISOString().slice(0, 10)).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          expect(isoDate.safeParse(s).success).toBe(real);
        },
      ),
    );
    for (const bad of ['2020-5-19', '2020/05/19', '20200519', '2020-13-01', ''])
      expect(isoDate.safeParse(bad).success).toBe(false);
  });

  it('regionCode takes 6, 9 or 12 digits only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 14 }), (s) => {
        const ok = /^\d+$/.test(s) && [6, 9, 12].includes(s.length);
        expect(regionCode.safeParse(s).success).toBe(ok);
      }),
    );
  });

  it('text trims, refuses blank and bounds length', () => {
    const t = text(10);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const trimmed = s.trim();
        expect(t.safeParse(s).success).toBe(trimmed.length >= 1 && trimmed.length <= 10);
      }),
    );
  });

  it('cursors round-trip and garbage is a 400, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), fc.uuid(), (v, id) => {
        expect(decodeCursor(encodeCursor({ v, id }))).toEqual({ v, id });
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        try {
          decodeCursor(s);
        } catch (e) {
          expect(e).toBeInstanceOf(Problem);
          expect((e as Problem).status).toBe(400);
        }
      }),
    );
  });
});
