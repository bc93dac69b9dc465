import { ORG_MODES, elapsedDays, median, todayInShanghai } from '@lianjian/shared';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { isoDate, regionCode } from '../../lib/schemas.ts';
import * as repo from './network.repository.ts';

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
  const orgRows = await repo.networkOrgs(db, actor, q, day);
  const ids = orgRows.map((o) => o.id);
  if (!ids.length)
    return { nodes: [], links: [], flattening: { items: [], medianHops: null, medianDaysToSolver: null } };
  // A party group's members belong, for this picture, to its branch.
  const pathOf = new Map(orgRows.map((o) => [o.id, o.path]));
  const memberships = await repo.membershipsUnder(
    db,
    orgRows.map((o) => o.path),
    day,
  );
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
  const units = await repo.unitNames(db, [...unitOrgs.keys()]);
  const linked = await repo.linkedByNeedIn(db, ids, day);

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
  const closed = await repo.closedItemsOf(db, ids, day);
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
