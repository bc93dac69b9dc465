import { ADMIN_ROLES, ROLE_PERMISSIONS } from '@lianjian/shared';
import { generate } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { DEFAULT_PASSWORD_POLICY, checkPassword } from '../src/modules/auth/password-policy.ts';
import { generatePassword } from '../src/lib/passwords.ts';
import { randomBytes } from 'node:crypto';
import { PASSWORD, addNeighbourCounty, buildCounty } from './factories.ts';
import { type TestApp, as, login, sessionHeaders, testApp } from './helpers.ts';
import { useCounty } from './setup-county.ts';

const STRONG = 'Baihe-Relocation-2020';

describe('password policy (GB/T 22239 level 3)', () => {
  it('needs 8 characters of 3 classes, refuses common and local passwords and the username, allows up to 128', () => {
    expect(checkPassword('Ab1!', 'zhang')).toContain('too_short');
    expect(checkPassword('abcdefgh12', 'zhang')).toEqual(['too_few_classes', 'guessable']);
    expect(checkPassword('Password123', 'zhang')).toEqual(['common', 'guessable']);
    expect(checkPassword('Nanzhao@2020', 'zhang')).toEqual(['common', 'guessable']);
    expect(checkPassword('Lianjian2026!', 'zhang')).toEqual(['common', 'guessable']);
    expect(checkPassword('Qiaoduan-Xyz-88', 'qiaoduan')).toEqual(['contains_username']);
    expect(checkPassword(`${Array.from({ length: 8 }, generatePassword).join('-').slice(0, 125)}A1!`, 'zhang')).toEqual(
      [],
    );
    expect(checkPassword(`Aa1!${'x'.repeat(125)}`, 'zhang')).toEqual(['too_long']);
    expect(checkPassword(STRONG, 'zhang')).toEqual([]);
  });

  it('a password must not be guessable: a strength estimator with a large list of common passwords refuses aaaaaaaA1 and its kind, and says why in Chinese', async () => {
    for (const weak of [
      'aaaaaaaA1',
      'Aa123456!',
      'P@ssw0rd2024',
      'Zxcvbnm,./1A',
      'Qazwsx123!@#',
      'Abcd1234!',
      'Iloveyou2020!',
      'Dragon123$',
    ]) {
      expect([weak, checkPassword(weak, 'zhang')]).toEqual([weak, expect.arrayContaining(['guessable'])]);
    }
    // What the users say about themselves is not a secret either.
    expect(checkPassword('Wangli@1988', 'lw', DEFAULT_PASSWORD_POLICY, ['王丽'])).toEqual(['guessable']);
    // The passwords of the demo, the tests and the browser tests, and every generated one-time password, pass.
    for (const ok of [
      PASSWORD,
      STRONG,
      'Matrix-Password-2020',
      'Bench-Password-2020',
      'E2e-Demo-Password-2020',
      'E2e-Changed-Pass-2026',
      'Qiaoduan-Wang-2026',
      ...Array.from({ length: 20 }, generatePassword),
    ]) {
      expect([ok, checkPassword(ok, 'zhang')]).toEqual([ok, []]);
    }
    const t = await testApp();
    try {
      await buildCounty(t.db.db);
      const qiao = as(t.app, await login(t.app, 'qiaoduan', PASSWORD));
      const refused = await qiao.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'aaaaaaaA1' });
      expect([refused.statusCode, refused.json().code]).toEqual([422, 'weak_password']);
      expect(refused.json().detail).toMatch(/容易(被)?猜到/);
      expect(refused.json().detail).toMatch(/重复/);
    } finally {
      await t.close();
    }
  });
});

