import { type AccountChange, type AccountState, type UserRole, accountAfter, changeNeedsApproval, needsSecondPerson } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId } from '../../lib/ids.ts';
import { Problem, conflict, forbidden, notFound, versionConflict } from '../../lib/problem.ts';
import { generatePassword } from '../../lib/passwords.ts';
import { coverageOf, underRegion } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ScopeOptionsView, UserView } from './users.schemas.ts';
import { isOwnAccount } from './users.policy.ts';
import { hashPassword } from '../auth/auth.routes.ts';
import { contains } from '../../lib/like.ts';
import { checkAccountShape, scopeOptions } from './account-shape.ts';

export interface CreateUser {
  username: string;
  displayName: string;
  role: UserRole;
  regionCode?: string | null;
  orgId?: string | null;
  actingPartyOrgId?: string | null;
  memberId?: string | null;
}

export interface UpdateUser extends AccountChange {
  displayName?: string;
  version: number;
}

/** A change of what an account reaches (its role or scope), or putting it back in service: its shape is checked again. */
const reshapes = (c: AccountChange) =>
  c.role !== undefined || c.regionCode !== undefined || c.orgId !== undefined || c.actingPartyOrgId !== undefined || c.memberId !== undefined || c.active === true;

/** An account as `base` reads it. */
interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  scope_region_code: string | null;
  scope_org_id: string | null;
  org_name: string | null;
  acting_party_org_id: string | null;
  member_id: string | null;
  active: number;
  locked_until?: string | null;
  totp_enabled?: number;
  must_change_password?: number;
  version: number;
  created_at: string;
}

