import {
  type AccountChange,
  GRANTING,
  type UserRole,
  accountAfter,
  accountState,
  changeNeedsApproval,
  needsSecondPerson,
} from '@lianjian/shared';
import type { z } from 'zod';
import { type Db, type Executor, isUniqueViolation } from '../../db/index.ts';
import { type Actor, systemActor } from '../../lib/actor.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, forbidden, notFound, versionConflict } from '../../lib/problem.ts';
import { generatePassword, hashPassword } from '../../lib/passwords.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { CreateUserBody, ScopeOptionsView, UpdateUserBody, UserView } from './users.schemas.ts';
import { canFile, isOwnAccount } from './users.policy.ts';
import * as repo from './users.repository.ts';
import { isLocked } from '../auth/lockout.ts';
import { contains } from '../../lib/like.ts';
import { type CheckedAccount, checkAccountShape, regionOf, scopeOptions } from './account-shape.ts';
import { keysetPage } from '../../lib/paging.ts';
import { known } from '../../lib/known.ts';

/** A new account as asked for. */
export type CreateUser = z.infer<typeof CreateUserBody>;
/** A change of an account as asked for (fields left out stay as they are; null clears one). */
export type UpdateUser = z.infer<typeof UpdateUserBody>;

/** A change of what an account reaches (its role or scope), or putting it back in service: its shape is checked again. */
const reshapes = (c: AccountChange) => GRANTING.some((k) => c[k] !== undefined) || c.active === true;

/** An account as `base` reads it. */
interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserRole;
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

/**
 * Accounts, roles and second factors: the security administrator's work (三权分立). Every change is audited as a
 * permission change with its before and after; no one changes their own account's role, scope, state or factors,
 * and what gives an administrator account its powers waits for a second person (AccountRequestService).
 *
 * Each request reads the account once and checks it once (`checkAccountShape`); the `apply…` and `insertAccount`
 * methods only write, given what their caller read and checked, so that a direct change and an approved request run
 * the same writes.
 */
