import type { Language } from '../api/problemText';
import { type PublicMessages, publicZh } from '../i18n/public-zh';

// The public pages' words: Chinese built in, English loaded when chosen (the same choice the staff app keeps).

let words: PublicMessages = publicZh;
let english: Readonly<Record<string, string>> | undefined;

export function language(): Language {
  return typeof localStorage !== 'undefined' && localStorage.getItem('lj.locale') === 'en-US' ? 'en-US' : 'zh-CN';
}

/** Loads the chosen language's words (English on first use); Chinese needs nothing. */
export async function loadLanguage(): Promise<void> {
  if (language() === 'en-US') {
    const [{ publicEn }, { problemsEn }] = await Promise.all([
      import('../i18n/public-en'),
      import('../i18n/problems-en'),
    ]);
    words = publicEn;
    english = problemsEn;
  } else {
    words = publicZh;
  }
  document.documentElement.lang = language();
}

export function chooseLanguage(next: Language): void {
  localStorage.setItem('lj.locale', next);
}

/** A problem code's English sentence, once English is loaded. */
export const englishSentence = (code: string): string | undefined => english?.[code];

type Vars = Record<string, string | number>;

/** The message at a dotted key (`resident.title`), its {{placeholders}} filled in; the key itself when missing. */
export function t(key: string, vars?: Vars): string {
  let node: unknown = words;
  for (const step of key.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
  }
  if (typeof node !== 'string') return key;
  return vars ? node.replace(/{{(\w+)}}/g, (_, name: string) => String(vars[name] ?? '')) : node;
}
