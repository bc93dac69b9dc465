import type { Insertable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { ExportGrantTable } from '../../db/types.ts';

/** All SQL of exports: the short-lived download grants. */

export const insertGrant = (tx: Executor, grant: Insertable<ExportGrantTable>) =>
  tx.insertInto('export_grants').values(grant).execute();

/** The grant, only when it is the actor's own (another's grant does not exist for them). */
export const ownGrant = (db: Executor, id: string, userId: string) =>
  db.selectFrom('export_grants').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
