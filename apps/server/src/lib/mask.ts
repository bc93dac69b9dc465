import { idNumberProblem, maskIdNumber } from './identity.ts';

/** `13812341234` → `138****1234`: phone numbers are never shown whole. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

const NUMBERS_IN_TEXT = /(?<!\d)(?:\d{17}[\dXx]|1[3-9]\d{9})(?!\d)/g;

/**
 * Free text with the mobile numbers and valid ID numbers in it masked, and the phones found: a resident who writes
 * "请打我电话 13812341234" into a description has the number kept encrypted with the report, not in the text that
 * every list, ledger and export shows.
 */
export function maskNumbersInText(text: string): { text: string; phones: string[] } {
  const phones: string[] = [];
  const masked = text.replace(NUMBERS_IN_TEXT, (m) => {
    if (m.length === 11) {
      phones.push(m);
      return maskPhone(m) as string;
    }
    return idNumberProblem(m) ? m : maskIdNumber(m.toUpperCase());
  });
  return { text: masked, phones };
}
