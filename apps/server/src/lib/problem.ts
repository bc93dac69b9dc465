import type { ProblemCode } from '@lianjian/shared';

/**
 * An error that becomes an RFC 9457 problem+json reply with a stable machine code. The code is one of the shared
 * registry's (`PROBLEM_CODES`): an unregistered one does not compile.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    message: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const notFound = (what = '记录') => new Problem(404, 'not_found', `${what}不存在`);
export const forbidden = (code: ProblemCode, message: string) => new Problem(403, code, message);
export const conflict = (code: ProblemCode, message: string) => new Problem(409, code, message);
export const versionConflict = () => new Problem(409, 'version_conflict', '记录已被他人修改，请刷新后重试');
export const invalid = (message: string, errors?: { path: string; message: string }[]) =>
  new Problem(400, 'validation_failed', message, errors);
