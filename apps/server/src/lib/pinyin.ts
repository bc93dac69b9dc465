import { pinyin } from 'pinyin-pro';

/** `张伟` → `zw`: what people type to find a name. */
export function nameInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
}

/** `张伟` → `zhangwei`. */
export function namePinyin(name: string): string {
  return pinyin(name, { toneType: 'none', type: 'array', surname: 'head' }).join('').toLowerCase();
}
