import { type SqlBool, type Updateable, sql } from 'kysely';
import { insertRows } from '../../db/bulk.ts';
import { type Db, type Executor, databaseNow } from '../../db/index.ts';
import type { HouseholdImportTable, HouseholdPersonTable, HouseholdTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { underRegion } from '../../lib/scope.ts';

/** The SQL of register imports: the import's row (progress, heartbeat, outcome) and the register it writes. */

/** Imports visible to the caller: those made within their region. */
export function importsInScope(db: Executor, actor: Actor) {
  const prefix = actor.regionCode;
  return db
    .selectFrom('household_imports')
    .selectAll()
    .where(prefix === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`scope_code like ${`${prefix}%`}`);
}

/** One import visible to the caller. */
export const importOf = (db: Executor, actor: Actor, id: string) =>
  importsInScope(db, actor).where('id', '=', id).executeTakeFirst();

/** The earliest import of the same file (by hash), running or completed, within a scope overlapping `scope`. */
export const earlierImport = (db: Executor, fileHash: string, scope: string) =>
  db
    .selectFrom('household_imports')
    .selectAll()
    .where('file_hash', '=', fileHash)
    .where('status', 'in', ['running', 'completed'])
    .where(sql<SqlBool>`(scope_code like ${`${scope}%`} or ${scope} like scope_code || '%')`)
    .orderBy('created_at')
    .executeTakeFirst();

/** A new import's row, its first heartbeat by the database's clock. */
export const insertImport = (db: Db, row: HouseholdImportTable) =>
  db
    .insertInto('household_imports')
    .values({ ...row, heartbeat_at: databaseNow(db) })
    .execute();

/** The heartbeat of these imports, those still running. */
export const beat = (db: Db, ids: string[]) =>
  db
    .updateTable('household_imports')
    .set({ heartbeat_at: databaseNow(db) })
    .where('id', 'in', ids)
    .where('status', '=', 'running')
    .execute();

/** The database's clock, which writes every heartbeat. */
export async function databaseClock(db: Db): Promise<string | undefined> {
  return (await sql<{ now: string }>`select ${databaseNow(db)} as now`.execute(db)).rows[0]?.now;
}

/** Running imports whose last heartbeat is older than `before`. */
export const staleImports = (db: Executor, before: string) =>
  db
    .selectFrom('household_imports')
    .select(['id', 'file_name', 'file_hash', 'phase', 'rows_read', 'heartbeat_at'])
    .where('status', '=', 'running')
    .where('heartbeat_at', '<', before)
    .execute();

/** Marks the import interrupted if it still runs without a heartbeat since `before`; false when it beat or ended. */
export async function markInterrupted(tx: Executor, id: string, before: string, message: string, now: string) {
  const u = await tx
    .updateTable('household_imports')
    .set({ status: 'failed', failure: 'interrupted', phase: 'done', message, updated_at: now, finished_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('heartbeat_at', '<', before)
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/**
 * The import's progress, with a heartbeat by the database's clock, if it still runs; false when another server has
 * meanwhile marked it interrupted.
 */
export async function saveProgress(
  db: Db,
  id: string,
  state: Pick<HouseholdImportTable, 'phase' | 'progress' | 'rows_read'>,
  at: string,
): Promise<boolean> {
  const u = await db
    .updateTable('household_imports')
    .set({ ...state, updated_at: at, heartbeat_at: databaseNow(db) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** The import's outcome (completed or failed), if it still runs; false when it was marked interrupted meanwhile. */
export async function finishImport(tx: Executor, id: string, set: Updateable<HouseholdImportTable>): Promise<boolean> {
  const u = await tx
    .updateTable('household_imports')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** The villages under a region: where its imports may register households. */
export async function villagesUnder(db: Executor, scopeCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('regions')
    .select('code')
    .where('level', '=', 'village')
    .where(underRegion('code', scopeCode))
    .execute();
  return rows.map((r) => r.code);
}

/** A batch of prepared households and their people, in the caller's transaction. */
export async function insertRegisterBatch(
  tx: Executor,
  batch: readonly { household: HouseholdTable; people: HouseholdPersonTable[] }[],
) {
  await insertRows(
    tx,
    'households',
    batch.map((p) => p.household),
    500,
  );
  await insertRows(
    tx,
    'household_people',
    batch.flatMap((p) => p.people),
    500,
  );
}
