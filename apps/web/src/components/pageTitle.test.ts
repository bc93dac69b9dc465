import { describe, expect, it } from 'vitest';
import { pageTitle } from './pageTitle';

describe('page titles', () => {
  it('read from the record to the app, leaving out what is missing', () => {
    expect(pageTitle(['杨德厚', '建档立卡户'], '联建')).toBe('杨德厚 · 建档立卡户 · 联建');
    expect(pageTitle([null, '问题清单'], '联建')).toBe('问题清单 · 联建');
    expect(pageTitle([' ', undefined], '联建')).toBe('联建');
  });
});
