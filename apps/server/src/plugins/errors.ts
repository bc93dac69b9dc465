import { PROBLEM_MESSAGES_EN, type ProblemCode } from '@lianjian/shared';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../lib/problem.ts';

const TITLES: Record<number, string> = {
  400: '请求无效',
  401: '未登录',
  403: '无权操作',
  404: '未找到',
  409: '冲突',
  413: '请求过大',
  415: '不支持的媒体类型',
  422: '无法处理',
  429: '请求过于频繁',
  500: '服务器内部错误',
};

const TITLES_EN: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Cannot be processed',
  429: 'Too many requests',
  500: 'Internal server error',
};

export type Language = 'zh-CN' | 'en-US';

/**
 * The language a request asks its messages in: English when its Accept-Language prefers English to Chinese, Chinese
 * otherwise (Chinese is the system's first language; a request that names neither gets Chinese).
 */
export function requestLanguage(header: string | undefined): Language {
  const ranked = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .map((p) => p.trim())
          .find((p) => p.startsWith('q='))
          ?.slice(2) ?? 1,
      );
      return { tag, q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((l) => l.q > 0 && (l.tag.startsWith('zh') || l.tag.startsWith('en')))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.tag.startsWith('en') ? 'en-US' : 'zh-CN';
}

const zodEnglish = z.locales.en().localeError;

/** A schema validation message in English: zod's English wording of the issue, with the value the request sent. */
function englishIssue(
  req: FastifyRequest,
  context: string,
  v: { keyword: string; instancePath: string; params: Record<string, unknown> },
): string {
  let input: unknown = (req as unknown as Record<string, unknown>)[context];
  for (const key of String(v.instancePath).split('/').filter(Boolean))
    input = input == null ? undefined : (input as Record<string, unknown>)[key];
  const said = zodEnglish({ ...v.params, code: v.keyword, input, path: [] } as unknown as Parameters<
    typeof zodEnglish
  >[0]);
  return (typeof said === 'string' ? said : said?.message) ?? 'Invalid value';
}

/** Every error leaves as application/problem+json (RFC 9457) with a stable code; 5xx details stay in the log. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const english = requestLanguage(req.headers['accept-language']) === 'en-US';
    let status = 500;
    let code: ProblemCode = 'internal_error';
    let detail = '服务器内部错误，请稍后重试';
    let errors: { path: string; message: string }[] | undefined;

    if (err instanceof Problem) {
      status = err.status;
      code = err.code;
      detail = err.message;
      errors = err.errors;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      status = 400;
      code = 'validation_failed';
      detail = '输入有误，请检查标出的字段';
      errors = err.validation.map((v) => ({
        path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        message: english ? englishIssue(req, err.validationContext ?? 'body', v as never) : (v.message ?? 'invalid'),
      }));
    } else if (err.statusCode && err.statusCode < 500) {
      status = err.statusCode;
      code =
        status === 429
          ? 'rate_limited'
          : status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : status === 404
                ? 'not_found'
                : 'bad_request';
      detail = status === 400 ? '请求格式有误' : (TITLES[status] ?? '请求有误');
    }
    if (status >= 500) req.log.error({ err }, 'unhandled error');
    // Chinese details are worded where the rule is checked, with its figures; English ones say the code's rule.
    // (A code is registered by its type; the fallback stands for a value cast past it.)
    if (english)
      detail =
        (PROBLEM_MESSAGES_EN as Partial<Record<string, string>>)[code] ??
        TITLES_EN[status] ??
        'The request could not be completed.';
    reply
      .code(status)
      .type('application/problem+json')
      .header('Content-Language', english ? 'en-US' : 'zh-CN')
      .header('Vary', 'Accept-Language')
      .send({
        type: `https://lianjian.local/problems/${code}`,
        title: (english ? TITLES_EN : TITLES)[status] ?? (english ? 'Error' : '错误'),
        status,
        detail,
        code,
        requestId: req.id,
        ...(errors ? { errors } : {}),
      });
  });

  app.setNotFoundHandler((req, reply) => {
    const english = requestLanguage(req.headers['accept-language']) === 'en-US';
    reply
      .code(404)
      .type('application/problem+json')
      .header('Content-Language', english ? 'en-US' : 'zh-CN')
      .header('Vary', 'Accept-Language')
      .send({
        type: 'https://lianjian.local/problems/not_found',
        title: (english ? TITLES_EN : TITLES)[404],
        status: 404,
        detail: english ? PROBLEM_MESSAGES_EN.not_found : '请求的资源不存在',
        code: 'not_found',
        requestId: req.id,
      });
  });
}
