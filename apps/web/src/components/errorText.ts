import { ApiError } from '../api/client';

// Apart from QueryState, so that the login page does not load antd's Result and Skeleton with it.
/** The server's words for an error, with field errors when there are any. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.problem.errors?.map((e) => `${e.path}: ${e.message}`).join('；');
    return fields ? `${err.problem.detail}（${fields}）` : err.problem.detail;
  }
  return err instanceof Error ? err.message : String(err);
}
