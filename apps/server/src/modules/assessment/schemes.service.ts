import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { Problem, forbidden, invalid, versionConflict } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import type { SchemeInput } from './assessment.schemas.ts';
import { TEMPLATE_INDICATORS } from './template.ts';
import { known } from '../../lib/known.ts';

/** The year's assessment schemes of a county, one per tier: indicators, weights and grade cutoffs (DOMAIN §9). */
export class SchemeService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** The year's schemes of the caller's county by tier, in keyset pages with their total, and the template. */
  async list(actor: Actor, f: { year: number; limit?: number; cursor?: string | undefined }) {
    const county = await countyOf(this.db, actor);
    const page = await keysetPage(
      repo.schemesQuery(this.db, county, f.year),
      { sort: 'tier', id: 'id', dir: 'asc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => ({ ...repo.schemeSnapshot(r), version: r.version })),
      (s) => s.tier,
    );
    return { ...page, template: TEMPLATE_INDICATORS };
  }

  /** Creates or replaces a year's scheme for a tier; weights must sum to 100. Ledgers keep the scheme they used. */
  async put(actor: Actor, input: z.infer<typeof SchemeInput>) {
    if (!policy.setsSchemes(actor)) throw forbidden('county_only', '考核方案由县级设定');
    const county = known(actor.regionCode, 'the county administrator’s county');
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
      const existing = await repo.schemeFor(tx, county, input.year, input.tier);
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
        if (!(await repo.updateScheme(tx, id, existing.version, values))) throw versionConflict();
      } else {
        id = newId();
        await repo.insertScheme(tx, {
          id,
          county_code: county,
          year: input.year,
          tier: input.tier,
          ...values,
          version: 1,
          created_at: now,
        });
      }
      await this.audit.record(tx, actor, {
        action: 'assessment.scheme',
        entityType: 'assessment_scheme',
        entityId: id,
        before: existing ?? undefined,
        after: input,
      });
      return id;
    });
  }
}
