import { describe, expect, it } from 'vitest';
import { uuidv7 } from './uuidv7';

describe('a field record’s client id is a UUID version 7', () => {
  it('has the version 7 and variant bits, and carries the moment it was made', () => {
    const at = Date.UTC(2026, 11, 7, 1, 2, 3, 456);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('ids made one after the other sort in the order they were made, within one millisecond too', () => {
    const at = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(at + Math.floor(i / 1000)));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('a clock that steps back does not break the order', () => {
    const first = uuidv7(Date.UTC(2031, 0, 1, 0, 0, 1));
    const second = uuidv7(Date.UTC(2031, 0, 1, 0, 0, 0));
    expect(second > first).toBe(true);
  });
});
