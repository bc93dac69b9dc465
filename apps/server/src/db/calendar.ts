import { type Kysely, sql } from 'kysely';
import { CALENDAR, calendarDays } from '../lib/working-days.ts';
import type { Database } from './types.ts';

type Db = Kysely<Database>;

const EDITION = `${CALENDAR.source}@${CALENDAR.version}:${CALENDAR.firstYear}-${CALENDAR.lastYear}`;

/**
 * Writes the server's calendar into `calendar_days` when the table holds another edition (or none): one transaction,
 * so a reader sees the old calendar or the new one, never half. Run after every migration; a no-op when current.
 */
export async function syncCalendar(db: Db): Promise<void> {
  const held = await db.selectFrom('calendar_edition').select('edition').where('id', '=', 1).executeTakeFirst();
  if (held?.edition === EDITION) return;
  await db.transaction().execute(async (tx) => {
    // Two servers starting at once take turns on the edition row; the second finds the work done.
    await tx
      .insertInto('calendar_edition')
      .values({ id: 1, edition: '' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await sql`update calendar_edition set edition = edition where id = 1`.execute(tx);
    const now = await tx.selectFrom('calendar_edition').select('edition').where('id', '=', 1).executeTakeFirst();
    if (now?.edition === EDITION) return;
    await tx.deleteFrom('calendar_days').execute();
    const days = calendarDays();
    for (let k = 0; k < days.length; k += 500)
      await tx
        .insertInto('calendar_days')
        .values(days.slice(k, k + 500))
        .execute();
    await tx.updateTable('calendar_edition').set({ edition: EDITION }).where('id', '=', 1).execute();
  });
}
