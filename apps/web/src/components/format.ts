/**
 * Times as the county reads them: in Asia/Shanghai, whatever the browser's zone, written the one way every ledger
 * writes them (2020-05-19 08:30). A stamp taken at 01:00 in Shanghai is 17:00 of the day before in UTC: cutting the
 * ISO string would print yesterday's date.
 */
const parts = (iso: string, seconds: boolean) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return p as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
};

/** The day in Shanghai of a moment: `2020-05-19`. */
export function formatDay(iso: string): string {
  const p = parts(iso, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The moment in Shanghai: `2020-05-19 08:30`, or with seconds for the audit trail. */
export function formatDateTime(iso: string, { seconds = false } = {}): string {
  const p = parts(iso, seconds);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** A share as the cockpit writes it: one decimal (`83.3%`), or a dash when there is nothing to share. */
export const formatShare = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