describe('identity: first login, expiry, separation of duties, membership-bound accounts, CSRF', () => {
  const ctx = useCounty();

  it('an account opened by the security administrator must change its one-time password before anything else', async () => {
    const security = await ctx.user('security');
    // A branch secretary's account: one the security administrator opens alone (a township's needs a second person).
    const created = await security.post('/users', {
      username: 'chenjing',
      displayName: '陈静',
      role: 'org_secretary',
      orgId: ctx.county.orgs.chengBranch.id,
      memberId: ctx.county.members.chengMember,
    });
    expect(created.statusCode).toBe(201);
    const { oneTimePassword, user } = created.json();
    expect(user.mustChangePassword).toBe(true);
    const cookie = await login(ctx.t.app, 'chenjing', oneTimePassword);
    const wang = as(ctx.t.app, cookie);
    expect((await wang.get('/auth/me')).json().pending).toBe('password_change');
    expect((await wang.get('/orgs')).json().code).toBe('password_change_required');
    const weak = await wang.post('/auth/password', { currentPassword: oneTimePassword, newPassword: 'chenjing123' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().code).toBe('weak_password');
    expect((await wang.post('/auth/password', { currentPassword: 'not-it', newPassword: STRONG })).json().code).toBe(
      'wrong_password',
    );
    const other = as(ctx.t.app, await login(ctx.t.app, 'chenjing', oneTimePassword));
    const changed = await wang.post('/auth/password', { currentPassword: oneTimePassword, newPassword: STRONG });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().pending).toBeNull();
    expect((await wang.get('/orgs')).statusCode).toBe(200);
    // The password change ended the account's other session.
    expect((await other.get('/auth/me')).statusCode).toBe(401);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', user.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.create', 'auth.password_change']));
  });

  it('separation of duties: only the security administrator manages accounts, never their own, and sees no business data', async () => {
    const admin = await ctx.user('admin');
    const security = await ctx.user('security');
    const auditor = await ctx.user('auditor');
    const body = { username: 'zhaogang', displayName: '赵刚', role: 'auditor', regionCode: '411321' };
    expect((await admin.post('/users', body)).statusCode).toBe(403);
    expect((await auditor.post('/users', body)).statusCode).toBe(403);
    expect((await admin.get('/users')).statusCode).toBe(403);
    for (const url of ['/households', '/items', '/audit-events', '/members', '/stats/overview']) {
      expect([url, (await security.get(url)).statusCode]).toEqual([url, 403]);
    }
    const me = (await security.get('/auth/me')).json();
    const mine = (await security.get('/users'))
      .json()
      .items.find((u: { username: string }) => u.username === 'security');
    expect(me.role).toBe('security_admin');
    expect((await security.patch(`/users/${mine.id}`, { role: 'auditor', version: mine.version })).json().code).toBe(
      'own_account',
    );
    expect((await security.post(`/users/${mine.id}/reset-totp`, { reason: '自己' })).json().code).toBe('own_account');
    // A role change is audited as a permission change and ends the target's sessions (a branch's account: one the
    // security administrator changes alone).
    const baiheCookie = await login(ctx.t.app, 'baihe', PASSWORD);
    const baihe = (await security.get('/users?q=baihe')).json().items[0];
    const changed = await security.patch(`/users/${baihe.id}`, { role: 'member', version: baihe.version });
    expect(changed.json().role).toBe('member');
    expect((await as(ctx.t.app, baiheCookie).get('/auth/me')).statusCode).toBe(401);
    const event = await ctx.t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'user.role_change')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.before_json ?? '{}').role).toBe('org_secretary');
    expect(JSON.parse(event.after_json ?? '{}').role).toBe('member');
    // One role per account, and the three administrators' powers do not overlap.
    const [system, sec, audit] = ADMIN_ROLES.map((r) => new Set(ROLE_PERMISSIONS[r]));
    expect([...(sec ?? [])].filter((p) => p.startsWith('users:') && (system?.has(p) || audit?.has(p)))).toEqual([]);
    expect(system?.has('audit:read') || sec?.has('audit:read')).toBe(false);
    expect([...(audit ?? [])].some((p) => /:(write|unmask|reopen|acknowledge)$/.test(p))).toBe(false);
    expect([...(sec ?? [])].some((p) => /^(households|items|reports|members|stats|audit):/.test(p))).toBe(false);
    // Out of the security administrator's county: 404, and not listed.
    await addNeighbourCounty(ctx.t.db.db);
    const far = await security.post('/users', {
      username: 'fangcheng',
      displayName: '方城',
      role: 'county_admin',
      regionCode: '411322',
    });
    expect(far.statusCode).toBe(404);
  });

  it('a password expires after the configured age and must then be changed', async () => {
    const t = await testApp(undefined, undefined, { authPolicy: { requireTotp: false, passwordMaxAgeDays: 90 } });
    try {
      await buildCounty(t.db.db);
      const qiao = as(t.app, await login(t.app, 'qiaoduan', PASSWORD));
      expect((await qiao.get('/orgs')).statusCode).toBe(200);
      await t.db.db
        .updateTable('users')
        .set({ password_changed_at: new Date(Date.now() - 91 * 86_400_000).toISOString() })
        .where('username', '=', 'qiaoduan')
        .execute();
      expect((await qiao.get('/orgs')).json().code).toBe('password_change_required');
      expect((await qiao.post('/auth/password', { currentPassword: PASSWORD, newPassword: STRONG })).statusCode).toBe(
        200,
      );
      expect((await qiao.get('/orgs')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('ending the last membership of a member account ends its session and access at once', async () => {
    const { addUser } = await import('./factories.ts');
    const qiao = await ctx.user('qiaoduan');
    await addUser(ctx.t.db.db, 'dianli', 'member', { member: ctx.county.members.qiaoPowerChief });
    const linked = await qiao.post(`/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'member',
      startOn: '2020-05-01',
      linkReason: '供电保障',
    });
    expect(linked.statusCode).toBe(201);
    const chief = as(ctx.t.app, await login(ctx.t.app, 'dianli', PASSWORD));
    expect((await chief.get('/auth/me')).statusCode).toBe(200);
    const m = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships`))
      .json()
      .items.find((x: { memberId: string }) => x.memberId === ctx.county.members.qiaoPowerChief);
    const ended = await qiao.post(`/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships/${m.id}/end`, {
      endOn: '2020-06-01',
      endReason: '任务完成',
      version: m.version,
    });
    expect([ended.statusCode, ended.body]).toEqual([204, '']);
    expect((await chief.get('/auth/me')).statusCode).toBe(401);
    expect(
      (
        await ctx.t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'dianli', password: PASSWORD },
        })
      ).json().code,
    ).toBe('invalid_credentials');
  });

  it('CSRF: a state-changing request of a session needs its token in X-CSRF-Token; GETs and the resident page do not', async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const url = `/api/v1/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships`;
    const payload = {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'member',
      startOn: '2020-05-01',
      linkReason: '供电保障',
    };
    const bare = await ctx.t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    expect([bare.statusCode, bare.json().code]).toEqual([403, 'csrf_failed']);
    const wrong = await ctx.t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'x-csrf-token': 'forged' },
      payload,
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([403, 'csrf_failed']);
    // Another session's token is no good either.
    const otherToken = sessionHeaders(await login(ctx.t.app, 'chengjiao', PASSWORD))['x-csrf-token'] as string;
    expect(
      (await ctx.t.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': otherToken }, payload }))
        .statusCode,
    ).toBe(403);
    expect((await ctx.t.app.inject({ method: 'GET', url, headers: { cookie } })).statusCode).toBe(200);
    expect((await ctx.t.app.inject({ method: 'POST', url, headers: sessionHeaders(cookie), payload })).statusCode).toBe(
      201,
    );
    // The CSRF cookie is readable by the page (it sends it back); the session cookie is not.
    const res = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'qiaoduan', password: PASSWORD },
    });
    expect(res.cookies.find((c) => c.name === 'lj_csrf')?.httpOnly).toBeFalsy();
    expect(res.cookies.find((c) => c.name === 'lj_session')?.httpOnly).toBe(true);
    const report = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: { regionCode: '411321106200', category: 'electricity', description: '路灯坏了' },
    });
    expect(report.statusCode).toBe(201);
  });
});

