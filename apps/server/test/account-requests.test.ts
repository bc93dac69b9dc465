import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { accountsOutOfShape } from '../src/modules/users/account-shape.ts';
import { UserService } from '../src/modules/users/users.service.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { PASSWORD, addNeighbourCounty, addUser } from './factories.ts';
import { type Client, as, login, testApp } from './helpers.ts';
import { useCounty } from './setup-county.ts';

type Admin = 'security' | 'admin' | 'auditor';
type Reply = { statusCode: number; json: () => { code?: string } };

/**
 * A county of its own for each test, its three administrators logged in before the test starts, and the calls every
 * test of accounts makes: an account as the security administrator lists it, its row, a login, a decision on a
 * request, a reply's status and code.
 */
function useAccounts() {
  const ctx = useCounty();
  const admins: Admin[] = ['security', 'admin', 'auditor'];
  beforeEach(async () => {
    for (const who of admins) await ctx.user(who);
  });
  // The administrator's client of the running test (each test logs in anew).
  const client = (who: Admin): Client => ({
    get: async (url) => (await ctx.user(who)).get(url),
    post: async (url, payload, headers) => (await ctx.user(who)).post(url, payload, headers),
    patch: async (url, payload) => (await ctx.user(who)).patch(url, payload),
    put: async (url, payload) => (await ctx.user(who)).put(url, payload),
    delete: async (url) => (await ctx.user(who)).delete(url),
  });
  const security = client('security');
  const db = () => ctx.t.db.db;
  const userRow = (username: string) =>
    db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return {
    ctx,
    security,
    admin: client('admin'),
    auditor: client('auditor'),
    db,
    userRow,
    userId: async (username: string) => ((await userRow(username))?.id ?? '') as string,
    /** An account as the security administrator's list shows it. */
    account: async (username: string) =>
      (await security.get(`/users?q=${username}`))
        .json()
        .items.find((u: { username: string }) => u.username === username) as {
        id: string;
        version: number;
        role: string;
      },
    tryLogin: (username: string, password: string) =>
      ctx.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } }),
    decide: (
      c: Client,
      r: { id: string; version: number },
      to: 'approved' | 'rejected' | 'cancelled',
      reason = '经电话核实，同意',
    ) => c.post(`/account-requests/${r.id}/transitions`, { to, reason, version: r.version }),
    codes: (res: Reply) => [res.statusCode, res.json().code],
  };
}

/**
 * Dual control (双人控制, GB/T 22239 level 3 三权分立): an account with administrator powers — the system
 * administrator, the security administrator, the audit administrator — is opened, raised, moved or given new
 * credentials only when a second person approves what the security administrator filed. The one-time password
 * of such an account is split between the two: neither can log in as it alone.
 */
