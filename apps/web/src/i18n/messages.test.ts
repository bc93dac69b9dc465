import { describe, expect, it } from 'vitest';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();

describe('UI messages', () => {
  const zh = flatten(zhCN);
  const en = flatten(enUS);

  it('every zh-CN message has an en-US translation and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh)) {
      expect(en[key]?.trim(), key).toBeTruthy();
      expect(placeholders(en[key] ?? ''), key).toEqual(placeholders(zh[key] ?? ''));
    }
  });

  it('zh-CN screens are in Chinese: every message but codes and names contains Chinese characters', () => {
    const allowedLatin = new Set(['nav.language']);
    for (const [key, text] of Object.entries(zh)) {
      if (allowedLatin.has(key)) continue;
      expect(/[\u4e00-\u9fff]/.test(text), `${key}: ${text}`).toBe(true);
    }
  });
});
