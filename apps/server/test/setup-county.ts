import { afterEach, beforeEach } from 'vitest';
import type { DataCipher } from '../src/lib/crypto.ts';
import { type County, PASSWORD, buildCounty } from './factories.ts';
import type { AppOptions } from '../src/app.ts';
import { type Client, type TestApp, as, login, testApp } from './helpers.ts';

export interface Ctx {
  t: TestApp;
  county: County;
  /** Logged-in clients for each demo role. */
  user: (
    username: 'admin' | 'qiaoduan' | 'chengjiao' | 'baihe' | 'supervisor' | 'security' | 'auditor',
  ) => Promise<Client>;
}

/**
 * Gives every test its own app, database and county (with the given field encryption key, when a test reads the stored
 * values, and the app options a test needs).
 */
export function useCounty(cipher?: DataCipher, extra: Partial<AppOptions> = {}): Ctx {
  const ctx = {} as Ctx;
  beforeEach(async () => {
    ctx.t = await testApp(undefined, cipher, extra);
    ctx.county = await buildCounty(ctx.t.db.db);
    const cache = new Map<string, Client>();
    ctx.user = async (username) => {
      let c = cache.get(username);
      if (!c) {
        c = as(ctx.t.app, await login(ctx.t.app, username, PASSWORD));
        cache.set(username, c);
      }
      return c;
    };
  });
  afterEach(async () => {
    await ctx.t.close();
  });
  return ctx;
}
