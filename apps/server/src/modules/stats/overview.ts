import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { notFound } from '../../lib/problem.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { activeOn, orgExistedOn } from '../orgs/orgs.repository.ts';
import { Cockpit, type CockpitParts, cockpitWithParts } from './cockpit.ts';
import { snapshotOverview } from './snapshots.ts';

export const Overview = z
  .object({
    asOf: z.string().describe('The day the figures are for (for a snapshot: the day of the snapshot)'),
    source: z
      .enum(['live', 'daily_snapshot'])
      .describe('live: computed now from the records; daily_snapshot: merged from the counties’ snapshots of that day'),
    snapshot: z
      .object({ computedAt: z.string(), counties: z.number().int() })
      .nullable()
      .describe('When the snapshot of the day was taken, and how many counties it holds'),
    rankingLevel: z.enum(['township', 'county']).describe('What byTownship and work.byTownship rank: townships, or counties in a wider scope'),
    orgs: z.object({
      committee: z.number().int(),
      general_branch: z.number().int(),
      branch: z.number().int(),
      group: z.number().int(),
    }),
    byStatus: z.record(z.string(), z.number().int()),
    membersLinked: z.number().int().describe('Distinct members with an active membership (summed over counties in a wider scope)'),
    units: z.number().int().describe('Distinct units linked to an organization'),
    byTownship: z.array(
      z.object({ regionCode: z.string(), name: z.string(), branches: z.number().int(), membersLinked: z.number().int() }),
    ),
    byBranch: z
      .array(z.object({ id: z.string(), name: z.string(), groups: z.number().int(), membersLinked: z.number().int() }))
      .describe('Branches by members linked, when the scope is one township or smaller (up to 30)'),
    work: Cockpit.describe('The cockpit: items, households, monitoring, exits, grades, trend and township ranking on the day'),
  })
  .meta({ id: 'Overview' });
export type OverviewData = z.infer<typeof Overview>;

/** The scope an actor asks about: the narrower of the account's region and the region asked for, or none. */
function askedRegion(actor: Actor, region: string | undefined): string | null | undefined {
  if (region === undefined) return actor.regionCode;
  if (actor.regionCode === null || region.startsWith(actor.regionCode)) return region;
  if (actor.regionCode.startsWith(region)) return actor.regionCode;
  return undefined;
}

/**
 * Overview figures for the caller's scope, optionally narrowed to a region, on any date. Up to a county they are
 * computed from the records; a wider scope (a prefecture, the province) merges the counties' daily snapshots,
 * so that its cost follows the number of counties, not of households and items.
 */
export async function overview(db: Db, actor: Actor, asOf: string, region?: string): Promise<OverviewData> {
  const scope = askedRegion(actor, region);
  if (scope === undefined) throw notFound('地区');
  if (scope !== null && scope.length < 6) return snapshotOverview(db, scope, asOf);
  return (await liveOverview(db, actor, asOf, region)).overview;
}

/** The overview computed from the records, with the values a wider scope merges (see snapshots). */
export async function liveOverview(db: Db, actor: Actor, asOf: string, region?: string): Promise<{ overview: OverviewData; parts: CockpitParts }> {
  const base = () => {
    let q = db.selectFrom('temporary_orgs as o').where(orgInScope(actor, 'o')).where(orgExistedOn('o', asOf));
    if (region) q = q.where(underRegion('o.region_code', region));
    return q;
  };
  const [levels, statuses, members, units, townships] = await Promise.all([
    base().select(['o.level', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('o.level').execute(),
    base().select(['o.status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('o.status').execute(),
    base()
      .innerJoin('memberships as m', 'm.org_id', 'o.id')
      .where(activeOn('m', asOf))
      .select(sql<number>`count(distinct m.member_id)`.as('n'))
      .executeTakeFirstOrThrow(),
    base()
      .innerJoin('org_units as ou', 'ou.org_id', 'o.id')
      .where('ou.linked_on', '<=', asOf)
      .select(sql<number>`count(distinct ou.unit_id)`.as('n'))
      .executeTakeFirstOrThrow(),
    base()
      .innerJoin('regions as t', (j) => j.on(sql<boolean>`t.code = substr(o.region_code, 1, 9)`))
      .where('t.level', '=', 'township')
      .leftJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 'o.id').on(activeOn('m', asOf)))
      .select([
        't.code',
        't.name',
        sql<number>`count(distinct case when o.level = 'branch' then o.id end)`.as('branches'),
        sql<number>`count(distinct m.member_id)`.as('members'),
      ])
      .groupBy(['t.code', 't.name'])
      .orderBy('t.code')
      .execute(),
  ]);
  // Within one township the useful breakdown is by branch.
  const byBranch =
    townships.length <= 1
      ? await base()
          .where('o.level', '=', 'branch')
          .select([
            'o.id',
            'o.name',
            sql<number>`(select count(*) from temporary_orgs g where g.parent_id = o.id and g.level = 'group' and ${orgExistedOn('g', asOf)})`.as(
              'groups',
            ),
            sql<number>`(select count(distinct m.member_id) from memberships m inner join temporary_orgs s on s.id = m.org_id
              where s.path like o.path || '%' and ${activeOn('m', asOf)})`.as('members'),
          ])
          .orderBy('members', 'desc')
          .orderBy('o.name')
          .limit(30)
          .execute()
      : [];
  const orgs = { committee: 0, general_branch: 0, branch: 0, group: 0 };
  for (const l of levels) orgs[l.level] = Number(l.n);
  const work = await cockpitWithParts(db, actor, asOf, region);
  return {
    overview: {
      asOf,
      source: 'live',
      snapshot: null,
      rankingLevel: 'township',
      orgs,
      byStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      membersLinked: Number(members.n),
      units: Number(units.n),
      byTownship: townships.map((t) => ({
        regionCode: t.code,
        name: t.name,
        branches: Number(t.branches),
        membersLinked: Number(t.members),
      })),
      byBranch: byBranch.map((b) => ({ id: b.id, name: b.name, groups: Number(b.groups), membersLinked: Number(b.members) })),
      work: work.figures,
    },
    parts: work.parts,
  };
}
