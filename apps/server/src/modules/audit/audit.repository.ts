import { addDays } from '@lianjian/shared';
import { type Insertable, PostgresAdapter } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { AuditEventTable, AuditHeadTable } from '../../db/types.ts';
import { startsWith } from '../../lib/like.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';

/** All SQL of the audit trail: its single head row and its append-only events. */

/** Takes the head's row (its lock, until commit) and moves its count on; undefined before the first event. */
export const takeHead = (tx: Executor) =>
  tx
    .updateTable('audit_head')
    .set((eb) => ({ count: eb('count', '+', 1) }))
    .where('id', '=', 1)
    .returning(['count', 'last_hash', 'legacy_upto', 'seal'])
    .executeTakeFirst();

/** The first head of a database; of two first writers, the second finds it made. */
export const insertHead = (tx: Executor, head: Insertable<AuditHeadTable>) =>
  tx
    .insertInto('audit_head')
    .values(head)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();

export const anyEvent = async (db: Executor) =>
  Boolean(await db.selectFrom('audit_events').select('seq').limit(1).executeTakeFirst());

/** Appends the event and moves the head's hash and seal on, in the caller's transaction (one statement on PostgreSQL). */
export async function appendEvent(
  tx: Executor,
  event: Insertable<AuditEventTable>,
  head: { last_hash: string; seal: string },
) {
  if (tx.getExecutor().adapter instanceof PostgresAdapter) {
    // One round trip instead of two while the head is held: the event and the head's new hash in one statement.
    await tx
      .with('event', (db) => db.insertInto('audit_events').values(event))
      .updateTable('audit_head')
      .set(head)
      .where('id', '=', 1)
      .execute();
    return;
  }
  await tx.insertInto('audit_events').values(event).execute();
  await tx.updateTable('audit_head').set(head).where('id', '=', 1).execute();
}

export const readHead = (db: Executor) =>
  db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();

/** The head's row, locked for the caller's transaction, without changing it. */
export const lockHead = (tx: Executor) =>
  tx
    .updateTable('audit_head')
    .set((eb) => ({ count: eb.ref('count') }))
    .where('id', '=', 1)
    .returning(['count', 'last_hash', 'seal'])
    .executeTakeFirst();

export const setHeadSeal = (tx: Executor, legacyUpTo: number, seal: string) =>
  tx.updateTable('audit_head').set({ legacy_upto: legacyUpTo, seal }).where('id', '=', 1).execute();

/** Events after `afterSeq` (and up to `upTo`), in order, at most `limit`. */
export function eventsAfter(db: Executor, afterSeq: number, upTo: number | null, limit: number) {
  let q = db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit);
  if (upTo !== null) q = q.where('seq', '<=', upTo);
  return q.execute();
}

/** The first two events of this action and entity type up to `upTo` (the data key's record happens once). */
export const firstEventsOf = (db: Executor, entityType: string, action: string, upTo: number) =>
  db
    .selectFrom('audit_events')
    .select('seq')
    .where('entity_type', '=', entityType)
    .where('action', '=', action)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .limit(2)
    .execute();

/** The lowest and highest sequence numbers of the trail. */
export const seqRange = (db: Executor) =>
  db
    .selectFrom('audit_events')
    .select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')])
    .executeTakeFirstOrThrow();

/** The newest events whose hash carries this mark. */
export const newestMarked = (db: Executor, mark: string, limit: number) =>
  db
    .selectFrom('audit_events')
    .selectAll()
    .where('hash', 'like', `${mark}%`)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();

/** The first event with this hash mark or of this action. */
export const firstMarkedOrAction = (db: Executor, mark: string, action: string) =>
  db
    .selectFrom('audit_events')
    .select('seq')
    .where((eb) => eb.or([eb('hash', 'like', `${mark}%`), eb('action', '=', action)]))
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();

/** Whether any of these tables holds a row. */
export async function anyRowIn(
  db: Executor,
  tables: readonly (
    | 'users'
    | 'temporary_orgs'
    | 'party_orgs'
    | 'units'
    | 'members'
    | 'households'
    | 'reports'
    | 'items'
  )[],
) {
  for (const table of tables) if (await db.selectFrom(table).select('id').limit(1).executeTakeFirst()) return true;
  return false;
}

export interface TrailFilter {
  entityId?: string | undefined;
  entityType?: string | undefined;
  /** An action, or a family of them ending in `.` (`auth.`). */
  action?: string | undefined;
  username?: string | undefined;
  /** Shanghai days. */
  from?: string | undefined;
  to?: string | undefined;
}

/** A page of the trail, newest first, filtered, with who acted and the total under the same filters. */
export async function trailPage(db: Executor, f: TrailFilter, limit: number, cursor: Cursor | null) {
  // Days are Shanghai days; the trail stores UTC instants.
  const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
  const filtered = () => {
    let b = db.selectFrom('audit_events').leftJoin('users as u', 'u.id', 'audit_events.user_id');
    if (f.entityId) b = b.where('entity_id', '=', f.entityId);
    if (f.entityType) b = b.where('entity_type', '=', f.entityType);
    if (f.action)
      b = f.action.endsWith('.') ? b.where(startsWith('action', f.action)) : b.where('action', '=', f.action);
    if (f.username) b = b.where('u.username', '=', f.username);
    if (f.from) b = b.where('at', '>=', startOf(f.from));
    if (f.to) b = b.where('at', '<', startOf(addDays(f.to, 1)));
    return b;
  };
  let rows = filtered().selectAll('audit_events').select('u.username');
  if (cursor) rows = rows.where(afterCursor('audit_events.seq', 'audit_events.id', cursor, 'desc'));
  const list = await rows
    .orderBy('audit_events.seq', 'desc')
    .limit(limit + 1)
    .execute();
  const total = await filtered()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows: list, total: Number(total.n) };
}
