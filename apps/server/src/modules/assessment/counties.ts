import type { Db, DbDialect } from '../../db/index.ts';
import { systemActor } from '../../lib/actor.ts';
import * as repo from './assessment.repository.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { AssessmentService } from './assessment.service.ts';

export interface CountiesRun {
  /** Counties under the region with a scheme for the year, whose ledgers were computed. */
  counties: number;
  ledgers: number;
  /** Counties under the region without a scheme for the year (nothing to compute). */
  withoutScheme: string[];
}

/**
 * A year's ledgers of every county under a region: the annual run of a prefecture or a province, each county as its
 * own administrator's "compute the whole county" (its own transaction and audit rows). Counties share no records, so
 * on PostgreSQL several are computed at a time; SQLite has one connection and one writer, so one at a time there.
 */
export async function computeCounties(
  db: Db,
  audit: AuditTrail,
  dialect: DbDialect,
  options: {
    year: number;
    region?: string;
    concurrency?: number;
    requestId?: string;
    progress?: (done: number, total: number) => void;
  },
): Promise<CountiesRun> {
  const service = new AssessmentService(db, audit);
  const counties = await repo.countiesUnder(db, options.region ?? '');
  const schemes = await repo.countiesWithSchemes(db, options.year);
  const queue = counties.filter((c) => schemes.has(c));
  const total = queue.length;
  const workers = dialect === 'postgres' ? Math.max(1, Math.min(options.concurrency ?? 3, total)) : 1;
  let ledgers = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let county = queue.shift(); county !== undefined; county = queue.shift()) {
        const actor = { ...systemActor(options.requestId ?? 'cli:ledgers'), regionCode: county };
        // Awaited before adding: `ledgers += await …` would add to the total read before the wait.
        const ids = await service.ledgers.computeCounty(actor, { year: options.year });
        ledgers += ids.length;
        options.progress?.(++done, total);
      }
    }),
  );
  return { counties: total, ledgers, withoutScheme: counties.filter((c) => !schemes.has(c)) };
}
