import { addDays } from '@lianjian/shared';
import { sql } from 'kysely';
import type { Db } from '../src/db/index.ts';

const COLUMNS = {
  exit: {
    table: 'exit_applications',
    dates: [
      'applied_on',
      'reviewed_on',
      'verified_on',
      'acknowledged_on',
      'notice_start_on',
      'notice_published_on',
      'announced_on',
      'rejected_on',
    ],
    events: 'exit_events',
    owner: 'application_id',
  },
  monitoring: {
    table: 'monitoring_cases',
    dates: ['identified_on', 'notice_start_on', 'notice_published_on', 'decided_on', 'eliminated_on'],
    events: 'monitoring_events',
    owner: 'case_id',
  },
} as const;

/**
 * Moves a procedure's recorded history `days` earlier, as if each of its steps had been taken that many days ago:
 * how a test lets a notice run its days on the board without waiting for the calendar. The server's clock still
 * decides every step taken after it.
 */
export async function earlier(db: Db, kind: keyof typeof COLUMNS, id: string, days: number): Promise<void> {
  const c = COLUMNS[kind];
  const back = (d: string | null) => (d ? addDays(d, -days) : null);
  const [row] = (
    await sql<
      Record<string, string | null>
    >`select ${sql.join(c.dates.map((d) => sql.ref(d)))} from ${sql.table(c.table)} where id = ${id}`.execute(db)
  ).rows;
  if (!row) throw new Error(`${kind} ${id} not found`);
  await sql`update ${sql.table(c.table)} set ${sql.join(c.dates.map((d) => sql`${sql.ref(d)} = ${back(row[d] ?? null)}`))} where id = ${id}`.execute(
    db,
  );
  const events = (
    await sql<{
      id: string;
      on: string;
    }>`select id, ${sql.ref('on')} from ${sql.table(c.events)} where ${sql.ref(c.owner)} = ${id}`.execute(db)
  ).rows;
  for (const e of events)
    await sql`update ${sql.table(c.events)} set ${sql.ref('on')} = ${back(e.on)} where id = ${e.id}`.execute(db);
}
