import { idNumberProblem } from '../src/lib/identity.ts';

/**
 * Clear personal data in raw bytes (a database file, a dump, a log): resident ID numbers that pass the GB 11643
 * checks (region, birth date, check character) and mainland mobile numbers, each standing on its own (no digit
 * on either side). Digits inside random tokens — UUIDs, hex hashes, signing key ids (16 hex characters) — are not
 * personal data: a run of 32 or more hex characters and dashes around a match marks such a token, and so does a run of
 * 16 or more with a hex letter in it (one key id in two thousand holds eleven digits in a row that look like a phone).
 */
export function clearPersonalData(raw: Buffer | string): { idNumbers: string[]; phones: string[] } {
  // latin1 keeps one character per byte, so the offsets below are byte offsets and no byte is lost.
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  // A long value in a SQLite file is cut across overflow pages: four bytes (the next page's number, at least one of
  // them a control byte) stand in the middle of a UUID there, and what is left on either side is a shorter run.
  const hex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F-]/.test(c);
  const pageBreak = (window: string) => window.length === 4 && [...window].some((c) => c.charCodeAt(0) < 0x20);
  const inToken = (start: number, end: number) => {
    let a = start;
    let b = end;
    for (;;) {
      while (a > 0 && hex(text[a - 1])) a--;
      if (a >= 5 && pageBreak(text.slice(a - 4, a)) && hex(text[a - 5])) a -= 4;
      else break;
    }
    for (;;) {
      while (b < text.length && hex(text[b])) b++;
      if (pageBreak(text.slice(b, b + 4)) && hex(text[b + 4])) b += 4;
      else break;
    }
    return b - a >= 32 || (b - a >= 16 && /[a-fA-F]/.test(text.slice(a, b)));
  };
  // Ciphertext and photos are stored as base64: a long run of it holds digit runs by chance (about once in a few
  // hundred demo databases). Clear text keeps a number apart, or beside Chinese, never inside 40 base64 characters
  // with both cases of letters.
  const inBase64 = (start: number, end: number) => {
    let a = start;
    let b = end;
    while (a > 0 && /[A-Za-z0-9+/_-]/.test(text[a - 1] as string)) a--;
    while (b < text.length && /[A-Za-z0-9+/=_-]/.test(text[b] as string)) b++;
    const run = text.slice(a, b);
    return run.length >= 40 && /[a-z]/.test(run) && /[A-Z]/.test(run);
  };
  const idNumbers = new Set<string>();
  for (const m of text.matchAll(/(?<![0-9])[1-9]\d{16}[\dX](?![0-9])/g)) {
    if (!idNumberProblem(m[0]) && !inToken(m.index, m.index + m[0].length) && !inBase64(m.index, m.index + m[0].length))
      idNumbers.add(m[0]);
  }
  const phones = new Set<string>();
  for (const m of text.matchAll(/(?<![0-9])1[3-9]\d{9}(?![0-9])/g)) {
    if (!inToken(m.index, m.index + m[0].length) && !inBase64(m.index, m.index + m[0].length)) phones.add(m[0]);
  }
  return { idNumbers: [...idNumbers].sort(), phones: [...phones].sort() };
}
