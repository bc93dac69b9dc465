import { type Kysely, sql } from 'kysely';
import { type PartyOrgNode, paths, superiors } from '../../modules/units/party-org-tree.ts';

// The formal Party organizations as a tree (DOMAIN §3): each with its superior and a materialized path, so that what
// is sent to a member's home organization reaches the committees above it, and only them (the county public-security
// committee leads the police station's branch, not the township where the station sits). Existing registers are
// placed by the rule of `party-org-tree.ts`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('party_orgs').addColumn('parent_id', 'text').execute();
  await db.schema.alterTable('party_orgs').addColumn('path', 'text').execute();
  const nodes = (
    await sql<PartyOrgNode>`select p.id, p.name, p.kind, p.region_code, u.name as unit_name, u.region_code as unit_region_code
      from party_orgs p left join units u on u.id = p.unit_id`.execute(db)
  ).rows;
  const parents = superiors(nodes);
  const tree = paths(parents);
  for (const [id, parent] of parents) {
    await sql`update party_orgs set parent_id = ${parent}, path = ${tree.get(id) as string} where id = ${id}`.execute(
      db,
    );
  }
  await db.schema.createIndex('party_orgs_path').on('party_orgs').column('path').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('party_orgs_path').execute();
  await db.schema.alterTable('party_orgs').dropColumn('path').execute();
  await db.schema.alterTable('party_orgs').dropColumn('parent_id').execute();
}
