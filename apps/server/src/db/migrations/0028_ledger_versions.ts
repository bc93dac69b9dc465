import { type Kysely, sql } from 'kysely';

interface Numbered {
  id: string;
  scheme_id: string;
  scope_code: string;
  period_from: string;
  period_to: string;
  version: number;
}

// A ledger's version is its number among the ledgers of one scheme, scope and period: taken under the scheme's row
// (assessment.service.ts computeJobs), and from here also guarded by the database, as list and item numbers are.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Two computations that met before versions were taken one at a time could both have taken one version. Of such
  // ledgers the first computed keeps it and the others get the next free versions of their scope and period, in the
  // order they were computed: none is lost, or the index could not be made and the server would not start. (Their
  // audit rows keep the version they were first given.)
  const rows = (
    await sql<Numbered>`select id, scheme_id, scope_code, period_from, period_to, version from ledgers l
      where exists (select 1 from ledgers d where d.scheme_id = l.scheme_id and d.scope_code = l.scope_code
        and d.period_from = l.period_from and d.period_to = l.period_to and d.version = l.version and d.id <> l.id)
      order by scheme_id, scope_code, period_from, period_to, version, computed_at, id`.execute(db)
  ).rows;
  let previous: Numbered | null = null;
  let next = 0;
  for (const r of rows) {
    const sameGroup =
      previous !== null &&
      previous.scheme_id === r.scheme_id &&
      previous.scope_code === r.scope_code &&
      previous.period_from === r.period_from &&
      previous.period_to === r.period_to;
    if (!sameGroup) {
      const top = await sql<{
        v: number;
      }>`select max(version) as v from ledgers where scheme_id = ${r.scheme_id} and scope_code = ${r.scope_code}
        and period_from = ${r.period_from} and period_to = ${r.period_to}`.execute(db);
      next = Number(top.rows[0]?.v ?? 0);
    }
    // The first of each run of one version keeps it.
    if (sameGroup && Number(previous?.version) === Number(r.version)) {
      next += 1;
      await sql`update ledgers set version = ${next} where id = ${r.id}`.execute(db);
    }
    previous = r;
  }
  await db.schema
    .createIndex('ledgers_one_version')
    .on('ledgers')
    .columns(['scheme_id', 'scope_code', 'period_from', 'period_to', 'version'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledgers_one_version').execute();
}
