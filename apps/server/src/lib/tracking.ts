import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DataCipher } from './crypto.ts';

// Crockford base32: no I, L, O, U, so a code read aloud over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VALID = /^[0-9A-HJKMNP-TV-Z]+$/;

/** Random characters of a code: 11 × 5 = 55 bits. */
const RANDOM_CHARS = 11;
/**
 * Codes made before short codes: 32 characters, 160 bits. Still accepted, so that a resident's old receipt keeps
 * working.
 */
const LEGACY_LENGTH = 32;

// GF(32), built from the primitive polynomial x⁵ + x² + 1: the powers of x run through all 31 non-zero elements.
const EXP: number[] = [];
const LOG: number[] = [];
for (let i = 0, x = 1; i < 31; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 32) x ^= 0b100101;
}
const times = (a: number, b: number) => (a && b ? (EXP[((LOG[a] as number) + (LOG[b] as number)) % 31] as number) : 0);

/**
 * The check character: the body's characters weighted by distinct powers of x in GF(32), summed. A single mistyped
 * character changes the sum by a non-zero amount times a non-zero weight, and a swap of any two characters by their
 * difference times the difference of two distinct weights: neither can leave the sum unchanged. So a code read out
 * over the hotline with one slip is told to be mistyped, never taken for someone else's.
 */
function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= times(EXP[(i + 1) % 31] as number, ALPHABET.indexOf(body[i] as string));
  return ALPHABET[sum] as string;
}

/**
 * A resident's tracking code: 11 random base32 characters and a check character, shown as 4-4-4
 * (`7K3M-Q9XD-2HTA`), short enough to read out and type on a phone. 55 random bits: with a million live codes, a
 * client at the lookup limit (60 a minute) would need about 10^6 years on average to hit one by guessing.
 */
export function newTrackingCode(): string {
  let body = '';
  for (let i = 0; i < RANDOM_CHARS; i++) body += ALPHABET[randomInt(32)];
  const code = body + checkChar(body);
  return code.match(/.{4}/g)?.join('-') ?? code;
}

/** As typed: any case, with or without dashes or spaces; O→0, I/L→1. */
const cleaned = (input: string) => input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');

/** The code in its one stored form, or null when it is not a code (or its check character does not match). */
export function normalizeTrackingCode(input: string): string | null {
  const s = cleaned(input);
  if (!VALID.test(s)) return null;
  if (s.length === RANDOM_CHARS + 1) return checkChar(s.slice(0, RANDOM_CHARS)) === s.slice(RANDOM_CHARS) ? s : null;
  return s.length === LEGACY_LENGTH ? s : null;
}

/** A code of the right length and letters whose check character does not match: one character was mistyped. */
export function isMistypedTrackingCode(input: string): boolean {
  const s = cleaned(input);
  return s.length === RANDOM_CHARS + 1 && VALID.test(s) && normalizeTrackingCode(s) === null;
}

/**
 * Only this hash is stored. A short code is hashed with the data key (its blind-index key): 55 bits could be found
 * from a plain hash by trying them all, a keyed one reveals nothing without the key. The 32-character codes made
 * before keep their plain sha256, 160 bits being beyond trying.
 */
export const trackingHash = (normalized: string, cipher: DataCipher): string =>
  normalized.length === LEGACY_LENGTH
    ? createHash('sha256').update(normalized).digest('hex')
    : cipher.blindIndex(`tracking:${normalized}`);

/**
 * The code's hashes under every index key of the ring, the active one first: what a lookup matches. A code's hash is
 * never made again under a new key (only the resident holds the code), so it is found under the key of its day.
 */
export const trackingHashes = (normalized: string, cipher: DataCipher): string[] =>
  normalized.length === LEGACY_LENGTH
    ? [trackingHash(normalized, cipher)]
    : cipher.blindIndexes(`tracking:${normalized}`);

/** The hash of a report nobody holds a code for (one a helper wrote down on a visit): it matches no code. */
export const unreachableTrackingHash = (): string => createHash('sha256').update(randomBytes(32)).digest('hex');
