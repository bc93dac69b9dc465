import { beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addUser } from './factories.ts';
import { type Client, as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/**
 * Dual control (双人控制, GB/T 22239 level 3 三权分立): an account with administrator powers — the system
 * administrator, the security administrator, the audit administrator — is opened, raised, moved or given new
 * credentials only when a second person approves what the security administrator filed. The one-time password
 * of such an account is split between the two: neither can log in as it alone.
 */
describe('dual control of privileged accounts', () => {
  const ctx = useCounty();
  let security: Client;
  let admin: Client;
  let auditor: Client;
  beforeEach(async () => {
    security = await ctx.user('security');
    admin = await ctx.user('admin');
    auditor = await ctx.user('auditor');
  });

  const db = () => ctx.t.db.db;
  const userRow = (username: string) => db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const userId = async (username: string) => ((await userRow(username))?.id ?? '') as string;
  const tryLogin = (username: string, password: string) => ctx.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const decide = (c: Client, r: { id: string; version: number }, to: 'approved' | 'rejected' | 'cancelled', reason = '经电话核实，同意') =>
    c.post(`/account-requests/${r.id}/transitions`, { to, reason, version: r.version });
  const NEW_ADMIN = { username: 'lixin', displayName: '李欣', role: 'county_admin', regionCode: '411321' };

  it('creating a privileged account needs a second person: the security administrator files it, nothing exists until a county administrator or auditor approves, and the one-time password is split between the two', async () => {
    for (const role of ['county_admin', 'security_admin', 'auditor']) {
      const direct = await security.post('/users', { ...NEW_ADMIN, username: `direct${role.slice(0, 3)}`, role });
      expect([role, direct.statusCode, direct.json().code]).toEqual([role, 403, 'approval_required']);
    }
    expect(await userRow('directcou')).toBeUndefined();
    const filed = await security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '县委组织部新任系统管理员' });
    expect(filed.statusCode).toBe(201);
    const { request, passwordPart: first } = filed.json();
    expect(request).toMatchObject({ kind: 'create', status: 'pending', username: 'lixin', role: 'county_admin', abilities: { approve: false, reject: false, cancel: true } });
    expect(first).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(await userRow('lixin')).toBeUndefined();
    // The same account cannot be asked for twice while the first request waits.
    expect((await security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '重复' })).json().code).toBe('username_taken');
    // The requester cannot approve; neither can a second security administrator.
    expect((await decide(security, request, 'approved')).statusCode).toBe(403);
    await addUser(db(), 'security2', 'security_admin', { region: '411321' });
    expect((await decide(as(ctx.t.app, await login(ctx.t.app, 'security2', PASSWORD)), request, 'approved')).statusCode).toBe(403);
    // The approver sees what waits for them and is told what they may do.
    const waiting = (await admin.get('/account-requests?status=pending')).json().items;
    expect(waiting.map((r: { id: string }) => r.id)).toEqual([request.id]);
    expect(waiting[0].abilities).toEqual({ approve: true, reject: true, cancel: false });
    expect((await admin.post(`/account-requests/${request.id}/transitions`, { to: 'approved', version: request.version })).statusCode).toBe(400);
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
    const trail = await db().selectFrom('audit_events').select(['action', 'user_id', 'request_id', 'entity_id']).where('action', 'in', ['account_request.file', 'account_request.approved', 'user.create']).orderBy('seq').execute();
    expect(trail.map((e) => e.action)).toEqual(['account_request.file', 'account_request.approved', 'user.create']);
    expect(trail[1]?.request_id).toBe(trail[2]?.request_id);
    expect(trail[2]?.entity_id).toBe(created?.id);
    expect(trail[1]?.user_id).toBe(await userId('admin'));
  });

  it('no account changes its own role or scope, through any route', async () => {
    const me = (await security.get('/users?q=security')).json().items.find((u: { username: string }) => u.username === 'security');
    for (const change of [{ regionCode: '411321106' }, { orgId: ctx.county.orgs.qiaoBranch.id }, { role: 'county_admin' }, { active: false }]) {
      const res = await security.patch(`/users/${me.id}`, { ...change, version: me.version });
      expect([change, res.statusCode, res.json().code]).toEqual([change, 403, 'own_account']);
    }
    expect((await userRow('security'))?.scope_region_code).toBe('411321');
    for (const body of [
      { kind: 'change', userId: me.id, changes: { regionCode: '411321106' }, version: me.version, reason: '调整' },
      { kind: 'reset_password', userId: me.id, reason: '遗忘' },
      { kind: 'reset_totp', userId: me.id, reason: '换手机' },
    ]) {
      const res = await security.post('/account-requests', body);
      expect([body.kind, res.statusCode, res.json().code]).toEqual([body.kind, 403, 'own_account']);
    }
    // The account a request is about never approves it: the county administrator's own scope is for the auditor to confirm.
    const adminUser = (await security.get('/users?q=admin')).json().items.find((u: { username: string }) => u.username === 'admin');
    const filed = (await security.post('/account-requests', { kind: 'change', userId: adminUser.id, changes: { regionCode: '411321106' }, version: adminUser.version, reason: '调任乡镇' })).json().request;
    expect((await admin.get(`/account-requests/${filed.id}`)).json().abilities.approve).toBe(false);
    const own = await decide(admin, filed, 'approved');
    expect([own.statusCode, own.json().code]).toEqual([403, 'own_account']);
    expect((await userRow('admin'))?.scope_region_code).toBe('411321');
    expect((await decide(auditor, filed, 'approved')).statusCode).toBe(200);
    expect((await userRow('admin'))?.scope_region_code).toBe('411321106');
  });

  it('raising an account to administrator, or changing an administrator account\'s role, scope or credentials, needs approval; other accounts stay the security administrator\'s alone', async () => {
    const list = async () => (await security.get('/users')).json().items as { id: string; username: string; version: number }[];
    const byName = async (n: string) => (await list()).find((u) => u.username === n) as { id: string; version: number };
    const qiao = await byName('qiaoduan');
    const adminUser = await byName('admin');
    const auditorUser = await byName('auditor');
    const refusals = [
      await security.patch(`/users/${qiao.id}`, { role: 'county_admin', version: qiao.version }),
      await security.patch(`/users/${auditorUser.id}`, { role: 'township_admin', version: auditorUser.version }),
      await security.patch(`/users/${adminUser.id}`, { regionCode: '411321106', version: adminUser.version }),
      await security.post(`/users/${adminUser.id}/reset-password`, { reason: '遗忘密码' }),
      await security.post(`/users/${adminUser.id}/reset-totp`, { reason: '手机丢失' }),
    ];
    expect(refusals.map((r) => [r.statusCode, r.json().code])).toEqual(Array(5).fill([403, 'approval_required']));
    expect(await userRow('qiaoduan')).toMatchObject({ role: 'township_admin' });
    // Taking an administrator out of service at once stays possible; putting one back needs approval.
    await addUser(db(), 'oldaudit', 'auditor', { region: '411321' });
    const oldAudit = await byName('oldaudit');
    const off = await security.patch(`/users/${oldAudit.id}`, { active: false, version: oldAudit.version });
    expect(off.statusCode).toBe(200);
    expect((await security.patch(`/users/${oldAudit.id}`, { active: true, version: off.json().version })).json().code).toBe('approval_required');
    // Accounts without administrator powers: as before.
    expect((await security.patch(`/users/${qiao.id}`, { role: 'supervisor', version: qiao.version })).statusCode).toBe(200);
    expect((await security.post(`/users/${qiao.id}/reset-password`, { reason: '遗忘密码' })).statusCode).toBe(200);

    // An elevation through a request: approved by the county administrator, effective at once, the account's sessions end.
    const chengCookie = await login(ctx.t.app, 'chengjiao', PASSWORD);
    const cheng = await byName('chengjiao');
    const raise = (await security.post('/account-requests', { kind: 'change', userId: cheng.id, changes: { role: 'auditor', regionCode: '411321' }, version: cheng.version, reason: '轮岗任审计管理员' })).json().request;
    expect(raise).toMatchObject({ kind: 'change', role: 'auditor', changes: { role: 'auditor', regionCode: '411321' } });
    expect((await decide(admin, raise, 'approved')).statusCode).toBe(200);
    expect(await userRow('chengjiao')).toMatchObject({ role: 'auditor', scope_region_code: '411321' });
    expect((await as(ctx.t.app, chengCookie).get('/auth/me')).statusCode).toBe(401);

    // A password reset of an administrator: the security administrator's half alone does not open the account.
    const reset = (await security.post('/account-requests', { kind: 'reset_password', userId: adminUser.id, reason: '本人遗忘密码，已当面核实' })).json();
    expect((await tryLogin('admin', reset.passwordPart)).statusCode).toBe(401);
    expect((await tryLogin('admin', PASSWORD)).statusCode).toBe(200);
    const approved = await decide(auditor, reset.request, 'approved');
    expect(approved.statusCode).toBe(200);
    expect((await tryLogin('admin', PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin('admin', reset.passwordPart + approved.json().passwordPart)).json().pending).toBe('password_change');

    // A request goes stale when its account changed meanwhile: the approver is told, nothing is applied.
    const sup = await byName('supervisor');
    const stale = (await security.post('/account-requests', { kind: 'change', userId: sup.id, changes: { role: 'county_admin' }, version: sup.version, reason: '任系统管理员' })).json().request;
    expect((await security.patch(`/users/${sup.id}`, { displayName: '督查员', version: sup.version })).statusCode).toBe(200);
    expect((await decide(auditor, stale, 'approved')).json().code).toBe('version_conflict');
    expect(await userRow('supervisor')).toMatchObject({ role: 'supervisor' });
    // Rejected with a reason: nothing changes; the security administrator may withdraw their own request.
    const rejected = await decide(auditor, stale, 'rejected', '岗位未经党委研究');
    expect(rejected.json().request).toMatchObject({ status: 'rejected', decisionReason: '岗位未经党委研究' });
    const again = (await security.post('/account-requests', { kind: 'reset_totp', userId: adminUser.id, reason: '手机丢失' })).json().request;
    // (The county administrator's sessions ended with its password reset above.)
    expect((await decide(auditor, again, 'cancelled')).json().code).toBe('not_requester');
    expect((await decide(security, again, 'cancelled', '填错了')).json().request.status).toBe('cancelled');
    const actions = (await db().selectFrom('audit_events').select('action').where('action', 'like', 'account_request.%').execute()).map((e) => e.action);
    expect(actions.filter((a) => a === 'account_request.rejected')).toHaveLength(1);
    expect(actions.filter((a) => a === 'account_request.cancelled')).toHaveLength(1);
  });

  it('a request is decided once: two approvers at the same moment open one account, and the other is told it is already decided', async () => {
    const request = (await security.post('/account-requests', { kind: 'create', account: NEW_ADMIN, reason: '新任系统管理员' })).json().request;
    const replies = await Promise.all([decide(admin, request, 'approved'), decide(auditor, request, 'approved')]);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.statusCode === 409)?.json().code).toMatch(/^(illegal_transition|version_conflict)$/);
    expect(await db().selectFrom('users').select('id').where('username', '=', 'lixin').execute()).toHaveLength(1);
    expect(await db().selectFrom('audit_events').select('id').where('action', '=', 'user.create').execute()).toHaveLength(1);
  });

  it('requests are scoped: an approver outside the account\'s region neither sees nor decides it (404)', async () => {
    await addUser(db(), 'chengaudit', 'auditor', { region: '411321300' });
    const far = as(ctx.t.app, await login(ctx.t.app, 'chengaudit', PASSWORD));
    const request = (await security.post('/account-requests', { kind: 'create', account: { ...NEW_ADMIN, role: 'auditor', regionCode: '411321106' }, reason: '乡镇审计' })).json().request;
    expect((await far.get(`/account-requests/${request.id}`)).statusCode).toBe(404);
    expect((await far.get('/account-requests')).json().items).toEqual([]);
    expect((await decide(far, request, 'approved')).statusCode).toBe(404);
    expect((await admin.get(`/account-requests/${request.id}`)).statusCode).toBe(200);
    // Business roles have nothing to do with accounts.
    expect((await (await ctx.user('qiaoduan')).get('/account-requests')).statusCode).toBe(403);
  });
});
