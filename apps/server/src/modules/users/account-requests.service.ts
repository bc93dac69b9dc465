import {
  ACCOUNT_REQUEST_TRANSITIONS,
  type AccountChange,
  type AccountRequestStatus,
  type AccountState,
  type GrantingField,
  accountAfter,
  accountState,
  canTransition,
  changeIssuesCredentials,
  changeNeedsApproval,
  needsSecondPerson,
} from '@lianjian/shared';
import { type Db, type Executor, isUniqueViolation } from '../../db/index.ts';
import type { AccountRequestTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { generatePassword, hashPassword } from '../../lib/passwords.ts';
import { Problem, conflict, forbidden, notFound, versionConflict } from '../../lib/problem.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { AccountRequestView, FileAccountRequestInput } from './account-requests.schemas.ts';
import { canCancel, canDecide, canFile, isOwnAccount, requestAbilities } from './users.policy.ts';
import { checkAccountShape, regionOf } from './account-shape.ts';
import * as repo from './users.repository.ts';
import type { CreateUser, UserService } from './users.service.ts';
import { keysetPage } from '../../lib/paging.ts';
import { known } from '../../lib/known.ts';

/** Each person holds one half of the one-time password of an account that needs a second person. */
const PART_LENGTH = 10;

/** The account a request names: who, and its role and scope (the one asked for, or the one concerned as filed). */
type NamedAccount = { username: string; displayName: string } & AccountState;

/**
 * What a request carries: the account; for a change, the changes asked and whether approving them gives the account
 * new split credentials (decided at filing: `changeIssuesCredentials`).
 */
type Payload = { account: NamedAccount } | ChangePayload;
type ChangePayload = { account: NamedAccount; changes: AccountChange; newCredentials: boolean };

type Row = AccountRequestTable & { requested_by_name: string; decided_by_name: string | null };

/** The account a request would leave: the one asked for, or the one it concerns with the changes made. */
function resulting(payload: Payload): { state: AccountState; changes: AccountChange | null } {
  if (!('changes' in payload)) return { state: accountState(payload.account), changes: null };
  return { state: accountAfter(accountState(payload.account), payload.changes), changes: payload.changes };
}

/** A new account as a request names it: open, and every scope field stated. */
const asked = (a: CreateUser): NamedAccount => ({
  username: a.username,
  displayName: a.displayName,
  role: a.role,
  active: true,
  regionCode: a.regionCode ?? null,
  orgId: a.orgId ?? null,
  actingPartyOrgId: a.actingPartyOrgId ?? null,
  memberId: a.memberId ?? null,
});

/** Names of the regions, organizations, committees and people a page of requests names: four queries, whatever its length. */
async function namesOf(db: Executor, states: AccountState[]) {
  const ids = (k: Exclude<GrantingField, 'role'>) => [
    ...new Set(states.map((s) => s[k]).filter((v): v is string => v !== null)),
  ];
  const [regions, orgs, committees, members] = [
    ids('regionCode'),
    ids('orgId'),
    ids('actingPartyOrgId'),
    ids('memberId'),
  ];
  return repo.namesOf(db, { regions, orgs, committees, members });
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
    private readonly audit: AuditTrail,
    private readonly cipher: DataCipher,
    private readonly users: UserService,
  ) {}

  /** Requests as their requester and approvers see them: everything an approval would grant, named. */
  private async views(actor: Actor, rows: Row[], db: Executor = this.db): Promise<AccountRequestView[]> {
    const read = rows.map((r) => ({ r, payload: JSON.parse(r.payload_json) as Payload }));
    const results = read.map(({ payload }) => resulting(payload));
    const names = await namesOf(
      db,
      results.map((x) => x.state),
    );
    return read.map(({ r, payload }, i) =>
      this.view(actor, r, payload, results[i] as ReturnType<typeof resulting>, names),
    );
  }

  private view(
    actor: Actor,
    r: Row,
    payload: Payload,
    { state, changes }: ReturnType<typeof resulting>,
    names: Names,
  ): AccountRequestView {
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
      newCredentials:
        r.kind === 'create' || r.kind === 'reset_password' || ('changes' in payload && payload.newCredentials),
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

  /** Requests in the caller's region, newest first, in keyset pages with their total. */
  async list(
    actor: Actor,
    q: { status?: AccountRequestStatus | undefined; limit?: number; cursor?: string | undefined },
  ) {
    let b = repo.requestsInScope(this.db, actor);
    if (q.status) b = b.where('ar.status', '=', q.status);
    return keysetPage(
      b,
      { sort: 'ar.requested_at', id: 'ar.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      (rows) => this.views(actor, rows),
      (r) => r.requestedAt,
    );
  }

  async get(actor: Actor, id: string, db: Executor = this.db): Promise<AccountRequestView> {
    const r = await repo.requestsInScope(db, actor).where('ar.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('账号申请');
    return (await this.views(actor, [r], db))[0] as AccountRequestView;
  }

  /**
   * Files a request; for a new account, a password reset or a change that leaves an account needing a second person
   * (new credentials, see `changeIssuesCredentials`), the requester's half of the one-time password comes back. One
   * request waits per account and one per username asked for: the database's unique indexes decide between two filed
   * at the same moment (409 `request_pending`, `username_taken`).
   */
  async file(
    actor: Actor,
    input: FileAccountRequestInput,
  ): Promise<{ request: AccountRequestView; passwordPart: string | null }> {
    const userId = input.kind === 'create' ? null : input.userId;
    if (!canFile(actor, userId)) throw forbidden('own_account', '不能为本人账号提交申请，请由另一名安全管理员办理');
    return this.db.transaction().execute(async (tx) => {
      const { payload, region, userVersion, newCredentials } =
        input.kind === 'create'
          ? await this.askedAccount(tx, actor, input.account)
          : await this.askedAbout(tx, actor, input);
      const part = newCredentials ? generatePassword(PART_LENGTH) : null;
      const row: AccountRequestTable = {
        id: newId(),
        kind: input.kind,
        status: 'pending',
        user_id: userId,
        user_version: userVersion,
        username: input.kind === 'create' ? input.account.username : null,
        region_code: region,
        payload_json: JSON.stringify(payload),
        password_part_enc: part ? this.cipher.encrypt(part) : null,
        reason: input.reason,
        requested_by: actor.userId,
        requested_at: new Date().toISOString(),
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        version: 1,
      };
      await repo.insertRequest(tx, row).catch((e: unknown) => {
        if (!isUniqueViolation(e)) throw e;
        throw input.kind === 'create'
          ? conflict('username_taken', '该用户名已有待审批的开设申请')
          : conflict('request_pending', '该账号已有待审批的申请，请先等待审批或撤回');
      });
      await this.audit.record(tx, actor, {
        action: 'account_request.file',
        entityType: 'account_request',
        entityId: row.id,
        after: { kind: input.kind, userId, ...payload, reason: input.reason },
      });
      const [request] = await this.views(
        actor,
        [{ ...row, requested_by_name: actor.displayName, decided_by_name: null }],
        tx,
      );
      const filed = { request: request as AccountRequestView, passwordPart: part };
      await recordReply(tx, actor.requestId, 201, filed);
      return filed;
    });
  }

  /** A request to open an account: checked as any new account, needing a second person, under a name not taken. */
  private async askedAccount(tx: Executor, actor: Actor, account: CreateUser) {
    const checked = await checkAccountShape(tx, account, regionOf(actor));
    if (!needsSecondPerson({ ...account, coverage: checked.coverage })) throw notNeeded();
    if (await repo.usernameTaken(tx, account.username)) throw conflict('username_taken', '用户名已被使用');
    return { payload: { account: asked(account) }, region: checked.region, userVersion: null, newCredentials: true };
  }

  /** A request about an existing account: read once; a change checked as the account it would leave. */
  private async askedAbout(tx: Executor, actor: Actor, input: Exclude<FileAccountRequestInput, { kind: 'create' }>) {
    const { account: before, region: from } = await this.users.read(actor, input.userId, tx);
    const state = accountState(before);
    const account = { username: before.username, displayName: before.displayName, ...state };
    if (input.kind !== 'change') {
      if (!needsSecondPerson(before)) throw notNeeded();
      return { payload: { account }, region: from, userVersion: null, newCredentials: input.kind === 'reset_password' };
    }
    if (before.version !== input.version) throw versionConflict();
    const checked = await checkAccountShape(tx, accountAfter(state, input.changes), regionOf(actor));
    if (!changeNeedsApproval(state, input.changes, { before: before.coverage, after: checked.coverage }))
      throw notNeeded();
    const newCredentials = changeIssuesCredentials(state, input.changes, checked.coverage);
    return {
      payload: { account, changes: input.changes, newCredentials },
      // Seen and decided by those whose region holds the account both before and after the change.
      region: commonRegion(from, checked.region),
      userVersion: before.version,
      newCredentials,
    };
  }

  /**
   * Approves, rejects or withdraws a pending request. The decision is claimed by one conditional write (status
   * and version), so two approvers at the same moment cannot both apply it; the change it approves is made in
   * the same transaction, by the approver, and fails the whole decision if the account moved on meanwhile.
   */
  async transition(
    actor: Actor,
    id: string,
    input: { to: 'approved' | 'rejected' | 'cancelled'; reason: string; version: number },
  ) {
    const row = await repo.requestsInScope(this.db, actor).where('ar.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('账号申请');
    if (!canTransition(ACCOUNT_REQUEST_TRANSITIONS, row.status, input.to))
      throw conflict('illegal_transition', '该申请已处理');
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
    const passwordHash =
      part && row.password_part_enc ? await hashPassword(this.cipher.decrypt(row.password_part_enc) + part) : null;
    return this.db.transaction().execute(async (tx) => {
      const now = new Date().toISOString();
      const decision = {
        status: input.to,
        decided_by: actor.userId,
        decided_at: now,
        decision_reason: input.reason,
        password_part_enc: null,
        version: row.version + 1,
      };
      if (!(await repo.decideRequest(tx, id, input.version, decision))) {
        throw (await repo.requestStatus(tx, id)) !== 'pending'
          ? conflict('illegal_transition', '该申请已处理')
          : versionConflict();
      }
      await this.audit.record(tx, actor, {
        action: `account_request.${input.to}`,
        entityType: 'account_request',
        entityId: id,
        before: { status: row.status },
        after: { status: input.to, reason: input.reason, kind: row.kind, userId: row.user_id },
      });
      const userId = input.to === 'approved' ? await this.apply(tx, actor, row, payload, passwordHash) : row.user_id;
      const [request] = await this.views(
        actor,
        [{ ...row, ...decision, user_id: userId, decided_by_name: actor.displayName }],
        tx,
      );
      const decided = { request: request as AccountRequestView, passwordPart: part };
      await recordReply(tx, actor.requestId, 200, decided);
      return decided;
    });
  }

  /**
   * Makes what was approved, in the approval's transaction, as the approver; returns the account's id. The account is
   * read once and checked again (a post may have ended since the filing). A change applies to the account as filed
   * (its version pinned), so the account it leaves is the one the requester saw, and so is the decision taken then
   * whether it gets new credentials: what decides it besides the account (its organization's coverage) is written only
   * when the organization is created.
   */
  private async apply(
    tx: Executor,
    approver: Actor,
    row: Row,
    payload: Payload,
    passwordHash: string | null,
  ): Promise<string> {
    const reason = `${row.reason}（申请人 ${row.requested_by_name}；审批 ${approver.displayName}）`;
    if (row.kind === 'create') {
      const checked = await checkAccountShape(tx, payload.account, regionOf(approver));
      const created = await this.users.insertAccount(
        tx,
        approver,
        payload.account,
        known(passwordHash, 'the new account’s password hash'),
        checked,
      );
      await repo.linkRequestToUser(tx, row.id, created.id);
      return created.id;
    }
    const account = await this.users.get(approver, known(row.user_id, 'the request’s account'), tx);
    switch (row.kind) {
      case 'change': {
        const { changes } = payload as ChangePayload;
        if (account.version !== row.user_version) throw versionConflict();
        const checked = await checkAccountShape(tx, accountAfter(accountState(account), changes), regionOf(approver));
        const credentials = passwordHash ? { passwordHash, reason } : undefined;
        await this.users.applyChange(
          tx,
          approver,
          account,
          { ...changes, version: account.version },
          checked,
          credentials,
        );
        break;
      }
      case 'reset_password':
        await this.users.applyPasswordReset(
          tx,
          approver,
          account,
          known(passwordHash, 'the reset password’s hash'),
          reason,
        );
        break;
      case 'reset_totp':
        await this.users.applyTotpReset(tx, approver, account, reason);
        break;
    }
    return account.id;
  }
}

// The rule itself is `needsSecondPerson`; the screen says it in its own words.
const notNeeded = () => new Problem(409, 'approval_not_needed', '此项无须双人审批，可直接办理');
