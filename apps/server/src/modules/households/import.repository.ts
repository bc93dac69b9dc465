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

/** One import by id, whoever made it (the server's own sweep). */
export const importById = (db: Executor, id: string) =>
  db.selectFrom('household_imports').selectAll().where('id', '=', id).executeTakeFirst();

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

/** An import that holds its upload on a server: running, or waiting for the clerk's column mapping. */
const HELD = ['running', 'awaiting_mapping'] as const;

/** The heartbeat of these imports, those still running or waiting for their mapping. */
export const beat = (db: Db, ids: string[]) =>
  db
    .updateTable('household_imports')
    .set({ heartbeat_at: databaseNow(db) })
    .where('id', 'in', ids)
    .where('status', 'in', HELD)
    .execute();

/** The database's clock, which writes every heartbeat. */
export async function databaseClock(db: Db): Promise<string | undefined> {
  return (await sql<{ now: string }>`select ${databaseNow(db)} as now`.execute(db)).rows[0]?.now;
}

/** Running or waiting imports whose last heartbeat is older than `before`: their server, holding the file, stopped. */
export const staleImports = (db: Executor, before: string) =>
  db
    .selectFrom('household_imports')
    .select(['id', 'file_name', 'file_hash', 'phase', 'rows_read', 'heartbeat_at'])
    .where('status', 'in', HELD)
    .where('heartbeat_at', '<', before)
    .execute();

/**
 * Marks the import interrupted if it still runs (or waits) without a heartbeat since `before`; false when it beat or
 * ended.
 */
export async function markInterrupted(tx: Executor, id: string, before: string, message: string, now: string) {
  const u = await tx
    .updateTable('household_imports')
    .set({ status: 'failed', failure: 'interrupted', phase: 'done', message, updated_at: now, finished_at: now })
    .where('id', '=', id)
    .where('status', 'in', HELD)
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

/** A running import stops to wait for the clerk's column mapping; false when it was marked interrupted meanwhile. */
export async function awaitMapping(db: Db, id: string, set: Updateable<HouseholdImportTable>): Promise<boolean> {
  const u = await db
    .updateTable('household_imports')
    .set({ ...set, status: 'awaiting_mapping', heartbeat_at: databaseNow(db) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** A waiting import runs again with the clerk's mapping; false when it no longer waits (confirmed, superseded…). */
export async function resumeMapped(tx: Executor, id: string, mappingJson: string, now: string): Promise<boolean> {
  const u = await tx
    .updateTable('household_imports')
    .set({
      status: 'running',
      mapping_json: mappingJson,
      message: null,
      updated_at: now,
      heartbeat_at: databaseNow(tx),
    })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_mapping')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** The imports of an account waiting for their mapping. */
export const waitingImportsOf = (db: Executor, userId: string) =>
  db
    .selectFrom('household_imports')
    .selectAll()
    .where('created_by', '=', userId)
    .where('status', '=', 'awaiting_mapping')
    .execute();

/** A waiting import given up (superseded or left too long); false when it no longer waits. */
export async function abandonWaiting(tx: Executor, id: string, message: string, now: string): Promise<boolean> {
  const u = await tx
    .updateTable('household_imports')
    .set({ status: 'failed', failure: 'interrupted', phase: 'done', message, updated_at: now, finished_at: now })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_mapping')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** The headings a county's clerks confirmed, by normal heading. */
export async function rememberedHeadings(db: Executor, countyCode: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('import_heading_synonyms')
    .select(['heading', 'field'])
    .where('county_code', '=', countyCode)
    .execute();
  return new Map(rows.map((r) => [r.heading, r.field]));
}

/** Remembers headings for a county's next files; a heading confirmed again for another field takes that field. */
export async function rememberHeadings(
  tx: Executor,
  rows: readonly { county_code: string; heading: string; field: string; created_by: string; created_at: string }[],
): Promise<void> {
  for (const r of rows)
    await tx
      .insertInto('import_heading_synonyms')
      .values(r)
      .onConflict((oc) =>
        oc
          .columns(['county_code', 'heading'])
          .doUpdateSet({ field: r.field, created_by: r.created_by, created_at: r.created_at }),
      )
      .execute();
}

/** A county's remembered headings, alphabetically. */
export const headingsOfCounty = (db: Executor, countyCode: string) =>
  db
    .selectFrom('import_heading_synonyms')
    .select(['heading', 'field', 'created_at'])
    .where('county_code', '=', countyCode);

/** Forgets a county's remembered heading; false when it was not remembered. */
export async function forgetHeading(tx: Executor, countyCode: string, heading: string): Promise<boolean> {
  const d = await tx
    .deleteFrom('import_heading_synonyms')
    .where('county_code', '=', countyCode)
    .where('heading', '=', heading)
    .executeTakeFirst();
  return Number(d.numDeletedRows) > 0;
}
