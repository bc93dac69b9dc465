import { describe, expect, it } from 'vitest';
import { labelEvery, niceStep, textWidth, truncate, uniqueKeys, valueTicks } from './chartScale';

describe('chart scales', () => {
  it('a value axis counts in whole, round steps from zero past the largest value', () => {
    expect(valueTicks([0, 3, 4])).toEqual([0, 1, 2, 3, 4]);
    expect(valueTicks([37, 12])).toEqual([0, 10, 20, 30, 40]);
    expect(valueTicks([640])).toEqual([0, 200, 400, 600, 800]);
    expect(valueTicks([1234])).toEqual([0, 500, 1000, 1500]);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(7)).toBe(2);
  });

  it('an axis with nothing on it still has a scale', () => {
    expect(valueTicks([])).toEqual([0, 1]);
    expect(valueTicks([0, 0])).toEqual([0, 1]);
  });

  it('labels that would overlap are thinned, and long ones cut with an ellipsis', () => {
    expect(labelEvery(60, 42)).toBe(1);
    expect(labelEvery(20, 42)).toBe(3);
    expect(textWidth('城关镇')).toBe(36);
    expect(textWidth('2020-05')).toBeCloseTo(50.4);
    expect(truncate('城关镇', 40)).toBe('城关镇');
    expect(truncate('南召县城郊乡临时党总支部委员会', 60)).toBe('南召县城…');
  });

  it('categories of the same name keep apart', () => {
    expect(uniqueKeys(['城关镇', '乔端镇', '城关镇', '城关镇'])).toEqual(['城关镇', '乔端镇', '城关镇#2', '城关镇#3']);
  });
});
