import { type ExitStatus, daysBetween, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { ExitApplicationTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { type StepDay, latestStepOn, lateNote, noticeEndsOf, stepDay } from '../../lib/step-dates.ts';
import { keysetPage } from '../../lib/paging.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { regionInReach, underRegion } from '../../lib/scope.ts';
import { servedHousehold } from '../households/households.repository.ts';
import { setting } from '../settings/settings.repository.ts';
import * as policy from './exits.policy.ts';
import { villageOf } from '../regions/regions.repository.ts';
import * as repo from './exits.repository.ts';
import { EXIT_CRITERIA, type ExitTransition, type NewExitApplication, type Objection } from './exits.schemas.ts';
import { known } from '../../lib/known.ts';
import { unitInCounty } from '../units/units.repository.ts';
import { type SignedAct, codesOf, signAct } from '../signatures/signatures.service.ts';
import { exitStepSigned } from '../signatures/signatures.policy.ts';

/** The steps in the words of the procedure (DOMAIN §6), for messages a user reads. */
const STEP_NAMES: Record<ExitStatus, string> = {
  applied: '申请',
  reviewed: '民主评议',
  verified: '核验',
  acknowledged: '农户认可',
  in_notice: '村内公示',
  announced: '公告退出',
  rejected: '不予退出',
};

/** The verifier as the application shows it: a unit, or a person with their title. */
/** The facts the policy reads off an application row. */
const facts = (r: repo.ApplicationRow, povertyLine: number): policy.ExitFacts => ({
  status: r.status as ExitStatus,
  served: Number(r.served) === 1,
  noticeEndsOn: noticeEndsOf('exit', r),
  incomeAboveLine: r.per_capita_income > povertyLine,
});

const verifierOf = (r: {
  verifier_unit_name: string | null;
  verifier_member_name: string | null;
  verifier_member_title: string | null;
}) =>
  r.verifier_unit_name
    ? { kind: 'unit' as const, name: r.verifier_unit_name }
    : r.verifier_member_name
      ? {
          kind: 'member' as const,
          name: r.verifier_member_title
            ? `${r.verifier_member_title}${r.verifier_member_name}`
            : r.verifier_member_name,
        }
      : null;

/** The poverty-exit procedure as a state machine that can be neither skipped nor reordered. */
export class ExitService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private async find(actor: Actor, id: string, db: Executor = this.db) {
    const row = await repo.applicationsInScope(db, actor).where('e.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('脱贫申请');
    return row;
  }

  /** Applications with their trails and what the actor may do with each: two queries whatever the number of rows. */
  private async present(actor: Actor, rows: repo.ApplicationRow[]) {
    const events = await repo.eventsOf(
      this.db,
      rows.map((r) => r.id),
    );
    // This year's poverty line of each county on the page (one lookup per county): verification tests income against it.
    const year = Number(todayInShanghai().slice(0, 4));
    const codes = await codesOf(
      this.db,
      'exit.announced',
      rows.filter((r) => r.status === 'announced').map((r) => r.id),
    );
    const lines = new Map<string, number>();
    for (const county of new Set(rows.map((r) => r.region_code.slice(0, 6)))) {
      lines.set(county, await setting(this.db, county, year, 'poverty_line'));
    }
    return rows.map((r) => ({
      id: r.id,
      householdId: r.household_id,
      headName: r.head_name,
      regionCode: r.region_code,
      regionName: r.region_name,
      source: r.source,
      status: r.status,
      appliedOn: r.applied_on,
      criteria: r.criteria_json ? JSON.parse(r.criteria_json) : null,
      verifier: verifierOf(r),
      noticeStartOn: r.notice_start_on,
      noticePublishedOn: r.notice_published_on,
      noticeEndsOn: noticeEndsOf('exit', r),
      announcedOn: r.announced_on,
      rejectReason: r.reject_reason,
      events: events
        .filter((e) => e.application_id === r.id)
        .map((e) => ({ on: e.on, kind: e.kind, text: e.text, toStatus: e.to_status })),
      verificationCode: codes.get(r.id) ?? null,
      version: r.version,
      abilities: policy.abilities(actor, facts(r, lines.get(r.region_code.slice(0, 6)) as number)),
    }));
  }

  async get(actor: Actor, id: string) {
    const [one] = await this.present(actor, [await this.find(actor, id)]);
    return one as NonNullable<typeof one>;
  }

  /** Applications in scope, newest first, in keyset pages with their total: a county's list never stops silently. */
  async list(
    actor: Actor,
    f: { householdId?: string; status?: ExitStatus; regionCode?: string; limit?: number; cursor?: string } = {},
  ) {
    let q = repo.applicationsInScope(this.db, actor);
    if (f.householdId) q = q.where('e.household_id', '=', f.householdId);
    if (f.status) q = q.where('e.status', '=', f.status);
    if (f.regionCode) q = q.where(underRegion('h.region_code', f.regionCode));
    return keysetPage(
      q,
      { sort: 'e.applied_on', id: 'e.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      (rows) => this.present(actor, rows),
      (r) => r.appliedOn,
    );
  }

  /**
   * The village notice (村内公示) of the applications now in public notice in one village: the heads' names
   * and the proposed outcome only — never ID, phone, bank or health details (DOMAIN §6).
   */
  async notice(actor: Actor, villageCode: string, today = todayInShanghai()) {
    const village = await villageOf(this.db, villageCode);
    const rows = await repo
      .applicationsInScope(this.db, actor, today)
      .where('h.region_code', '=', villageCode)
      .where('e.status', '=', 'in_notice')
      .orderBy('h.head_initials')
      .orderBy('e.id')
      .execute();
    if (village?.level !== 'village' || (!rows.length && !regionInReach(actor, villageCode)))
      throw notFound('村（社区）');
    const items = rows.map((r, i) => {
      const endsOn = known(noticeEndsOf('exit', r), 'the notice’s end');
      return {
        no: i + 1,
        headName: r.head_name,
        outcome: '拟退出贫困',
        noticeStartOn: known(r.notice_start_on, 'the notice’s start'),
        noticeEndsOn: endsOn,
        daysLeft: Math.max(0, daysBetween(today, endsOn)),
      };
    });
    return {
      villageCode: village.code,
      villageName: village.name,
      townshipName: village.township_name ?? '',
      today,
      items,
    };
  }

  /** Application by the household or proposal by the village; one open application at a time. */
  async apply(actor: Actor, input: z.infer<typeof NewExitApplication>) {
    if (!policy.mayRunProcedure(actor)) throw forbidden('permission_denied', '无权办理脱贫程序');
    const day = stepDay({ on: input.appliedOn, backdateReason: input.backdateReason }, null, {
      path: 'body.appliedOn',
    });
    return this.db.transaction().execute(async (tx) => {
      const h = await servedHousehold(tx, actor, input.householdId);
      if (h.status !== 'registered' && h.status !== 'returned')
        throw conflict('household_not_poor', '只有未脱贫户才能申请退出');
      if (await repo.openApplicationOf(tx, h.id)) throw conflict('application_open', '该户已有未办结的脱贫申请');
      const now = nowIso();
      const row: ExitApplicationTable = {
        id: newId(),
        household_id: h.id,
        source: input.source,
        status: 'applied',
        applied_on: day.on,
        reviewed_on: null,
        verified_on: null,
        criteria_json: null,
        acknowledged_on: null,
        notice_start_on: null,
        notice_days: null,
        notice_published_on: null,
        announced_on: null,
        rejected_on: null,
        reject_reason: null,
        verified_by_unit_id: null,
        verified_by_member_id: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const text = `${input.source === 'household' ? '农户申请' : '村提名'}${input.note ? `：${input.note}` : ''}${lateNote(day)}`;
      await repo.insertApplication(tx, row, {
        id: newId(),
        application_id: row.id,
        on: day.on,
        kind: 'transition',
        from_status: null,
        to_status: 'applied',
        text,
        user_id: actor.userId,
        created_at: now,
      });
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'exit.apply',
        entityType: 'household',
        entityId: h.id,
        after: { ...row, backdateReason: day.late },
      });
      return row.id;
    });
  }

  /** One step of the procedure, with the rules that step carries. */
  async transition(actor: Actor, id: string, input: z.infer<typeof ExitTransition>) {
    if (!policy.mayRunProcedure(actor)) throw forbidden('permission_denied', '无权办理脱贫程序');
    await this.db.transaction().execute(async (tx) => {
      const r = await this.find(actor, id, tx);
      await servedHousehold(tx, actor, r.household_id);
      const from = r.status as ExitStatus;
      if (input.to === 'reviewed' && from === 'in_notice')
        throw invalid('公示期间的异议请通过“异议”登记', [{ path: 'body.to', message: 'use objections' }]);
      if (!policy.stepAllowed(from, input.to))
        throw conflict('illegal_transition', `不能从“${STEP_NAMES[from]}”直接到“${STEP_NAMES[input.to]}”`);
      const day = stepDay(input, await latestStepOn(tx, 'exit', id));
      const today = todayInShanghai();
      const patch: Partial<ExitApplicationTable> = { status: input.to, updated_at: nowIso() };
      let text = '';
      const countyCode = r.region_code.slice(0, 6);
      const year = Number(day.on.slice(0, 4));
      switch (input.to) {
        case 'reviewed':
          patch.reviewed_on = day.on;
          text = `民主评议通过${input.reason ? `：${input.reason}` : ''}`;
          break;
        case 'verified': {
          const criteria = input.criteria ?? [];
          const missing = EXIT_CRITERIA.filter((c) => !criteria.some((x) => x.criterion === c));
          if (missing.length)
            throw invalid('核验须逐项记录标准和依据', [
              { path: 'body.criteria', message: `missing: ${missing.join(', ')}` },
            ]);
          const line = await setting(tx, countyCode, year, 'poverty_line');
          const income = criteria.find((c) => c.criterion === 'income');
          if (income?.met && r.per_capita_income <= line) {
            throw conflict(
              'income_below_line',
              `人均纯收入 ${r.per_capita_income} 元未超过当年标准 ${line} 元，收入一项不能核验为达标`,
            );
          }
          const unmet = criteria.filter((c) => !c.met);
          if (unmet.length)
            throw conflict('standard_not_met', `有 ${unmet.length} 项未达标，应作出不予退出的决定并写明理由`);
          const verifier = await this.verifier(tx, input.verifier, countyCode);
          patch.verified_on = day.on;
          patch.criteria_json = JSON.stringify(criteria);
          patch.verified_by_unit_id = verifier.unitId;
          patch.verified_by_member_id = verifier.memberId;
          text = `村“两委”和驻村工作队核验达标（核验：${verifier.label}；人均纯收入 ${r.per_capita_income} 元，标准 ${line} 元）`;
          break;
        }
        case 'acknowledged':
          patch.acknowledged_on = day.on;
          text = '农户签字认可';
          break;
        case 'in_notice': {
          // The notice appears on the village board now: its floor runs from today, whatever day the paper says.
          const days = await setting(tx, countyCode, year, 'exit_notice_days');
          patch.notice_start_on = day.on;
          patch.notice_days = days;
          patch.notice_published_on = today;
          text = `村内公示 ${days} 天，至 ${noticeEndsOf('exit', { notice_start_on: day.on, notice_days: days, notice_published_on: today })}`;
          break;
        }
        case 'announced': {
          const ends = known(noticeEndsOf('exit', r), 'the notice’s end');
          if (day.on < ends) throw conflict('notice_period_not_over', `公示期到 ${ends} 才结束，不能提前公告退出`);
          patch.announced_on = day.on;
          text = '公告退出，销号';
          await repo.markExited(tx, r.household_id, day.on);
          break;
        }
        case 'rejected':
          if (!input.reason) throw invalid('不予退出须写明理由', [{ path: 'body.reason', message: 'required' }]);
          patch.rejected_on = day.on;
          patch.reject_reason = input.reason;
          text = `不予退出：${input.reason}`;
          break;
        default:
          break;
      }
      if (!(await repo.updateApplication(tx, id, input.version, patch))) throw versionConflict();
      await repo.insertEvent(tx, {
        id: newId(),
        application_id: id,
        on: day.on,
        kind: 'transition',
        from_status: from,
        to_status: input.to,
        text: text + lateNote(day),
        user_id: actor.userId,
        created_at: nowIso(),
      });
      // The announcement is an act the county may have to prove: signed over the facts just written, in this
      // transaction, and named in its audit event.
      const signed: SignedAct | undefined = exitStepSigned(input.to)
        ? await signAct(tx, this.audit.signer, 'exit.announced', id)
        : undefined;
      await this.audit.record(tx, actor, {
        action: 'exit.transition',
        entityType: 'household',
        entityId: r.household_id,
        before: { status: from },
        after: { status: input.to, on: day.on, reason: input.reason, backdateReason: day.late, signed },
      });
    });
  }

  /**
   * Who verified the household against the standard: a unit (the village work team, 驻村工作队) or a person (the first
   * secretary, 第一书记) of the household's county, named in the request and kept with the verification.
   */
  private async verifier(tx: Executor, v: z.infer<typeof ExitTransition>['verifier'], county: string) {
    if (!v) throw invalid('核验须写明核验人：驻村工作队或第一书记', [{ path: 'body.verifier', message: 'required' }]);
    if (v.unitId) {
      const u = await unitInCounty(tx, v.unitId, county);
      if (!u) throw invalid('核验单位不在本县名录中', [{ path: 'body.verifier.unitId', message: v.unitId }]);
      return { unitId: u.id, memberId: null, label: u.name };
    }
    const m = await repo.countyMember(tx, known(v.memberId, 'the verifier'), county);
    if (!m) throw invalid('核验人不在本县名册中', [{ path: 'body.verifier.memberId', message: String(v.memberId) }]);
    return { unitId: null, memberId: m.id, label: m.title ? `${m.title}${m.name}` : m.name };
  }

  /** An objection during public notice is recorded and sends the application back to verification. */
  async object(actor: Actor, id: string, input: z.infer<typeof Objection>) {
    if (!policy.mayRunProcedure(actor)) throw forbidden('permission_denied', '无权办理脱贫程序');
    await this.db.transaction().execute(async (tx) => {
      const r = await this.find(actor, id, tx);
      await servedHousehold(tx, actor, r.household_id);
      if (r.status !== 'in_notice') throw conflict('not_in_notice', '只有公示期间才能登记异议');
      const day: StepDay = stepDay(
        { on: input.receivedOn, backdateReason: input.backdateReason },
        await latestStepOn(tx, 'exit', id),
        { path: 'body.receivedOn' },
      );
      const back = {
        status: 'reviewed',
        verified_on: null,
        criteria_json: null,
        verified_by_unit_id: null,
        verified_by_member_id: null,
        acknowledged_on: null,
        notice_start_on: null,
        notice_days: null,
        notice_published_on: null,
        updated_at: nowIso(),
      } as const;
      if (!(await repo.updateApplication(tx, id, input.version, back))) throw versionConflict();
      await repo.insertEvent(tx, {
        id: newId(),
        application_id: id,
        on: day.on,
        kind: 'objection',
        from_status: 'in_notice',
        to_status: 'reviewed',
        text: `公示期间收到异议，退回重新核验：${input.content}${lateNote(day)}`,
        user_id: actor.userId,
        created_at: nowIso(),
      });
      await this.audit.record(tx, actor, {
        action: 'exit.objection',
        entityType: 'household',
        entityId: r.household_id,
        after: { ...input, receivedOn: day.on, backdateReason: day.late },
      });
    });
  }
}
