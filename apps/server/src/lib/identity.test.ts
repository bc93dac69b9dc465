import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataCipher } from './crypto.ts';
import { idCheckChar, idNumberProblem, maskIdNumber } from './identity.ts';

const validId = fc
  .tuple(
    fc.constantFrom('411321', '110101', '440305'),
    fc.date({ min: new Date('1930-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, birth, seq]) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  });

describe('ID numbers (GB 11643)', () => {
  it('accepts every number with a valid region, birth date and check character', () => {
    fc.assert(
      fc.property(validId, (id) => {
        expect(idNumberProblem(id)).toBeNull();
      }),
    );
  });

  it('rejects any single changed check character', () => {
    fc.assert(
      fc.property(validId, fc.constantFrom(...'0123456789X'), (id, c) => {
        const changed = id.slice(0, 17) + c;
        expect(idNumberProblem(changed) === null).toBe(c === id[17]);
      }),
    );
  });

  it('rejects impossible dates, unknown regions and wrong lengths', () => {
    const base = '41132119800230123';
    expect(idNumberProblem(base + idCheckChar(base))).toContain('出生日期');
    const region = '99132119800101123';
    expect(idNumberProblem(region + idCheckChar(region))).toContain('地区码');
    expect(idNumberProblem('4113211980')).toContain('18位');
  });

  it('masks all but the first and last four characters', () => {
    expect(maskIdNumber('41132119800101123X')).toBe('4113**********123X');
  });
});

describe('field encryption', () => {
  const cipher = new DataCipher(Buffer.alloc(32, 7));

  it('round-trips, never repeats a ciphertext, and indexes blindly', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        const a = cipher.encrypt(s);
        const b = cipher.encrypt(s);
        expect(a).not.toBe(b);
        expect(cipher.decrypt(a)).toBe(s);
        expect(cipher.blindIndex(s)).toBe(cipher.blindIndex(s));
      }),
    );
  });

  it('detects tampering and a wrong key', () => {
    const stored = cipher.encrypt('41132119800101123X');
    const parts = stored.split(':');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    expect(() => cipher.decrypt([parts[0], parts[1], parts[2], ct.toString('base64url')].join(':'))).toThrow();
    expect(() => new DataCipher(Buffer.alloc(32, 8)).decrypt(stored)).toThrow();
  });
});
