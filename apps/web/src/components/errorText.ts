import { ApiError } from '../api/client';

// Apart from QueryState, so that the login page does not load antd's Result and Skeleton with it.
/**
 * The server's words for an error. A refused rule says it all in its detail (its field notes are for programs: the
 * field and the value, not for reading); a form the schema refused adds what was wrong with each field, in the
 * server's words (Chinese), without the fields' technical paths.
 */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const notes =
      err.problem.code === 'validation_failed' ? [...new Set(err.problem.errors?.map((e) => e.message) ?? [])] : [];
    return notes.length ? `${err.problem.detail}：${notes.join('；')}` : err.problem.detail;
  }
  return err instanceof Error ? err.message : String(err);
}
