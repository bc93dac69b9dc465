import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { activeOn, orgExistedOn } from '../orgs/orgs.repository.ts';
import { type CockpitParts, cockpit } from './cockpit.ts';
import type { OverviewData } from './stats.schemas.ts';

/** The overview computed from the records, with the values a wider scope merges (see snapshots). */
export async function liveOverview(
  db: Db,
  actor: Actor,
  asOf: string,
  region?: string,
): Promise<{ overview: OverviewData; parts: CockpitParts }> {
  const base = () => {
    let q = db.selectFrom('temporary_orgs as o').where(orgInScope(actor, 'o')).where(orgExistedOn('o', asOf));
    if (region) q = q.where(underRegion('o.region_code', region));
    return q;
  };
  const [levels, statuses, members, units, townships] = await Promise.all([
    base()
      .select(['o.level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('o.level')
      .execute(),
    base()
      .select(['o.status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('o.status')
      .execute(),
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
  const work = await cockpit(db, actor, asOf, region);
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
      byBranch: byBranch.map((b) => ({
        id: b.id,
        name: b.name,
        groups: Number(b.groups),
        membersLinked: Number(b.members),
      })),
      work: work.figures,
    },
    parts: work.parts,
  };
}
