import { addDays } from '@lianjian/shared';
import { type Insertable, PostgresAdapter, sql } from 'kysely';
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
export const newestMarked = (db: Executor, marks: readonly string[], limit: number) =>
  db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => eb.or(marks.map((m) => eb('hash', 'like', `${m}%`))))
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();

/** The first event with one of these hash marks or of this action. */
export const firstMarkedOrAction = (db: Executor, marks: readonly string[], action: string) =>
  db
    .selectFrom('audit_events')
    .select('seq')
    .where((eb) => eb.or([...marks.map((m) => eb('hash', 'like', `${m}%`)), eb('action', '=', action)]))
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

/** The kinds of record whose names the auditor may read: organizations, units, lists, accounts, places. */
export type NamedType =
  | 'user'
  | 'temporary_org'
  | 'party_org'
  | 'unit'
  | 'problem_list'
  | 'item'
  | 'activity'
  | 'ledger'
  | 'assessment_scheme'
  | 'chain'
  | 'project'
  | 'county'
  | 'account_request'
  | 'membership';

export interface NameRow {
  type: string;
  id: string;
  name: string | null;
  extra: string | null;
  more: string | null;
}

/**
 * The names of the records a page of the trail names, in one query: a branch per kind of record, each reading only
 * the ids asked for. Never a resident's, a member's or a household's name: those belong to the register.
 */
export async function namesOf(db: Executor, ids: Partial<Record<NamedType, string[]>>): Promise<NameRow[]> {
  const t = (s: string) => sql<string>`${s}`;
  const text = (ref: string) => sql<string>`cast(${sql.ref(ref)} as text)`;
  const none = sql<string | null>`null`;
  const branches: unknown[] = [];
  const wanted = (type: NamedType) => [...new Set(ids[type] ?? [])];
  const add = <Q>(type: NamedType, make: (list: string[]) => Q) => {
    const list = wanted(type);
    if (list.length > 0) branches.push(make(list));
  };
  add('user', (l) =>
    db
      .selectFrom('users')
      .select([t('user').as('type'), 'id', 'display_name as name', 'username as extra', none.as('more')])
      .where('id', 'in', l),
  );
  for (const [type, table] of [
    ['temporary_org', 'temporary_orgs'],
    ['party_org', 'party_orgs'],
    ['unit', 'units'],
    ['chain', 'chains'],
    ['project', 'projects'],
    ['assessment_scheme', 'assessment_schemes'],
  ] as const)
    add(type, (l) =>
      db
        .selectFrom(table)
        .select([t(type).as('type'), 'id', 'name', none.as('extra'), none.as('more')])
        .where('id', 'in', l),
    );
  add('problem_list', (l) =>
    db
      .selectFrom('problem_lists as p')
      .innerJoin('temporary_orgs as o', 'o.id', 'p.org_id')
      .select([t('problem_list').as('type'), 'p.id', 'p.title as name', 'o.name as extra', none.as('more')])
      .where('p.id', 'in', l),
  );
  add('item', (l) =>
    db
      .selectFrom('items as i')
      .innerJoin('problem_lists as p', 'p.id', 'i.list_id')
      .select([t('item').as('type'), 'i.id', 'p.title as name', text('i.no').as('extra'), none.as('more')])
      .where('i.id', 'in', l),
  );
  add('activity', (l) =>
    db
      .selectFrom('activities as a')
      .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
      .select([t('activity').as('type'), 'a.id', 'o.name as name', 'a.held_on as extra', 'a.topic as more'])
      .where('a.id', 'in', l),
  );
  add('ledger', (l) =>
    db
      .selectFrom('ledgers as g')
      .innerJoin('assessment_schemes as s', 's.id', 'g.scheme_id')
      .leftJoin('regions as r', 'r.code', 'g.scope_code')
      .select([t('ledger').as('type'), 'g.id', 's.name as name', 'r.name as extra', text('g.version').as('more')])
      .where('g.id', 'in', l),
  );
  add('county', (l) =>
    db
      .selectFrom('regions')
      .select([t('county').as('type'), 'code as id', 'name', none.as('extra'), none.as('more')])
      .where('code', 'in', l),
  );
  add('account_request', (l) =>
    db
      .selectFrom('account_requests as q')
      .leftJoin('users as u', 'u.id', 'q.user_id')
      .select([
        t('account_request').as('type'),
        'q.id',
        'u.display_name as name',
        (eb) => eb.fn.coalesce('q.username', 'u.username').as('extra'),
        none.as('more'),
      ])
      .where('q.id', 'in', l),
  );
  add('membership', (l) =>
    db
      .selectFrom('memberships as m')
      .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
      .select([t('membership').as('type'), 'm.id', 'o.name as name', none.as('extra'), none.as('more')])
      .where('m.id', 'in', l),
  );
  if (branches.length === 0) return [];
  // biome-ignore lint/suspicious/noExplicitAny: branches of one shape over different tables
  const [first, ...rest] = branches as any[];
  let q = first;
  for (const b of rest) q = q.unionAll(b);
  return (await q.execute()) as NameRow[];
}
