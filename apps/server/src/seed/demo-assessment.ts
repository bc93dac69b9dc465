import type { Db } from '../db/index.ts';
import type { Actor } from '../lib/actor.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { AssessmentService } from '../modules/assessment/assessment.service.ts';
import type { AuditTrail } from '../modules/audit/audit.trail.ts';
import type { LedgerRow } from '../modules/assessment/scoring.ts';
import { TEMPLATE_INDICATORS } from '../modules/assessment/template.ts';
import type { Rng } from './random.ts';

const FINDINGS: [string, number][] = [
  ['党小组会议记录不完整', -2],
  ['问题清单销号材料不全', -3],
  ['帮扶户走访台账未及时更新', -2],
  ['组织群众参与环境整治，成效明显', 2],
  ['矛盾纠纷化解及时，群众评价好', 3],
  ['未按期组织主题党日', -3],
];

/**
 * Supervision and assessment for 2020 (DOMAIN §9): the default scheme for both tiers, supervision findings,
 * assessors' satisfaction scores, the county ledger and the fifteen township ledgers computed from the demo
 * records; the weakest branches listed for rectification (one already delisted after review), tilts for the
 * best, and a recommendation to a home organization, answered.
 */
export async function seedAssessment(
  db: Db,
  audit: AuditTrail,
  ctx: { r: Rng; county: string; adminId: string; baiheId: string },
) {
  const { r } = ctx;
  const actor: Actor = {
    userId: ctx.adminId,
    username: 'admin',
    displayName: '县委组织部',
    role: 'county_admin',
    regionCode: ctx.county,
    orgPath: null,
    orgId: null,
    coverage: null,
    actingPartyOrgId: null,
    memberId: null,
    requestId: 'seed',
  };
  const service = new AssessmentService(db, audit);
  for (const tier of ['county', 'township'] as const) {
    await service.schemes.put(actor, {
      year: 2020,
      tier,
      name: tier === 'county' ? '2020年度县属临时党组织考核方案' : '2020年度乡镇临时党支部考核方案',
      dailyWeight: 40,
      finalWeight: 60,
      cutoffs: { good: 90, fair: 75, average: 60 },
      indicators: TEMPLATE_INDICATORS,
    });
  }
  const schemes = await db.selectFrom('assessment_schemes').select(['id', 'tier']).where('year', '=', 2020).execute();

  // Supervision through the year, and the year-end satisfaction survey.
  const branches = await db
    .selectFrom('temporary_orgs')
    .select(['id', 'level', 'kind', 'region_code'])
    .where((eb) => eb.or([eb('level', '=', 'general_branch'), eb('level', '=', 'branch')]))
    .where('region_code', 'like', `${ctx.county}%`)
    // In a fixed order (ids are random): the same draws go to the same organizations in every demo.
    .orderBy('name')
    .orderBy('region_code')
    .orderBy('id')
    .execute();
  const now = nowIso();
  const supervision = [];
  for (const b of branches) {
    if (!r.chance(b.id === ctx.baiheId ? 1 : 0.35)) continue;
    const [findings, effect] = b.id === ctx.baiheId ? (FINDINGS[4] as [string, number]) : r.pick(FINDINGS);
    const on = `2020-${String(r.int(3, 11)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    supervision.push({
      id: newId(),
      kind: r.pick(['discipline', 'organizational', 'sector'] as const),
      org_id: b.id,
      member_id: null,
      supervised_on: on,
      supervisor: r.pick(['县委督查组', '县纪委监委', '县扶贫办']),
      findings,
      indicator: effect < 0 ? 'meetings' : 'confirmed',
      score_effect: effect,
      rectification: effect < 0 ? '限期一个月整改' : null,
      deadline: null,
      follow_up: effect < 0 ? `${on} 已整改` : null,
      closed_on: effect < 0 ? on : null,
      created_by: ctx.adminId,
      version: 1,
      created_at: now,
      updated_at: now,
    });
  }
  for (let i = 0; i < supervision.length; i += 200)
    await db
      .insertInto('supervision_records')
      .values(supervision.slice(i, i + 200))
      .execute();
  const scores = [];
  for (const s of schemes) {
    for (const b of branches) {
      const inTier =
        s.tier === 'county'
          ? b.level === 'general_branch' || b.kind === 'special'
          : b.level === 'branch' && b.kind === 'regular';
      if (!inTier) continue;
      scores.push({
        id: newId(),
        scheme_id: s.id,
        indicator_key: 'satisfaction',
        org_id: b.id,
        score: r.int(68, 98),
        evidence: '年终入户测评（每村30户）',
        assessor: '县委组织部考核组',
        created_at: now,
      });
    }
  }
  for (let i = 0; i < scores.length; i += 200)
    await db
      .insertInto('assessor_scores')
      .values(scores.slice(i, i + 200))
      .execute();

  // The county ledger and one ledger per township.
  const countyLedger = await service.ledgers.compute(actor, { year: 2020, tier: 'county' });
  const townships = await db
    .selectFrom('regions')
    .select('code')
    .where('level', '=', 'township')
    .where('code', 'like', `${ctx.county}%`)
    .orderBy('code')
    .execute();
  const rows: { ledgerId: string; row: LedgerRow }[] = [];
  for (const t of townships) {
    const id = await service.ledgers.compute(actor, { year: 2020, tier: 'township', scopeCode: t.code });
    for (const row of (await service.ledgers.get(actor, id)).items) rows.push({ ledgerId: id, row });
  }

  // Consequences: tilts for the best of the county ledger, rectification for the weakest branches.
  const county = await service.ledgers.get(actor, countyLedger);
  for (const row of county.items.filter((x) => x.grade === 'good' || x.grade === 'fair').slice(0, 3)) {
    await service.supervision.addTilt(actor, {
      ledgerId: countyLedger,
      orgId: row.orgId,
      amountYuan: 100_000,
      purpose: '党建工作和产业发展专项经费',
      approver: '中共南召县委组织部',
      decidedOn: '2021-01-20',
    });
  }
  // Only an organization graded 差 is listed (DOMAIN §9a): the three lowest of them.
  const weakest = rows
    .filter((x) => x.row.orgId !== ctx.baiheId && x.row.grade === 'poor')
    .sort((a, b) => a.row.total - b.row.total || a.row.orgName.localeCompare(b.row.orgName, 'zh-CN'))
    .slice(0, 3);
  for (const [i, w] of weakest.entries()) {
    const id = await service.rectification.listOrg(actor, {
      orgId: w.row.orgId,
      ledgerId: w.ledgerId,
      listedOn: '2021-01-15',
      reason: `2020年度考核总分 ${w.row.total}，等次“${{ good: '好', fair: '较好', average: '一般', poor: '差' }[w.row.grade]}”，全县末位`,
      plan: '调整充实支部班子，补齐组织生活，逐户走访建立台账，三个月内整改到位',
      tasks: ['调整充实支部委员会', '按月召开党小组会并规范记录', '帮扶户逐户走访建立台账'],
      deadline: '2021-04-15',
      responsible: '乡镇党委副书记',
    });
    if (i === 0) {
      // Reviewed in April 2021 and delisted.
      for (const task of [0, 1, 2]) {
        const v = (
          await db.selectFrom('rectifications').select('version').where('id', '=', id).executeTakeFirstOrThrow()
        ).version;
        await service.rectification.setTask(actor, id, task, { done: true, version: v });
      }
      const v = (await db.selectFrom('rectifications').select('version').where('id', '=', id).executeTakeFirstOrThrow())
        .version;
      await service.rectification.delist(actor, id, {
        on: '2021-04-20',
        reviewNote: '县委组织部复查：整改任务全部完成，群众满意度明显提升，同意摘牌',
        version: v,
      });
    }
  }

  // A member who failed their duties: the branch recommends, the home organization answers.
  const member = await db
    .selectFrom('memberships as m')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .select('p.id')
    .where('m.org_id', '=', ctx.baiheId)
    .where('m.role', '=', 'member')
    .where('p.home_party_org_id', 'is not', null)
    .orderBy('p.id')
    .executeTakeFirstOrThrow();
  const baiheActor: Actor = { ...actor, orgPath: null };
  const rec = await service.recommendations.file(baiheActor, {
    kind: 'duty_failure',
    orgId: ctx.baiheId,
    memberId: member.id,
    text: '2020年下半年三次无故缺席党小组会，分包的两户走访记录缺失，建议所在党组织批评教育',
  });
  await db.updateTable('recommendations').set({ filed_on: '2020-12-20' }).where('id', '=', rec).execute();
  await service.recommendations.answer(actor, rec, {
    accepted: true,
    text: '已约谈本人并在支部会上批评教育，责令补齐走访记录',
    version: 1,
  });
  await db.updateTable('recommendations').set({ answered_on: '2021-01-08' }).where('id', '=', rec).execute();
  return { ledgers: townships.length + 1, supervision: supervision.length };
}
