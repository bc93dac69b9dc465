import { todayInShanghai } from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { AssessmentSchemeTable, LedgerTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { holdRow } from '../../db/locks.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { Problem, conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { homeOrgInScope, orgInScope, underRegion } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { deadlineNotBefore, factDay, notAfterToday, stepDay } from '../../lib/step-dates.ts';
import { keysetPage } from '../../lib/paging.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { countyOf } from '../households/coverage.service.ts';
import type {
  Answer,
  AssessorScore,
  ComputeCountyLedgers,
  ComputeLedger,
  Delist,
  FollowUp,
  NewRecommendation,
  NewRectification,
  NewSupervision,
  NewTilt,
  SchemeInput,
  TaskUpdate,
} from './assessment.schemas.ts';
import { rolesInSubtree } from '../orgs/orgs.repository.ts';
import { ledgerRecords, orgInputs } from './metrics.ts';
import { type LedgerRow, type OrgInputs, type SchemeSnapshot, scoreLedger } from './scoring.ts';
import { TEMPLATE_INDICATORS } from './template.ts';

const snapshot = (s: AssessmentSchemeTable): SchemeSnapshot => ({
  id: s.id,
  name: s.name,
  year: s.year,
  tier: s.tier,
  dailyWeight: s.daily_weight,
  finalWeight: s.final_weight,
  cutoffs: JSON.parse(s.cutoffs_json),
  indicators: JSON.parse(s.indicators_json),
});

/** One ledger to compute: a tier's scheme, its scope (the county or a township) and the scope's organizations of the tier. */
interface LedgerJob {
  scheme: AssessmentSchemeTable;
  scope: string;
  orgs: { id: string; name: string; path: string; region_code: string }[];
}

/** Stored inputs of a ledger: the scheme as it was and every organization's values. */
interface LedgerInputs {
  scheme: SchemeSnapshot;
  orgs: OrgInputs[];
}

/**
 * Supervision, assessment schemes and tiered ledgers (DOMAIN §9), and their consequences: tilts for the well
 * graded, rectification for the poorly graded, recommendations to home organizations (never discipline).
 */
/** The ledger an organization is assessed in: the county's (general and special-task branches) or its township's (branches). */
function tierOf(o: { level: string; kind: string }): 'county' | 'township' | null {
  if (o.level === 'general_branch' || (o.level === 'branch' && o.kind === 'special')) return 'county';
  if (o.level === 'branch' && o.kind === 'regular') return 'township';
  return null;
}

export class AssessmentService {
  constructor(private readonly db: Db) {}

  private countyUser(actor: Actor) {
    if (actor.regionCode?.length !== 6) throw forbidden('county_only', '考核方案由县级设定');
    return actor.regionCode;
  }

  // --- schemes ---

  async schemes(actor: Actor, year: number) {
    const county = await countyOf(this.db, actor);
    const rows = await this.db
      .selectFrom('assessment_schemes')
      .selectAll()
      .where('county_code', '=', county)
      .where('year', '=', year)
      .orderBy('tier')
      .execute();
    return { items: rows.map((r) => ({ ...snapshot(r), version: r.version })), template: TEMPLATE_INDICATORS };
  }

  /** Creates or replaces a year's scheme for a tier; weights must sum to 100. Ledgers keep the scheme they used. */
  async putScheme(actor: Actor, input: z.infer<typeof SchemeInput>) {
    const county = this.countyUser(actor);
    const sum = input.indicators.reduce((s, i) => s + i.weight, 0);
    if (sum !== 100)
      throw new Problem(400, 'weights_not_100', `指标权重合计应为 100，现为 ${sum}`, [
        { path: 'body.indicators', message: String(sum) },
      ]);
    if (input.dailyWeight + input.finalWeight !== 100) {
      throw new Problem(400, 'weights_not_100', '日常督查与年终考核权重合计应为 100', [
        { path: 'body.dailyWeight', message: String(input.dailyWeight + input.finalWeight) },
      ]);
    }
    const keys = new Set<string>();
    for (const [i, ind] of input.indicators.entries()) {
      if (keys.has(ind.key)) throw invalid('指标代码重复', [{ path: `body.indicators.${i}.key`, message: ind.key }]);
      keys.add(ind.key);
      if (ind.method === 'computed' && (!ind.metric || !ind.target))
        throw invalid('计算类指标须选择数据来源并设定目标值', [
          { path: `body.indicators.${i}.metric`, message: 'required' },
        ]);
    }
    const c = input.cutoffs;
    if (!(c.good > c.fair && c.fair > c.average))
      throw invalid('等次分数线应为 好 > 较好 > 一般', [{ path: 'body.cutoffs', message: 'order' }]);
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('assessment_schemes')
        .selectAll()
        .where('county_code', '=', county)
        .where('year', '=', input.year)
        .where('tier', '=', input.tier)
        .executeTakeFirst();
      const now = nowIso();
      const values = {
        name: input.name,
        daily_weight: input.dailyWeight,
        final_weight: input.finalWeight,
        cutoffs_json: JSON.stringify(input.cutoffs),
        indicators_json: JSON.stringify(input.indicators),
        updated_at: now,
      };
      let id: string;
      if (existing) {
        id = existing.id;
        const r = await tx
          .updateTable('assessment_schemes')
          .set({ ...values, version: existing.version + 1 })
          .where('id', '=', id)
          .where('version', '=', existing.version)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      } else {
        id = newId();
        await tx
          .insertInto('assessment_schemes')
          .values({
            id,
            county_code: county,
            year: input.year,
            tier: input.tier,
            ...values,
            version: 1,
            created_at: now,
          })
          .execute();
      }
      await recordAudit(tx, actor, {
        action: 'assessment.scheme',
        entityType: 'assessment_scheme',
        entityId: id,
        before: existing ?? undefined,
        after: input,
      });
      return id;
    });
  }

  // --- ledgers ---

  /** The organizations of a tier: the county's general and special-task branches, or a township's branches. */
  private async tierOrgs(db: Executor, tier: 'county' | 'township', scope: string, from: string, to: string) {
    let q = db
      .selectFrom('temporary_orgs as o')
      .select(['o.id', 'o.name', 'o.path', 'o.region_code'])
      .where(underRegion('o.region_code', scope))
      .where('o.established_on', '<=', to)
      .where((eb) => eb.or([eb('o.dissolved_on', 'is', null), eb('o.dissolved_on', '>', from)]));
    q =
      tier === 'county'
        ? q.where((eb) =>
            eb.or([
              eb('o.level', '=', 'general_branch'),
              eb.and([eb('o.level', '=', 'branch'), eb('o.kind', '=', 'special')]),
            ]),
          )
        : q.where('o.level', '=', 'branch').where('o.kind', '=', 'regular');
    return q.orderBy('o.name_initials').execute();
  }

  /** Computes a ledger from the records as they are now and stores it with its inputs, as a new version. */
  async compute(actor: Actor, input: z.infer<typeof ComputeLedger>) {
    const county = await countyOf(this.db, actor);
    if (!actor.regionCode) throw forbidden('region_scope_required', '只有县、乡账号可以计算考核台账');
    let scope: string;
    if (input.tier === 'county') {
      if (actor.regionCode.length !== 6) throw notFound('台账');
      scope = county;
    } else {
      scope = input.scopeCode ?? actor.regionCode;
      if (scope.length !== 9 || !scope.startsWith(actor.regionCode))
        throw invalid('请选择管辖范围内的乡镇', [{ path: 'body.scopeCode', message: scope }]);
    }
    const scheme = await this.db
      .selectFrom('assessment_schemes')
      .selectAll()
      .where('county_code', '=', county)
      .where('year', '=', input.year)
      .where('tier', '=', input.tier)
      .executeTakeFirst();
    if (!scheme) throw conflict('scheme_missing', `${input.year} 年还没有该层级的考核方案`);
    const from = input.from ?? `${input.year}-01-01`;
    const to = input.to ?? `${input.year}-12-31`;
    if (from > to) throw invalid('考核期起止颠倒', [{ path: 'body.from', message: from }]);
    const jobs = [{ scheme, scope, orgs: await this.tierOrgs(this.db, input.tier, scope, from, to) }];
    const [id] = await this.computeJobs(actor, county, jobs, from, to, ([first]) => ({ id: first }));
    return id as string;
  }

  /**
   * The year's ledgers of the whole county at once: the county tier and every township that has branches, for
   * each tier with a scheme. The county's records are read once for all of them (a ledger alone reads its own),
   * and the ledgers are stored together, each a new version with its audit row.
   */
  async computeCounty(actor: Actor, input: z.infer<typeof ComputeCountyLedgers>) {
    if (actor.regionCode?.length !== 6) throw forbidden('county_scope_required', '只有县级账号可以计算全县台账');
    const county = actor.regionCode;
    const schemes = await this.db
      .selectFrom('assessment_schemes')
      .selectAll()
      .where('county_code', '=', county)
      .where('year', '=', input.year)
      .execute();
    if (!schemes.length) throw conflict('scheme_missing', `${input.year} 年还没有考核方案`);
    const from = `${input.year}-01-01`;
    const to = `${input.year}-12-31`;
    const jobs: LedgerJob[] = [];
    for (const scheme of schemes.sort((a, b) => a.tier.localeCompare(b.tier))) {
      const orgs = await this.tierOrgs(this.db, scheme.tier, county, from, to);
      if (scheme.tier === 'county') {
        jobs.push({ scheme, scope: county, orgs });
        continue;
      }
      // The county's branches in one reading, a ledger for each township that has any.
      const byTownship = new Map<string, typeof orgs>();
      for (const o of orgs) {
        if (o.region_code.length < 9) continue;
        const township = byTownship.get(o.region_code.slice(0, 9)) ?? [];
        township.push(o);
        byTownship.set(o.region_code.slice(0, 9), township);
      }
      for (const [scope, mine] of [...byTownship].sort(([a], [b]) => a.localeCompare(b)))
        jobs.push({ scheme, scope, orgs: mine });
    }
    return this.computeJobs(actor, county, jobs, from, to, (ids) => ({ ids }));
  }

  /**
   * Computes and stores ledgers of one county over one period, from one reading of their organizations' records;
   * `replyOf` shapes the route's reply from the new ledgers' ids, recorded with them.
   */
  private async computeJobs(
    actor: Actor,
    county: string,
    jobs: LedgerJob[],
    from: string,
    to: string,
    replyOf: (ids: string[]) => unknown,
  ): Promise<string[]> {
    // Every organization of the county once, so that each one's subtree (itself and its party groups) is a list
    // of ids: a path prefix (LIKE) reaches no index, and the county's ledgers would read the province's
    // organizations once per organization.
    const all = await this.db
      .selectFrom('temporary_orgs')
      .select(['id', 'path'])
      .where(underRegion('region_code', county))
      .execute();
    const subtrees = new Map(
      jobs
        .flatMap((j) => j.orgs)
        .map((o) => [o.id, new Set(all.filter((x) => x.path.startsWith(o.path)).map((x) => x.id))]),
    );
    const records = await ledgerRecords(this.db, [...new Set([...subtrees.values()].flatMap((t) => [...t]))], from, to);
    const schemeIds = [...new Set(jobs.map((j) => j.scheme.id))];
    const scored = schemeIds.length
      ? await this.db
          .selectFrom('assessor_scores')
          .selectAll()
          .where('scheme_id', 'in', schemeIds)
          .orderBy('created_at')
          .execute()
      : [];
    const computed = jobs.map((job) => {
      const inputs: OrgInputs[] = job.orgs.map((o) => {
        const latest: OrgInputs['scored'] = {};
        for (const s of scored) {
          if (s.scheme_id === job.scheme.id && s.org_id === o.id)
            latest[s.indicator_key] = { score: Number(s.score), evidence: s.evidence, assessor: s.assessor };
        }
        return { ...orgInputs(records, o, subtrees.get(o.id) as Set<string>), scored: latest };
      });
      const snap = snapshot(job.scheme);
      return { job, snap, inputs, rows: scoreLedger(snap, inputs) };
    });
    return this.db.transaction().execute(async (tx) => {
      // The reply names the new ledgers, so their ids are made first and the reply recorded before their audit rows.
      const ids = computed.map(() => newId());
      await recordReply(tx, actor.requestId, 201, replyOf(ids));
      // Versions of one scheme's ledgers are numbered one after another, even when two computations meet (a unique
      // index backs it, migration 0028). Every scheme is held before the first audit row takes the chain's head, in
      // one order: a computation holding the head and waiting for a scheme held by another computation that waits for
      // the head would be a deadlock (the whole county's ledgers beside one township's).
      for (const id of [...new Set(computed.map((c) => c.job.scheme.id))].sort())
        await holdRow(tx, 'assessment_schemes', id);
      const ledgers: { row: LedgerTable; orgs: number }[] = [];
      for (const [i, { job, snap, inputs, rows }] of computed.entries()) {
        const last = await tx
          .selectFrom('ledgers')
          .select((eb) => eb.fn.max('version').as('v'))
          .where('scheme_id', '=', job.scheme.id)
          .where('scope_code', '=', job.scope)
          .where('period_from', '=', from)
          .where('period_to', '=', to)
          .executeTakeFirst();
        const row: LedgerTable = {
          id: ids[i] as string,
          scheme_id: job.scheme.id,
          tier: job.scheme.tier,
          scope_code: job.scope,
          period_from: from,
          period_to: to,
          version: Number(last?.v ?? 0) + 1,
          inputs_json: JSON.stringify({ scheme: snap, orgs: inputs } satisfies LedgerInputs),
          rows_json: JSON.stringify(rows),
          computed_by: actor.displayName,
          computed_at: nowIso(),
        };
        await tx.insertInto('ledgers').values(row).execute();
        ledgers.push({ row, orgs: rows.length });
      }
      for (const { row, orgs } of ledgers) {
        await recordAudit(tx, actor, {
          action: 'assessment.ledger',
          entityType: 'ledger',
          entityId: row.id,
          after: { tier: row.tier, scope: row.scope_code, from, to, version: row.version, orgs },
        });
      }
      return ids;
    });
  }

  private visibleLedgers(actor: Actor, db: Executor = this.db) {
    const prefix = actor.regionCode;
    return db
      .selectFrom('ledgers as l')
      .leftJoin('regions as g', 'g.code', 'l.scope_code')
      .selectAll('l')
      .select('g.name as scope_name')
      .where(prefix === null ? sql<SqlBool>`1 = 0` : underRegion('l.scope_code', prefix));
  }

  /** Ledger versions in the caller's reach, newest first, in keyset pages with their total. */
  async ledgers(
    actor: Actor,
    q: {
      year?: number | undefined;
      tier?: 'county' | 'township' | undefined;
      scopeCode?: string | undefined;
      limit?: number;
      cursor?: string | undefined;
    },
  ) {
    let b = this.visibleLedgers(actor);
    if (q.year) b = b.where('l.period_from', '>=', `${q.year}-01-01`).where('l.period_from', '<=', `${q.year}-12-31`);
    if (q.tier) b = b.where('l.tier', '=', q.tier);
    if (q.scopeCode) b = b.where('l.scope_code', '=', q.scopeCode);
    return keysetPage(
      b,
      { sort: 'l.computed_at', id: 'l.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      async (rows) => rows.map((r) => this.summary(r)),
      (r) => r.computedAt,
    );
  }

  private summary(r: LedgerTable & { scope_name: string | null }) {
    return {
      id: r.id,
      tier: r.tier,
      scopeCode: r.scope_code,
      scopeName: r.scope_name ?? r.scope_code,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      version: r.version,
      computedAt: r.computed_at,
      computedBy: r.computed_by,
      rows: (JSON.parse(r.rows_json) as unknown[]).length,
    };
  }

  private async mustLedger(actor: Actor, id: string, db: Executor = this.db) {
    const r = await this.visibleLedgers(actor, db).where('l.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('台账');
    return r;
  }

  async ledger(actor: Actor, id: string) {
    const r = await this.mustLedger(actor, id);
    const inputs = JSON.parse(r.inputs_json) as LedgerInputs;
    return {
      ...this.summary(r),
      scheme: inputs.scheme,
      items: JSON.parse(r.rows_json) as LedgerRow[],
      supervision: Object.fromEntries(inputs.orgs.map((o) => [o.orgId, o.supervision.evidence])),
    };
  }

  /** Scores the stored inputs again: a stored ledger always gives the same result, whatever changed since. */
  async reproduce(actor: Actor, id: string) {
    const r = await this.mustLedger(actor, id);
    const inputs = JSON.parse(r.inputs_json) as LedgerInputs;
    const again = scoreLedger(inputs.scheme, inputs.orgs);
    return { identical: JSON.stringify(again) === r.rows_json, items: again };
  }

  async score(actor: Actor, input: z.infer<typeof AssessorScore>) {
    await this.db.transaction().execute(async (tx) => {
      const scheme = await tx
        .selectFrom('assessment_schemes')
        .selectAll()
        .where('id', '=', input.schemeId)
        .executeTakeFirst();
      if (!scheme || scheme.county_code !== (await countyOf(tx, actor))) throw notFound('考核方案');
      const ind = (JSON.parse(scheme.indicators_json) as SchemeSnapshot['indicators']).find(
        (i) => i.key === input.indicatorKey,
      );
      if (ind?.method !== 'scored')
        throw invalid('该指标不是评分类指标', [{ path: 'body.indicatorKey', message: input.indicatorKey }]);
      const org = await tx
        .selectFrom('temporary_orgs as o')
        .select('o.id')
        .where('o.id', '=', input.orgId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
      if (!org) throw notFound('组织');
      const row = {
        id: newId(),
        scheme_id: scheme.id,
        indicator_key: ind.key,
        org_id: org.id,
        score: input.score,
        evidence: input.evidence,
        assessor: actor.displayName,
        created_at: nowIso(),
      };
      await tx.insertInto('assessor_scores').values(row).execute();
      await recordAudit(tx, actor, {
        action: 'assessment.score',
        entityType: 'temporary_org',
        entityId: org.id,
        after: row,
      });
    });
  }

  // --- supervision ---

  private supervisionRows() {
    return this.db
      .selectFrom('supervision_records as s')
      .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
      .leftJoin('members as p', 'p.id', 's.member_id')
      .selectAll('s')
      .select(['o.name as org_name', 'p.name as member_name']);
  }

  private presentSupervision(r: Awaited<ReturnType<ReturnType<typeof this.supervisionRows>['execute']>>[number]) {
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
  async supervision(actor: Actor, f: { orgId?: string | undefined; limit?: number; cursor?: string | undefined } = {}) {
    let q = this.supervisionRows().where(orgInScope(actor, 'o'));
    if (f.orgId) q = q.where('s.org_id', '=', f.orgId);
    return keysetPage(
      q,
      { sort: 's.supervised_on', id: 's.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => this.presentSupervision(r)),
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
    const tier = tierOf(org);
    if (!tier) throw invalid('该组织不参加分级考核，督查不加减分', [{ path: 'body.scoreEffect', message: 'no tier' }]);
    const scheme = await tx
      .selectFrom('assessment_schemes')
      .select('indicators_json')
      .where('county_code', '=', org.region_code.slice(0, 6))
      .where('year', '=', year)
      .where('tier', '=', tier)
      .executeTakeFirst();
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

  async addSupervision(actor: Actor, input: z.infer<typeof NewSupervision>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await tx
        .selectFrom('temporary_orgs as o')
        .select(['o.id', 'o.path', 'o.established_on', 'o.level', 'o.kind', 'o.region_code'])
        .where('o.id', '=', input.orgId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
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
      await tx.insertInto('supervision_records').values(row).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, {
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
      const s = await tx
        .selectFrom('supervision_records as s')
        .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
        .selectAll('s')
        .where('s.id', '=', id)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
      if (!s) throw notFound('督查记录');
      if (s.closed_on) throw conflict('supervision_closed', '该督查记录已办结');
      notAfterToday(input.on, 'body.on', '跟进日期');
      if (input.on < s.supervised_on)
        throw invalid('跟进日期早于督查日期', [{ path: 'body.on', message: `>= ${s.supervised_on}` }]);
      const r = await tx
        .updateTable('supervision_records')
        .set({
          follow_up: s.follow_up ? `${s.follow_up}\n${input.on} ${input.text}` : `${input.on} ${input.text}`,
          closed_on: input.close ? input.on : null,
          version: s.version + 1,
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, {
        action: 'supervision.follow_up',
        entityType: 'temporary_org',
        entityId: s.org_id,
        after: { id, ...input },
      });
    });
  }

  // --- consequences ---

  async addTilt(actor: Actor, input: z.infer<typeof NewTilt>) {
    const l = await this.ledger(actor, input.ledgerId);
    const row = l.items.find((r) => r.orgId === input.orgId);
    if (!row) throw invalid('该组织不在这份台账中', [{ path: 'body.orgId', message: input.orgId }]);
    if (row.grade !== 'good' && row.grade !== 'fair')
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
      await tx.insertInto('tilts').values(t).execute();
      await recordReply(tx, actor.requestId, 201, { id: t.id });
      await recordAudit(tx, actor, {
        action: 'assessment.tilt',
        entityType: 'temporary_org',
        entityId: input.orgId,
        after: t,
      });
      return t.id;
    });
  }

  async tilts(actor: Actor) {
    const rows = await this.db
      .selectFrom('tilts as t')
      .innerJoin('temporary_orgs as o', 'o.id', 't.org_id')
      .select(['t.id', 't.ledger_id', 't.org_id', 'o.name', 't.amount_yuan', 't.purpose', 't.approver', 't.decided_on'])
      .where(orgInScope(actor, 'o'))
      .orderBy('t.decided_on', 'desc')
      .execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        ledgerId: r.ledger_id,
        orgId: r.org_id,
        orgName: r.name,
        amountYuan: Number(r.amount_yuan),
        purpose: r.purpose,
        approver: r.approver,
        decidedOn: r.decided_on,
      })),
    };
  }

  private rectRows() {
    return this.db
      .selectFrom('rectifications as r')
      .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
      .selectAll('r')
      .select('o.name as org_name');
  }

  private presentRect(r: Awaited<ReturnType<ReturnType<typeof this.rectRows>['execute']>>[number]) {
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

  async rectifications(actor: Actor, status?: 'listed' | 'delisted') {
    let q = this.rectRows().where(orgInScope(actor, 'o'));
    if (status) q = q.where('r.status', '=', status);
    const rows = await q.orderBy('r.listed_on', 'desc').orderBy('r.id').execute();
    return { items: rows.map((r) => this.presentRect(r)) };
  }

  private async setOrgStatus(tx: Executor, actor: Actor, orgId: string, from: string, to: 'rectification' | 'active') {
    const o = await tx
      .selectFrom('temporary_orgs')
      .select(['status', 'version'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    if (o.status !== from)
      throw conflict('illegal_transition', from === 'active' ? '只有运行中的组织可以挂牌整顿' : '组织不在整顿中');
    const r = await tx
      .updateTable('temporary_orgs')
      .set({ status: to, version: o.version + 1, updated_at: nowIso() })
      .where('id', '=', orgId)
      .where('status', '=', from)
      .where('version', '=', o.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
    await recordAudit(tx, actor, {
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
      const s = await tx
        .selectFrom('supervision_records')
        .select('id')
        .where('id', '=', input.supervisionId)
        .where('org_id', '=', orgId)
        .where('rectification', 'is not', null)
        .executeTakeFirst();
      if (s) return;
      throw conflict('rectification_not_warranted', '所依据的督查记录不是对该组织、要求整改的记录');
    }
    if (input.ledgerId) {
      const ledger = await this.mustLedger(actor, input.ledgerId, tx);
      const row = (JSON.parse(ledger.rows_json) as LedgerRow[]).find((r) => r.orgId === orgId);
      if (!row) throw invalid('该组织不在这份台账中', [{ path: 'body.ledgerId', message: input.ledgerId }]);
      if (row.grade === 'poor') return;
      throw conflict('rectification_not_warranted', `该组织在台账中的等次不是“差”，不能挂牌整顿`);
    }
    throw conflict('rectification_not_warranted', '挂牌整顿须依据考核台账（等次为“差”）或要求整改的督查记录');
  }

  /** Lists an organization for rectification (挂牌整顿): it shows status `rectification` until delisted. */
  async listForRectification(actor: Actor, input: z.infer<typeof NewRectification>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await tx
        .selectFrom('temporary_orgs as o')
        .select('o.id')
        .where('o.id', '=', input.orgId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
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
      await tx.insertInto('rectifications').values(row).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, {
        action: 'rectification.list',
        entityType: 'temporary_org',
        entityId: org.id,
        after: { ...row, supervisionId: input.supervisionId ?? null },
      });
      return row.id;
    });
  }

  private async mustRect(tx: Executor, actor: Actor, id: string) {
    const r = await tx
      .selectFrom('rectifications as r')
      .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
      .selectAll('r')
      .where('r.id', '=', id)
      .where(orgInScope(actor, 'o'))
      .executeTakeFirst();
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
      const u = await tx
        .updateTable('rectifications')
        .set({ tasks_json: JSON.stringify(tasks), version: r.version + 1, updated_at: nowIso() })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, {
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
      const u = await tx
        .updateTable('rectifications')
        .set({
          status: 'delisted',
          delisted_on: input.on,
          review_note: input.reviewNote,
          version: r.version + 1,
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) throw versionConflict();
      await this.setOrgStatus(tx, actor, r.org_id, 'rectification', 'active');
      await recordAudit(tx, actor, {
        action: 'rectification.delist',
        entityType: 'temporary_org',
        entityId: r.org_id,
        after: { id, ...input },
      });
    });
  }

  // --- recommendations to home organizations ---

  private recRows() {
    return this.db
      .selectFrom('recommendations as c')
      .innerJoin('temporary_orgs as o', 'o.id', 'c.org_id')
      .innerJoin('members as p', 'p.id', 'c.member_id')
      .innerJoin('party_orgs as po', 'po.id', 'c.home_party_org_id')
      .selectAll('c')
      .select(['o.name as org_name', 'p.name as member_name', 'po.name as home_name']);
  }

  private presentRec(r: Awaited<ReturnType<ReturnType<typeof this.recRows>['execute']>>[number]) {
    return {
      id: r.id,
      kind: r.kind,
      orgId: r.org_id,
      orgName: r.org_name,
      memberId: r.member_id,
      memberName: r.member_name,
      homePartyOrgName: r.home_name,
      text: r.text,
      filedOn: r.filed_on,
      answer: r.answer,
      answerText: r.answer_text,
      answeredOn: r.answered_on,
      version: r.version,
    };
  }

  async recommendations(actor: Actor, box: 'received' | 'sent') {
    let q = this.recRows();
    q = box === 'sent' ? q.where(orgInScope(actor, 'o')) : q.where(homeOrgInScope(actor, 'po'));
    const rows = await q
      .orderBy(sql`case when c.answered_on is null then 0 else 1 end`)
      .orderBy('c.filed_on', 'desc')
      .limit(500)
      .execute();
    return { items: rows.map((r) => this.presentRec(r)) };
  }

  /**
   * A temporary organization does not discipline: where a member fails their duties, or a leader should face
   * organizational action, it files a recommendation to the member's home organization, which answers.
   */
  async recommend(actor: Actor, input: z.infer<typeof NewRecommendation>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await tx
        .selectFrom('temporary_orgs as o')
        .select(['o.id', 'o.path'])
        .where('o.id', '=', input.orgId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
      if (!org) throw notFound('组织');
      // Nobody files a recommendation about themselves (DOMAIN §9a).
      if (actor.memberId === input.memberId)
        throw forbidden('own_recommendation', '不能就本人提出建议，请由上级党组织办理');
      const roles = await rolesInSubtree(tx, input.memberId, org.path);
      if (!roles.length)
        throw invalid('只能就本组织的成员提出建议', [{ path: 'body.memberId', message: input.memberId }]);
      if (
        input.kind === 'organizational_action' &&
        !roles.some((r) => r === 'secretary' || r === 'deputy_secretary' || r === 'committee_member')
      ) {
        throw invalid('组织处理建议针对本组织的负责人', [{ path: 'body.memberId', message: 'not a leader' }]);
      }
      const m = await tx
        .selectFrom('members')
        .select('home_party_org_id')
        .where('id', '=', input.memberId)
        .executeTakeFirstOrThrow();
      if (!m.home_party_org_id) throw conflict('no_home_org', '该人员不是党员，没有所在党组织');
      const row = {
        id: newId(),
        kind: input.kind,
        org_id: org.id,
        member_id: input.memberId,
        home_party_org_id: m.home_party_org_id,
        text: input.text,
        filed_on: todayInShanghai(),
        filed_by: actor.userId,
        answer: null,
        answer_text: null,
        answered_on: null,
        version: 1,
        created_at: nowIso(),
      };
      await tx.insertInto('recommendations').values(row).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, {
        action: 'recommendation.file',
        entityType: 'member',
        entityId: input.memberId,
        after: row,
      });
      return row.id;
    });
  }

  async answer(actor: Actor, id: string, input: z.infer<typeof Answer>) {
    await this.db.transaction().execute(async (tx) => {
      const c = await tx
        .selectFrom('recommendations as c')
        .innerJoin('party_orgs as po', 'po.id', 'c.home_party_org_id')
        .selectAll('c')
        .where('c.id', '=', id)
        .where(homeOrgInScope(actor, 'po'))
        .executeTakeFirst();
      if (!c) throw notFound('建议');
      if (c.answered_on) throw conflict('already_answered', '该建议已答复');
      const u = await tx
        .updateTable('recommendations')
        .set({
          answer: input.accepted ? 'accepted' : 'declined',
          answer_text: input.text,
          answered_on: todayInShanghai(),
          version: c.version + 1,
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, {
        action: 'recommendation.answer',
        entityType: 'member',
        entityId: c.member_id,
        after: { id, ...input },
      });
    });
  }
}
