import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { conflict, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { orgInScope } from '../../lib/scope.ts';
import { notAfterToday } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import type { Delist, NewRectification, TaskUpdate } from './assessment.schemas.ts';
import type { LedgerService } from './ledgers.service.ts';
import type { LedgerRow } from './scoring.ts';

/** Rectification (挂牌整顿) of an organization graded 差 or named by supervision: tasks, review and delisting (DOMAIN §9). */
export class RectificationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly ledgers: LedgerService,
  ) {}

  private present(r: repo.RectRow) {
    return {
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      ledgerId: r.ledger_id,
      status: r.status,
      listedOn: r.listed_on,
      reason: r.reason,
      plan: r.plan,
      tasks: JSON.parse(r.tasks_json) as { text: string; done: boolean }[],
      deadline: r.deadline,
      responsible: r.responsible,
      reviewNote: r.review_note,
      delistedOn: r.delisted_on,
      version: r.version,
    };
  }

  /** Listings in scope, newest first, in keyset pages with their total. */
  async list(
    actor: Actor,
    f: { status?: 'listed' | 'delisted' | undefined; limit?: number; cursor?: string | undefined } = {},
  ) {
    let q = repo.rectRows(this.db).where(orgInScope(actor, 'o'));
    if (f.status) q = q.where('r.status', '=', f.status);
    return keysetPage(
      q,
      { sort: 'r.listed_on', id: 'r.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => this.present(r)),
      (r) => r.listedOn,
    );
  }

  private async setOrgStatus(
    tx: Executor,
    actor: Actor,
    orgId: string,
    from: 'rectification' | 'active',
    to: 'rectification' | 'active',
  ) {
    const o = await repo.orgState(tx, orgId);
    if (o.status !== from)
      throw conflict('illegal_transition', from === 'active' ? '只有运行中的组织可以挂牌整顿' : '组织不在整顿中');
    if (!(await repo.moveOrgStatus(tx, orgId, from, to, o.version))) throw versionConflict();
    await this.audit.record(tx, actor, {
      action: 'org.transition',
      entityType: 'temporary_org',
      entityId: orgId,
      before: { status: from },
      after: { status: to },
    });
  }

  /**
   * Only an organization graded 差 in a ledger is listed for rectification, unless a supervision finding of it requires
   * rectification (DOMAIN §9a): the listing names the one or the other (409 `rectification_not_warranted`).
   */
  private async checkRectificationWarranted(
    tx: Executor,
    actor: Actor,
    orgId: string,
    input: { ledgerId?: string | undefined; supervisionId?: string | undefined },
  ) {
    if (input.supervisionId) {
      if (await repo.supervisionRequiresRectification(tx, input.supervisionId, orgId)) return;
      throw conflict('rectification_not_warranted', '所依据的督查记录不是对该组织、要求整改的记录');
    }
    if (input.ledgerId) {
      const ledger = await this.ledgers.mustLedger(actor, input.ledgerId, tx);
      const row = (JSON.parse(ledger.rows_json) as LedgerRow[]).find((r) => r.orgId === orgId);
      if (!row) throw invalid('该组织不在这份台账中', [{ path: 'body.ledgerId', message: input.ledgerId }]);
      if (policy.rectificationWarrantedByGrade(row.grade)) return;
      throw conflict('rectification_not_warranted', `该组织在台账中的等次不是“差”，不能挂牌整顿`);
    }
    throw conflict('rectification_not_warranted', '挂牌整顿须依据考核台账（等次为“差”）或要求整改的督查记录');
  }

  /** Lists an organization for rectification (挂牌整顿): it shows status `rectification` until delisted. */
  async listOrg(actor: Actor, input: z.infer<typeof NewRectification>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await repo.orgInReach(tx, actor, input.orgId);
      if (!org) throw notFound('组织');
      notAfterToday(input.listedOn, 'body.listedOn', '挂牌日期');
      if (input.deadline <= input.listedOn)
        throw invalid('整改期限须晚于挂牌日期', [{ path: 'body.deadline', message: input.deadline }]);
      await this.checkRectificationWarranted(tx, actor, org.id, input);
      await this.setOrgStatus(tx, actor, org.id, 'active', 'rectification');
      const now = nowIso();
      const row = {
        id: newId(),
        org_id: org.id,
        ledger_id: input.ledgerId ?? null,
        status: 'listed' as const,
        listed_on: input.listedOn,
        reason: input.reason,
        plan: input.plan,
        tasks_json: JSON.stringify(input.tasks.map((text) => ({ text, done: false }))),
        deadline: input.deadline,
        responsible: input.responsible,
        review_note: null,
        delisted_on: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertRect(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'rectification.list',
        entityType: 'temporary_org',
        entityId: org.id,
        after: { ...row, supervisionId: input.supervisionId ?? null },
      });
      return row.id;
    });
  }

  private async mustRect(tx: Executor, actor: Actor, id: string) {
    const r = await repo.rectInReach(tx, actor, id);
    if (!r) throw notFound('整顿记录');
    return r;
  }

  async setTask(actor: Actor, id: string, index: number, input: z.infer<typeof TaskUpdate>) {
    await this.db.transaction().execute(async (tx) => {
      const r = await this.mustRect(tx, actor, id);
      if (r.status !== 'listed') throw conflict('rectification_closed', '已摘牌');
      const tasks = JSON.parse(r.tasks_json) as { text: string; done: boolean }[];
      const task = tasks[index];
      if (!task) throw notFound('整改任务');
      task.done = input.done;
      if (!(await repo.updateRect(tx, id, input.version, { tasks_json: JSON.stringify(tasks), updated_at: nowIso() })))
        throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'rectification.task',
        entityType: 'temporary_org',
        entityId: r.org_id,
        after: { id, index, done: input.done },
      });
    });
  }

  /** The review that delists: every task done; the organization returns to `active`. */
  async delist(actor: Actor, id: string, input: z.infer<typeof Delist>) {
    await this.db.transaction().execute(async (tx) => {
      const r = await this.mustRect(tx, actor, id);
      if (r.status !== 'listed') throw conflict('rectification_closed', '已摘牌');
      if ((JSON.parse(r.tasks_json) as { done: boolean }[]).some((t) => !t.done))
        throw conflict('tasks_open', '还有整改任务未完成，不能摘牌');
      notAfterToday(input.on, 'body.on', '摘牌日期');
      if (input.on < r.listed_on) throw invalid('摘牌日期早于挂牌日期', [{ path: 'body.on', message: input.on }]);
      const done = await repo.updateRect(tx, id, input.version, {
        status: 'delisted',
        delisted_on: input.on,
        review_note: input.reviewNote,
        updated_at: nowIso(),
      });
      if (!done) throw versionConflict();
      await this.setOrgStatus(tx, actor, r.org_id, 'rectification', 'active');
      await this.audit.record(tx, actor, {
        action: 'rectification.delist',
        entityType: 'temporary_org',
        entityId: r.org_id,
        after: { id, ...input },
      });
    });
  }
}
