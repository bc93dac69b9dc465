import type { Executor } from '../../db/index.ts';
import type { DisputeTable, ItemEventTable, MediationSessionTable } from '../../db/types.ts';
import type { Insertable, Updateable } from 'kysely';

/** All SQL of dispute mediation: the dispute of an item, its sessions and mediators. */

export const disputeOf = (db: Executor, itemId: string) =>
  db.selectFrom('disputes').selectAll().where('item_id', '=', itemId).executeTakeFirst();

export const sessionsOf = (db: Executor, itemId: string) =>
  db
    .selectFrom('mediation_sessions')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('held_on')
    .orderBy('created_at')
    .execute();

/** The names of each session's mediators. */
export const mediatorNames = async (db: Executor, sessionIds: string[]) =>
  sessionIds.length
    ? db
        .selectFrom('mediation_mediators as mm')
        .innerJoin('members as p', 'p.id', 'mm.member_id')
        .select(['mm.session_id', 'p.name'])
        .where('mm.session_id', 'in', sessionIds)
        .execute()
    : [];

/** Records an item's dispute; false when the item already has one (two registrations at once: the second loses). */
export async function insertDispute(tx: Executor, row: Insertable<DisputeTable>): Promise<boolean> {
  const r = await tx
    .insertInto('disputes')
    .values(row)
    .onConflict((oc) => oc.column('item_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The members among these ids that exist (mediators are people of the register). */
export const existingMembers = async (tx: Executor, ids: string[]) =>
  new Set(
    (ids.length ? await tx.selectFrom('members').select('id').where('id', 'in', ids).execute() : []).map((m) => m.id),
  );

/** A session, its mediators and the item's (staff-only) progress entry, in the caller's transaction. */
export async function insertSession(
  tx: Executor,
  session: Insertable<MediationSessionTable>,
  mediatorIds: string[],
  event: Insertable<ItemEventTable>,
) {
  await tx.insertInto('mediation_sessions').values(session).execute();
  for (const m of new Set(mediatorIds))
    await tx.insertInto('mediation_mediators').values({ session_id: session.id, member_id: m }).execute();
  await tx.insertInto('item_events').values(event).execute();
}

/** The day of the latest session, or null before the first. */
export async function lastSessionOn(tx: Executor, itemId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('mediation_sessions')
    .select((eb) => eb.fn.max('held_on').as('on'))
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  return (row?.on as string | null | undefined) ?? null;
}

/** Updates the dispute if it is still at `version`; false when someone changed it meanwhile. */
export async function updateDispute(
  tx: Executor,
  itemId: string,
  version: number,
  set: Updateable<DisputeTable>,
): Promise<boolean> {
  const r = await tx
    .updateTable('disputes')
    .set({ ...set, version: version + 1 })
    .where('item_id', '=', itemId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
