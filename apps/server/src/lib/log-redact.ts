import type { FastifyRequest } from 'fastify';
import { redactNumbers } from './mask.ts';

/**
 * Routes whose query strings are about people (the register, members, reports, accounts, the trail, exports and
 * imports): their values are never logged, whatever their shape, since a name or a number typed into a search box
 * is as personal as the record it finds.
 */
const PERSONAL_ROUTES =
  /^\/api\/v1\/(households|household-imports|members|reports|users|audit-events|exports|public)(\/|$)/;
/** Keys that carry a person's data on any route. */
const PERSONAL_KEYS = /^(idNumber|phone|q|name|username|fileName)$/i;
/** Values that cannot carry personal data: ids, region codes, dates, small numbers, enum words. */
const HARMLESS =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{6}(?:\d{3}(?:\d{3})?)?|\d{4}-\d{2}-\d{2}|\d{1,4}|[a-z][a-z_]{0,39})$/;
const REDACTED = '[redacted]';

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/**
 * A URL as the access log keeps it: no ID number or phone number anywhere; the resident's tracking code (which opens
 * the report to whoever holds it) replaced; query values kept only where they cannot be personal.
 */
export function loggedUrl(url: string): string {
  const at = url.indexOf('?');
  // A resident ID number or a mobile number, wherever it stands in a URL, however written.
  const path = redactNumbers(decoded(at < 0 ? url : url.slice(0, at)), REDACTED)
    // The resident's follow-up page (/r/<code>) and its API carry the code in the path; the address text replies are
    // pushed to carries its secret.
    .replace(/^(\/api\/v1\/public\/reports\/|\/api\/v1\/public\/sms\/replies\/|\/r\/)[^/]+/, `$1${REDACTED}`);
  if (at < 0) return path;
  const personal = PERSONAL_ROUTES.test(path);
  const query = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = redactNumbers(decoded(eq < 0 ? pair : pair.slice(0, eq)), REDACTED);
      const value = eq < 0 ? '' : decoded(pair.slice(eq + 1));
      const kept = !personal && !PERSONAL_KEYS.test(key) && HARMLESS.test(value);
      return `${key}=${kept ? value : REDACTED}`;
    });
  return `${path}?${query.join('&')}`;
}

/** Fastify's request line for the log, with the URL as `loggedUrl` keeps it. */
export function requestLogLine(req: FastifyRequest) {
  return {
    method: req.method,
    url: loggedUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
