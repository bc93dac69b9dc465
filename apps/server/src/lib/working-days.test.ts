import { afterEach, describe, expect, it } from 'vitest';
import { Problem } from './problem.ts';
import { CALENDAR, addWorkingDays, isWorkingDay, workingDaysBetween } from './working-days.ts';

// Every date below is taken from the State Council's notices of the year's public holidays (国务院办公厅关于
// <year>年部分节假日安排的通知: 国办发明电〔2023〕7号 for 2024, 〔2024〕12号 for 2025, 〔2025〕7号 for 2026),
// not read back from the package.

const working = (...days: string[]) => days.map((d) => [d, isWorkingDay(d)]);
const all = (value: boolean, ...days: string[]) => days.map((d) => [d, value]);

describe('working days follow the official calendar of holidays and make-up workdays', () => {
  it('Spring Festival 2024: 10–17 February off; Sundays 4 and 18 February are make-up workdays', () => {
    const off = ['2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15'];
    expect(working(...off, '2024-02-16', '2024-02-17')).toEqual(all(false, ...off, '2024-02-16', '2024-02-17'));
    expect(working('2024-02-04', '2024-02-18')).toEqual(all(true, '2024-02-04', '2024-02-18'));
    // New Year's Eve (9 February) is only recommended as a day off: officially a working day.
    expect(isWorkingDay('2024-02-09')).toBe(true);
  });

  it('Spring Festival 2025: 28 January – 4 February off; Sunday 26 January and Saturday 8 February are workdays', () => {
    const off = ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04'];
    expect(working(...off)).toEqual(all(false, ...off));
    expect(working('2025-01-26', '2025-02-08')).toEqual(all(true, '2025-01-26', '2025-02-08'));
    expect(isWorkingDay('2025-02-05')).toBe(true);
  });

  it('Spring Festival 2026: 15–23 February off; Saturdays 14 and 28 February are make-up workdays', () => {
    const off = ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-20', '2026-02-23'];
    expect(working(...off)).toEqual(all(false, ...off));
    expect(working('2026-02-14', '2026-02-28')).toEqual(all(true, '2026-02-14', '2026-02-28'));
    expect(isWorkingDay('2026-02-24')).toBe(true);
  });

  it('National Day: 2024 29 Sep and 12 Oct, 2025 28 Sep and 11 Oct, 2026 20 Sep and 10 Oct are workdays', () => {
    const makeUp = ['2024-09-29', '2024-10-12', '2025-09-28', '2025-10-11', '2026-09-20', '2026-10-10'];
    expect(working(...makeUp)).toEqual(all(true, ...makeUp));
    const off = ['2024-10-01', '2024-10-07', '2025-10-01', '2025-10-08', '2026-10-01', '2026-10-07'];
    expect(working(...off)).toEqual(all(false, ...off));
    expect(working('2024-10-08', '2025-10-09', '2026-10-08')).toEqual(
      all(true, '2024-10-08', '2025-10-09', '2026-10-08'),
    );
  });

  it('other make-up days: 2024 Mid-Autumn (Sat 14 Sep), 2025 Labour Day (Sun 27 Apr), 2026 New Year (Sun 4 Jan)', () => {
    expect(working('2024-09-14', '2025-04-27', '2026-01-04')).toEqual(
      all(true, '2024-09-14', '2025-04-27', '2026-01-04'),
    );
    expect(working('2024-09-16', '2025-05-05', '2026-01-02')).toEqual(
      all(false, '2024-09-16', '2025-05-05', '2026-01-02'),
    );
  });

  it('a plain weekend is off and the weekdays around it work', () => {
    expect(working('2024-03-08', '2024-03-09', '2024-03-10', '2024-03-11')).toEqual([
      ['2024-03-08', true],
      ['2024-03-09', false],
      ['2024-03-10', false],
      ['2024-03-11', true],
    ]);
  });
});

describe('a deadline is the n-th working day after the start', () => {
  it('across Spring Festival 2024 the make-up Sunday counts', () => {
    expect(addWorkingDays('2024-02-08', 1)).toBe('2024-02-09');
    expect(addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
    expect(addWorkingDays('2024-02-08', 3)).toBe('2024-02-19');
  });

  it('across Spring Festival 2025 and 2026', () => {
    expect(addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
  });

  it('across National Day 2025 (eight days off with Mid-Autumn)', () => {
    expect(addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
    expect(addWorkingDays('2025-09-26', 4)).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-26', 6)).toBe('2025-10-11');
  });

  it('over a plain weekend, and zero days is the day itself', () => {
    expect(addWorkingDays('2024-03-08', 1)).toBe('2024-03-11');
    expect(addWorkingDays('2024-03-09', 0)).toBe('2024-03-09');
  });

  it('working days used between two days count the days after the first up to the second', () => {
    // 14, 24, 25, 26, 27 and 28 February 2026.
    expect(workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6);
    expect(workingDaysBetween('2024-03-08', '2024-03-11')).toBe(1);
    expect(workingDaysBetween('2024-03-11', '2024-03-11')).toBe(0);
    expect(workingDaysBetween('2024-03-11', '2024-03-08')).toBe(0);
    // 28, 29, 30 September and 9, 10, 11 October 2025.
    expect(workingDaysBetween('2025-09-26', '2025-10-11')).toBe(6);
  });
});

describe('a year the calendar does not know is refused, never guessed', () => {
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof Problem ? [e.status, e.code] : e;
    }
    return 'answered';
  };

  it('the calendar knows 2024 to 2026 at least', () => {
    expect(CALENDAR.firstYear).toBeLessThanOrEqual(2024);
    expect(CALENDAR.lastYear).toBeGreaterThanOrEqual(2026);
  });

  it('a day past the last known year, or a deadline running into it, is calendar_year_unknown', () => {
    const after = `${CALENDAR.lastYear + 1}-01-04`;
    expect(refused(() => isWorkingDay(after))).toEqual([422, 'calendar_year_unknown']);
    expect(refused(() => workingDaysBetween(`${CALENDAR.lastYear}-12-01`, after))).toEqual([
      422,
      'calendar_year_unknown',
    ]);
    expect(refused(() => addWorkingDays(`${CALENDAR.lastYear}-12-28`, 10))).toEqual([422, 'calendar_year_unknown']);
    expect(refused(() => isWorkingDay(`${CALENDAR.firstYear - 1}-06-03`))).toEqual([422, 'calendar_year_unknown']);
  });
});

describe('the weekday is the date’s own, whatever the server’s time zone', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('Saturday 2 March 2024 is off and Monday 4 March works on a server set to New York time', () => {
    process.env.TZ = 'America/New_York';
    expect(new Date(Date.UTC(2024, 2, 2)).getDate()).toBe(1); // the trap the package's own functions fall into
    expect(isWorkingDay('2024-03-02')).toBe(false);
    expect(isWorkingDay('2024-03-04')).toBe(true);
  });
});
