import { createHash, randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O, U, so a code read aloud over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A resident's tracking code: 160 random bits, 32 characters, shown in groups of four. */
export function newTrackingCode(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join('-') ?? out;
}

/** Accepts the code as typed: any case, with or without dashes or spaces; O→0, I/L→1. */
export function normalizeTrackingCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{32}$/.test(s) ? s : null;
}

/** Only this hash is stored: a copy of the database does not reveal anyone's code. */
export const trackingHash = (normalized: string): string => createHash('sha256').update(normalized).digest('hex');
