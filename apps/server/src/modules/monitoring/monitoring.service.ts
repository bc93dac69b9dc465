import { type MonitoringStatus, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { MonitoringCaseTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { latestStepOn, lateNote, noticeEndsOf, stepDay } from '../../lib/step-dates.ts';
import { decodeCursor, invalidCursor, keysetPage, pageOf } from '../../lib/paging.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { setting } from '../settings/settings.repository.ts';
import { servedHousehold } from '../households/households.repository.ts';
import * as policy from './monitoring.policy.ts';
import * as repo from './monitoring.repository.ts';
import type { MonitoringTransition, NewMonitoringCase } from './monitoring.schemas.ts';
import { monitoringStepSigned } from '../signatures/signatures.policy.ts';
import { codesOf, signAct } from '../signatures/signatures.service.ts';

const TEXT: Record<MonitoringStatus, string> = {
  identified: '识别为监测对象候选',
  consented: '入户核实，农户同意纳入监测',
  in_notice: '民主评议通过，村内公示',
  township_reviewed: '乡镇审核通过',
  monitored: '县级确定为监测对象，落实帮扶措施',
  elimination_in_notice: '提出风险消除，村内公示',
  elimination_reviewed: '乡镇审核风险消除',
  eliminated: '县级确定风险已消除',
  dropped: '不纳入监测',
};

/**
 * Where an early-warning candidate stands in the list: a visit's findings first (0), then the lowest income, then the
 * household's id. The list is decided per household from the year's settings and visits, so it is paged in memory
 * with a keyset cursor over this key (the cursor's value is `rank:income`).
 */
type CandidateKey = readonly [number, number];
const candidateKey = (c: { lastRiskVisitOn: string | null; perCapitaIncome: number }): CandidateKey => [
  c.lastRiskVisitOn === null ? 1 : 0,
  c.perCapitaIncome,
];
const byCandidateKey = (a: { key: CandidateKey; id: string }, b: { key: CandidateKey; id: string }) =>
  a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function candidateCursor(cursor: string | undefined) {
  const c = decodeCursor(cursor);
  if (!c) return null;
  const [rank, income, more] = String(c.v).split(':').map(Number);
  if (more !== undefined || !Number.isInteger(rank) || !Number.isFinite(income)) throw invalidCursor();
  return { key: [rank, income] as CandidateKey, id: c.id };
}

/** Return-to-poverty monitoring: identification to county decision, risk elimination and rollback. */
export class MonitoringService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private async find(actor: Actor, id: string, db: Executor = this.db) {
    const row = await repo.casesInScope(db, actor).where('m.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('监测对象');
    return row;
  }

  /** Cases with their trails and what the actor may do with each: two queries whatever the number of rows. */
  private async present(actor: Actor, rows: repo.CaseRow[]) {
    const events = await repo.eventsOf(
      this.db,
      rows.map((r) => r.id),
    );
    // Decisions are signed: their codes, for the page's events, in one query.
    const codes = await codesOf(
      this.db,
      'monitoring.decided',
      events.filter((e) => monitoringStepSigned(e.to_status as MonitoringStatus)).map((e) => e.id),
    );
    return rows.map((r) => ({
      id: r.id,
      householdId: r.household_id,
      headName: r.head_name,
      regionName: r.region_name,
      category: r.category,
      source: r.source,
      risk: r.risk,
      status: r.status,
      identifiedOn: r.identified_on,
      noticePublishedOn: r.notice_published_on,
      noticeEndsOn: noticeEndsOf('monitoring', r),
      events: events
        .filter((e) => e.case_id === r.id)
        .map((e) => ({ on: e.on, toStatus: e.to_status, text: e.text, verificationCode: codes.get(e.id) ?? null })),
      version: r.version,
      abilities: policy.abilities(actor, {
        status: r.status,
        served: Number(r.served) === 1,
        noticeEndsOn: noticeEndsOf('monitoring', r),
        hasLabour: Number(r.has_labour) === 1,
      }),
    }));
  }

  async get(actor: Actor, id: string) {
    const [one] = await this.present(actor, [await this.find(actor, id)]);
    return one as NonNullable<typeof one>;
  }

  /** Cases in scope, newest first, in keyset pages with their total: a county's list never stops silently. */
  async list(actor: Actor, f: { householdId?: string; limit?: number; cursor?: string } = {}) {
    let q = repo.casesInScope(this.db, actor);
    if (f.householdId) q = q.where('m.household_id', '=', f.householdId);
    return keysetPage(
      q,
      { sort: 'm.identified_on', id: 'm.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      (rows) => this.present(actor, rows),
      (r) => r.identifiedOn,
    );
  }

  /**
   * Early warning (DOMAIN §7): households out of poverty whose income per head is under the year's monitoring
   * line, and any household not registered poor whose visits this year found a new serious illness, a disaster,
   * or rigid spending above the configured share of the household's yearly income. Households already in an
   * open case are left out.
   */
  async candidates(actor: Actor, f: { year: number; limit: number; cursor?: string | undefined }) {
    const after = candidateCursor(f.cursor);
    const rows = await repo.warningHouseholds(this.db, actor, f.year);
    const visits = await repo.riskVisits(this.db, actor, f.year);
    // One lookup per county and setting, not per household.
    const counties = new Set(rows.map((r) => r.region_code.slice(0, 6)));
    const lines = new Map<string, { line: number; ratio: number }>();
    for (const county of counties) {
      lines.set(county, {
        line: await setting(this.db, county, f.year, 'monitoring_line'),
        ratio: await setting(this.db, county, f.year, 'rigid_spending_ratio'),
      });
    }
    const risks = new Map<string, { on: string; seriousIllness: boolean; disaster: boolean; rigidSpending: number }>();
    for (const v of visits) {
      const r = JSON.parse(v.risks_json as string) as {
        seriousIllness: boolean;
        disaster: boolean;
        rigidSpending: number;
      };
      const acc = risks.get(v.household_id) ?? {
        on: v.visited_on,
        seriousIllness: false,
        disaster: false,
        rigidSpending: 0,
      };
      if (v.visited_on > acc.on) acc.on = v.visited_on;
      acc.seriousIllness ||= r.seriousIllness;
      acc.disaster ||= r.disaster;
      acc.rigidSpending += r.rigidSpending;
      risks.set(v.household_id, acc);
    }
    const out = [];
    for (const r of rows) {
      const { line, ratio } = lines.get(r.region_code.slice(0, 6)) as { line: number; ratio: number };
      const reasons: ('income_below_line' | 'serious_illness' | 'disaster' | 'rigid_spending')[] = [];
      if (r.per_capita_income < line && r.status !== 'returned') reasons.push('income_below_line');
      const risk = risks.get(r.id);
      if (risk?.seriousIllness) reasons.push('serious_illness');
      if (risk?.disaster) reasons.push('disaster');
      if (risk && risk.rigidSpending > 0 && risk.rigidSpending > Number(r.income) * ratio)
        reasons.push('rigid_spending');
      if (!reasons.length) continue;
      out.push({
        householdId: r.id,
        headName: r.head_name,
        regionName: r.region_name,
        status: r.status,
        perCapitaIncome: r.per_capita_income,
        line,
        reasons,
        rigidSpending: risk?.rigidSpending ?? 0,
        lastRiskVisitOn: risk?.on ?? null,
        suggestedCategory: reasons.includes('income_below_line')
          ? ('unstable_exited' as const)
          : ('sudden_hardship' as const),
        canIdentify: policy.canIdentify(actor, { served: Number(r.served) === 1 }),
      });
    }
    // What a visit found is the more urgent: those first, then the lowest incomes; the household's id breaks ties.
    const keyed = out.map((c) => ({ ...c, id: c.householdId, key: candidateKey(c) })).sort(byCandidateKey);
    const rest = after ? keyed.filter((c) => byCandidateKey(c, after) > 0) : keyed;
    const page = pageOf(rest.slice(0, f.limit + 1), f.limit, keyed.length, (c) => c.key.join(':'));
    return { ...page, items: page.items.map(({ id, key, ...c }) => c) };
  }

  async identify(actor: Actor, input: z.infer<typeof NewMonitoringCase>) {
    if (!policy.mayRunMonitoring(actor)) throw forbidden('permission_denied', '无权办理监测程序');
    const day = stepDay({ on: input.identifiedOn, backdateReason: input.backdateReason }, null, {
      path: 'body.identifiedOn',
    });
    return this.db.transaction().execute(async (tx) => {
      const h = await servedHousehold(tx, actor, input.householdId);
      if (input.category === 'unstable_exited' && h.status !== 'exited' && h.status !== 'risk_eliminated') {
        throw invalid('脱贫不稳定户须是已脱贫户', [{ path: 'body.category', message: h.status }]);
      }
      if (await repo.openCaseOf(tx, h.id)) throw conflict('case_open', '该户已在监测或识别中');
      const now = nowIso();
      const row: MonitoringCaseTable = {
        id: newId(),
        household_id: h.id,
        category: input.category,
        source: input.source,
        risk: input.risk,
        status: 'identified',
        identified_on: day.on,
        notice_start_on: null,
        notice_days: null,
        notice_published_on: null,
        decided_on: null,
        eliminated_on: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertCase(tx, row, {
        id: newId(),
        case_id: row.id,
        on: day.on,
        from_status: null,
        to_status: 'identified',
        text: `${TEXT.identified}：${input.risk}${lateNote(day)}`,
        user_id: actor.userId,
        created_at: now,
      });
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'monitoring.identify',
        entityType: 'household',
        entityId: h.id,
        after: { ...row, backdateReason: day.late },
      });
      return row.id;
    });
  }

  async transition(actor: Actor, id: string, input: z.infer<typeof MonitoringTransition>) {
    if (!policy.mayRunMonitoring(actor)) throw forbidden('permission_denied', '无权办理监测程序');
    await this.db.transaction().execute(async (tx) => {
      const r = await this.find(actor, id, tx);
      await servedHousehold(tx, actor, r.household_id);
      const from = r.status;
      if (!policy.stepAllowed(from, input.to))
        throw conflict('illegal_transition', `不能从“${TEXT[from]}”到“${TEXT[input.to]}”`);
      const day = stepDay(input, await latestStepOn(tx, 'monitoring', id));
      const countyCode = r.region_code.slice(0, 6);
      const year = Number(day.on.slice(0, 4));
      const patch: Partial<MonitoringCaseTable> = { status: input.to, updated_at: nowIso() };
      const setHousehold = (status: 'monitored' | 'risk_eliminated') =>
        repo.setHouseholdStatus(tx, r.household_id, status);
      if (input.to === 'dropped' && !input.reason)
        throw invalid('不纳入监测须写明理由', [{ path: 'body.reason', message: 'required' }]);
      if (input.to === 'in_notice' || input.to === 'elimination_in_notice') {
        // The notice appears on the village board now: its floor runs from today, whatever day the paper says.
        patch.notice_start_on = day.on;
        patch.notice_days = await setting(tx, countyCode, year, 'monitoring_notice_days');
        patch.notice_published_on = todayInShanghai();
      }
      if (input.to === 'township_reviewed' || input.to === 'elimination_reviewed') {
        const ends = noticeEndsOf('monitoring', r) as string;
        if (day.on < ends) throw conflict('notice_period_not_over', `公示期到 ${ends} 才结束`);
      }
      if (input.to === 'monitored') {
        if (policy.reasonRequired(from, input.to) && !input.reason)
          throw invalid('退回或重新纳入监测须写明理由', [{ path: 'body.reason', message: 'required' }]);
        patch.decided_on = day.on;
        patch.eliminated_on = null;
        await setHousehold('monitored');
      }
      if (input.to === 'elimination_in_notice' || input.to === 'eliminated') {
        // A household with no labour capacity at all is never marked risk-eliminated: it stays under the safety net.
        if (!(await repo.hasLabourCapacity(tx, r.household_id)))
          throw conflict('no_labour_capacity', '无劳动能力户不标注风险消除，应纳入兜底保障持续帮扶');
      }
      if (input.to === 'eliminated') {
        patch.eliminated_on = day.on;
        await setHousehold('risk_eliminated');
      }
      if (!(await repo.updateCase(tx, id, input.version, patch))) throw versionConflict();
      const text = (input.reason ? `${TEXT[input.to]}：${input.reason}` : TEXT[input.to]) + lateNote(day);
      const eventId = newId();
      await repo.insertEvent(tx, {
        id: eventId,
        case_id: id,
        on: day.on,
        from_status: from,
        to_status: input.to,
        text,
        user_id: actor.userId,
        created_at: nowIso(),
      });
      // A decision (纳入监测, 风险消除, 不纳入) is an act the county may have to prove: signed in this transaction.
      const signed = monitoringStepSigned(input.to)
        ? await signAct(tx, this.audit.signer, 'monitoring.decided', eventId)
        : undefined;
      await this.audit.record(tx, actor, {
        action: 'monitoring.transition',
        entityType: 'household',
        entityId: r.household_id,
        before: { status: from },
        after: { status: input.to, on: day.on, reason: input.reason, backdateReason: day.late, signed },
      });
    });
  }
}
