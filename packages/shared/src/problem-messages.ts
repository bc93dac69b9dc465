import { PROBLEM_CODES, type ProblemCode } from './problem-codes.ts';

/**
 * What each stable problem code says to a reader of the English locale (RFC 9457 `detail` when the request asks for
 * English), taken from the registry (problem-codes.ts). Chinese details come from the server, worded at the place the
 * rule is checked, with its figures.
 */
export const PROBLEM_MESSAGES_EN: Readonly<Record<ProblemCode, string>> = /* @__PURE__ */ englishMessages();

// A function called as pure, so that a bundle importing something else from this package leaves the registry out.
function englishMessages() {
  return Object.fromEntries(Object.entries(PROBLEM_CODES).map(([code, entry]) => [code, entry['en-US']])) as Record<
    ProblemCode,
    string
  >;
}
