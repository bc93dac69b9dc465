import {
  ACCOUNT_REQUEST_TRANSITIONS,
  type AccountChange,
  type AccountRequestStatus,
  type AccountState,
  accountAfter,
  canTransition,
  changeIssuesCredentials,
  changeNeedsApproval,
  needsSecondPerson,
} from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import type { Db, Executor } from '../../db/index.ts';
import type { AccountRequestTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { generatePassword } from '../../lib/passwords.ts';
import { Problem, conflict, forbidden, notFound, versionConflict } from '../../lib/problem.ts';
import { underRegion } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hashPassword } from '../auth/auth.routes.ts';
import type { AccountRequestView, FileAccountRequestInput } from './account-requests.schemas.ts';
import { canCancel, canDecide, canFile, isOwnAccount, requestAbilities } from './users.policy.ts';
import { checkAccountShape } from './account-shape.ts';
import { type CreateUser, type UserService, accountState } from './users.service.ts';

/** Each person holds one half of the one-time password of an account that needs a second person. */
const PART_LENGTH = 10;

/** What a request carries: the account asked for, or the account as it was and the changes asked. */
type Payload =
  | { account: CreateUser }
  | {
      account: { username: string; displayName: string } & Omit<AccountState, 'actingPartyOrgId' | 'memberId'> & Partial<AccountState>;
      changes?: AccountChange;
      /** Decided at filing: whether approving the change gives the account new split credentials. */
      newCredentials?: boolean;
    };

type Row = AccountRequestTable & { requested_by_name: string; decided_by_name: string | null };

/** The account a request would leave: the one asked for, or the one it concerns with the changes made. */
function resulting(payload: Payload): { state: AccountState; changes: AccountChange | null } {
  const a = payload.account;
  // Requests filed before the acting committee and the member were compared carry neither: null.
  const state: AccountState = {
    role: a.role,
    active: 'active' in a ? a.active : true,
    regionCode: a.regionCode ?? null,
    orgId: a.orgId ?? null,
    actingPartyOrgId: a.actingPartyOrgId ?? null,
    memberId: a.memberId ?? null,
  };
  const changes = 'changes' in payload && payload.changes ? payload.changes : null;
  return { state: changes ? accountAfter(state, changes) : state, changes };
}

/** Names of the regions, organizations, committees and people a page of requests names: four queries, whatever its length. */
async function namesOf(db: Executor, states: AccountState[]) {
  const ids = (k: 'regionCode' | 'orgId' | 'actingPartyOrgId' | 'memberId') => [...new Set(states.map((s) => s[k]).filter((v): v is string => v !== null))];
  const [regions, orgs, committees, members] = [ids('regionCode'), ids('orgId'), ids('actingPartyOrgId'), ids('memberId')];
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return {
    region: map(regions.length ? await db.selectFrom('regions').select(['code as id', 'name']).where('code', 'in', regions).execute() : []),
    org: map(orgs.length ? await db.selectFrom('temporary_orgs').select(['id', 'name']).where('id', 'in', orgs).execute() : []),
    committee: map(committees.length ? await db.selectFrom('party_orgs').select(['id', 'name']).where('id', 'in', committees).execute() : []),
    member: map(members.length ? await db.selectFrom('members').select(['id', 'name']).where('id', 'in', members).execute() : []),
  };
}
type Names = Awaited<ReturnType<typeof namesOf>>;

/** The widest of two region codes' common ancestors that is itself a region code (province 2, …, village 12). */
function commonRegion(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, [12, 9, 6, 4, 2, 0].find((l) => l <= n) ?? 0);
}

/**
 * Dual control of administrator accounts (双人控制). The security administrator files; a county administrator or
 * an auditor, neither the requester nor the account, approves or rejects with a reason; only the approval changes
 * the account, in its own transaction with its audit rows. A one-time password is made of two halves: the
 * requester sees theirs when filing, the approver theirs when approving, and only the account's owner, given
 * both, can log in: neither administrator can open the account alone.
 */
