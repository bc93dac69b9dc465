import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
/**
 * The server's problem+json; `unknown` when the reply was not one (a proxy's error page, a lost connection's status).
 */
export type Problem = Omit<Schemas['Problem'], 'code'> & { code: Schemas['Problem']['code'] | 'unknown' };

/** An API error carrying the server's problem+json, so screens can show its message. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

let onUnauthorized: () => void = () => {};
export const setUnauthorizedHandler = (fn: () => void) => {
  onUnauthorized = fn;
};

/** The session's CSRF token, which the server set in a cookie the page can read. */
export function csrfHeader(): Record<string, string> {
  const token = /(?:^|;\s*)lj_csrf=([^;]+)/.exec(document.cookie)?.[1];
  return token ? { 'X-CSRF-Token': decodeURIComponent(token) } : {};
}

/** The language the screens show (the one chosen, Chinese until one is): the server words its problems in it. */
export function screenLanguage(): string {
  const chosen = typeof localStorage !== 'undefined' ? localStorage.getItem('lj.locale') : null;
  return chosen === 'en-US' ? 'en-US' : 'zh-CN';
}

const problems: Middleware = {
  async onRequest({ request }) {
    request.headers.set('Accept-Language', screenLanguage());
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      for (const [k, v] of Object.entries(csrfHeader())) request.headers.set(k, v);
    }
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401 && !response.url.endsWith('/auth/login')) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(problems);

/** Unwraps an openapi-fetch result: the data, or an ApiError with the server's problem. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (error !== undefined || !response.ok) {
    const problem = (error ?? {}) as Partial<Problem>;
    throw new ApiError({
      type: problem.type ?? 'about:blank',
      title: problem.title ?? response.statusText,
      status: problem.status ?? response.status,
      detail: problem.detail ?? response.statusText,
      code: problem.code ?? 'unknown',
      requestId: problem.requestId ?? '',
      errors: problem.errors,
    });
  }
  return data as T;
}

/**
 * Every page of a list, following its cursors, for a view that shows the whole (a month of meetings): a list is paged
 * by the server and never cut silently, so the view reads to the end.
 */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const got = await page(cursor);
    items.push(...got.items);
    cursor = got.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Shanghai calendar day, as the server counts days. */
export function today(): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}
