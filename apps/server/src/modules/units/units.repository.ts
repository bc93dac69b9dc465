import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { type PartyOrgNode, paths, superiors } from './party-org-tree.ts';

const nodesOf = async (db: Executor, county?: string) =>
  (
    await sql<PartyOrgNode>`select p.id, p.name, p.kind, p.region_code, u.name as unit_name, u.region_code as unit_region_code
      from party_orgs p left join units u on u.id = p.unit_id
      ${county ? sql`where p.region_code like ${`${county}%`}` : sql``}`.execute(db)
  ).rows;

/** Places one newly registered formal organization in the tree of its county: its superior and its path. */
export async function placePartyOrg(db: Executor, id: string, county: string) {
  const parent = superiors(await nodesOf(db, county)).get(id) ?? null;
  const above = parent
    ? await db.selectFrom('party_orgs').select('path').where('id', '=', parent).executeTakeFirst()
    : undefined;
  const path = above?.path ? `${above.path}${id}/` : `/${id}/`;
  await db.updateTable('party_orgs').set({ parent_id: parent, path }).where('id', '=', id).execute();
  return { parentId: parent, path };
}

/** Places every formal organization (a register loaded in bulk). */
export async function placePartyOrgs(db: Executor) {
  const parents = superiors(await nodesOf(db));
  const tree = paths(parents);
  for (const [id, parent] of parents)
    await db
      .updateTable('party_orgs')
      .set({ parent_id: parent, path: tree.get(id) ?? null })
      .where('id', '=', id)
      .execute();
}
