/** Resident ID numbers (GB 11643-1999): 17 digits and a check character. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
// Province-level codes in use (GB/T 2260).
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82,
]);

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

/** Why an ID number is not valid, or null when it is: format, region, birth date, check character. */
export function idNumberProblem(raw: string, today = new Date()): string | null {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为18位，最后一位可为X';
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return '身份证号的地区码无效';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (
    birth.getUTCFullYear() !== y ||
    birth.getUTCMonth() !== m - 1 ||
    birth.getUTCDate() !== d ||
    y < 1900 ||
    birth > today
  ) {
    return '身份证号中的出生日期无效';
  }
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return '身份证号校验位不正确';
  return null;
}

export const phoneProblem = (raw: string): string | null =>
  /^1[3-9]\d{9}$/.test(raw.trim()) ? null : '手机号码格式不正确';

/** `411321198001011234` → `4113**********1234`. */
export const maskIdNumber = (id: string): string =>
  `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
