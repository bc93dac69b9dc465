import { todayInShanghai } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { isoDate, problemReplies, regionCode } from '../../lib/schemas.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { requireActor } from '../../plugins/auth.ts';
import { activeOn, orgExistedOn } from '../orgs/orgs.repository.ts';
import { Cockpit, cockpit } from './cockpit.ts';
import { Network, NetworkQuery, network } from './network.ts';

export const Overview = z
  .object({
    asOf: z.string(),
    orgs: z.object({
      committee: z.number().int(),
      general_branch: z.number().int(),
      branch: z.number().int(),
      group: z.number().int(),
    }),
    byStatus: z.record(z.string(), z.number().int()),
    membersLinked: z.number().int().describe('Distinct members with an active membership'),
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

/** Overview figures for the caller's scope, optionally narrowed to a region, on any date. */
export async function overview(db: Db, actor: Actor, asOf: string, region?: string) {
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
  return {
    asOf,
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
    work: await cockpit(db, actor, asOf, region),
  };
}

export function statsRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/stats/network', {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: '联建网络：单位—临时党组织—党员，因需联入；扁平化（跳数与天数）',
        querystring: NetworkQuery,
        response: { 200: Network, ...problemReplies },
      },
      handler: (req) => network(db, requireActor(req), req.query),
    });
    app.get('/stats/overview', {
      config: { permission: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: '总览数据（按范围，可按日期回溯）',
        querystring: z.strictObject({ asOf: isoDate.optional(), regionCode: regionCode.optional() }),
        response: { 200: Overview, ...problemReplies },
      },
      handler: (req) => overview(db, requireActor(req), req.query.asOf ?? todayInShanghai(), req.query.regionCode),
    });
  };
}
