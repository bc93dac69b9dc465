import { idNumberProblem } from '../src/lib/identity.ts';

/**
 * Clear personal data in raw bytes (a database file, a dump, a log): resident ID numbers that pass the GB 11643
 * checks (region, birth date, check character) and mainland mobile numbers, each standing on its own (no digit
 * on either side). Digits inside random tokens — UUIDs, hex hashes — are not personal data: a run of 32 or more
 * hex characters and dashes around a match marks such a token.
 */
export function clearPersonalData(raw: Buffer | string): { idNumbers: string[]; phones: string[] } {
  // latin1 keeps one character per byte, so the offsets below are byte offsets and no byte is lost.
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const inToken = (start: number, end: number) => {
    let a = start;
    let b = end;
    while (a > 0 && /[0-9a-fA-F-]/.test(text[a - 1] as string)) a--;
    while (b < text.length && /[0-9a-fA-F-]/.test(text[b] as string)) b++;
    return b - a >= 32;
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
    if (!idNumberProblem(m[0]) && !inToken(m.index, m.index + m[0].length) && !inBase64(m.index, m.index + m[0].length)) idNumbers.add(m[0]);
  }
  const phones = new Set<string>();
  for (const m of text.matchAll(/(?<![0-9])1[3-9]\d{9}(?![0-9])/g)) {
    if (!inToken(m.index, m.index + m[0].length) && !inBase64(m.index, m.index + m[0].length)) phones.add(m[0]);
  }
  return { idNumbers: [...idNumbers].sort(), phones: [...phones].sort() };
}
