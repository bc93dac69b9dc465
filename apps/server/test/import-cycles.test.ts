import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');

/** The TypeScript sources under a folder, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative import names (with or without its extension, or a folder's index). */
function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** The cycles of the import graph (type imports included: a cycle of types is a knot of modules all the same). */
function cycles(files: string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    graph.set(
      f,
      importedFiles
        .map((i) => i.fileName)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(f, s))
        .filter((x): x is string => x !== null),
    );
  }
  // Tarjan's strongly connected components: each of more than one file is a cycle.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(path.relative(repo, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('one shape: modules import in one direction', () => {
  for (const folder of ['apps/server/src', 'apps/web/src', 'packages/shared/src']) {
    it(`${folder} has no import cycle`, () => {
      const files = sources(path.join(repo, folder));
      expect(files.length).toBeGreaterThan(3);
      expect(cycles(files)).toEqual([]);
    });
  }

  it('finds a cycle when there is one (the check itself works)', () => {
    const dir = path.join(repo, 'apps/server/test/fixtures/import-cycle');
    expect(cycles([path.join(dir, 'a.ts'), path.join(dir, 'b.ts')])).toEqual([
      ['apps/server/test/fixtures/import-cycle/a.ts', 'apps/server/test/fixtures/import-cycle/b.ts'],
    ]);
  });
});
