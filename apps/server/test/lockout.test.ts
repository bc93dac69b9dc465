import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { generate, generateSecret } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { type TestApp, as, login, sessionHeaders, testApp } from './helpers.ts';

/** Enrols a second factor for the account straight in the database: the code good now, and one that is not. */
async function withSecondFactor(t: TestApp, cipher: DataCipher, username: string) {
  const secret = generateSecret();
  await t.db.db
    .updateTable('users')
    .set({ totp_enabled: 1, totp_secret_enc: cipher.encrypt(secret) })
    .where('username', '=', username)
    .execute();
  const right = await generate({ secret });
  return { right, wrong: right === '123456' ? '654321' : '123456' };
}

/**
 * The lockout holds against requests sent at the same moment: each failure is counted by the database itself,
 * never read by one request and written back by another. The requests go through a real listening server, so
 * they overlap as a browser's or a script's would (on PostgreSQL, on connections of their own).
 */
describe('lockout under concurrency (GB/T 22239 登录失败处理)', () => {
  let t: TestApp;
  let base = '';
  const cipher = new DataCipher(randomBytes(32));
  beforeEach(async () => {
    t = await testApp(undefined, cipher);
    await buildCounty(t.db.db);
    // A first audited event: the chain's head row exists before the burst (its creation is not what is tested).
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.8',
      payload: { username: 'admin', password: PASSWORD },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const state = (username: string) =>
    t.db.db
      .selectFrom('users')
      .select(['id', 'failed_logins', 'locked_until'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
  const events = async (userId: string) => {
    const rows = await t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', userId)
      .where('action', 'in', ['auth.failure', 'auth.lockout'])
      .execute();
    return {
      failures: rows.filter((r) => r.action === 'auth.failure').length,
      lockouts: rows.filter((r) => r.action === 'auth.lockout').length,
    };
  };
  // Another client address: the login route's own rate limit (20 a minute per address) is not what is tested here.
  const fromElsewhere = (username: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.9',
      payload: { username, password },
    });

  it('a failed login is counted atomically: 20 concurrent wrong passwords lock the account, once, and the right password is then refused', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => post('/auth/login', { username: 'qiaoduan', password: 'Wrong-Password-1' })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(401));
    const user = await state('qiaoduan');
    expect(user.locked_until).not.toBeNull();
    expect(Date.parse(user.locked_until as string)).toBeGreaterThan(Date.now() + 14 * 60_000);
    // Every failure audited; one lockout, not one per request that saw the count reach the limit.
    expect(await events(user.id)).toEqual({ failures: 20, lockouts: 1 });
    expect((await fromElsewhere('qiaoduan', PASSWORD)).json().code).toBe('invalid_credentials');
  });

  it('a wrong second factor is counted atomically: 20 concurrent wrong codes after the right password lock the account', async () => {
    const { right, wrong } = await withSecondFactor(t, cipher, 'qiaoduan');
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => post('/auth/login', { username: 'qiaoduan', password: PASSWORD, code: wrong })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(401));
    const user = await state('qiaoduan');
    expect(user.locked_until).not.toBeNull();
    expect(await events(user.id)).toEqual({ failures: 20, lockouts: 1 });
    // Locked: the right password and the right code no longer open it.
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.9',
      payload: { username: 'qiaoduan', password: PASSWORD, code: right },
    });
    expect(refused.json().code).toBe('invalid_credentials');
  });

  it('a password asked again on a session counts toward the lockout: wrong ones at the password change and at TOTP enrolment lock the account, and then even the right one is refused', async () => {
    const qiao = as(t.app, await login(t.app, 'qiaoduan', PASSWORD));
    const user = await state('qiaoduan');
    const wrongChange = await Promise.all(
      Array.from({ length: 3 }, () =>
        qiao.post('/auth/password', { currentPassword: 'Wrong-Password-1', newPassword: 'Baihe-Relocation-2020' }),
      ),
    );
    expect(wrongChange.map((r) => r.json().code)).toEqual(Array(3).fill('wrong_password'));
    const wrongSetup = await Promise.all(
      Array.from({ length: 2 }, () => qiao.post('/auth/totp/setup', { password: 'Wrong-Password-1' })),
    );
    expect(wrongSetup.map((r) => r.json().code)).toEqual(Array(2).fill('wrong_password'));
    expect((await state('qiaoduan')).locked_until).not.toBeNull();
    expect(await events(user.id)).toEqual({ failures: 5, lockouts: 1 });
    // Locked: the session cannot go on guessing, not even with the right password, and no login opens the account.
    const right = await qiao.post('/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'Baihe-Relocation-2020',
    });
    expect([right.statusCode, right.json().code]).toEqual([403, 'account_locked']);
    expect((await qiao.post('/auth/totp/setup', { password: PASSWORD })).json().code).toBe('account_locked');
    expect((await fromElsewhere('qiaoduan', PASSWORD)).json().code).toBe('invalid_credentials');
    const row = await t.db.db
      .selectFrom('users')
      .select(['password_hash', 'totp_secret_enc'])
      .where('username', '=', 'qiaoduan')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).toBeNull();
  });
});