describe('TOTP second factor (otplib)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(undefined, new DataCipher(randomBytes(32)), {
      authPolicy: { requireTotp: true, passwordMaxAgeDays: 0 },
    });
    await buildCounty(t.db.db);
  });
  afterEach(async () => t.close());
  // A branch secretary's account: one whose password the security administrator resets alone.
  const loginWith = (body: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'baihe', password: PASSWORD, ...body },
    });

  it('enrolling a second factor asks for the password again, counts a wrong one, and is audited', async () => {
    const qiao = as(t.app, await login(t.app, 'qiaoduan', PASSWORD));
    const bare = await qiao.post('/auth/totp/setup', {});
    expect([bare.statusCode, bare.json().code]).toEqual([400, 'validation_failed']);
    const wrong = await qiao.post('/auth/totp/setup', { password: 'Wrong-Password-1' });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'wrong_password']);
    const user = await t.db.db
      .selectFrom('users')
      .select(['id', 'totp_secret_enc', 'failed_logins'])
      .where('username', '=', 'qiaoduan')
      .executeTakeFirstOrThrow();
    expect(user.totp_secret_enc).toBeNull();
    expect(user.failed_logins).toBe(1);
    const setup = await qiao.post('/auth/totp/setup', { password: PASSWORD });
    expect(setup.statusCode).toBe(200);
    expect(setup.json().uri).toMatch(/^otpauth:\/\/totp\//);
    const audit = await t.db.db
      .selectFrom('audit_events')
      .select(['action', 'user_id'])
      .where('entity_id', '=', user.id)
      .where('action', 'like', 'auth.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.login', 'auth.failure', 'auth.totp_setup']);
    expect(audit.at(-1)?.user_id).toBe(user.id);
  });

  it('every account enrols with a QR code before it works; codes are single-use, wrong ones lock; recovery codes work once', async () => {
    const baihe = as(t.app, await login(t.app, 'baihe', PASSWORD));
    expect((await baihe.get('/auth/me')).json().pending).toBe('totp_enrollment');
    expect((await baihe.get('/orgs')).json().code).toBe('totp_enrollment_required');
    const setup = (await baihe.post('/auth/totp/setup', { password: PASSWORD })).json();
    expect(setup.qr).toMatch(/^data:image\/png;base64,/);
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await baihe.post('/auth/totp/enable', { code: '000000' })).json().code).toBe('invalid_code');
    const now = Math.floor(Date.now() / 1000);
    const first = await generate({ secret: setup.secret, epoch: now });
    const enabled = await baihe.post('/auth/totp/enable', { code: first });
    expect(enabled.statusCode).toBe(200);
    const { recoveryCodes } = enabled.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await baihe.get('/orgs')).statusCode).toBe(200);
    // Stored encrypted, recovery codes hashed.
    const row = await t.db.db
      .selectFrom('users')
      .select('totp_secret_enc')
      .where('username', '=', 'baihe')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).not.toContain(setup.secret);

    // The password alone is not enough; the code used at enrolment does not work again.
    expect((await loginWith({})).json().code).toBe('totp_required');
    expect((await loginWith({ code: first })).json().code).toBe('invalid_code');
    const next = await generate({ secret: setup.secret, epoch: now + 30 });
    expect((await loginWith({ code: next })).statusCode).toBe(200);
    expect((await loginWith({ code: next })).json().code).toBe('invalid_code');
    // A recovery code works once.
    expect((await loginWith({ code: recoveryCodes[0] })).statusCode).toBe(200);
    expect((await loginWith({ code: recoveryCodes[0] })).json().code).toBe('invalid_code');

    // A password reset by the security administrator leaves the second factor in place.
    await t.db.db.updateTable('users').set({ totp_enabled: 1 }).where('username', '=', 'security').execute();
    await t.db.db.updateTable('users').set({ failed_logins: 0 }).where('username', '=', 'baihe').execute();
    const secCookie = await login(t.app, 'security', PASSWORD).catch(() => null);
    expect(secCookie).toBeNull(); // the security admin also needs a code: enrolled without a secret, no code can pass
    await t.db.db.updateTable('users').set({ totp_enabled: 0 }).where('username', '=', 'security').execute();
    const sec = as(t.app, await login(t.app, 'security', PASSWORD));
    const ss = (await sec.post('/auth/totp/setup', { password: PASSWORD })).json();
    expect((await sec.post('/auth/totp/enable', { code: await generate({ secret: ss.secret }) })).statusCode).toBe(200);
    const baiheUser = (await sec.get('/users?q=baihe')).json().items[0];
    const reset = (
      await sec.post(`/users/${baiheUser.id}/reset-password`, { reason: '本人遗忘密码，电话核实身份' })
    ).json();
    const afterReset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'baihe', password: reset.oneTimePassword },
    });
    expect(afterReset.json().code).toBe('totp_required');

    // Wrong codes count toward the lockout like wrong passwords.
    for (let i = 0; i < 5; i++)
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'baihe', password: reset.oneTimePassword, code: '123456' },
      });
    const locked = await t.db.db
      .selectFrom('users')
      .select('locked_until')
      .where('username', '=', 'baihe')
      .executeTakeFirstOrThrow();
    expect(locked.locked_until).not.toBeNull();
  });
});
