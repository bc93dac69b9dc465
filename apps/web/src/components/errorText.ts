import i18n from 'i18next';
import type { Problem } from '../api/client';
import {
  type ErrorTextOptions,
  type Language,
  describeError,
  fieldNotes as notesOf,
  problemText as textOf,
} from '../api/problemText';

// Apart from QueryState, so that the login page does not load antd's Result and Skeleton with it.

export { fieldOf, type ErrorTextOptions } from '../api/problemText';

const screen = (): Language => (i18n.language === 'en-US' ? 'en-US' : 'zh-CN');
/** The English registry, loaded with the English screens (i18n/index.ts). */
const english = (code: string): string | undefined => {
  const said: unknown = i18n.getResource?.('en-US', 'problems', code);
  return typeof said === 'string' && said ? said : undefined;
};

/** What a problem says in the screen's language (see api/problemText.ts). */
export function problemText(problem: Problem, language: Language = screen()): string {
  return textOf(problem, language, english);
}

/** The problem's field notes a reader can read in the screen's language, with the field each is about. */
export function fieldNotes(problem: Problem, language: Language = screen()) {
  return notesOf(problem, language);
}

/** The message for an error, in the screen's language, each field named by the form's own label. */
export function errorText(err: unknown, options: ErrorTextOptions = {}): string {
  return describeError(err, options.language ?? screen(), options, english);
}