/** Accounts the security administrator answers for: scoped to a region, or to an organization in that region. */
function userInScope(actor: Actor): RawBuilder<SqlBool> {
  if (actor.regionCode === null) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${underRegion('u.scope_region_code', actor.regionCode)} or exists (select 1 from temporary_orgs so where so.id = u.scope_org_id and ${underRegion('so.region_code', actor.regionCode)}))`;
}

/**
 * Accounts, roles and second factors: the security administrator's work (三权分立). Every change is audited as a
 * permission change with its before and after; no one changes their own account's role, scope, state or factors,
 * and what gives an administrator account its powers waits for a second person (AccountRequestService).
 */
export class UserService {
  constructor(private readonly db: Db) {}

  private base(actor: Actor, db: Executor = this.db) {
    return db
      .selectFrom('users as u')
      .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
      .select([
        'u.id',
        'u.username',
        'u.display_name',
        'u.role',
        'u.scope_region_code',
        'u.scope_org_id',
        'o.name as org_name',
        'u.acting_party_org_id',
        'u.member_id',
        'u.active',
        'u.locked_until',
        'u.totp_enabled',
        'u.must_change_password',
        'u.version',
        'u.created_at',
      ])
      .where(userInScope(actor));
  }

  private view(r: UserRow, coverage: Map<string, string[]>): UserView {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role as UserRole,
      regionCode: r.scope_region_code,
      orgId: r.scope_org_id,
      orgName: r.org_name,
      actingPartyOrgId: r.acting_party_org_id,
      memberId: r.member_id,
      coverage: (r.scope_org_id && coverage.get(r.scope_org_id)) || [],
      active: Number(r.active) === 1,
      locked: Boolean(r.locked_until && r.locked_until > new Date().toISOString()),
      totpEnabled: Number(r.totp_enabled ?? 0) === 1,
      mustChangePassword: Number(r.must_change_password ?? 0) === 1,
      version: Number(r.version),
      createdAt: r.created_at,
    };
  }

  async list(actor: Actor, q: { q?: string; role?: UserRole }): Promise<UserView[]> {
    let b = this.base(actor);
    if (q.role) b = b.where('u.role', '=', q.role);
    const text = q.q;
    if (text) b = b.where((eb) => eb.or([contains('u.username', text), contains('u.display_name', text)]));
    const rows = await b.orderBy('u.username').limit(500).execute();
    const coverage = await this.coverages(this.db, rows.map((r) => r.scope_org_id));
    return rows.map((r) => this.view(r, coverage));
  }

  async get(actor: Actor, id: string, db: Executor = this.db): Promise<UserView> {
    const row = await this.base(actor, db).where('u.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('用户');
    return this.view(row, await this.coverages(db, [row.scope_org_id]));
  }

  /** What the organizations of a page of accounts cover: one query. */
  private async coverages(db: Executor, orgIds: (string | null)[]): Promise<Map<string, string[]>> {
    const ids = [...new Set(orgIds.filter((o): o is string => o !== null))];
    const rows = ids.length ? await db.selectFrom('org_regions').select(['org_id', 'region_code']).where('org_id', 'in', ids).orderBy('region_code').execute() : [];
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.org_id, [...(out.get(r.org_id) ?? []), r.region_code]);
    return out;
  }

  /** The register an account tied to this organization would read: the organization's coverage (none for a region account). */
  async coverage(db: Executor, orgId: string | null | undefined): Promise<string[]> {
    return orgId ? coverageOf(db, orgId) : [];
  }

  /** What the account form may tie a new account to (ids and names only). */
  scopeOptions(actor: Actor, q: { orgQuery?: string | undefined; orgId?: string | undefined }): Promise<ScopeOptionsView> {
    return scopeOptions(this.db, actor, q);
  }

  /** A scope this actor may give: a region or an organization under the actor's own region, that exists. */
  async checkScopeTarget(actor: Actor, tx: Executor, input: { regionCode?: string | null; orgId?: string | null }) {
    const prefix = actor.regionCode ?? '\u0000';
    if (input.regionCode && !input.regionCode.startsWith(prefix)) throw notFound('区划');
    if (input.regionCode && !(await tx.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst())) throw notFound('区划');
    if (input.orgId) {
      const org = await tx.selectFrom('temporary_orgs').select('region_code').where('id', '=', input.orgId).executeTakeFirst();
      if (!org?.region_code.startsWith(prefix)) throw notFound('组织');
    }
  }

  /** The region a scope lies in: its region, or its organization's. */
  async scopeRegion(tx: Executor, scope: { regionCode?: string | null; orgId?: string | null }): Promise<string> {
    if (scope.regionCode) return scope.regionCode;
    const org = scope.orgId ? await tx.selectFrom('temporary_orgs').select('region_code').where('id', '=', scope.orgId).executeTakeFirst() : undefined;
    if (!org) throw new Problem(400, 'validation_failed', '账号须有范围：区划或组织', [{ path: 'regionCode', message: '请选择区划或组织' }]);
    return org.region_code;
  }

  /** Opens an account the security administrator may open alone: a branch secretary's, a member's, a township supervisor's. */
  async create(actor: Actor, input: CreateUser): Promise<{ user: UserView; oneTimePassword: string }> {
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    return this.db.transaction().execute(async (tx) => {
      await this.checkScopeTarget(actor, tx, input);
      await checkAccountShape(tx, input);
      if (needsSecondPerson({ ...input, coverage: await this.coverage(tx, input.orgId) })) throw approvalRequired();
      const id = await this.insertAccount(tx, actor, input, passwordHash);
      const created = { user: await this.get(actor, id, tx), oneTimePassword: password };
      await recordReply(tx, actor.requestId, 201, created);
      return created;
    });
  }

  /**
   * Opens an account in the caller's transaction, audited, to be changed at first login: directly for an
   * ordinary account, or as the approval of a request for one that needs a second person. Its shape is checked here,
   * whichever the door.
   */
  async insertAccount(tx: Executor, actor: Actor, input: CreateUser, passwordHash: string): Promise<string> {
    await this.checkScopeTarget(actor, tx, input);
    await checkAccountShape(tx, input);
    if (await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst()) {
      throw conflict('username_taken', '用户名已被使用');
    }
    if (input.memberId && !(await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst())) throw notFound('人员');
    const now = new Date().toISOString();
    const row = {
      id: newId(),
      username: input.username,
      password_hash: passwordHash,
      display_name: input.displayName,
      role: input.role,
      scope_region_code: input.regionCode ?? null,
      scope_org_id: input.orgId ?? null,
      acting_party_org_id: input.actingPartyOrgId ?? null,
      member_id: input.memberId ?? null,
      active: 1,
      must_change_password: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    // The unique index decides between two requests for one name that both passed the check above.
    await tx
      .insertInto('users')
      .values(row)
      .execute()
      .catch((e: { code?: string; message?: string }) => {
        if (e?.code === '23505' || String(e?.code ?? '').startsWith('SQLITE_CONSTRAINT')) throw conflict('username_taken', '用户名已被使用');
        throw e;
      });
    const { password_hash: _h, ...shown } = row;
    await recordAudit(tx, actor, { action: 'user.create', entityType: 'user', entityId: row.id, after: shown });
    return row.id;
  }

  async update(actor: Actor, id: string, input: UpdateUser): Promise<UserView> {
    if (isOwnAccount(actor, id) && (reshapes(input) || input.active !== undefined)) {
      throw forbidden('own_account', '不能修改本人账号的角色、范围或状态，请由另一名安全管理员办理');
    }
    await this.db.transaction().execute(async (tx) => {
      const current = await this.get(actor, id, tx);
      const before = accountState(current);
      const after = accountAfter(before, input);
      // The shape first: a malformed change is refused as such, whoever would have to approve it.
      if (reshapes(input)) await checkAccountShape(tx, after);
      if (changeNeedsApproval(before, input, { before: current.coverage, after: await this.coverage(tx, after.orgId) })) throw approvalRequired();
      await this.applyChange(tx, actor, id, input);
    });
    return this.get(actor, id);
  }

  /**
   * Changes an account in the caller's transaction, if it is still at `input.version` and keeps a shape its role
   * allows, audited as a permission change; a new role, scope or a disabled account takes effect at once: its
   * sessions end.
   */
  async applyChange(tx: Executor, actor: Actor, id: string, input: UpdateUser): Promise<void> {
    const before = await this.get(actor, id, tx);
    if (before.version !== input.version) throw versionConflict();
    await this.checkScopeTarget(actor, tx, input);
    if (reshapes(input)) await checkAccountShape(tx, accountAfter(accountState(before), input));
    const now = new Date().toISOString();
    const set = {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
      ...(input.regionCode !== undefined ? { scope_region_code: input.regionCode } : {}),
      ...(input.orgId !== undefined ? { scope_org_id: input.orgId } : {}),
      ...(input.actingPartyOrgId !== undefined ? { acting_party_org_id: input.actingPartyOrgId } : {}),
      ...(input.memberId !== undefined ? { member_id: input.memberId } : {}),
      version: before.version + 1,
      updated_at: now,
    };
    const done = await tx.updateTable('users').set(set).where('id', '=', id).where('version', '=', input.version).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw versionConflict();
    if (reshapes(input) || input.active === false) {
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    }
    const { version: _v, ...after } = input;
    await recordAudit(tx, actor, {
      action: input.role !== undefined && input.role !== before.role ? 'user.role_change' : 'user.update',
      entityType: 'user',
      entityId: id,
      before: { ...accountState(before), displayName: before.displayName },
      after,
    });
  }

  /** A new one-time password; the second factor stays as it was, so a reset never bypasses it. */
  async resetPassword(actor: Actor, id: string, reason: string): Promise<{ oneTimePassword: string }> {
    if (isOwnAccount(actor, id)) throw forbidden('own_account', '不能重置本人密码，请在“修改密码”中办理');
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (tx) => {
      if (needsSecondPerson(await this.get(actor, id, tx))) throw approvalRequired();
      await this.applyPasswordReset(tx, actor, id, passwordHash, reason);
      await recordReply(tx, actor.requestId, 200, { oneTimePassword: password });
    });
    return { oneTimePassword: password };
  }

  /** Sets a one-time password in the caller's transaction, audited; the account's sessions end and its lockout lifts. */
  async applyPasswordReset(tx: Executor, actor: Actor, id: string, passwordHash: string, reason: string): Promise<void> {
    await this.get(actor, id, tx);
    const now = new Date().toISOString();
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: 1, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await recordAudit(tx, actor, { action: 'user.password_reset', entityType: 'user', entityId: id, after: { reason } });
  }

  /**
   * New credentials in the caller's transaction, for an account raised to one that needs a second person: the split
   * one-time password, no second factor, no session. Whoever knew the old password, or held its factor, keeps nothing.
   */
  async reissueCredentials(tx: Executor, actor: Actor, id: string, passwordHash: string, reason: string): Promise<void> {
    await this.applyPasswordReset(tx, actor, id, passwordHash, reason);
    await this.applyTotpReset(tx, actor, id, reason);
  }

  /** Removes a lost second factor and its recovery codes; the user enrols again at the next login. */
  async resetTotp(actor: Actor, id: string, reason: string): Promise<UserView> {
    if (isOwnAccount(actor, id)) throw forbidden('own_account', '不能重置本人的动态验证码，请由另一名安全管理员办理');
    return this.db.transaction().execute(async (tx) => {
      if (needsSecondPerson(await this.get(actor, id, tx))) throw approvalRequired();
      await this.applyTotpReset(tx, actor, id, reason);
      const view = await this.get(actor, id, tx);
      await recordReply(tx, actor.requestId, 200, view);
      return view;
    });
  }

  /** Removes the second factor in the caller's transaction, audited; the account's sessions end. */
  async applyTotpReset(tx: Executor, actor: Actor, id: string, reason: string): Promise<void> {
    await this.get(actor, id, tx);
    await tx
      .updateTable('users')
      .set({ totp_enabled: 0, totp_secret_enc: null, totp_last_step: null, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await recordAudit(tx, actor, { action: 'user.totp_reset', entityType: 'user', entityId: id, after: { reason } });
  }
}

/** The parts of an account that dual control compares. */
export const accountState = (u: UserView): AccountState => ({
  role: u.role,
  active: u.active,
  regionCode: u.regionCode,
  orgId: u.orgId,
  actingPartyOrgId: u.actingPartyOrgId,
  memberId: u.memberId,
});

const approvalRequired = () =>
  forbidden(
    'approval_required',
    '系统管理员、安全管理员、审计管理员、乡镇党委管理员和县级范围账号的开设、角色、范围、启用和密码或动态验证码重置，须提交申请，由另一名系统管理员或审计管理员审批',
  );
