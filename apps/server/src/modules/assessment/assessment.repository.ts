import { type Insertable, type SqlBool, type Updateable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type {
  AssessmentSchemeTable,
  AssessorScoreTable,
  LedgerTable,
  RecommendationTable,
  RectificationTable,
  SupervisionRecordTable,
  TiltTable,
} from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { nowIso } from '../../lib/ids.ts';
import { homeOrgInScope, orgInScope, underRegion } from '../../lib/scope.ts';
import type { SchemeSnapshot } from './scoring.ts';
import { orgInReach as orgInScopeById } from '../orgs/orgs.repository.ts';

/**
 * All SQL of supervision and assessment (DOMAIN §9): schemes, ledgers, scores, supervision, tilts, rectification,
 * recommendations; the records a ledger is computed from are read in metrics.repository.ts.
 */

// --- schemes ---

/** A stored scheme as scoring reads it (and as a ledger keeps it). */
export const schemeSnapshot = (s: AssessmentSchemeTable): SchemeSnapshot => ({
  id: s.id,
  name: s.name,
  year: s.year,
  tier: s.tier,
  dailyWeight: s.daily_weight,
  finalWeight: s.final_weight,
  cutoffs: JSON.parse(s.cutoffs_json),
  indicators: JSON.parse(s.indicators_json),
});

/** The year's schemes of a county, unordered: for a page (`keysetPage`) or, ordered by tier, all of them. */
export const schemesQuery = (db: Executor, county: string, year: number) =>
  db.selectFrom('assessment_schemes').selectAll().where('county_code', '=', county).where('year', '=', year);

export const schemesOf = (db: Executor, county: string, year: number) =>
  schemesQuery(db, county, year).orderBy('tier').execute();

export const schemeFor = (db: Executor, county: string, year: number, tier: 'county' | 'township') =>
  db
    .selectFrom('assessment_schemes')
    .selectAll()
    .where('county_code', '=', county)
    .where('year', '=', year)
    .where('tier', '=', tier)
    .executeTakeFirst();

export const schemeById = (db: Executor, id: string) =>
  db.selectFrom('assessment_schemes').selectAll().where('id', '=', id).executeTakeFirst();

export const insertScheme = (tx: Executor, row: Insertable<AssessmentSchemeTable>) =>
  tx.insertInto('assessment_schemes').values(row).execute();

export const updateScheme = (tx: Executor, id: string, version: number, set: Updateable<AssessmentSchemeTable>) =>
  updateAtVersion(tx, 'assessment_schemes', id, version, set);

// --- ledgers ---

/** The organizations of a tier over a period: the county's general and special-task branches, or a township's branches. */
export function tierOrgs(db: Executor, tier: 'county' | 'township', scope: string, from: string, to: string) {
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

/** Every organization of a county, with its path. */
export const countyOrgPaths = (db: Executor, county: string) =>
  db.selectFrom('temporary_orgs').select(['id', 'path']).where(underRegion('region_code', county)).execute();

export const scoresOf = (db: Executor, schemeIds: string[]) =>
  schemeIds.length
    ? db.selectFrom('assessor_scores').selectAll().where('scheme_id', 'in', schemeIds).orderBy('created_at').execute()
    : Promise.resolve([]);

export const insertScore = (tx: Executor, row: Insertable<AssessorScoreTable>) =>
  tx.insertInto('assessor_scores').values(row).execute();

/** The latest version of a scheme's ledger of a scope and period, or 0. */
export async function lastLedgerVersion(tx: Executor, schemeId: string, scope: string, from: string, to: string) {
  const last = await tx
    .selectFrom('ledgers')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('scheme_id', '=', schemeId)
    .where('scope_code', '=', scope)
    .where('period_from', '=', from)
    .where('period_to', '=', to)
    .executeTakeFirst();
  return Number(last?.v ?? 0);
}

export const insertLedger = (tx: Executor, row: LedgerTable) => tx.insertInto('ledgers').values(row).execute();

/** Ledgers of scopes within the actor's region (none for an account without one), with the scope's name. */
export const visibleLedgers = (db: Executor, actor: Actor) =>
  db
    .selectFrom('ledgers as l')
    .leftJoin('regions as g', 'g.code', 'l.scope_code')
    .selectAll('l')
    .select('g.name as scope_name')
    .where(actor.regionCode === null ? sql<SqlBool>`1 = 0` : underRegion('l.scope_code', actor.regionCode));

// --- organizations ---

/** An organization in the actor's scope, with what the rules of assessment look at. */
/** The organization in the actor's scope, with what this module's rules read of it. */
export const orgInReach = (db: Executor, actor: Actor, id: string) =>
  orgInScopeById(db, actor, id, ['id', 'path', 'established_on', 'level', 'kind', 'region_code'] as const);

export const orgState = (tx: Executor, id: string) =>
  tx.selectFrom('temporary_orgs').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();

/** Moves an organization's status if it is still `from` at `version`; false otherwise. */
export async function moveOrgStatus(
  tx: Executor,
  id: string,
  from: 'rectification' | 'active',
  to: 'rectification' | 'active',
  version: number,
) {
  const r = await tx
    .updateTable('temporary_orgs')
    .set({ status: to, version: version + 1, updated_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', from)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const homeOrgOf = async (tx: Executor, memberId: string) =>
  (await tx.selectFrom('members').select('home_party_org_id').where('id', '=', memberId).executeTakeFirstOrThrow())
    .home_party_org_id;

// --- supervision ---

export const supervisionRows = (db: Executor) =>
  db
    .selectFrom('supervision_records as s')
    .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
    .leftJoin('members as p', 'p.id', 's.member_id')
    .selectAll('s')
    .select(['o.name as org_name', 'p.name as member_name']);

export type SupervisionRow = Awaited<ReturnType<ReturnType<typeof supervisionRows>['execute']>>[number];

export const supervisionInReach = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('supervision_records as s')
    .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
    .selectAll('s')
    .where('s.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();

export const insertSupervision = (tx: Executor, row: Insertable<SupervisionRecordTable>) =>
  tx.insertInto('supervision_records').values(row).execute();

export const updateSupervision = (tx: Executor, id: string, version: number, set: Updateable<SupervisionRecordTable>) =>
  updateAtVersion(tx, 'supervision_records', id, version, set);

/** Whether a supervision record of this organization requires rectification. */
export const supervisionRequiresRectification = async (tx: Executor, id: string, orgId: string) =>
  Boolean(
    await tx
      .selectFrom('supervision_records')
      .select('id')
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .where('rectification', 'is not', null)
      .executeTakeFirst(),
  );

// --- tilts ---

export const insertTilt = (tx: Executor, row: Insertable<TiltTable>) => tx.insertInto('tilts').values(row).execute();

export const tiltsInScope = (db: Executor, actor: Actor) =>
  db
    .selectFrom('tilts as t')
    .innerJoin('temporary_orgs as o', 'o.id', 't.org_id')
    .select(['t.id', 't.ledger_id', 't.org_id', 'o.name', 't.amount_yuan', 't.purpose', 't.approver', 't.decided_on'])
    .where(orgInScope(actor, 'o'));

// --- rectification ---

export const rectRows = (db: Executor) =>
  db
    .selectFrom('rectifications as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .selectAll('r')
    .select('o.name as org_name');

export type RectRow = Awaited<ReturnType<ReturnType<typeof rectRows>['execute']>>[number];

export const rectInReach = (tx: Executor, actor: Actor, id: string) =>
  tx
    .selectFrom('rectifications as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .selectAll('r')
    .where('r.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();

export const insertRect = (tx: Executor, row: Insertable<RectificationTable>) =>
  tx.insertInto('rectifications').values(row).execute();

export const updateRect = (tx: Executor, id: string, version: number, set: Updateable<RectificationTable>) =>
  updateAtVersion(tx, 'rectifications', id, version, set);

// --- recommendations ---

export const recRows = (db: Executor) =>
  db
    .selectFrom('recommendations as c')
    .innerJoin('temporary_orgs as o', 'o.id', 'c.org_id')
    .innerJoin('members as p', 'p.id', 'c.member_id')
    .innerJoin('party_orgs as po', 'po.id', 'c.home_party_org_id')
    .selectAll('c')
    .select(['o.name as org_name', 'p.name as member_name', 'po.name as home_name']);

export type RecRow = Awaited<ReturnType<ReturnType<typeof recRows>['execute']>>[number];

/** Recommendations sent by organizations in scope, or received by home organizations in scope; open ones only, or answered ones only. */
export function recommendationBox(
  db: Executor,
  actor: Actor,
  f: { box: 'received' | 'sent'; open?: boolean | undefined },
) {
  let q = recRows(db);
  q = f.box === 'sent' ? q.where(orgInScope(actor, 'o')) : q.where(homeOrgInScope(actor, 'po'));
  if (f.open === true) q = q.where('c.answered_on', 'is', null);
  if (f.open === false) q = q.where('c.answered_on', 'is not', null);
  return q;
}

export const insertRecommendation = (tx: Executor, row: Insertable<RecommendationTable>) =>
  tx.insertInto('recommendations').values(row).execute();

export const receivedRecommendation = (tx: Executor, actor: Actor, id: string) =>
  tx
    .selectFrom('recommendations as c')
    .innerJoin('party_orgs as po', 'po.id', 'c.home_party_org_id')
    .selectAll('c')
    .where('c.id', '=', id)
    .where(homeOrgInScope(actor, 'po'))
    .executeTakeFirst();

export const updateRecommendation = (tx: Executor, id: string, version: number, set: Updateable<RecommendationTable>) =>
  updateAtVersion(tx, 'recommendations', id, version, set);

/** The counties under a region (all of them for ''), in code order. */
export const countiesUnder = async (db: Executor, region: string) =>
  (
    await db
      .selectFrom('regions')
      .select('code')
      .where('level', '=', 'county')
      .where(underRegion('code', region))
      .orderBy('code')
      .execute()
  ).map((r) => r.code);

/** The counties that have an assessment scheme for the year. */
export const countiesWithSchemes = async (db: Executor, year: number) =>
  new Set(
    (await db.selectFrom('assessment_schemes').select('county_code').where('year', '=', year).execute()).map(
      (s) => s.county_code,
    ),
  );
