import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay } from './format';

describe('times in Asia/Shanghai', () => {
  it('a stamp before 08:00 in Shanghai carries Shanghai’s day, not the UTC one before it', () => {
    // 2020-12-31 17:30 UTC is 2021-01-01 01:30 in Shanghai.
    expect(formatDay('2020-12-31T17:30:00.000Z')).toBe('2021-01-01');
    expect(formatDateTime('2020-12-31T17:30:00.000Z')).toBe('2021-01-01 01:30');
    expect(formatDateTime('2020-05-19T00:00:05.000Z', { seconds: true })).toBe('2020-05-19 08:00:05');
  });
  it('midnight is 00, never 24', () => {
    expect(formatDateTime('2020-05-18T16:00:00.000Z')).toBe('2020-05-19 00:00');
  });
});
