import { describe, expect, it } from 'vitest';
import { RELOAD_KEY, reloadOnce } from './preloadReload';

describe('a chunk deleted by a new service worker reloads the page once, never in a loop', () => {
  const storage = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  };

  it('the first failure reloads; a second within the minute does not; one later reloads again', () => {
    const s = storage();
    const t = Date.parse('2026-12-07T08:00:00Z');
    expect(reloadOnce(s, t)).toBe(true);
    expect(s.m.get(RELOAD_KEY)).toBe(String(t));
    expect(reloadOnce(s, t + 5_000)).toBe(false);
    expect(reloadOnce(s, t + 61_000)).toBe(true);
  });
});
