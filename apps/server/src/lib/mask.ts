import { idNumberProblem, maskIdNumber } from './identity.ts';

/** `13812341234` → `138****1234`: phone numbers are never shown whole. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/**
 * Mobile numbers as people write them (`13812341234`, `138-1234-1234`, `138 1234 1234`, `+86 138…`, `0086…`) and ID
 * numbers (`411321198511113333`, or grouped 6-8-4 with spaces or dashes).
 */
const NUMBERS_IN_TEXT =
  /(?<![\dXx])(?:(?:(?:\+?|00)86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|\d{6}[-\s]?\d{8}[-\s]?\d{3}[\dXx])(?![\dXx])/g;

/**
 * Free text with the mobile numbers and valid ID numbers in it masked, and the phones found: a resident who writes
 * "请打我电话 13812341234" into a description has the number kept encrypted with the report, not in the text that
 * every list, ledger and export shows.
 */
export function maskNumbersInText(text: string): { text: string; phones: string[] } {
  const phones: string[] = [];
  const masked = text.replace(NUMBERS_IN_TEXT, (m) => {
    const digits = m.replace(/[^\dXx]/g, '');
    const phone = digits.length > 11 && /^(?:0086|86)1/.test(digits) ? digits.slice(-11) : digits;
    if (phone.length === 11) {
      phones.push(phone);
      return maskPhone(phone) as string;
    }
    return idNumberProblem(digits) ? m : maskIdNumber(digits.toUpperCase());
  });
  return { text: masked, phones };
}

/**
 * Whether a text holds what looks like a mobile or ID number, however written (underscores count as separators too):
 * for text kept whole or not at all, such as a client's request id.
 */
export function holdsPersonalNumber(text: string): boolean {
  NUMBERS_IN_TEXT.lastIndex = 0;
  return NUMBERS_IN_TEXT.test(text.replace(/_/g, ' '));
}

/** A text with every mobile-looking or ID-looking number replaced by `mark` (an access log's URL). */
export function redactNumbers(text: string, mark: string): string {
  return text.replace(NUMBERS_IN_TEXT, mark);
}