/**
 * A burst of guesses sent together: the wrong ones first, the right ones last. Every request reads the account when
 * it arrives, before any guess is checked (the password hashes are checked a few at a time), so the right ones are
 * read unlocked and checked after the wrong ones have locked the account. From then on a right password must answer
 * exactly as a wrong one does, or the burst tells the attacker which guess was right.
 */
describe('a right password in flight when the account locks (GB/T 22239 登录失败处理)', () => {
  let t: TestApp;
  let base = '';
  const cipher = new DataCipher(randomBytes(32));
  beforeEach(async () => {
    // Each request from an address of its own: the routes' own rate limits are not what is tested here.
    t = await testApp(undefined, cipher, { trustProxy: 1 });
    await buildCounty(t.db.db);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.8',
      payload: { username: 'admin', password: PASSWORD },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => t.close());

  let address = 0;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    address++;
    const res = await fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.7.${address >> 8}.${address & 255}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const code = res.status === 200 ? 'ok' : (JSON.parse(text) as { code?: string }).code;
    return `${res.status} ${code}`;
  };
  /**
   * Sends a burst: the wrong guesses, and a moment later the right ones; the replies in that order. Every hashing
   * thread is held busy first (a slow hash on each), so that every request arrives and reads the account before any
   * guess is checked, and the guesses are then checked in the order they came (the thread pool takes its work first
   * in, first out): the right ones after the wrong ones have locked the account, as a script's burst would be.
   */
  const burst = async (wrong: (() => Promise<string>)[], right: (() => Promise<string>)[]) => {
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const held = Promise.all(
      Array.from({ length: threads }, () =>
        hash('hold the hashing threads', { algorithm: 2, memoryCost: 32768, timeCost: 10 }),
      ),
    );
    const first = wrong.map((send) => send());
    await new Promise((r) => setTimeout(r, 100));
    const replies = await Promise.all([...first, ...right.map((send) => send())]);
    await held;
    return replies;
  };
  const lockedUntil = async (username: string) =>
    (
      await t.db.db
        .selectFrom('users')
        .select('locked_until')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).locked_until;

  it('a login burst tells no guess apart once the account locks: a right password checked after the lock answers invalid_credentials, never totp_required, invalid_code or a session', async () => {
    const { wrong: wrongCode } = await withSecondFactor(t, cipher, 'qiaoduan');
    const login = (password: string, code?: string) => () =>
      post('/auth/login', { username: 'qiaoduan', password, ...(code ? { code } : {}) });
    const replies = await burst(
      Array.from({ length: 24 }, (_, i) => login(`Wrong-Password-${i}x`)),
      [
        ...Array.from({ length: 4 }, () => login(PASSWORD)),
        ...Array.from({ length: 4 }, () => login(PASSWORD, wrongCode)),
      ],
    );
    expect(await lockedUntil('qiaoduan')).not.toBeNull();
    expect(replies.slice(0, 24)).toEqual(Array(24).fill('401 invalid_credentials'));
    expect(replies.slice(24)).toEqual(Array(8).fill('401 invalid_credentials'));

    // Without a second factor, the right password checked after the lock opens no session either.
    const replies2 = await burst(
      Array.from(
        { length: 24 },
        (_, i) => () => post('/auth/login', { username: 'chengjiao', password: `Wrong-Password-${i}x` }),
      ),
      Array.from({ length: 4 }, () => () => post('/auth/login', { username: 'chengjiao', password: PASSWORD })),
    );
    expect(await lockedUntil('chengjiao')).not.toBeNull();
    expect(replies2).toEqual(Array(28).fill('401 invalid_credentials'));
    const sessions = await t.db.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.id')
      .where('u.username', '=', 'chengjiao')
      .execute();
    expect(sessions).toEqual([]);
  });

  it('a password asked again on a session tells no guess apart once the account locks: at the password change and at TOTP enrolment every reply after the lock is 403 account_locked, for the right password and the wrong ones alike', async () => {
    const cookie = await login(t.app, 'qiaoduan', PASSWORD);
    const session = sessionHeaders(cookie);
    // Enrolled already: a right password at TOTP enrolment would answer 409 totp_already_enabled.
    await withSecondFactor(t, cipher, 'qiaoduan');
    const change = (currentPassword: string) => () =>
      post('/auth/password', { currentPassword, newPassword: 'short' }, session);
    const setup = (password: string) => () => post('/auth/totp/setup', { password }, session);
    const replies = await burst(
      [
        ...Array.from({ length: 12 }, (_, i) => change(`Wrong-Password-${i}x`)),
        ...Array.from({ length: 12 }, (_, i) => setup(`Wrong-Password-${i}y`)),
      ],
      [...Array.from({ length: 4 }, () => change(PASSWORD)), ...Array.from({ length: 4 }, () => setup(PASSWORD))],
    );
    expect(await lockedUntil('qiaoduan')).not.toBeNull();
    expect(replies.slice(24)).toEqual(Array(8).fill('403 account_locked'));
    // Five wrong ones were counted (and told so); every other reply is the locked account's, whatever the password.
    expect(replies.filter((r) => r === '422 wrong_password')).toHaveLength(5);
    expect(replies.filter((r) => r !== '422 wrong_password')).toEqual(Array(27).fill('403 account_locked'));
  });
});
