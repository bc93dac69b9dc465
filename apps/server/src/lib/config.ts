import net from 'node:net';
import path from 'node:path';

/**
 * Whose X-Forwarded-For to believe, in Fastify's terms: a number of proxy hops in front of the server, or the
 * proxies' addresses (CIDR ranges, or proxy-addr's `loopback`, `linklocal`, `uniquelocal`); `false` for none.
 */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * A range so wide it holds much of the internet (shorter than an IPv4 /8 or an IPv6 /16): no proxy pool is that big,
 * and a few such ranges together (0.0.0.0/1 and 128.0.0.0/1) trust every address.
 */
const tooWide = (range: string) => {
  const bits = /\/(\d+)$/.exec(range)?.[1];
  if (bits === undefined) return false;
  return Number(bits) < (range.includes(':') ? 16 : 8);
};

/** Proxies a request may pass through before the server (nginx, a load balancer, a gateway): more is a mistake. */
const MAX_PROXY_HOPS = 5;

/**
 * TRUST_PROXY: unset or `0`, no proxy; a whole number, that many hops (`1`: one nginx, whose address for the client
 * is believed and anything the client wrote before it is not); else a comma-separated list of the proxies' addresses.
 * `true` ("believe every hop") is refused: with it any client chooses its own address, and so its rate-limit bucket.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? '';
  if (v === '' || v === '0') return false;
  // More hops than any deployment has, or a range holding every address, is "believe everyone" by another name.
  if (/^\d+$/.test(v)) {
    if (Number(v) > MAX_PROXY_HOPS)
      throw new Error(
        `TRUST_PROXY=${v}: at most ${MAX_PROXY_HOPS} proxies in front of the server; give their addresses instead`,
      );
    return Number(v);
  }
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const wrong = list.filter((a) => !isAddressOrRange(a) || tooWide(a));
  if (list.length === 0 || wrong.length > 0) {
    throw new Error(
      `TRUST_PROXY=${v}: give the number of proxies in front of the server (1 for one nginx) or their addresses (10.0.0.5,10.0.0.0/24); not understood: ${wrong.join(', ') || v}`,
    );
  }
  return list;
}

/** Configuration comes from the environment only; defaults run the embedded database on this machine. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /**
   * The data directory (`LIANJIAN_DATA_DIR`, default `./data`, where the SQLite database and the key file are by
   * default): its `scratch` folder holds imports' personal data in transit. Private to the server's account.
   */
  dataDir: string;
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
  /** Which proxies' X-Forwarded-For gives the client's address (rate limits, logs); see `parseTrustProxy`. */
  trustProxy: TrustProxy;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, webDist = ''): Config {
  const production = env.NODE_ENV === 'production';
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/lianjian.db',
    dataDir: path.resolve(env.LIANJIAN_DATA_DIR || './data'),
    adminPassword: env.LIANJIAN_ADMIN_PASSWORD || undefined,
    demoPassword: env.LIANJIAN_DEMO_PASSWORD || undefined,
    apiDocs: env.API_DOCS ? env.API_DOCS === '1' : !production,
    secureCookies: env.COOKIE_SECURE ? env.COOKIE_SECURE === '1' : production,
    requireTotp: env.LIANJIAN_REQUIRE_TOTP ? env.LIANJIAN_REQUIRE_TOTP === '1' : production,
    rateLimits:
      env.LIANJIAN_RATE_LIMITS === 'shared' || env.LIANJIAN_RATE_LIMITS === 'local'
        ? env.LIANJIAN_RATE_LIMITS
        : undefined,
    dailySnapshots: env.LIANJIAN_DAILY_SNAPSHOTS !== 'off',
    webDist: env.WEB_DIST ?? webDist,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
