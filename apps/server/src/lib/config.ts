/** Configuration comes from the environment only; defaults run the embedded database on this machine. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  adminPassword: string | undefined;
  demoPassword: string | undefined;
  apiDocs: boolean;
  secureCookies: boolean;
  /** Every account must use a TOTP second factor (default: on in production). */
  requireTotp: boolean;
  /** Rate-limit counters in the database (shared by a pool of servers) or in the process; unset: by database. */
  rateLimits: 'shared' | 'local' | undefined;
  /** This server takes the nightly county snapshots (`LIANJIAN_DAILY_SNAPSHOTS=off` leaves it to others). */
  dailySnapshots: boolean;
  webDist: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, webDist = ''): Config {
  const production = env.NODE_ENV === 'production';
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/lianjian.db',
    adminPassword: env.LIANJIAN_ADMIN_PASSWORD || undefined,
    demoPassword: env.LIANJIAN_DEMO_PASSWORD || undefined,
    apiDocs: env.API_DOCS ? env.API_DOCS === '1' : !production,
    secureCookies: env.COOKIE_SECURE ? env.COOKIE_SECURE === '1' : production,
    requireTotp: env.LIANJIAN_REQUIRE_TOTP ? env.LIANJIAN_REQUIRE_TOTP === '1' : production,
    rateLimits: env.LIANJIAN_RATE_LIMITS === 'shared' || env.LIANJIAN_RATE_LIMITS === 'local' ? env.LIANJIAN_RATE_LIMITS : undefined,
    dailySnapshots: env.LIANJIAN_DAILY_SNAPSHOTS !== 'off',
    webDist: env.WEB_DIST ?? webDist,
  };
}
