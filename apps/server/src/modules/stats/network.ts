import { ORG_MODES, elapsedDays, median, todayInShanghai } from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { isoDate, regionCode } from '../../lib/schemas.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';

export const NetworkQuery = z.strictObject({
  regionCode: regionCode
    .optional()
    .describe('A township (or smaller): the graph of a whole county is too dense to read'),
  mode: z.enum(ORG_MODES).optional(),
  orgId: z.string().uuid().optional().describe('One organization with its groups'),
  asOf: isoDate.optional(),
});

export const Network = z
  .object({
    nodes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(['unit', 'org', 'member']),
        level: z.string().nullable(),
        weight: z.number().int(),
      }),
    ),
    links: z.array(
      z.object({
        source: z.string(),
        target: z.string(),
        kind: z.enum(['lends', 'member', 'linked_by_need']),
        label: z.string().nullable(),
      }),
    ),
    flattening: z.object({
      items: z.array(
        z.object({
          itemId: z.string(),
          problem: z.string(),
          orgName: z.string(),
          hops: z.number().int(),
          daysToSolver: z.number().nullable(),
          daysToClose: z.number().nullable(),
          solver: z.string().nullable(),
        }),
      ),
      medianHops: z.number().nullable(),
      medianDaysToSolver: z.number().nullable(),
    }),
  })
  .meta({ id: 'Network' });

const days = (from: string, to: string) => Math.max(0, elapsedDays(from, to));

/**
 * The link network (DOMAIN §1, "link by need"): which units lend members to which organizations, which
 * members sit in several organizations, and which items pulled in whom by need. With it, the flattening: for
 * closed items, the hops from the resident's report to the person who solved it, and the days it took.
 */