export class AccountRequestService {
  constructor(
    private readonly db: Db,
    private readonly cipher: DataCipher,
    private readonly users: UserService,
  ) {}

  private rows(actor: Actor, db: Executor = this.db) {
    return db
      .selectFrom('account_requests as ar')
      .innerJoin('users as rq', 'rq.id', 'ar.requested_by')
      .leftJoin('users as dc', 'dc.id', 'ar.decided_by')
      .selectAll('ar')
      .select(['rq.display_name as requested_by_name', 'dc.display_name as decided_by_name'])
      .where(actor.regionCode === null ? sql<SqlBool>`1 = 0` : underRegion('ar.region_code', actor.regionCode));
  }

  /** Requests as their requester and approvers see them: everything an approval would grant, named. */
  private async views(actor: Actor, rows: Row[], db: Executor = this.db): Promise<AccountRequestView[]> {
    const read = rows.map((r) => ({ r, payload: JSON.parse(r.payload_json) as Payload }));
    const results = read.map(({ payload }) => resulting(payload));
    const names = await namesOf(db, results.map((x) => x.state));
    return read.map(({ r, payload }, i) => this.view(actor, r, payload, results[i] as ReturnType<typeof resulting>, names));
  }

  private view(actor: Actor, r: Row, payload: Payload, { state, changes }: ReturnType<typeof resulting>, names: Names): AccountRequestView {
    const account = payload.account;
    const name = (m: Map<string, string>, id: string | null) => (id === null ? null : (m.get(id) ?? null));
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      userId: r.user_id,
      username: account.username,
      displayName: account.displayName,
      role: state.role,
      regionCode: state.regionCode,
      regionName: name(names.region, state.regionCode),
      orgId: state.orgId,
      orgName: name(names.org, state.orgId),
      actingPartyOrgId: state.actingPartyOrgId,
      actingPartyOrgName: name(names.committee, state.actingPartyOrgId),
      memberId: state.memberId,
      memberName: name(names.member, state.memberId),
      newCredentials: r.kind === 'create' || r.kind === 'reset_password' || (r.kind === 'change' && ('newCredentials' in payload ? payload.newCredentials === true : needsSecondPerson(state))),
      changes,
      reason: r.reason,
      requestedBy: { id: r.requested_by, displayName: r.requested_by_name },
      requestedAt: r.requested_at,
      decidedBy: r.decided_by ? { id: r.decided_by, displayName: r.decided_by_name ?? '' } : null,
      decidedAt: r.decided_at,
      decisionReason: r.decision_reason,
      version: Number(r.version),
      abilities: requestAbilities(actor, r),
    };
  }

  /** Requests in the caller's region, newest first. */
  async list(actor: Actor, q: { status?: AccountRequestStatus }): Promise<AccountRequestView[]> {
    let b = this.rows(actor);
    if (q.status) b = b.where('ar.status', '=', q.status);
    const rows = await b.orderBy('ar.requested_at', 'desc').orderBy('ar.id').limit(200).execute();
    return this.views(actor, rows);
  }

  async get(actor: Actor, id: string, db: Executor = this.db): Promise<AccountRequestView> {
    const r = await this.rows(actor, db).where('ar.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('账号申请');
    return (await this.views(actor, [r], db))[0] as AccountRequestView;
  }

  /**
   * Files a request; for a new account, a password reset or a change that leaves an account needing a second person
   * (new credentials, see `changeIssuesCredentials`), the requester's half of the one-time password comes back.
   */
  async file(actor: Actor, input: FileAccountRequestInput): Promise<{ request: AccountRequestView; passwordPart: string | null }> {
    const userId = input.kind === 'create' ? null : input.userId;
    if (!canFile(actor, userId)) throw forbidden('own_account', '不能为本人账号提交申请，请由另一名安全管理员办理');
    const half = () => generatePassword(PART_LENGTH);
    let part = input.kind === 'create' || input.kind === 'reset_password' ? half() : null;
    const id = newId();
    return this.db.transaction().execute(async (tx) => {
      let payload: Payload;
      let region: string;
      let userVersion: number | null = null;
      if (input.kind === 'create') {
        const account = input.account;
        await this.users.checkScopeTarget(actor, tx, account);
        await checkAccountShape(tx, account);
        if (!needsSecondPerson({ ...account, coverage: await this.users.coverage(tx, account.orgId) })) throw notNeeded();
        region = await this.users.scopeRegion(tx, account);
        if (await tx.selectFrom('users').select('id').where('username', '=', account.username).executeTakeFirst()) throw conflict('username_taken', '用户名已被使用');
        const waiting = await tx.selectFrom('account_requests').select('payload_json').where('kind', '=', 'create').where('status', '=', 'pending').execute();
        if (waiting.some((w) => (JSON.parse(w.payload_json) as { account: CreateUser }).account.username === account.username)) {
          throw conflict('username_taken', '该用户名已有待审批的开设申请');
        }
        payload = { account };
      } else {
        const before = await this.users.get(actor, input.userId, tx);
        const state = accountState(before);
        const account = { username: before.username, displayName: before.displayName, ...state };
        const from = await this.users.scopeRegion(tx, before);
        if (input.kind === 'change') {
          if (before.version !== input.version) throw versionConflict();
          await this.users.checkScopeTarget(actor, tx, input.changes);
          const after = accountAfter(state, input.changes);
          await checkAccountShape(tx, after);
          const coverage = { before: before.coverage, after: await this.users.coverage(tx, after.orgId) };
          if (!changeNeedsApproval(state, input.changes, coverage)) throw notNeeded();
          if (changeIssuesCredentials(state, input.changes, coverage.after)) part = half();
          const to = await this.users.scopeRegion(tx, { regionCode: input.changes.regionCode !== undefined ? input.changes.regionCode : before.regionCode, orgId: input.changes.orgId !== undefined ? input.changes.orgId : before.orgId });
          // Seen and decided by those whose region holds the account both before and after the change.
          region = commonRegion(from, to);
          userVersion = before.version;
          payload = { account, changes: input.changes, newCredentials: part !== null };
        } else {
          if (!needsSecondPerson(before)) throw notNeeded();
          region = from;
          payload = { account };
        }
        const open = await tx.selectFrom('account_requests').select('id').where('user_id', '=', input.userId).where('status', '=', 'pending').executeTakeFirst();
        if (open) throw conflict('request_pending', '该账号已有待审批的申请，请先等待审批或撤回');
      }
      const now = new Date().toISOString();
      await tx
        .insertInto('account_requests')
        .values({
          id,
          kind: input.kind,
          status: 'pending',
          user_id: userId,
          user_version: userVersion,
          region_code: region,
          payload_json: JSON.stringify(payload),
          password_part_enc: part ? this.cipher.encrypt(part) : null,
          reason: input.reason,
          requested_by: actor.userId,
          requested_at: now,
          decided_by: null,
          decided_at: null,
          decision_reason: null,
          version: 1,
        })
        .execute();
      await recordAudit(tx, actor, { action: 'account_request.file', entityType: 'account_request', entityId: id, after: { kind: input.kind, userId, ...payload, reason: input.reason } });
      const filed = { request: await this.get(actor, id, tx), passwordPart: part };
      await recordReply(tx, actor.requestId, 201, filed);
      return filed;
    });
  }

  /**
   * Approves, rejects or withdraws a pending request. The decision is claimed by one conditional write (status
   * and version), so two approvers at the same moment cannot both apply it; the change it approves is made in
   * the same transaction, by the approver, and fails the whole decision if the account moved on meanwhile.
   */
  async transition(actor: Actor, id: string, input: { to: 'approved' | 'rejected' | 'cancelled'; reason: string; version: number }) {
    const row = await this.rows(actor).where('ar.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('账号申请');
    if (!canTransition(ACCOUNT_REQUEST_TRANSITIONS, row.status, input.to)) throw conflict('illegal_transition', '该申请已处理');
    if (input.to === 'cancelled') {
      if (!canCancel(actor, row)) throw forbidden('not_requester', '只有提交人可以撤回申请');
    } else if (!canDecide(actor, row)) {
      if (isOwnAccount(actor, row.user_id)) throw forbidden('own_account', '申请涉及本人账号，须由另一人审批');
      if (actor.userId === row.requested_by) throw forbidden('own_request', '不能审批本人提交的申请');
      throw forbidden('permission_denied', '只有系统管理员或审计管理员可以审批账号申请');
    }
    const payload = JSON.parse(row.payload_json) as Payload;
    // The approver's half, and the hash of the whole, made before the transaction: hashing holds no lock.
    const withPassword = input.to === 'approved' && row.password_part_enc !== null;
    const part = withPassword ? generatePassword(PART_LENGTH) : null;
    const passwordHash = part && row.password_part_enc ? await hashPassword(this.cipher.decrypt(row.password_part_enc) + part) : null;
    return this.db.transaction().execute(async (tx) => {
      const now = new Date().toISOString();
      const claimed = await tx
        .updateTable('account_requests')
        .set({ status: input.to, decided_by: actor.userId, decided_at: now, decision_reason: input.reason, password_part_enc: null, version: row.version + 1 })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        const current = await tx.selectFrom('account_requests').select('status').where('id', '=', id).executeTakeFirst();
        throw current?.status !== 'pending' ? conflict('illegal_transition', '该申请已处理') : versionConflict();
      }
      await recordAudit(tx, actor, {
        action: `account_request.${input.to}`,
        entityType: 'account_request',
        entityId: id,
        before: { status: row.status },
        after: { status: input.to, reason: input.reason, kind: row.kind, userId: row.user_id },
      });
      if (input.to === 'approved') await this.apply(tx, actor, row, payload, passwordHash);
      const decided = { request: await this.get(actor, id, tx), passwordPart: part };
      await recordReply(tx, actor.requestId, 200, decided);
      return decided;
    });
  }

  private async apply(tx: Executor, approver: Actor, row: Row, payload: Payload, passwordHash: string | null) {
    const reason = `${row.reason}（申请人 ${row.requested_by_name}；审批 ${approver.displayName}）`;
    switch (row.kind) {
      case 'create': {
        const userId = await this.users.insertAccount(tx, approver, payload.account as CreateUser, passwordHash as string);
        await tx.updateTable('account_requests').set({ user_id: userId }).where('id', '=', row.id).execute();
        return;
      }
      case 'change': {
        const changes = ('changes' in payload ? payload.changes : undefined) ?? {};
        await this.users.applyChange(tx, approver, row.user_id as string, { ...changes, version: Number(row.user_version) });
        // Raised (or kept) to an account that needs a second person: nobody keeps credentials known before.
        if (passwordHash) return this.users.reissueCredentials(tx, approver, row.user_id as string, passwordHash, reason);
        // Filed without new credentials (an older request, or the organization's coverage widened since): refused,
        // rather than leave the account's old password with whoever knew it.
        if (needsSecondPerson(await this.users.get(approver, row.user_id as string, tx))) {
          throw conflict('request_stale', '账号情况已变化，批准后须发放新的一次性密码：请撤回该申请，重新提交');
        }
        return;
      }
      case 'reset_password':
        return this.users.applyPasswordReset(tx, approver, row.user_id as string, passwordHash as string, reason);
      case 'reset_totp':
        return this.users.applyTotpReset(tx, approver, row.user_id as string, reason);
    }
  }
}

const notNeeded = () => new Problem(409, 'approval_not_needed', '该账号或变更无须双人审批（临时党组织书记、党员、乡镇督查员账号），安全管理员可直接办理');
