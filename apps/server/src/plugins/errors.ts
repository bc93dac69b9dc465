import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

/** Every error leaves as application/problem+json (RFC 9457) with a stable code; 5xx details stay in the log. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let status = 500;
    let code = 'internal_error';
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
        message: v.message ?? 'invalid',
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
    reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: `https://lianjian.local/problems/${code}`,
        title: TITLES[status] ?? '错误',
        status,
        detail,
        code,
        requestId: req.id,
        ...(errors ? { errors } : {}),
      });
  });

  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'https://lianjian.local/problems/not_found',
        title: TITLES[404],
        status: 404,
        detail: '请求的资源不存在',
        code: 'not_found',
        requestId: req.id,
      });
  });
}
