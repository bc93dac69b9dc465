import { ApiError, type Problem } from './client';

// The wording of a server's problem for a reader, without the staff app's i18n: the public pages use it as it is,
// the staff app (components/errorText.ts) with its own language and English registry.

export type Language = 'zh-CN' | 'en-US';

/** Codes whose field notes are sentences for a reader (the others note the field and value for programs). */
const READABLE_NOTES = new Set<Problem['code']>(['validation_failed', 'weak_password', 'account_scope_invalid']);
/** Of those, the ones the server words in English when asked: only the schema's messages. */
const ENGLISH_NOTES = new Set<Problem['code']>(['validation_failed']);
const PLACES = new Set(['body', 'querystring', 'params', 'headers']);

/** A code's English sentence, when the English registry has been loaded. */
export type EnglishSentences = (code: string) => string | undefined;

/**
 * What a problem says in a language. In Chinese, the server's detail: worded where the rule is checked, it may name
 * figures the code's sentence cannot. In English, the registry's sentence for the code, or the server's detail when
 * the code is not known there.
 */
export function problemText(problem: Problem, language: Language, english?: EnglishSentences): string {
  if (language === 'en-US' && problem.code !== 'unknown') {
    const said = english?.(problem.code);
    if (said) return said;
  }
  return problem.detail;
}

/** The field a note is about: the last named step of its path (`body.items.0.problem` → `problem`). */
export const fieldOf = (path: string): string | null =>
  path
    .split('.')
    .filter((s) => s && !/^\d+$/.test(s) && !PLACES.has(s))
    .at(-1) ?? null;

/** The problem's field notes a reader can read in a language, with the field each is about. */
export function fieldNotes(problem: Problem, language: Language): { field: string | null; message: string }[] {
  if (!(language === 'en-US' ? ENGLISH_NOTES : READABLE_NOTES).has(problem.code)) return [];
  return (problem.errors ?? []).map((e) => ({ field: fieldOf(e.path), message: e.message }));
}

export interface ErrorTextOptions {
  /** The form's names for its fields (`{ newPassword: '新密码' }`); a note about a field named here says the name. */
  labels?: Record<string, string>;
  /** Fields whose notes the form shows next to them: left out of the text. */
  shownAtFields?: string[];
  language?: Language;
}

/**
 * The message for an error in a language: the problem's text, then what was wrong with each field when the notes are
 * for reading, each named by the form's label for its field and never by its technical path, and none repeating the
 * text before it.
 */
export function describeError(
  err: unknown,
  language: Language,
  options: Omit<ErrorTextOptions, 'language'> = {},
  english?: EnglishSentences,
): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const summary = problemText(err.problem, language, english);
  const inEnglish = language === 'en-US';
  const notes = fieldNotes(err.problem, language).filter((n) => !n.field || !options.shownAtFields?.includes(n.field));
  if (!notes.length) return summary;
  const colon = inEnglish ? ': ' : '：';
  const said = [
    ...new Set(
      notes.map((n) => {
        // Only the form's own names: never a path, and never a name every object inherits (`constructor`).
        const labels = options.labels;
        const label = n.field && labels && Object.hasOwn(labels, n.field) ? labels[n.field] : undefined;
        return typeof label === 'string' && label ? `${label}${colon}${n.message}` : n.message;
      }),
    ),
  ].join(inEnglish ? '; ' : '；');
  // A detail that is itself one of the notes (a refused password's first rule) is not said twice.
  return notes.some((n) => n.message === summary) ? said : `${summary}${colon}${said}`;
}
