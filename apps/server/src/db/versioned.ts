import type { Updateable } from 'kysely';
import type { Database } from './types.ts';
import type { Executor } from './index.ts';

/** Tables whose rows carry an id and a version (optimistic concurrency). */
export type VersionedTable = {
  [T in keyof Database]: Database[T] extends { id: string; version: number } ? T : never;
}[keyof Database];

/**
 * Updates one row only if it is still at `version`, and moves its version on by one. Answers false when someone
 * changed (or removed) it meanwhile: the caller answers 409 `version_conflict` (lib/problem.ts `versionConflict`).
 */
export async function updateAtVersion<T extends VersionedTable>(
  tx: Executor,
  table: T,
  id: string,
  version: number,
  set: Updateable<Database[T]>,
): Promise<boolean> {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot follow a table name that is a type parameter; the signature keeps callers typed
  const q = tx.updateTable(table as any) as any;
  const r = await q
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
