import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROBLEM_CODES, PROBLEM_CODE_LIST, type ProblemCodeEntry } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';

const CJK = /[\u4e00-\u9fff]/;
const CODE = /'([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+)'/g;

/** Every `.ts` file under a directory, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The expression of a call's first argument after `start` (up to the comma at depth 0). */
function firstArgument(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return text.slice(start, i);
      depth--;
    } else if (c === ',' && depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

interface Raised {
  code: string;
  status: number | null;
  at: string;
}

/** The codes the server's sources raise, wherever they are spelled as literals, with the status when it is given. */
function raisedCodes(): Raised[] {
  const root = path.resolve(import.meta.dirname, '../src');
  const found: Raised[] = [];
  for (const file of sources(root)) {
    const text = readFileSync(file, 'utf8');
    const at = (index: number) => `${path.relative(root, file)}:${text.slice(0, index).split('\n').length}`;
    const calls: [RegExp, number | null][] = [
      [/new Problem\(\s*(\d+),\s*/g, null],
      [/\bconflict\(\s*/g, 409],
      [/\bforbidden\(\s*/g, 403],
    ];
    for (const [re, fixed] of calls) {
      for (const m of text.matchAll(re)) {
        const status = fixed ?? Number(m[1]);
        const arg = firstArgument(text, (m.index ?? 0) + m[0].length);
        for (const c of arg.matchAll(CODE)) found.push({ code: c[1] as string, status, at: at(m.index ?? 0) });
      }
    }
    // `code = …'x'…` (the error handler's mapping) and `['x', '中文…']` (a code with its Chinese detail, as a `[ProblemCode, string]` pair).
    for (const m of text.matchAll(/(?<![.\w])code(?:: ProblemCode)?\s*=(?!=)\s*([^;]+);/g))
      for (const c of (m[1] as string).matchAll(CODE))
        found.push({ code: c[1] as string, status: null, at: at(m.index ?? 0) });
    if (/\[ProblemCode, string\]/.test(text))
      for (const m of text.matchAll(/\[\s*'([a-z0-9_]+)',\s*'[^']*[\u4e00-\u9fff]/g))
        found.push({ code: m[1] as string, status: null, at: at(m.index ?? 0) });
  }
  return found;
}

describe('one registry of problem codes', () => {
  it('every code the server raises is in the registry, with the status the registry fixes for it', () => {
    const raised = raisedCodes();
    // The scan finds the codes spelled at their throw; it must find a fair number of them to mean anything.
    expect(new Set(raised.map((r) => r.code)).size).toBeGreaterThan(100);
    const missing = raised.filter((r) => !(r.code in PROBLEM_CODES)).map((r) => `${r.code} (${r.at})`);
    expect(missing).toEqual([]);
    const wrongStatus = raised
      .filter((r) => {
        const fixed = (PROBLEM_CODES as Record<string, ProblemCodeEntry>)[r.code]?.status;
        return r.status !== null && fixed !== undefined && fixed !== r.status;
      })
      .map((r) => `${r.code} ${r.status} (${r.at})`);
    expect(wrongStatus).toEqual([]);
  });

  it('every registered code is raised somewhere (no entry outlives its rule)', () => {
    const raised = new Set(raisedCodes().map((r) => r.code));
    // Raised through a value computed elsewhere: the shared step-date check answers these two.
    for (const c of ['date_in_future', 'date_before_previous_step']) raised.add(c);
    expect(PROBLEM_CODE_LIST.filter((c) => !raised.has(c))).toEqual([]);
  });

  it('every entry speaks both languages: a Chinese sentence in Chinese, an English one without Chinese', () => {
    for (const [code, entry] of Object.entries(PROBLEM_CODES) as [string, ProblemCodeEntry][]) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(entry['zh-CN'].trim().length, code).toBeGreaterThan(3);
      expect(entry['zh-CN'], code).toMatch(CJK);
      expect(entry['en-US'].trim().length, code).toBeGreaterThan(10);
      expect(entry['en-US'], code).not.toMatch(CJK);
      if (entry.status !== undefined) expect(entry.status, code).toBeGreaterThanOrEqual(400);
    }
  });
});
