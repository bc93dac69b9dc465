import { normalizeTrackingCode } from '../../lib/tracking.ts';

/**
 * What a resident's text reply says, read as the messages ask it: "1" (solved, or still solved), "2" (not solved),
 * each optionally followed by the tracking code (for a phone with two items waiting) and, after "2", words; "TD",
 * "退订", "N" (and the carriers' "T") say no to messages. Anything else is not understood. Full-width digits and
 * letters are read as their half-width forms, as a phone's Chinese keyboard types them; the words stay as written.
 */
export type ReplyWord =
  | { kind: 'solved' | 'not_solved'; code: string | null; words: string | null }
  | { kind: 'opt_out' }
  | { kind: 'not_understood' };

const EDGE = /^[\s。.，,！!、：:；;]+|[\s。.，,！!、：:；;]+$/g;

/** Full-width digits and Latin letters (and the ideographic space) as their half-width forms; nothing else changes. */
const halfWidth = (s: string) =>
  s
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');

export function readReply(content: string): ReplyWord {
  const s = halfWidth(content).replace(EDGE, '');
  if (/^(TD|T|N|退订|退定)$/i.test(s)) return { kind: 'opt_out' };
  // "1" or "2" standing alone at the start: "12" or "2020" is not an answer.
  const m = /^([12])(?![0-9])(.*)$/s.exec(s);
  if (!m) return { kind: 'not_understood' };
  const rest = (m[2] ?? '').replace(EDGE, '');
  // The code as a phone types it: letters, digits, dashes and spaces, up to the first other character.
  const lead = /^[0-9A-Za-z][0-9A-Za-z\s-]*/.exec(rest)?.[0] ?? '';
  const code = lead ? normalizeTrackingCode(lead) : null;
  const words = (code ? rest.slice(lead.length) : rest).replace(EDGE, '');
  return { kind: m[1] === '1' ? 'solved' : 'not_solved', code, words: words || null };
}

/** A mainland mobile number as the provider gives it (with or without +86 / 0086 / 86, spaces, dashes), or null. */
export function mobileNumber(given: string): string | null {
  const digits = given.replace(/[\s-]/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}
