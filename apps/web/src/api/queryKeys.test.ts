import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keys from './queryKeys';

const SRC = path.resolve(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && e.name !== 'schema.d.ts' ? [p] : [];
  });

describe('query keys', () => {
  it('are built by the feature factories, never written by hand', () => {
    const handWritten = sources(SRC).flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const hits = text.match(/queryKey[:=]\s*\{?\s*(\(\w*\)\s*=>\s*)?\[|(setQueryData|getQueryData)\(\[/g) ?? [];
      return hits.length ? [`${path.relative(SRC, file)}: ${hits.length}`] : [];
    });
    expect(handWritten).toEqual([]);
  });

  it('each feature has its own root, and its keys start with it', () => {
    const roots = Object.values(keys).map((f) => ('all' in f ? f.all[0] : undefined));
    const named = roots.filter(Boolean);
    expect(new Set(named).size).toBe(named.length);
    expect(keys.householdKeys.visits('h1').slice(0, 1)).toEqual(keys.householdKeys.all);
    expect(keys.householdKeys.import('i1').slice(0, 1)).toEqual(keys.householdKeys.all);
    expect(keys.orgKeys.memberships('o1', { status: 'all' }).slice(0, 3)).toEqual(keys.orgKeys.detail('o1'));
    expect(keys.itemKeys.dispute('i1').slice(0, 3)).toEqual(keys.itemKeys.detail('i1'));
  });

  it('two questions never share a key: full members only, groups only', () => {
    expect(keys.memberKeys.search('zw')).not.toEqual(keys.memberKeys.search('zw', 'full'));
    expect(keys.orgKeys.children('o1')).not.toEqual(keys.orgKeys.children('o1', 'group'));
  });
});