export async function network(db: Db, actor: Actor, q: z.infer<typeof NetworkQuery>) {
  const day = q.asOf ?? todayInShanghai();
  let orgs = db
    .selectFrom('temporary_orgs as o')
    .select(['o.id', 'o.name', 'o.level', 'o.path'])
    .where(orgInScope(actor, 'o'))
    .where('o.established_on', '<=', day)
    .where((eb) => eb.or([eb('o.dissolved_on', 'is', null), eb('o.dissolved_on', '>', day)]))
    .where('o.level', '!=', 'group');
  if (q.regionCode) orgs = orgs.where(underRegion('o.region_code', q.regionCode));
  if (q.mode) orgs = orgs.where('o.mode', '=', q.mode);
  if (q.orgId) {
    const root = await db.selectFrom('temporary_orgs').select('path').where('id', '=', q.orgId).executeTakeFirst();
    orgs = orgs.where('o.path', 'like', `${root?.path ?? '-'}%`);
  }
  const orgRows = await orgs.orderBy('o.path').limit(400).execute();
  const ids = orgRows.map((o) => o.id);
  if (!ids.length)
    return { nodes: [], links: [], flattening: { items: [], medianHops: null, medianDaysToSolver: null } };
  // A party group's members belong, for this picture, to its branch.
  const pathOf = new Map(orgRows.map((o) => [o.id, o.path]));
  const memberships = await db
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as g', 'g.id', 'm.org_id')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['m.member_id', 'p.name', 'p.unit_id', 'g.path'])
    .where(activeOn('m', day))
    .where(
      sql<SqlBool>`(${sql.join(
        orgRows.map((o) => sql<SqlBool>`g.path like ${`${o.path}%`}`),
        sql` or `,
      )})`,
    )
    .execute();
  const ownerOf = (path: string) => {
    let best: string | null = null;
    for (const [id, p] of pathOf)
      if (path.startsWith(p) && (!best || p.length > (pathOf.get(best) as string).length)) best = id;
    return best;
  };
  const orgsOfMember = new Map<string, Set<string>>();
  const memberName = new Map<string, string>();
  const unitOrgs = new Map<string, Map<string, number>>();
  for (const m of memberships) {
    const owner = ownerOf(m.path);
    if (!owner) continue;
    memberName.set(m.member_id, m.name);
    orgsOfMember.set(m.member_id, (orgsOfMember.get(m.member_id) ?? new Set()).add(owner));
    const byOrg = unitOrgs.get(m.unit_id) ?? new Map<string, number>();
    byOrg.set(owner, (byOrg.get(owner) ?? 0) + 1);
    unitOrgs.set(m.unit_id, byOrg);
  }
  const units = await db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('id', 'in', [...unitOrgs.keys(), '-'])
    .execute();
  const linked = await db
    .selectFrom('item_members as im')
    .innerJoin('items as i', 'i.id', 'im.item_id')
    .innerJoin('members as p', 'p.id', 'im.member_id')
    .select(['im.member_id', 'p.name', 'i.org_id', 'i.problem'])
    .where('im.role', '=', 'linked')
    .where('i.org_id', 'in', ids)
    .where('im.added_on', '<=', day)
    .execute();

  const nodes: z.infer<typeof Network>['nodes'] = orgRows.map((o) => ({
    id: o.id,
    name: o.name,
    kind: 'org',
    level: o.level,
    weight: 0,
  }));
  const links: z.infer<typeof Network>['links'] = [];
  for (const u of units) {
    const byOrg = unitOrgs.get(u.id) as Map<string, number>;
    nodes.push({
      id: u.id,
      name: u.name,
      kind: 'unit',
      level: null,
      weight: [...byOrg.values()].reduce((a, b) => a + b, 0),
    });
    for (const [org, n] of byOrg) links.push({ source: u.id, target: org, kind: 'lends', label: `${n}人` });
  }
  // Members who sit in several organizations, and those pulled in by need; the rest are counted in their unit's link.
  const shown = new Set<string>();
  for (const [member, set] of orgsOfMember) {
    if (set.size < 2) continue;
    shown.add(member);
    nodes.push({ id: member, name: memberName.get(member) as string, kind: 'member', level: null, weight: set.size });
    for (const org of set) links.push({ source: member, target: org, kind: 'member', label: null });
  }
  for (const l of linked) {
    if (!shown.has(l.member_id)) {
      shown.add(l.member_id);
      nodes.push({ id: l.member_id, name: l.name, kind: 'member', level: null, weight: 1 });
    }
    links.push({ source: l.member_id, target: l.org_id, kind: 'linked_by_need', label: l.problem });
  }

  // The flattening: report → branch (1 hop), + an escalation, + a member linked by need.
  const closed = await db
    .selectFrom('items as i')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .select(['i.id', 'i.problem', 'o.name as org_name', 'i.closed_at', 'i.escalated_at', 'i.created_at'])
    .select([
      sql<
        string | null
      >`(select min(r.reported_at) from item_reports ir inner join reports r on r.id = ir.report_id where ir.item_id = i.id)`.as(
        'reported_at',
      ),
      sql<
        string | null
      >`(select max(im.added_on) from item_members im where im.item_id = i.id and im.role = 'linked')`.as('linked_on'),
      // The member linked by need, if any, else the responsible member.
      sql<
        string | null
      >`(select p.name from item_members im inner join members p on p.id = im.member_id where im.item_id = i.id
        order by im.role asc, im.added_on desc limit 1)`.as('solver'),
      sql<number>`(select count(*) from item_members im where im.item_id = i.id and im.role = 'linked')`.as('linked'),
    ])
    .where('i.org_id', 'in', ids)
    .where('i.status', '=', 'closed')
    .where('i.closed_at', '<', `${day}T16:00:00.000Z`)
    .orderBy('i.closed_at', 'desc')
    .limit(300)
    .execute();
  const flat = closed.map((c) => {
    const start = c.reported_at ?? c.created_at;
    const reached = c.linked_on ? `${c.linked_on}T04:00:00.000Z` : c.created_at;
    return {
      itemId: c.id,
      problem: c.problem,
      orgName: c.org_name,
      hops: 1 + (c.escalated_at ? 1 : 0) + (Number(c.linked) > 0 ? 1 : 0),
      daysToSolver: days(start, reached),
      daysToClose: c.closed_at ? days(start, c.closed_at) : null,
      solver: c.solver,
    };
  });
  return {
    nodes,
    links,
    flattening: {
      items: flat,
      medianHops: median(flat.map((f) => f.hops)),
      medianDaysToSolver: median(flat.map((f) => f.daysToSolver).filter((d): d is number => d !== null)),
    },
  };
}
