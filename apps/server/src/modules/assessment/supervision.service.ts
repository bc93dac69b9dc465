import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { Problem, conflict, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { orgInScope } from '../../lib/scope.ts';
import { deadlineNotBefore, factDay, notAfterToday, stepDay } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { rolesInSubtree } from '../orgs/orgs.repository.ts';
import * as policy from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import type { FollowUp, NewSupervision, NewTilt } from './assessment.schemas.ts';
import type { LedgerService } from './ledgers.service.ts';

/** Daily supervision of temporary organizations and its follow-up, and the tilts that reward good grades (DOMAIN §9). */
export class SupervisionService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly ledgers: LedgerService,
  ) {}

  private present(r: repo.SupervisionRow) {
    return {
      id: r.id,
      kind: r.kind,
      orgId: r.org_id,
      orgName: r.org_name,
      memberId: r.member_id,
      memberName: r.member_name ?? null,
      supervisedOn: r.supervised_on,
      supervisor: r.supervisor,
      findings: r.findings,
      indicator: r.indicator,
      scoreEffect: r.score_effect === null ? null : Number(r.score_effect),
      rectification: r.rectification,
      deadline: r.deadline,
      followUp: r.follow_up,
      closedOn: r.closed_on,
      version: r.version,
    };
  }

  /** Supervision records in scope, newest first, in keyset pages with their total. */
  async list(actor: Actor, f: { orgId?: string | undefined; limit?: number; cursor?: string | undefined } = {}) {
    let q = repo.supervisionRows(this.db).where(orgInScope(actor, 'o'));
    if (f.orgId) q = q.where('s.org_id', '=', f.orgId);
    return keysetPage(
      q,
      { sort: 's.supervised_on', id: 's.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => this.present(r)),
      (r) => r.supervisedOn,
    );
  }

  /**
   * A supervision finding that adds or deducts points names an indicator of the year's scheme for the organization's
   * tier and stays within that indicator's weight (DOMAIN §9a): a made-up indicator worth −50 is refused.
   */
  private async checkScoreEffect(
    tx: Executor,
    org: { level: string; kind: string; region_code: string },
    year: number,
    indicator: string | undefined,
    effect: number,
  ) {
    if (!indicator) throw invalid('加减分须注明对应指标', [{ path: 'body.indicator', message: 'required' }]);
    const tier = policy.tierOf(org);
    if (!tier) throw invalid('该组织不参加分级考核，督查不加减分', [{ path: 'body.scoreEffect', message: 'no tier' }]);
    const scheme = await repo.schemeFor(tx, org.region_code.slice(0, 6), year, tier);
    if (!scheme) throw conflict('scheme_missing', `${year} 年还没有该层级的考核方案，督查不能加减分`);
    const found = (JSON.parse(scheme.indicators_json) as { key: string; name: string; weight: number }[]).find(
      (i) => i.key === indicator,
    );
    if (!found)
      throw new Problem(400, 'unknown_indicator', `“${indicator}”不是 ${year} 年考核方案的指标`, [
        { path: 'body.indicator', message: indicator },
      ]);
    if (Math.abs(effect) > found.weight) {
      throw new Problem(
        400,
        'score_effect_beyond_weight',
        `“${found.name}”的权重为 ${found.weight} 分，督查加减分不能超过它`,
        [{ path: 'body.scoreEffect', message: `<= ${found.weight}` }],
      );
    }
  }

  async add(actor: Actor, input: z.infer<typeof NewSupervision>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await repo.orgInReach(tx, actor, input.orgId);
      if (!org) throw notFound('组织');
      // Supervision of an organization happens while it exists, and never after today (DOMAIN §9a).
      const day = stepDay({ on: input.supervisedOn, backdateReason: input.backdateReason }, org.established_on, {
        path: 'body.supervisedOn',
      });
      deadlineNotBefore(input.deadline, 'body.deadline', '整改期限', { on: day.on, what: '督查日期' });
      if (input.memberId) {
        if (!(await rolesInSubtree(tx, input.memberId, org.path)).length)
          throw invalid('被督查党员须是该组织成员', [{ path: 'body.memberId', message: input.memberId }]);
      }
      if (input.scoreEffect !== undefined)
        await this.checkScoreEffect(tx, org, Number(day.on.slice(0, 4)), input.indicator, input.scoreEffect);
      const now = nowIso();
      const row = {
        id: newId(),
        kind: input.kind,
        org_id: org.id,
        member_id: input.memberId ?? null,
        supervised_on: day.on,
        supervisor: input.supervisor,
        findings: input.findings,
        indicator: input.indicator ?? null,
        score_effect: input.scoreEffect ?? null,
        rectification: input.rectification ?? null,
        deadline: input.deadline ?? null,
        follow_up: null,
        closed_on: null,
        created_by: actor.userId,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertSupervision(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'supervision.create',
        entityType: 'temporary_org',
        entityId: org.id,
        after: { ...row, backdateReason: day.late },
      });
      return row.id;
    });
  }

  async followUp(actor: Actor, id: string, input: z.infer<typeof FollowUp>) {
    await this.db.transaction().execute(async (tx) => {
      const s = await repo.supervisionInReach(tx, actor, id);
      if (!s) throw notFound('督查记录');
      if (s.closed_on) throw conflict('supervision_closed', '该督查记录已办结');
      notAfterToday(input.on, 'body.on', '跟进日期');
      if (input.on < s.supervised_on)
        throw invalid('跟进日期早于督查日期', [{ path: 'body.on', message: `>= ${s.supervised_on}` }]);
      const done = await repo.updateSupervision(tx, id, input.version, {
        follow_up: s.follow_up ? `${s.follow_up}\n${input.on} ${input.text}` : `${input.on} ${input.text}`,
        closed_on: input.close ? input.on : null,
        updated_at: nowIso(),
      });
      if (!done) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'supervision.follow_up',
        entityType: 'temporary_org',
        entityId: s.org_id,
        after: { id, ...input },
      });
    });
  }

  async addTilt(actor: Actor, input: z.infer<typeof NewTilt>) {
    const l = await this.ledgers.get(actor, input.ledgerId);
    const row = l.items.find((r) => r.orgId === input.orgId);
    if (!row) throw invalid('该组织不在这份台账中', [{ path: 'body.orgId', message: input.orgId }]);
    if (!policy.tiltWarranted(row.grade))
      throw conflict('not_well_graded', '只对考核为“好”或“较好”的组织倾斜政策或资金');
    // A tilt rewards a grade: decided once the assessed period is over, and never after today.
    factDay(input.decidedOn, 'body.decidedOn', '决定日期', { on: l.periodTo, what: '考核期末' });
    return this.db.transaction().execute(async (tx) => {
      const t = {
        id: newId(),
        org_id: input.orgId,
        ledger_id: input.ledgerId,
        amount_yuan: input.amountYuan,
        purpose: input.purpose,
        approver: input.approver,
        decided_on: input.decidedOn,
        created_at: nowIso(),
      };
      await repo.insertTilt(tx, t);
      await recordReply(tx, actor.requestId, 201, { id: t.id });
      await this.audit.record(tx, actor, {
        action: 'assessment.tilt',
        entityType: 'temporary_org',
        entityId: input.orgId,
        after: t,
      });
      return t.id;
    });
  }

  /** Tilts in scope, newest decision first, in keyset pages with their total. */
  async tilts(actor: Actor, f: { limit?: number; cursor?: string | undefined } = {}) {
    return keysetPage(
      repo.tiltsInScope(this.db, actor),
      { sort: 't.decided_on', id: 't.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) =>
        rows.map((r) => ({
          id: r.id,
          ledgerId: r.ledger_id,
          orgId: r.org_id,
          orgName: r.name,
          amountYuan: Number(r.amount_yuan),
          purpose: r.purpose,
          approver: r.approver,
          decidedOn: r.decided_on,
        })),
      (r) => r.decidedOn,
    );
  }
}
