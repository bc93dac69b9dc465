import { todayInShanghai } from '@lianjian/shared';
import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type {
  ChainTable,
  LandContractTable,
  ParticipationTable,
  ProjectTable,
  StagePlacementTable,
} from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { orgInScope } from '../../lib/scope.ts';
import { orgInReach as orgInScopeById } from '../orgs/orgs.repository.ts';
import { overdueOn } from '../items/deadlines.repository.ts';

/** All SQL of industry chains and projects (DOMAIN §8). */

/** An organization the actor reads, with its status. */
/** The organization in the actor's scope, with what this module's rules read of it. */
export const orgInReach = (db: Executor, actor: Actor, orgId: string) =>
  orgInScopeById(db, actor, orgId, ['id', 'name', 'status'] as const);

export const chainOwner = (db: Executor, id: string) =>
  db.selectFrom('chains').select(['id', 'org_id']).where('id', '=', id).executeTakeFirst();
export const projectOwner = (db: Executor, id: string) =>
  db.selectFrom('projects').select(['id', 'org_id']).where('id', '=', id).executeTakeFirst();

/** A stage of this chain, with the chain's organization. */
export const stageOf = (db: Executor, chainId: string, stageId: string) =>
  db
    .selectFrom('chain_stages as s')
    .innerJoin('chains as c', 'c.id', 's.chain_id')
    .select(['s.id', 'c.org_id'])
    .where('s.id', '=', stageId)
    .where('c.id', '=', chainId)
    .executeTakeFirst();

/** The items linked to stages or to a project (blockages, disputes), with whether each is overdue today. */
export function blockages(db: Executor, where: { stageIds?: string[]; projectId?: string }) {
  const today = todayInShanghai();
  let q = db
    .selectFrom('items as i')
    .select([
      'i.id',
      'i.no',
      'i.problem',
      'i.status',
      'i.stage_id',
      sql<number>`case when ${overdueOn(today, sql<string>`i.status`)} then 1 else 0 end`.as('overdue'),
    ]);
  if (where.stageIds) q = q.where('i.stage_id', 'in', where.stageIds.length ? where.stageIds : ['']);
  if (where.projectId) q = q.where('i.project_id', '=', where.projectId);
  return q.orderBy('i.created_at').execute();
}

/** The households taking part in a chain or a project, newest year first. */
export function participations(db: Executor, where: { chainId?: string; projectId?: string }) {
  const q = db
    .selectFrom('participations as pa')
    .innerJoin('regions as g', 'g.code', 'pa.region_code')
    .leftJoin('chain_stages as s', 's.id', 'pa.stage_id')
    .select([
      'pa.id',
      'pa.holder',
      'g.name as region_name',
      'pa.kind',
      'pa.income_yuan',
      'pa.year',
      's.name as stage_name',
    ]);
  return (
    where.chainId
      ? q.where('pa.chain_id', '=', where.chainId)
      : q.where('pa.project_id', '=', where.projectId as string)
  )
    .orderBy('pa.year', 'desc')
    .orderBy('pa.holder')
    .execute();
}

export const insertParticipation = (tx: Executor, row: Insertable<ParticipationTable>) =>
  tx.insertInto('participations').values(row).execute();

export async function insertChain(tx: Executor, chain: ChainTable, stages: string[], newId: () => string) {
  await tx.insertInto('chains').values(chain).execute();
  for (const [i, name] of stages.entries())
    await tx
      .insertInto('chain_stages')
      .values({ id: newId(), chain_id: chain.id, seq: i + 1, name })
      .execute();
}

/** The chains of organizations in scope (of one organization, when given), as a query to page. */
export function chainsInScope(db: Executor, actor: Actor, orgId: string | undefined) {
  let q = db
    .selectFrom('chains as c')
    .innerJoin('temporary_orgs as o', 'o.id', 'c.org_id')
    .where(orgInScope(actor, 'o'))
    .select(['c.id', 'c.created_at']);
  if (orgId) q = q.where('c.org_id', '=', orgId);
  return q;
}

/** The projects of organizations in scope, as a query to page. */
export const projectsInScope = (db: Executor, actor: Actor) =>
  db
    .selectFrom('projects as p')
    .innerJoin('temporary_orgs as o', 'o.id', 'p.org_id')
    .where(orgInScope(actor, 'o'))
    .select(['p.id', 'p.created_at']);

/** A chain in scope with its organization's name and status. */
export const chainInScope = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('chains as c')
    .innerJoin('temporary_orgs as o', 'o.id', 'c.org_id')
    .select(['c.id', 'c.org_id', 'o.name as org_name', 'o.status as org_status', 'c.name', 'c.product', 'c.created_at'])
    .where('c.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();

export const stagesOf = (db: Executor, chainId: string) =>
  db.selectFrom('chain_stages').selectAll().where('chain_id', '=', chainId).orderBy('seq').execute();

/** Who sits on these stages: members and units, with their names. */
export const placementsOn = (db: Executor, stageIds: string[]) =>
  stageIds.length
    ? db
        .selectFrom('stage_placements as sp')
        .leftJoin('members as p', (j) => j.onRef('p.id', '=', 'sp.ref_id').on('sp.kind', '=', 'member'))
        .leftJoin('units as u', (j) => j.onRef('u.id', '=', 'sp.ref_id').on('sp.kind', '=', 'unit'))
        .select([
          'sp.stage_id',
          'sp.kind',
          'sp.ref_id',
          'sp.role',
          sql<string>`coalesce(p.name, u.name, '')`.as('name'),
        ])
        .where('sp.stage_id', 'in', stageIds)
        .execute()
    : Promise.resolve([]);

/** Whether a member (or a unit) of this id exists. */
export const placeableExists = async (tx: Executor, kind: 'member' | 'unit', id: string) =>
  Boolean(
    kind === 'member'
      ? await tx.selectFrom('members').select('id').where('id', '=', id).executeTakeFirst()
      : await tx.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst(),
  );

export const isPlaced = async (tx: Executor, p: { stage_id: string; kind: 'member' | 'unit'; ref_id: string }) =>
  Boolean(
    await tx
      .selectFrom('stage_placements')
      .select('ref_id')
      .where('stage_id', '=', p.stage_id)
      .where('kind', '=', p.kind)
      .where('ref_id', '=', p.ref_id)
      .executeTakeFirst(),
  );

export const insertPlacement = (tx: Executor, row: StagePlacementTable) =>
  tx.insertInto('stage_placements').values(row).execute();

export const stageInChain = (tx: Executor, stageId: string, chainId: string) =>
  tx
    .selectFrom('chain_stages')
    .select('id')
    .where('id', '=', stageId)
    .where('chain_id', '=', chainId)
    .executeTakeFirst();

export const insertProject = (tx: Executor, row: ProjectTable) => tx.insertInto('projects').values(row).execute();

/** A project in scope with its organization's name and status. */
export const projectInScope = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('projects as p')
    .innerJoin('temporary_orgs as o', 'o.id', 'p.org_id')
    .selectAll('p')
    .select(['o.name as org_name', 'o.status as org_status'])
    .where('p.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();

export const contractsOf = (db: Executor, projectId: string) =>
  db
    .selectFrom('land_contracts as lc')
    .innerJoin('regions as g', 'g.code', 'lc.region_code')
    .select(['lc.id', 'lc.holder', 'g.name as region_name', 'lc.area_mu', 'lc.signed_on', 'lc.status'])
    .where('lc.project_id', '=', projectId)
    .orderBy('lc.created_at')
    .execute();

export const insertContract = (tx: Executor, row: LandContractTable) =>
  tx.insertInto('land_contracts').values(row).execute();
