import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertRows } from '../src/db/bulk.ts';
import type { DbHandle } from '../src/db/index.ts';
import type { RegionTable } from '../src/db/types.ts';
import { freshDb } from './helpers.ts';

const village = (i: number): RegionTable => ({
  code: `4113211069${String(i).padStart(2, '0')}`,
  name: `村${i}`,
  level: 'village',
  kind: '村',
  parent_code: null,
  name_initials: 'C',
  source: i % 2 ? 'local' : 'official',
});

describe('bulk inserts (the register import writes through them)', () => {
  let h: DbHandle;
  beforeEach(async () => {
    h = await freshDb();
  });
  afterEach(async () => {
    await h.close();
  });

  it('every row lands with its own values, in more than one chunk, inside the caller’s transaction', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => village(i));
    await h.db.transaction().execute((tx) => insertRows(tx, 'regions', rows, 10));
    const stored = await h.db.selectFrom('regions').selectAll().orderBy('code').execute();
    expect(stored).toEqual(rows);
  });

  it('a row without one of the first row’s columns is refused, and the transaction leaves nothing behind', async () => {
    const { source: _, ...short } = village(2);
    const rows = [village(0), village(1), short as RegionTable];
    await expect(h.db.transaction().execute((tx) => insertRows(tx, 'regions', rows, 2))).rejects.toThrow();
    expect(await h.db.selectFrom('regions').select('code').execute()).toEqual([]);
  });
});