describe('dual control of privileged accounts', () => {
  const { ctx, security, admin, auditor, db, userRow, userId, account, tryLogin, decide, codes } = useAccounts();
  const NEW_ADMIN = { username: 'lixin', displayName: '李欣', role: 'county_admin', regionCode: '411321' };

  it('creating a privileged account needs a second person: the security administrator files it, nothing exists until a county administrator or auditor approves, and the one-time password is split between the two', async () => {
    for (const role of ['county_admin', 'security_admin', 'auditor']) {
      const direct = await security.post('/users', { ...NEW_ADMIN, username: `direct${role.slice(0, 3)}`, role });
      expect([role, direct.statusCode, direct.json().code]).toEqual([role, 403, 'approval_required']);
    }
    expect(await userRow('directcou')).toBeUndefined();
    const filed = await security.post('/account-requests', {
      kind: 'create',
      account: NEW_ADMIN,
      reason: '县委组织部新任系统管理员',
    });
    expect(filed.statusCode).toBe(201);
    const { request, passwordPart: first } = filed.json();
    expect(request).toMatchObject({
      kind: 'create',
      status: 'pending',
      username: 'lixin',
      role: 'county_admin',
      abilities: { approve: false, reject: false, cancel: true },
    });
    expect(first).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(await userRow('lixin')).toBeUndefined();
    // The same account cannot be asked for twice while the first request waits.
    expect(
      (await security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '重复' })).json().code,
    ).toBe('username_taken');
    // The requester cannot approve; neither can a second security administrator.
    expect((await decide(security, request, 'approved')).statusCode).toBe(403);
    await addUser(db(), 'security2', 'security_admin', { region: '411321' });
    expect(
      (await decide(as(ctx.t.app, await login(ctx.t.app, 'security2', PASSWORD)), request, 'approved')).statusCode,
    ).toBe(403);
    // The approver sees what waits for them and is told what they may do.
    const waiting = (await admin.get('/account-requests?status=pending')).json().items;
    expect(waiting.map((r: { id: string }) => r.id)).toEqual([request.id]);
    expect(waiting[0].abilities).toEqual({ approve: true, reject: true, cancel: false });
    expect(
      (await admin.post(`/account-requests/${request.id}/transitions`, { to: 'approved', version: request.version }))
        .statusCode,
    ).toBe(400);
    const approved = await decide(admin, request, 'approved');
    expect(approved.statusCode).toBe(200);
    const second = approved.json().passwordPart as string;
    expect(second).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(approved.json().request).toMatchObject({ status: 'approved', decisionReason: '经电话核实，同意' });
    const created = await userRow('lixin');
    expect(created).toMatchObject({ role: 'county_admin', scope_region_code: '411321', must_change_password: 1 });
    // Neither half opens the account; the two together do, and must be replaced at once.
    expect((await tryLogin('lixin', first)).statusCode).toBe(401);
    expect((await tryLogin('lixin', second)).statusCode).toBe(401);
    const both = await tryLogin('lixin', first + second);
    expect([both.statusCode, both.json().pending]).toEqual([200, 'password_change']);
    // Decided once.
    expect((await decide(auditor, approved.json().request, 'approved')).json().code).toBe('illegal_transition');
    // Every step is audited; the account is created in the approval's own transaction.
    const trail = await db()
      .selectFrom('audit_events')
      .select(['action', 'user_id', 'request_id', 'entity_id'])
      .where('action', 'in', ['account_request.file', 'account_request.approved', 'user.create'])
      .orderBy('seq')
      .execute();
    expect(trail.map((e) => e.action)).toEqual(['account_request.file', 'account_request.approved', 'user.create']);
    expect(trail[1]?.request_id).toBe(trail[2]?.request_id);
    expect(trail[2]?.entity_id).toBe(created?.id);
    expect(trail[1]?.user_id).toBe(await userId('admin'));
  });

  it('no account changes its own role, scope or credentials, through any route', async () => {
    const me = await account('security');
    for (const change of [
      { regionCode: '411321106' },
      { orgId: ctx.county.orgs.qiaoBranch.id },
      { role: 'county_admin' },
      { active: false },
    ]) {
      const res = await security.patch(`/users/${me.id}`, { ...change, version: me.version });
      expect([change, res.statusCode, res.json().code]).toEqual([change, 403, 'own_account']);
    }
    expect((await userRow('security'))?.scope_region_code).toBe('411321');
    // Nor its own credentials: its owner changes its password (修改密码), another resets a lost one or a lost factor.
    expect(codes(await security.post(`/users/${me.id}/reset-password`, { reason: '遗忘密码' }))).toEqual([
      403,
      'own_account',
    ]);
    expect(codes(await security.post(`/users/${me.id}/reset-totp`, { reason: '换手机' }))).toEqual([
      403,
      'own_account',
    ]);
    for (const body of [
      { kind: 'change', userId: me.id, changes: { regionCode: '411321106' }, version: me.version, reason: '调整' },
      { kind: 'reset_password', userId: me.id, reason: '遗忘' },
      { kind: 'reset_totp', userId: me.id, reason: '换手机' },
    ]) {
      const res = await security.post('/account-requests', body);
      expect([body.kind, res.statusCode, res.json().code]).toEqual([body.kind, 403, 'own_account']);
    }
    // The account a request is about never approves it: the county administrator's own scope (the committee it acts
    // for) is for the auditor to confirm.
    const adminUser = await account('admin');
    const filed = (
      await security.post('/account-requests', {
        kind: 'change',
        userId: adminUser.id,
        changes: { actingPartyOrgId: null },
        version: adminUser.version,
        reason: '不再代行县委',
      })
    ).json().request;
    expect((await admin.get(`/account-requests/${filed.id}`)).json().abilities.approve).toBe(false);
    const own = await decide(admin, filed, 'approved');
    expect([own.statusCode, own.json().code]).toEqual([403, 'own_account']);
    expect((await userRow('admin'))?.acting_party_org_id).toBe(ctx.county.partyOrgs.county);
    expect((await decide(auditor, filed, 'approved')).statusCode).toBe(200);
    expect((await userRow('admin'))?.acting_party_org_id).toBeNull();
  });

  it("raising an account to administrator, or changing an administrator account's role, scope or credentials, needs approval; other accounts stay the security administrator's alone", async () => {
    const qiao = await account('qiaoduan');
    const adminUser = await account('admin');
    const auditorUser = await account('auditor');
    const refusals = [
      await security.patch(`/users/${qiao.id}`, {
        role: 'county_admin',
        regionCode: '411321',
        actingPartyOrgId: null,
        version: qiao.version,
      }),
      await security.patch(`/users/${auditorUser.id}`, {
        role: 'township_admin',
        regionCode: '411321106',
        version: auditorUser.version,
      }),
      await security.patch(`/users/${adminUser.id}`, { actingPartyOrgId: null, version: adminUser.version }),
      await security.post(`/users/${adminUser.id}/reset-password`, { reason: '遗忘密码' }),
      await security.post(`/users/${adminUser.id}/reset-totp`, { reason: '手机丢失' }),
    ];
    expect(refusals.map((r) => [r.statusCode, r.json().code])).toEqual(Array(5).fill([403, 'approval_required']));
    expect(await userRow('qiaoduan')).toMatchObject({ role: 'township_admin' });
    // Taking an administrator out of service at once stays possible; putting one back needs approval.
    await addUser(db(), 'oldaudit', 'auditor', { region: '411321' });
    const oldAudit = await account('oldaudit');
    const off = await security.patch(`/users/${oldAudit.id}`, { active: false, version: oldAudit.version });
    expect(off.statusCode).toBe(200);
    expect(
      (await security.patch(`/users/${oldAudit.id}`, { active: true, version: off.json().version })).json().code,
    ).toBe('approval_required');
    // Accounts that reach no more than a branch: the security administrator's alone.
    const baihe = await account('baihe');
    expect((await security.patch(`/users/${baihe.id}`, { role: 'member', version: baihe.version })).statusCode).toBe(
      200,
    );
    expect((await security.post(`/users/${baihe.id}/reset-password`, { reason: '遗忘密码' })).statusCode).toBe(200);

    // An elevation through a request: approved by the county administrator, effective at once, the account's sessions end.
    const chengCookie = await login(ctx.t.app, 'chengjiao', PASSWORD);
    const cheng = await account('chengjiao');
    const raise = (
      await security.post('/account-requests', {
        kind: 'change',
        userId: cheng.id,
        changes: { role: 'auditor', regionCode: '411321', actingPartyOrgId: null },
        version: cheng.version,
        reason: '轮岗任审计管理员',
      })
    ).json().request;
    expect(raise).toMatchObject({
      kind: 'change',
      role: 'auditor',
      changes: { role: 'auditor', regionCode: '411321', actingPartyOrgId: null },
    });
    expect((await decide(admin, raise, 'approved')).statusCode).toBe(200);
    expect(await userRow('chengjiao')).toMatchObject({ role: 'auditor', scope_region_code: '411321' });
    expect((await as(ctx.t.app, chengCookie).get('/auth/me')).statusCode).toBe(401);

    // A password reset of an administrator: the security administrator's half alone does not open the account.
    const reset = (
      await security.post('/account-requests', {
        kind: 'reset_password',
        userId: adminUser.id,
        reason: '本人遗忘密码，已当面核实',
      })
    ).json();
    expect((await tryLogin('admin', reset.passwordPart)).statusCode).toBe(401);
    expect((await tryLogin('admin', PASSWORD)).statusCode).toBe(200);
    const approved = await decide(auditor, reset.request, 'approved');
    expect(approved.statusCode).toBe(200);
    expect((await tryLogin('admin', PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin('admin', reset.passwordPart + approved.json().passwordPart)).json().pending).toBe(
      'password_change',
    );

    // A request goes stale when its account changed meanwhile: the approver is told, nothing is applied.
    const sup = await account('supervisor');
    const stale = (
      await security.post('/account-requests', {
        kind: 'change',
        userId: sup.id,
        changes: { role: 'county_admin' },
        version: sup.version,
        reason: '任系统管理员',
      })
    ).json().request;
    expect((await security.patch(`/users/${sup.id}`, { displayName: '督查员', version: sup.version })).statusCode).toBe(
      200,
    );
    expect((await decide(auditor, stale, 'approved')).json().code).toBe('version_conflict');
    expect(await userRow('supervisor')).toMatchObject({ role: 'supervisor' });
    // Rejected with a reason: nothing changes; the security administrator may withdraw their own request.
    const rejected = await decide(auditor, stale, 'rejected', '岗位未经党委研究');
    expect(rejected.json().request).toMatchObject({ status: 'rejected', decisionReason: '岗位未经党委研究' });
    const again = (
      await security.post('/account-requests', { kind: 'reset_totp', userId: adminUser.id, reason: '手机丢失' })
    ).json().request;
    // (The county administrator's sessions ended with its password reset above.)
    expect((await decide(auditor, again, 'cancelled')).json().code).toBe('not_requester');
    expect((await decide(security, again, 'cancelled', '填错了')).json().request.status).toBe('cancelled');
    const actions = (
      await db().selectFrom('audit_events').select('action').where('action', 'like', 'account_request.%').execute()
    ).map((e) => e.action);
    expect(actions.filter((a) => a === 'account_request.rejected')).toHaveLength(1);
    expect(actions.filter((a) => a === 'account_request.cancelled')).toHaveLength(1);
  });

  it('a request is decided once: two approvers at the same moment open one account, and the other is told it is already decided', async () => {
    const request = (
      await security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '新任系统管理员' })
    ).json().request;
    const replies = await Promise.all([decide(admin, request, 'approved'), decide(auditor, request, 'approved')]);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.statusCode === 409)?.json().code).toMatch(/^(illegal_transition|version_conflict)$/);
    expect(await db().selectFrom('users').select('id').where('username', '=', 'lixin').execute()).toHaveLength(1);
    expect(
      await db().selectFrom('audit_events').select('id').where('action', '=', 'user.create').execute(),
    ).toHaveLength(1);
  });

  it('one pending request per account, and one per username asked for, even when two are filed at the same moment: the other is told (409 request_pending, username_taken)', async () => {
    const adminUser = await account('admin');
    const resetAdmin = () =>
      security.post('/account-requests', { kind: 'reset_password', userId: adminUser.id, reason: '本人遗忘密码' });
    const outcome = (res: Reply) => `${res.statusCode} ${res.json().code ?? ''}`.trim();
    const twice = await Promise.all([resetAdmin(), resetAdmin()]);
    expect(twice.map(outcome).sort()).toEqual(['201', '409 request_pending']);
    // One after the other, the same; once the waiting one is withdrawn, the account may be asked about again.
    expect(codes(await resetAdmin())).toEqual([409, 'request_pending']);
    const waiting = twice.find((r) => r.statusCode === 201)?.json().request;
    expect((await decide(security, waiting, 'cancelled', '重复提交')).json().request.status).toBe('cancelled');
    expect((await resetAdmin()).statusCode).toBe(201);
    const openLixin = () =>
      security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '县委组织部新任系统管理员' });
    expect((await Promise.all([openLixin(), openLixin()])).map(outcome).sort()).toEqual(['201', '409 username_taken']);
    const pending = await db()
      .selectFrom('account_requests')
      .select(['kind', 'username'])
      .where('status', '=', 'pending')
      .orderBy('kind')
      .execute();
    expect(pending).toEqual([
      { kind: 'create', username: 'lixin' },
      { kind: 'reset_password', username: null },
    ]);
  });

  it("requests are scoped: an approver outside the account's region neither sees nor decides it (404)", async () => {
    // An auditor's scope is a county: the approver outside is the next county's.
    await addNeighbourCounty(db());
    await addUser(db(), 'fangaudit', 'auditor', { region: '411322' });
    const far = as(ctx.t.app, await login(ctx.t.app, 'fangaudit', PASSWORD));
    const request = (
      await security.post('/account-requests', {
        kind: 'create',
        account: { ...NEW_ADMIN, role: 'township_admin', regionCode: '411321106' },
        reason: '乡镇党委管理员',
      })
    ).json().request;
    expect((await far.get(`/account-requests/${request.id}`)).statusCode).toBe(404);
    expect((await far.get('/account-requests')).json().items).toEqual([]);
    expect((await decide(far, request, 'approved')).statusCode).toBe(404);
    expect((await admin.get(`/account-requests/${request.id}`)).statusCode).toBe(200);
    // Business roles have nothing to do with accounts.
    expect((await (await ctx.user('qiaoduan')).get('/account-requests')).statusCode).toBe(403);
  });
});