export class UserService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private view(actor: Actor, r: UserRow, coverage: Map<string, string[]>): UserView {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      regionCode: r.scope_region_code,
      orgId: r.scope_org_id,
      orgName: r.org_name,
      actingPartyOrgId: r.acting_party_org_id,
      memberId: r.member_id,
      coverage: (r.scope_org_id && coverage.get(r.scope_org_id)) || [],
      active: Number(r.active) === 1,
      locked: isLocked(r.locked_until),
      totpEnabled: Number(r.totp_enabled ?? 0) === 1,
      mustChangePassword: Number(r.must_change_password ?? 0) === 1,
      version: Number(r.version),
      createdAt: r.created_at,
      abilities: { change: canFile(actor, r.id) },
    };
  }

  /** Accounts in the caller's region by username, in keyset pages with their total. */
  async list(
    actor: Actor,
    q: { q?: string | undefined; role?: UserRole | undefined; limit?: number; cursor?: string | undefined },
  ) {
    let b = repo.accountsInScope(this.db, actor);
    if (q.role) b = b.where('u.role', '=', q.role);
    const text = q.q;
    if (text) b = b.where((eb) => eb.or([contains('u.username', text), contains('u.display_name', text)]));
    return keysetPage(
      b,
      { sort: 'u.username', id: 'u.id', dir: 'asc', limit: q.limit, cursor: q.cursor },
      async (rows) => {
        const coverage = await this.coverages(
          this.db,
          rows.map((r) => r.scope_org_id),
        );
        return rows.map((r) => this.view(actor, r, coverage));
      },
      (u) => u.username,
    );
  }

  /** An account in the caller's region (404 otherwise), with what its organization covers. */
  async get(actor: Actor, id: string, db: Executor = this.db): Promise<UserView> {
    return (await this.read(actor, id, db)).account;
  }

  /** An account as `get` reads it, and the region it lies in (its own, or its organization's seat): who sees requests about it. */
  async read(actor: Actor, id: string, db: Executor = this.db): Promise<{ account: UserView; region: string }> {
    const row = await repo.accountsInScope(db, actor).where('u.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('用户');
    // Every account has a region or an organization (the shape of its role); the organization has a seat.
    return {
      account: this.view(actor, row, await this.coverages(db, [row.scope_org_id])),
      region: known(row.scope_region_code ?? row.org_region_code, 'the account’s region'),
    };
  }

  /** What the organizations of a page of accounts cover: one query. */
  private async coverages(db: Executor, orgIds: (string | null)[]): Promise<Map<string, string[]>> {
    const ids = [...new Set(orgIds.filter((o): o is string => o !== null))];
    const rows = await repo.coveredRegions(db, ids);
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.org_id, [...(out.get(r.org_id) ?? []), r.region_code]);
    return out;
  }

  /** What the account form may tie a new account to (ids and names only). */
  scopeOptions(
    actor: Actor,
    q: { orgQuery?: string | undefined; orgId?: string | undefined },
  ): Promise<ScopeOptionsView> {
    return scopeOptions(this.db, actor, q);
  }

  /** Opens an account the security administrator may open alone: one that reads no more than one township's register. */
  async create(actor: Actor, input: CreateUser): Promise<{ user: UserView; oneTimePassword: string }> {
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    return this.db.transaction().execute(async (tx) => {
      const checked = await checkAccountShape(tx, input, regionOf(actor));
      if (needsSecondPerson({ ...input, coverage: checked.coverage })) throw approvalRequired();
      const created = {
        user: await this.insertAccount(tx, actor, input, passwordHash, checked),
        oneTimePassword: password,
      };
      await recordReply(tx, actor.requestId, 201, created);
      return created;
    });
  }

  /**
   * The operator's door (`lianjian create-user`): the check, the unique name and the audit row of every account, acting
   * as the system and without a second person — it opens the first administrators, whom nobody could yet approve.
   */
  async openAsOperator(input: CreateUser, passwordHash: string): Promise<UserView> {
    return this.db
      .transaction()
      .execute(async (tx) =>
        this.insertAccount(tx, systemActor('cli'), input, passwordHash, await checkAccountShape(tx, input)),
      );
  }

  /**
   * Writes a new account its caller has checked (`checked`), in the caller's transaction, audited, to be changed at
   * first login: directly, as the approval of a request, or by the operator. The unique index on the username decides
   * between two requests for one name (409 `username_taken`).
   */
  async insertAccount(
    tx: Executor,
    actor: Actor,
    input: CreateUser,
    passwordHash: string,
    checked: CheckedAccount,
  ): Promise<UserView> {
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
    await repo.insertUser(tx, row).catch((e: unknown) => {
      if (isUniqueViolation(e)) throw conflict('username_taken', '用户名已被使用');
      throw e;
    });
    const { password_hash: _h, ...shown } = row;
    await this.audit.record(tx, actor, { action: 'user.create', entityType: 'user', entityId: row.id, after: shown });
    return this.view(
      actor,
      { ...row, org_name: checked.orgName },
      new Map(row.scope_org_id ? [[row.scope_org_id, checked.coverage]] : []),
    );
  }

  /** Changes an account's name, role, scope or state; a change that needs a second person is refused (403 `approval_required`). */
  async update(actor: Actor, id: string, input: UpdateUser): Promise<UserView> {
    if (isOwnAccount(actor, id) && (reshapes(input) || input.active !== undefined)) {
      throw forbidden('own_account', '不能修改本人账号的角色、范围或状态，请由另一名安全管理员办理');
    }
    return this.db.transaction().execute(async (tx) => {
      const current = await this.get(actor, id, tx);
      if (current.version !== input.version) throw versionConflict();
      // The shape first: a malformed change is refused as such, whoever would have to approve it.
      const checked = reshapes(input)
        ? await checkAccountShape(tx, accountAfter(accountState(current), input), regionOf(actor))
        : null;
      if (
        changeNeedsApproval(accountState(current), input, {
          before: current.coverage,
          after: checked?.coverage ?? current.coverage,
        })
      )
        throw approvalRequired();
      return this.applyChange(tx, actor, current, input, checked);
    });
  }

  /**
   * Writes a change of an account its caller read (`current`) and, for a change of role or scope or a return to
   * service, checked (`checked`), in the caller's transaction, if the account is still at `input.version`; audited as
   * a permission change. A new role or scope, or a disabled account, takes effect at once: its sessions end. With
   * `credentials` (an approved change that leaves the account needing a second person) the same write replaces its
   * password with the split one-time password and removes its second factor: whoever knew the old ones keeps nothing.
   */
  async applyChange(
    tx: Executor,
    actor: Actor,
    current: UserView,
    input: UpdateUser,
    checked: CheckedAccount | null,
    credentials?: { passwordHash: string; reason: string },
  ): Promise<UserView> {
    const after = accountAfter(accountState(current), input);
    const now = new Date().toISOString();
    const done = await repo.updateUserAtVersion(tx, current.id, input.version, {
      display_name: input.displayName ?? current.displayName,
      role: after.role,
      active: after.active ? 1 : 0,
      scope_region_code: after.regionCode,
      scope_org_id: after.orgId,
      acting_party_org_id: after.actingPartyOrgId,
      member_id: after.memberId,
      ...(credentials ? newCredentials(credentials.passwordHash) : {}),
      updated_at: now,
    });
    if (!done) throw versionConflict();
    if (credentials) await repo.removeRecoveryCodes(tx, current.id);
    if (reshapes(input) || input.active === false || credentials) await repo.endSessions(tx, current.id);
    const { version: _v, ...changed } = input;
    await this.audit.record(tx, actor, {
      action: input.role !== undefined && input.role !== current.role ? 'user.role_change' : 'user.update',
      entityType: 'user',
      entityId: current.id,
      before: { ...accountState(current), displayName: current.displayName },
      after: changed,
    });
    if (credentials)
      await this.audit.record(tx, actor, {
        action: 'user.credentials_reissue',
        entityType: 'user',
        entityId: current.id,
        after: { reason: credentials.reason },
      });
    return {
      ...current,
      ...after,
      displayName: input.displayName ?? current.displayName,
      orgName: checked ? checked.orgName : current.orgName,
      coverage: checked ? checked.coverage : current.coverage,
      ...(credentials ? { locked: false, totpEnabled: false, mustChangePassword: true } : {}),
      version: current.version + 1,
    };
  }

  /** A new one-time password; the second factor stays as it was, so a reset never bypasses it. */
  async resetPassword(actor: Actor, id: string, reason: string): Promise<{ oneTimePassword: string }> {
    if (isOwnAccount(actor, id)) throw forbidden('own_account', '不能重置本人密码，请在“修改密码”中办理');
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (tx) => {
      const account = await this.get(actor, id, tx);
      if (needsSecondPerson(account)) throw approvalRequired();
      await this.applyPasswordReset(tx, actor, account, passwordHash, reason);
      await recordReply(tx, actor.requestId, 200, { oneTimePassword: password });
    });
    return { oneTimePassword: password };
  }

  /** Sets a one-time password on an account its caller read, in the caller's transaction, audited; its sessions end and its lockout lifts. */
  async applyPasswordReset(
    tx: Executor,
    actor: Actor,
    account: UserView,
    passwordHash: string,
    reason: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    await repo.updateUser(tx, account.id, {
      password_hash: passwordHash,
      must_change_password: 1,
      failed_logins: 0,
      locked_until: null,
      updated_at: now,
    });
    await repo.endSessions(tx, account.id);
    await this.audit.record(tx, actor, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: account.id,
      after: { reason },
    });
  }

  /** Removes a lost second factor and its recovery codes; the user enrols again at the next login. */
  async resetTotp(actor: Actor, id: string, reason: string): Promise<UserView> {
    if (isOwnAccount(actor, id)) throw forbidden('own_account', '不能重置本人的动态验证码，请由另一名安全管理员办理');
    return this.db.transaction().execute(async (tx) => {
      const account = await this.get(actor, id, tx);
      if (needsSecondPerson(account)) throw approvalRequired();
      const view = await this.applyTotpReset(tx, actor, account, reason);
      await recordReply(tx, actor.requestId, 200, view);
      return view;
    });
  }

  /** Removes the second factor of an account its caller read, in the caller's transaction, audited; its sessions end. */
  async applyTotpReset(tx: Executor, actor: Actor, account: UserView, reason: string): Promise<UserView> {
    await repo.updateUser(tx, account.id, {
      totp_enabled: 0,
      totp_secret_enc: null,
      totp_last_step: null,
      updated_at: new Date().toISOString(),
    });
    await repo.removeRecoveryCodes(tx, account.id);
    await repo.endSessions(tx, account.id);
    await this.audit.record(tx, actor, {
      action: 'user.totp_reset',
      entityType: 'user',
      entityId: account.id,
      after: { reason },
    });
    return { ...account, totpEnabled: false };
  }
}

/** The columns of new credentials: a one-time password to change at first login, no second factor, no lockout. */
const newCredentials = (passwordHash: string) => ({
  password_hash: passwordHash,
  must_change_password: 1,
  failed_logins: 0,
  locked_until: null,
  totp_enabled: 0,
  totp_secret_enc: null,
  totp_last_step: null,
});

// The rule itself is `needsSecondPerson`; the screen says it in its own words.
const approvalRequired = () =>
  forbidden('approval_required', '该账号的此项办理须双人审批：请提交申请，经另一名审批人批准后生效');
