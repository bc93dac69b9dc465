import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import { holdRow } from '../../db/locks.ts';
import type { AssessmentSchemeTable, LedgerTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import type { AssessorScore, ComputeCountyLedgers, ComputeLedger } from './assessment.schemas.ts';
import { ledgerRecords, orgInputs } from './metrics.ts';
import { type LedgerRow, type OrgInputs, type SchemeSnapshot, scoreLedger } from './scoring.ts';
import { known } from '../../lib/known.ts';
import { codesOf, signAct } from '../signatures/signatures.service.ts';

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

/** Tiered ledgers (DOMAIN §9): computed from the records with the year's scheme, stored in versions with their inputs, reproducible; assessors' scores. */
export class LedgerService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** Computes a ledger from the records as they are now and stores it with its inputs, as a new version. */
  async compute(actor: Actor, input: z.infer<typeof ComputeLedger>) {
    const county = await countyOf(this.db, actor);
    if (!actor.regionCode) throw forbidden('region_scope_required', '只有县、乡账号可以计算考核台账');
    const scope = input.tier === 'county' ? county : (input.scopeCode ?? actor.regionCode);
    if (!policy.computesTier(actor, input.tier, scope)) {
      if (input.tier === 'county') throw notFound('台账');
      throw invalid('请选择管辖范围内的乡镇', [{ path: 'body.scopeCode', message: scope }]);
    }
    const scheme = await repo.schemeFor(this.db, county, input.year, input.tier);
    if (!scheme) throw conflict('scheme_missing', `${input.year} 年还没有该层级的考核方案`);
    const from = input.from ?? `${input.year}-01-01`;
    const to = input.to ?? `${input.year}-12-31`;
    if (from > to) throw invalid('考核期起止颠倒', [{ path: 'body.from', message: from }]);
    const jobs = [{ scheme, scope, orgs: await repo.tierOrgs(this.db, input.tier, scope, from, to) }];
    const [id] = await this.computeJobs(actor, county, jobs, from, to, ([first]) => ({ id: first }));
    return id as string;
  }

  /**
   * The year's ledgers of the whole county at once: the county tier and every township that has branches, for
   * each tier with a scheme. The county's records are read once for all of them (a ledger alone reads its own),
   * and the ledgers are stored together, each a new version with its audit row.
   */
  async computeCounty(actor: Actor, input: z.infer<typeof ComputeCountyLedgers>) {
    if (!policy.computesCounty(actor)) throw forbidden('county_scope_required', '只有县级账号可以计算全县台账');
    const county = known(actor.regionCode, 'the county administrator’s county');
    const schemes = await repo.schemesOf(this.db, county, input.year);
    if (!schemes.length) throw conflict('scheme_missing', `${input.year} 年还没有考核方案`);
    const from = `${input.year}-01-01`;
    const to = `${input.year}-12-31`;
    const jobs: LedgerJob[] = [];
    for (const scheme of schemes.sort((a, b) => a.tier.localeCompare(b.tier))) {
      const orgs = await repo.tierOrgs(this.db, scheme.tier, county, from, to);
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
    const all = await repo.countyOrgPaths(this.db, county);
    const subtrees = new Map(
      jobs
        .flatMap((j) => j.orgs)
        .map((o) => [o.id, new Set(all.filter((x) => x.path.startsWith(o.path)).map((x) => x.id))]),
    );
    const records = await ledgerRecords(this.db, [...new Set([...subtrees.values()].flatMap((t) => [...t]))], from, to);
    const schemeIds = [...new Set(jobs.map((j) => j.scheme.id))];
    const scored = await repo.scoresOf(this.db, schemeIds);
    const computed = jobs.map((job) => {
      const inputs: OrgInputs[] = job.orgs.map((o) => {
        const latest: OrgInputs['scored'] = {};
        for (const s of scored) {
          if (s.scheme_id === job.scheme.id && s.org_id === o.id)
            latest[s.indicator_key] = { score: Number(s.score), evidence: s.evidence, assessor: s.assessor };
        }
        return { ...orgInputs(records, o, subtrees.get(o.id) as Set<string>), scored: latest };
      });
      const snap = repo.schemeSnapshot(job.scheme);
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
        const last = await repo.lastLedgerVersion(tx, job.scheme.id, job.scope, from, to);
        const row: LedgerTable = {
          id: ids[i] as string,
          scheme_id: job.scheme.id,
          tier: job.scheme.tier,
          scope_code: job.scope,
          period_from: from,
          period_to: to,
          version: last + 1,
          inputs_json: JSON.stringify({ scheme: snap, orgs: inputs } satisfies LedgerInputs),
          rows_json: JSON.stringify(rows),
          computed_by: actor.displayName,
          computed_at: nowIso(),
        };
        await repo.insertLedger(tx, row);
        ledgers.push({ row, orgs: rows.length });
      }
      for (const { row, orgs } of ledgers) {
        // A ledger version is an act the county may have to prove: signed over its inputs and rows, in this transaction.
        const signed = await signAct(tx, this.audit.signer, 'ledger.computed', row.id);
        await this.audit.record(tx, actor, {
          action: 'assessment.ledger',
          entityType: 'ledger',
          entityId: row.id,
          after: { tier: row.tier, scope: row.scope_code, from, to, version: row.version, orgs, signed },
        });
      }
      return ids;
    });
  }

  /** Ledger versions in the caller's reach, newest first, in keyset pages with their total. */
  async list(
    actor: Actor,
    q: {
      year?: number | undefined;
      tier?: 'county' | 'township' | undefined;
      scopeCode?: string | undefined;
      limit?: number;
      cursor?: string | undefined;
    },
  ) {
    let b = repo.visibleLedgers(this.db, actor);
    if (q.year) b = b.where('l.period_from', '>=', `${q.year}-01-01`).where('l.period_from', '<=', `${q.year}-12-31`);
    if (q.tier) b = b.where('l.tier', '=', q.tier);
    if (q.scopeCode) b = b.where('l.scope_code', '=', q.scopeCode);
    return keysetPage(
      b,
      { sort: 'l.computed_at', id: 'l.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      async (rows) => {
        const codes = await codesOf(
          this.db,
          'ledger.computed',
          rows.map((r) => r.id),
        );
        return rows.map((r) => this.summary(r, codes.get(r.id) ?? null));
      },
      (r) => r.computedAt,
    );
  }

  private summary(r: LedgerTable & { scope_name: string | null }, verificationCode: string | null) {
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
      verificationCode,
    };
  }

  async mustLedger(actor: Actor, id: string, db: Executor = this.db) {
    const r = await repo.visibleLedgers(db, actor).where('l.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('台账');
    return r;
  }

  async get(actor: Actor, id: string) {
    const r = await this.mustLedger(actor, id);
    const inputs = JSON.parse(r.inputs_json) as LedgerInputs;
    const codes = await codesOf(this.db, 'ledger.computed', [r.id]);
    return {
      ...this.summary(r, codes.get(r.id) ?? null),
      scheme: inputs.scheme,
      items: JSON.parse(r.rows_json) as LedgerRow[],
      supervision: Object.fromEntries(inputs.orgs.map((o) => [o.orgId, o.supervision.evidence])),
      abilities: policy.ledgerAbilities(actor, { tier: r.tier, scope: r.scope_code }),
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
      const scheme = await repo.schemeById(tx, input.schemeId);
      if (!scheme || scheme.county_code !== (await countyOf(tx, actor))) throw notFound('考核方案');
      const ind = (JSON.parse(scheme.indicators_json) as SchemeSnapshot['indicators']).find(
        (i) => i.key === input.indicatorKey,
      );
      if (ind?.method !== 'scored')
        throw invalid('该指标不是评分类指标', [{ path: 'body.indicatorKey', message: input.indicatorKey }]);
      const org = await repo.orgInReach(tx, actor, input.orgId);
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
      await repo.insertScore(tx, row);
      await this.audit.record(tx, actor, {
        action: 'assessment.score',
        entityType: 'temporary_org',
        entityId: org.id,
        after: row,
      });
    });
  }
}
