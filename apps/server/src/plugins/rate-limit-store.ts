import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

/**
 * Rate-limit counters in the database, so that a limit holds across every application server of a deployment
 * (a per-process counter would let N servers allow N times the limit). Fixed windows per route and client,
 * counted by one upsert; on PostgreSQL the table is unlogged (counters need no durability).
 */
export function databaseRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  let calls = 0;
  class DatabaseStore {
    private readonly route: string;
    // The plugin constructs the store with its options, then one child per route.
    constructor(route?: unknown) {
      this.route = typeof route === 'string' ? route : '*';
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = Date.now();
      const expired = sql<boolean>`rate_limit_windows.window_start + ${timeWindow} <= ${now}`;
      sql<{
        hits: number;
        window_start: number;
      }>`insert into rate_limit_windows (key, window_start, hits) values (${`${this.route} ${key}`}, ${now}, 1)
        on conflict (key) do update set
          hits = case when ${expired} then 1 else rate_limit_windows.hits + 1 end,
          window_start = case when ${expired} then ${now} else rate_limit_windows.window_start end
        returning hits, window_start`
        .execute(db)
        .then(
          (r) => {
            const row = r.rows[0];
            if (!row) throw new Error('rate limit upsert returned no row');
            callback(null, {
              current: Number(row.hits),
              ttl: Math.max(0, Number(row.window_start) + timeWindow - now),
            });
          },
          (err: Error) => callback(err),
        );
      // Now and then, windows long over are removed.
      if (++calls % 1000 === 0)
        void db
          .deleteFrom('rate_limit_windows')
          .where('window_start', '<', now - 86_400_000)
          .execute()
          .catch(() => {});
    }

    // The plugin passes the route's limit options, with the route itself under `routeInfo`.
    // (The plugin's type says the route's options; what it passes is the limit's options with the route in them.)
    child(options: { routeInfo?: { method?: string | string[]; url?: string } }): DatabaseStore {
      const route = options.routeInfo;
      if (!route?.url) throw new Error('a shared rate limit needs its route');
      return new DatabaseStore(`${[route.method].flat().join(',')} ${route.url}`);
    }
  }
  return DatabaseStore as unknown as FastifyRateLimitStoreCtor;
}