/**
 * What an account may be (its role and its scope agree) and who must agree to it. An account that reads a township's
 * or the county's register — a township administrator (it unmasks a township's households), any account scoped to
 * the county or wider, and the three administrators — is opened, changed, put back in service or given new
 * credentials only through a request a second person approves; an elevation issues new split credentials, so
 * nobody who knew the account's old password keeps it.
 */
describe('the shape of an account, and who must agree to it', () => {
  const { ctx, security, admin, auditor, db, userRow, account, tryLogin, decide, codes } = useAccounts();

  it('an elevation issues new split credentials: a password the requester knew does not open the elevated account', async () => {
    // The security administrator opens, alone, an account it may open alone, and so knows its password.
    const opened = await security.post('/users', {
      username: 'heping',
      displayName: '何平',
      role: 'supervisor',
      regionCode: '411321300',
    });
    expect(opened.statusCode).toBe(201);
    const holder = as(ctx.t.app, await login(ctx.t.app, 'heping', opened.json().oneTimePassword));
    const KNOWN = 'Bright-River-Pass-2026';
    expect(
      (await holder.post('/auth/password', { currentPassword: opened.json().oneTimePassword, newPassword: KNOWN }))
        .statusCode,
    ).toBe(200);
    // It enrols a second factor of its own, too.
    const setup = (await holder.post('/auth/totp/setup', { password: KNOWN })).json();
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await holder.post('/auth/totp/enable', { code: await generate({ secret: setup.secret, epoch: now }) }))
        .statusCode,
    ).toBe(200);
    const id = (await userRow('heping'))?.id as string;
    // It asks for the account to become a county administrator; an auditor approves.
    const before = await account('heping');
    const filed = await security.post('/account-requests', {
      kind: 'change',
      userId: before.id,
      changes: { role: 'county_admin', regionCode: '411321' },
      version: before.version,
      reason: '调任县委组织部',
    });
    expect(filed.statusCode).toBe(201);
    const approved = await decide(auditor, filed.json().request, 'approved');
    expect(approved.statusCode).toBe(200);
    expect(await userRow('heping')).toMatchObject({ role: 'county_admin', scope_region_code: '411321' });
    // The password the requester knew no longer opens it (not even as far as the second factor), and the session it
    // held has ended.
    const withCode = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'heping', password: KNOWN, code: await generate({ secret: setup.secret, epoch: now + 30 }) },
    });
    expect(codes(withCode)).toEqual([401, 'invalid_credentials']);
    expect((await holder.get('/auth/me')).statusCode).toBe(401);
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', id).execute()).toEqual([]);
    // New credentials split the way a new administrator account's are: half to the requester, half to the approver.
    const first = filed.json().passwordPart as string;
    const second = approved.json().passwordPart as string;
    expect([first, second]).toEqual([
      expect.stringMatching(/^[A-Za-z0-9]{10}$/),
      expect.stringMatching(/^[A-Za-z0-9]{10}$/),
    ]);
    expect((await tryLogin('heping', first)).statusCode).toBe(401);
    expect((await tryLogin('heping', second)).statusCode).toBe(401);
    expect(await userRow('heping')).toMatchObject({ must_change_password: 1, totp_enabled: 0, totp_secret_enc: null });
    expect(await db().selectFrom('recovery_codes').select('id').where('user_id', '=', id).execute()).toEqual([]);
    const both = await tryLogin('heping', first + second);
    expect([both.statusCode, both.json().pending]).toEqual([200, 'password_change']);
    // A change that leaves an account the security administrator's alone issues nothing new.
    const sup = await account('supervisor');
    const down = (
      await security.post('/account-requests', {
        kind: 'change',
        userId: sup.id,
        changes: { regionCode: '411321106' },
        version: sup.version,
        reason: '下沉乡镇',
      })
    ).json();
    expect(down.passwordPart).toBeNull();
    expect((await decide(admin, down.request, 'approved')).json().passwordPart).toBeNull();
    expect((await tryLogin('supervisor', PASSWORD)).statusCode).toBe(200);
  });

  it("an account's role and scope agree", async () => {
    const c = ctx.county;
    const scopeInvalid = [400, 'account_scope_invalid'];
    const bad: [Record<string, unknown>, string][] = [
      [{ role: 'township_admin', regionCode: '411321', actingPartyOrgId: c.partyOrgs.county }, 'regionCode'],
      [{ role: 'township_admin', regionCode: '411321106', actingPartyOrgId: c.partyOrgs.cheng }, 'actingPartyOrgId'],
      [
        { role: 'township_admin', regionCode: '411321106', actingPartyOrgId: c.partyOrgs.qiaoPowerBranch },
        'actingPartyOrgId',
      ],
      [{ role: 'org_secretary', orgId: c.orgs.committee.id, memberId: c.members.countyOfficer }, 'orgId'],
      [{ role: 'org_secretary', orgId: c.orgs.qiaoGroup.id, memberId: c.members.qiaoSecretary }, 'orgId'],
      [{ role: 'org_secretary', regionCode: '411321' }, 'regionCode'],
      [{ role: 'org_secretary', orgId: c.orgs.chengBranch.id, memberId: c.members.chengOther }, 'memberId'],
      [{ role: 'org_secretary', orgId: c.orgs.chengBranch.id }, 'memberId'],
      [
        {
          role: 'org_secretary',
          orgId: c.orgs.qiaoBranch.id,
          memberId: c.members.qiaoSecretary,
          actingPartyOrgId: c.partyOrgs.qiao,
        },
        'actingPartyOrgId',
      ],
      [{ role: 'member', regionCode: '411321' }, 'regionCode'],
      [{ role: 'member', orgId: c.orgs.qiaoBranch.id, memberId: c.members.chengMember }, 'memberId'],
      [
        { role: 'member', orgId: c.orgs.qiaoBranch.id, memberId: c.members.qiaoOther, regionCode: '411321106' },
        'regionCode',
      ],
      [{ role: 'supervisor', regionCode: '411321106200' }, 'regionCode'],
      [{ role: 'supervisor', regionCode: '411321106', actingPartyOrgId: c.partyOrgs.qiao }, 'actingPartyOrgId'],
      [{ role: 'supervisor', orgId: c.orgs.qiaoBranch.id }, 'orgId'],
    ];
    for (const [i, [shape, field]] of bad.entries()) {
      const res = await security.post('/users', { username: `bad${i}`, displayName: '错', ...shape });
      expect([shape, ...codes(res), res.json().errors?.map((e: { path: string }) => e.path)]).toEqual([
        shape,
        ...scopeInvalid,
        expect.arrayContaining([field]),
      ]);
    }
    // Administrator accounts are asked for, and refused when asked for in the wrong shape.
    const badAdmins: [Record<string, unknown>, string][] = [
      [{ role: 'auditor', regionCode: '411321106' }, 'regionCode'],
      [{ role: 'county_admin', regionCode: '411321', actingPartyOrgId: c.partyOrgs.qiao }, 'actingPartyOrgId'],
      [{ role: 'security_admin', regionCode: '411321', actingPartyOrgId: c.partyOrgs.county }, 'actingPartyOrgId'],
      [{ role: 'county_admin', regionCode: '411321', orgId: c.orgs.committee.id }, 'orgId'],
      [{ role: 'auditor', regionCode: '411321', memberId: c.members.countyOfficer }, 'memberId'],
    ];
    for (const [i, [shape, field]] of badAdmins.entries()) {
      const res = await security.post('/account-requests', {
        kind: 'create',
        account: { username: `badadmin${i}`, displayName: '错', ...shape },
        reason: '开设',
      });
      expect([shape, ...codes(res), res.json().errors?.map((e: { path: string }) => e.path)]).toEqual([
        shape,
        ...scopeInvalid,
        expect.arrayContaining([field]),
      ]);
    }
    expect(await db().selectFrom('users').select('id').where('username', 'like', 'bad%').execute()).toEqual([]);
    expect(await db().selectFrom('account_requests').select('id').execute()).toEqual([]);
    // The shapes that are right: a branch secretary, a member of a branch through its party group.
    expect(
      (
        await security.post('/users', {
          username: 'chenjing',
          displayName: '陈静',
          role: 'org_secretary',
          orgId: c.orgs.chengBranch.id,
          memberId: c.members.chengMember,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await security.post('/users', {
          username: 'liuyang',
          displayName: '刘洋',
          role: 'member',
          orgId: c.orgs.chengBranch.id,
          memberId: c.members.chengOther,
        })
      ).statusCode,
    ).toBe(201);

    // Through a change: the same rule.
    const qiao = await account('qiaoduan');
    expect(codes(await security.patch(`/users/${qiao.id}`, { regionCode: '411321', version: qiao.version }))).toEqual(
      scopeInvalid,
    );
    const baihe = await account('baihe');
    for (const change of [
      { regionCode: '411321' },
      { orgId: c.orgs.chengBranch.id },
      { orgId: c.orgs.committee.id },
      { memberId: c.members.qiaoOther },
      { role: 'member', orgId: c.orgs.chengBranch.id },
    ]) {
      expect([
        change,
        ...codes(await security.patch(`/users/${baihe.id}`, { ...change, version: baihe.version })),
      ]).toEqual([change, ...scopeInvalid]);
    }
    expect(await userRow('baihe')).toMatchObject({
      role: 'org_secretary',
      scope_org_id: c.orgs.qiaoBranch.id,
      scope_region_code: null,
    });
    const cheng = await account('chengjiao');
    const badChange = await security.post('/account-requests', {
      kind: 'change',
      userId: cheng.id,
      changes: { role: 'county_admin', regionCode: '411321' },
      version: cheng.version,
      reason: '调任',
    });
    expect(codes(badChange)).toEqual(scopeInvalid);
    // An approved change is checked again when it takes effect: the secretary's post ended meanwhile.
    const toBranch = {
      role: 'org_secretary',
      regionCode: null,
      actingPartyOrgId: null,
      orgId: c.orgs.chengBranch.id,
      memberId: c.members.chengMember,
    };
    const filed = await security.post('/account-requests', {
      kind: 'change',
      userId: cheng.id,
      changes: toBranch,
      version: cheng.version,
      reason: '改任支部书记',
    });
    expect(filed.statusCode).toBe(201);
    await db()
      .updateTable('memberships')
      .set({ end_on: '2020-01-01', end_reason: '调离' })
      .where('member_id', '=', c.members.chengMember)
      .execute();
    expect(codes(await decide(auditor, filed.json().request, 'approved'))).toEqual(scopeInvalid);
    expect(await userRow('chengjiao')).toMatchObject({ role: 'township_admin', scope_region_code: '411321300' });
    expect((await auditor.get(`/account-requests/${filed.json().request.id}`)).json().status).toBe('pending');
  });

  it("an account's role and scope agree: the demo county's and the test county's accounts have the shape their role asks", async () => {
    expect(await accountsOutOfShape(db())).toEqual([]);
    const demo = await testApp();
    try {
      await seedDemo(demo.db.db, await hashPassword(PASSWORD), new DataCipher(randomBytes(32)));
      const seen = await demo.db.db.selectFrom('users').select('id').execute();
      expect(seen.length).toBeGreaterThanOrEqual(7);
      expect(await accountsOutOfShape(demo.db.db)).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('a request for what the security administrator may do alone is refused as unneeded (409 approval_not_needed): opening, changing or resetting an account that reads one township at most', async () => {
    const c = ctx.county;
    const unneeded = [409, 'approval_not_needed'];
    const CHENJING = {
      username: 'chenjing',
      displayName: '陈静',
      role: 'org_secretary',
      orgId: c.orgs.chengBranch.id,
      memberId: c.members.chengMember,
    };
    expect(
      codes(await security.post('/account-requests', { kind: 'create', account: CHENJING, reason: '新任支部书记' })),
    ).toEqual(unneeded);
    const baihe = await account('baihe');
    expect(
      codes(
        await security.post('/account-requests', {
          kind: 'change',
          userId: baihe.id,
          changes: { role: 'member' },
          version: baihe.version,
          reason: '改任党员',
        }),
      ),
    ).toEqual(unneeded);
    expect(
      codes(await security.post('/account-requests', { kind: 'reset_totp', userId: baihe.id, reason: '手机丢失' })),
    ).toEqual(unneeded);
    // A township supervisor moved to another township reads one township before and after.
    expect(
      (
        await security.post('/users', {
          username: 'xiangdu',
          displayName: '乡督',
          role: 'supervisor',
          regionCode: '411321300',
        })
      ).statusCode,
    ).toBe(201);
    const xiangdu = await account('xiangdu');
    expect(
      codes(
        await security.post('/account-requests', {
          kind: 'change',
          userId: xiangdu.id,
          changes: { regionCode: '411321106' },
          version: xiangdu.version,
          reason: '调往乔端镇',
        }),
      ),
    ).toEqual(unneeded);
    expect(await db().selectFrom('account_requests').select('id').execute()).toEqual([]);
    // Done directly instead.
    expect((await security.post('/users', CHENJING)).statusCode).toBe(201);
    expect(
      (await security.patch(`/users/${xiangdu.id}`, { regionCode: '411321106', version: xiangdu.version })).statusCode,
    ).toBe(200);
  });

  it("accounts whose role and scope disagree are listed (lianjian check-accounts), and the operator's own door (lianjian create-user) checks an account as every door does", async () => {
    const c = ctx.county;
    expect(await accountsOutOfShape(db())).toEqual([]);
    // What an older create-user left behind: a branch secretary's account with no person, a township administrator over the county.
    await addUser(db(), 'oldsecretary', 'org_secretary', { org: c.orgs.qiaoBranch.id });
    await addUser(db(), 'oldtownship', 'township_admin', { region: '411321' });
    const listed = await accountsOutOfShape(db());
    expect(listed.map((a) => [a.username, a.role, a.errors.map((e) => e.path)])).toEqual([
      ['oldsecretary', 'org_secretary', ['memberId']],
      ['oldtownship', 'township_admin', ['regionCode']],
    ]);
    // create-user opens through the service: the shape, the unique name and the audit row, acting as the system.
    const users = new UserService(db(), ctx.t.app.auditTrail);
    const passwordHash = await hashPassword(PASSWORD);
    const noPerson = {
      username: 'xinshuji',
      displayName: '新书记',
      role: 'org_secretary' as const,
      orgId: c.orgs.qiaoBranch.id,
    };
    await expect(users.openAsOperator(noPerson, passwordHash)).rejects.toMatchObject({
      status: 400,
      code: 'account_scope_invalid',
    });
    await expect(
      users.openAsOperator(
        { username: 'admin', displayName: '重名', role: 'auditor', regionCode: '411321' },
        passwordHash,
      ),
    ).rejects.toMatchObject({ status: 409, code: 'username_taken' });
    const opened = await users.openAsOperator({ ...noPerson, memberId: c.members.qiaoSecretary }, passwordHash);
    expect(opened).toMatchObject({
      username: 'xinshuji',
      role: 'org_secretary',
      orgId: c.orgs.qiaoBranch.id,
      memberId: c.members.qiaoSecretary,
      mustChangePassword: true,
    });
    const trail = await db()
      .selectFrom('audit_events')
      .select(['action', 'user_id'])
      .where('entity_id', '=', opened.id)
      .execute();
    expect(trail).toEqual([{ action: 'user.create', user_id: 'system' }]);
    expect((await accountsOutOfShape(db())).map((a) => a.username)).toEqual(['oldsecretary', 'oldtownship']);
  });

  it("accounts that read a township's or the county's register need a second person: township administrator and county-wide accounts, their changes and credential resets", async () => {
    const c = ctx.county;
    const WANGLI = {
      username: 'wangli',
      displayName: '王丽',
      role: 'township_admin',
      regionCode: '411321106',
      actingPartyOrgId: c.partyOrgs.qiao,
    };
    const required = [403, 'approval_required'];
    expect(codes(await security.post('/users', WANGLI))).toEqual(required);
    expect(
      codes(
        await security.post('/users', {
          username: 'dubao',
          displayName: '督办',
          role: 'supervisor',
          regionCode: '411321',
        }),
      ),
    ).toEqual(required);
    const qiao = await account('qiaoduan');
    const qiaoBefore = await userRow('qiaoduan');
    expect(codes(await security.post(`/users/${qiao.id}/reset-password`, { reason: '遗忘密码' }))).toEqual(required);
    expect(codes(await security.post(`/users/${qiao.id}/reset-totp`, { reason: '手机丢失' }))).toEqual(required);
    expect(
      codes(
        await security.patch(`/users/${qiao.id}`, {
          regionCode: '411321300',
          actingPartyOrgId: c.partyOrgs.cheng,
          version: qiao.version,
        }),
      ),
    ).toEqual(required);
    expect(
      codes(
        await security.patch(`/users/${qiao.id}`, {
          role: 'supervisor',
          actingPartyOrgId: null,
          version: qiao.version,
        }),
      ),
    ).toEqual(required);
    // Into the county's register, or out of it: a county-wide supervisor, a township one raised to the county, a branch secretary made supervisor.
    const sup = await account('supervisor');
    expect(codes(await security.patch(`/users/${sup.id}`, { regionCode: '411321106', version: sup.version }))).toEqual(
      required,
    );
    expect(codes(await security.post(`/users/${sup.id}/reset-password`, { reason: '遗忘密码' }))).toEqual(required);
    expect(
      (
        await security.post('/users', {
          username: 'xiangdu',
          displayName: '乡督',
          role: 'supervisor',
          regionCode: '411321300',
        })
      ).statusCode,
    ).toBe(201);
    const xiangdu = await account('xiangdu');
    expect(
      codes(await security.patch(`/users/${xiangdu.id}`, { regionCode: '411321', version: xiangdu.version })),
    ).toEqual(required);
    const baihe = await account('baihe');
    expect(
      codes(
        await security.patch(`/users/${baihe.id}`, {
          role: 'supervisor',
          regionCode: '411321',
          orgId: null,
          memberId: null,
          version: baihe.version,
        }),
      ),
    ).toEqual(required);
    // The register an organization's account reads is what the organization covers: a county special branch's is the county's.
    const countyWide = {
      username: 'zhouqiang',
      displayName: '周强',
      role: 'member',
      orgId: c.orgs.special.id,
      memberId: c.members.countyOfficer,
    };
    expect(codes(await security.post('/users', countyWide))).toEqual(required);
    expect(
      codes(
        await security.patch(`/users/${baihe.id}`, {
          role: 'member',
          orgId: c.orgs.special.id,
          memberId: c.members.countyOfficer,
          version: baihe.version,
        }),
      ),
    ).toEqual(required);
    // A branch whose coverage spans two townships reads both townships' registers: its secretary's account needs a second person too.
    await db()
      .insertInto('org_regions')
      .values({ org_id: c.orgs.chengBranch.id, region_code: '411321106200' })
      .execute();
    expect(
      codes(
        await security.post('/users', {
          username: 'chenjing',
          displayName: '陈静',
          role: 'org_secretary',
          orgId: c.orgs.chengBranch.id,
          memberId: c.members.chengMember,
        }),
      ),
    ).toEqual(required);
    // Out of service at once, alone; back in service with a second person.
    const off = await security.patch(`/users/${qiao.id}`, { active: false, version: qiao.version });
    expect(off.statusCode).toBe(200);
    expect(codes(await security.patch(`/users/${qiao.id}`, { active: true, version: off.json().version }))).toEqual(
      required,
    );
    expect(await userRow('wangli')).toBeUndefined();
    expect(await userRow('qiaoduan')).toMatchObject({
      role: 'township_admin',
      scope_region_code: '411321106',
      password_hash: qiaoBefore?.password_hash,
      active: 0,
    });
    // A branch's accounts stay the security administrator's alone, and asking for one is refused as unneeded.
    expect((await security.post(`/users/${baihe.id}/reset-password`, { reason: '遗忘密码' })).statusCode).toBe(200);
    expect(
      codes(await security.post('/account-requests', { kind: 'reset_password', userId: baihe.id, reason: '遗忘密码' })),
    ).toEqual([409, 'approval_not_needed']);

    // The request path: a township administrator opened by two people.
    const filed = await security.post('/account-requests', {
      kind: 'create',
      account: WANGLI,
      reason: '乔端镇党委新任管理员',
    });
    expect(filed.statusCode).toBe(201);
    const opened = await decide(admin, filed.json().request, 'approved');
    expect(opened.statusCode).toBe(200);
    expect(await userRow('wangli')).toMatchObject({
      role: 'township_admin',
      scope_region_code: '411321106',
      acting_party_org_id: c.partyOrgs.qiao,
      must_change_password: 1,
    });
    expect((await tryLogin('wangli', filed.json().passwordPart + opened.json().passwordPart)).json().pending).toBe(
      'password_change',
    );
    // Back in service, and new credentials, through requests.
    const disabled = await account('qiaoduan');
    const back = (
      await security.post('/account-requests', {
        kind: 'change',
        userId: disabled.id,
        changes: { active: true },
        version: disabled.version,
        reason: '复岗',
      })
    ).json();
    expect((await decide(auditor, back.request, 'approved')).statusCode).toBe(200);
    expect((await tryLogin('qiaoduan', PASSWORD)).statusCode).toBe(401);
    const reset = (
      await security.post('/account-requests', {
        kind: 'reset_password',
        userId: disabled.id,
        reason: '本人遗忘密码，已当面核实',
      })
    ).json();
    const second = (await decide(auditor, reset.request, 'approved')).json().passwordPart;
    expect((await tryLogin('qiaoduan', reset.passwordPart + second)).json().pending).toBe('password_change');
    await db()
      .updateTable('users')
      .set({ totp_enabled: 1, totp_secret_enc: 'enrolled' })
      .where('username', '=', 'qiaoduan')
      .execute();
    const totp = (
      await security.post('/account-requests', { kind: 'reset_totp', userId: disabled.id, reason: '手机丢失' })
    ).json();
    expect(totp.passwordPart).toBeNull();
    expect((await decide(admin, totp.request, 'approved')).statusCode).toBe(200);
    expect(await userRow('qiaoduan')).toMatchObject({ totp_enabled: 0, totp_secret_enc: null, active: 1 });
  });

  it('the security administrator ties an account to an organization and a person from ids and names only, inside its region, without reading organizations or members', async () => {
    const c = ctx.county;
    const found = await security.get(`/users/scope-options?orgQuery=${encodeURIComponent('国储林')}`);
    expect(found.statusCode).toBe(200);
    expect(found.json().orgs).toEqual([
      {
        id: c.orgs.chengBranch.id,
        name: '国储林基地临时党支部',
        level: 'branch',
        coverage: ['411321300214'],
        candidates: expect.arrayContaining([
          { memberId: c.members.chengMember, name: '陈静', secretary: true },
          { memberId: c.members.chengOther, name: '刘洋', secretary: false },
        ]),
      },
    ]);
    expect(found.json().orgs[0].candidates).toHaveLength(2);
    expect(
      found
        .json()
        .committees.map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual([c.partyOrgs.county, c.partyOrgs.qiao, c.partyOrgs.cheng].sort());
    const one = (await security.get(`/users/scope-options?orgId=${c.orgs.qiaoBranch.id}`)).json().orgs;
    expect(one.map((o: { id: string }) => o.id)).toEqual([c.orgs.qiaoBranch.id]);
    // Party groups are reached through their branch; a dissolved organization is offered to no one.
    const all = (await security.get('/users/scope-options')).json().orgs.map((o: { id: string }) => o.id);
    expect(all).not.toContain(c.orgs.qiaoGroup.id);
    await db()
      .updateTable('temporary_orgs')
      .set({ status: 'dissolved', dissolved_on: '2020-01-01' })
      .where('id', '=', c.orgs.special.id)
      .execute();
    expect((await security.get('/users/scope-options')).json().orgs.map((o: { id: string }) => o.id)).not.toContain(
      c.orgs.special.id,
    );
    // Still no business reads for the security administrator; no one else uses the form's choices.
    expect((await security.get('/orgs')).statusCode).toBe(403);
    expect((await security.get(`/orgs/${c.orgs.chengBranch.id}/memberships`)).statusCode).toBe(403);
    for (const who of ['admin', 'qiaoduan', 'baihe', 'auditor'] as const) {
      expect([who, (await (await ctx.user(who)).get('/users/scope-options')).statusCode]).toEqual([who, 403]);
    }
  });

  it('an approver sees everything an approval would grant: role, region, organization, acting party organization and member, by name', async () => {
    const c = ctx.county;
    const filed = await security.post('/account-requests', {
      kind: 'create',
      account: {
        username: 'lixin',
        displayName: '李欣',
        role: 'county_admin',
        regionCode: '411321',
        actingPartyOrgId: c.partyOrgs.county,
      },
      reason: '新任',
    });
    expect(filed.statusCode).toBe(201);
    const created = filed.json().request;
    expect((await auditor.get(`/account-requests/${created.id}`)).json()).toMatchObject({
      kind: 'create',
      role: 'county_admin',
      regionCode: '411321',
      regionName: '南召县',
      orgId: null,
      orgName: null,
      actingPartyOrgId: c.partyOrgs.county,
      actingPartyOrgName: '中共南召县委员会',
      memberId: null,
      memberName: null,
      newCredentials: true,
    });
    const cheng = await account('chengjiao');
    const toBranch = {
      role: 'org_secretary',
      regionCode: null,
      actingPartyOrgId: null,
      orgId: c.orgs.chengBranch.id,
      memberId: c.members.chengMember,
    };
    const change = await security.post('/account-requests', {
      kind: 'change',
      userId: cheng.id,
      changes: toBranch,
      version: cheng.version,
      reason: '改任支部书记',
    });
    expect(change.statusCode).toBe(201);
    const changed = change.json().request;
    const seen = (await auditor.get('/account-requests?status=pending'))
      .json()
      .items.find((r: { id: string }) => r.id === changed.id);
    expect(seen).toMatchObject({
      kind: 'change',
      username: 'chengjiao',
      role: 'org_secretary',
      regionCode: null,
      regionName: null,
      orgId: c.orgs.chengBranch.id,
      orgName: '国储林基地临时党支部',
      actingPartyOrgId: null,
      actingPartyOrgName: null,
      memberId: c.members.chengMember,
      memberName: '陈静',
      changes: toBranch,
      newCredentials: false,
    });
  });
});
