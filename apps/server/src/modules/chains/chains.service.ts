import { todayInShanghai } from '@lianjian/shared';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import { assertRegionsWithin, coverageOf, orgInScope } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { factDay } from '../../lib/step-dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { CreateChain, CreateProject, LandContract, NewParticipation, Placement } from './chains.schemas.ts';

const canWrite = (a: Actor) => a.role === 'county_admin' || a.role === 'township_admin' || a.role === 'org_secretary';

/** Industry chains with ordered stages and blockages; projects with land-transfer contracts (DOMAIN §8). */
export class ChainService {
  constructor(private readonly db: Db) {}

  private async org(actor: Actor, orgId: string, db: Executor = this.db) {
    const org = await db.selectFrom('temporary_orgs as o').select(['o.id', 'o.name', 'o.status']).where('o.id', '=', orgId).where(orgInScope(actor, 'o')).executeTakeFirst();
    if (!org) throw notFound('组织');
    return org;
  }

  private async writableOrg(actor: Actor, orgId: string, db: Executor) {
    if (!canWrite(actor)) throw forbidden('permission_denied', '无权维护产业链或项目');
    const org = await this.org(actor, orgId, db);
    if (org.status === 'dissolved') throw conflict('org_dissolved', '组织已撤销，记录只读');
    return org;
  }

  private blockages(where: { stageIds?: string[]; projectId?: string }) {
    const today = todayInShanghai();
    let q = this.db
      .selectFrom('items as i')
      .select([
        'i.id',
        'i.no',
        'i.problem',
        'i.status',
        'i.stage_id',
        sql<number>`case when i.due_on is not null and i.due_on < ${today} and i.status <> 'closed' then 1 else 0 end`.as('overdue'),
      ]);
    if (where.stageIds) q = q.where('i.stage_id', 'in', where.stageIds.length ? where.stageIds : ['']);
    if (where.projectId) q = q.where('i.project_id', '=', where.projectId);
    return q.orderBy('i.created_at').execute();
  }

  private async participation(where: { chainId?: string; projectId?: string }) {
    let q = this.db
      .selectFrom('participations as pa')
      .innerJoin('regions as g', 'g.code', 'pa.region_code')
      .leftJoin('chain_stages as s', 's.id', 'pa.stage_id')
      .select(['pa.id', 'pa.holder', 'g.name as region_name', 'pa.kind', 'pa.income_yuan', 'pa.year', 's.name as stage_name']);
    q = where.chainId ? q.where('pa.chain_id', '=', where.chainId) : q.where('pa.project_id', '=', where.projectId as string);
    const rows = await q.orderBy('pa.year', 'desc').orderBy('pa.holder').execute();
    return {
      households: new Set(rows.map((r) => `${r.holder}|${r.region_name}`)).size,
      incomeYuan: rows.reduce((s, r) => s + Number(r.income_yuan), 0),
      items: rows.map((r) => ({
        id: r.id,
        holder: r.holder,
        regionName: r.region_name,
        kind: r.kind,
        incomeYuan: Number(r.income_yuan),
        year: Number(r.year),
        stageName: r.stage_name,
      })),
    };
  }

  /** A household taking part in a chain or a project, with the income it brings. */
  async addParticipation(actor: Actor, target: { chainId?: string; projectId?: string }, input: z.infer<typeof NewParticipation>) {
    await this.db.transaction().execute(async (tx) => {
      const owner = target.chainId
        ? await tx.selectFrom('chains').select(['id', 'org_id']).where('id', '=', target.chainId).executeTakeFirst()
        : await tx.selectFrom('projects').select(['id', 'org_id']).where('id', '=', target.projectId as string).executeTakeFirst();
      if (!owner) throw notFound(target.chainId ? '产业链' : '项目');
      await this.writableOrg(actor, owner.org_id, tx);
      if (input.stageId) {
        const stage = await tx.selectFrom('chain_stages').select('id').where('id', '=', input.stageId).where('chain_id', '=', target.chainId ?? '').executeTakeFirst();
        if (!stage) throw invalid('环节不属于该产业链', [{ path: 'body.stageId', message: input.stageId }]);
      }
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }], { within: await coverageOf(tx, owner.org_id) });
      const row = {
        id: newId(),
        chain_id: target.chainId ?? null,
        stage_id: input.stageId ?? null,
        project_id: target.projectId ?? null,
        household_id: null,
        holder: input.holder,
        region_code: input.regionCode,
        kind: input.kind,
        income_yuan: input.incomeYuan,
        year: input.year,
        created_at: nowIso(),
      };
      await tx.insertInto('participations').values(row).execute();
      await recordAudit(tx, actor, { action: 'participation.create', entityType: target.chainId ? 'chain' : 'project', entityId: owner.id, after: row });
    });
  }

  async createChain(actor: Actor, input: z.infer<typeof CreateChain>) {
    return this.db.transaction().execute(async (tx) => {
      await this.writableOrg(actor, input.orgId, tx);
      const now = nowIso();
      const chain = { id: newId(), org_id: input.orgId, name: input.name, product: input.product, version: 1, created_at: now, updated_at: now };
      await tx.insertInto('chains').values(chain).execute();
      for (const [i, name] of input.stages.entries()) {
        await tx.insertInto('chain_stages').values({ id: newId(), chain_id: chain.id, seq: i + 1, name }).execute();
      }
      await recordReply(tx, actor.requestId, 201, { id: chain.id });
      await recordAudit(tx, actor, { action: 'chain.create', entityType: 'chain', entityId: chain.id, after: { ...chain, stages: input.stages } });
      return chain.id;
    });
  }

  async listChains(actor: Actor, orgId?: string) {
    let q = this.db.selectFrom('chains as c').innerJoin('temporary_orgs as o', 'o.id', 'c.org_id').where(orgInScope(actor, 'o')).select(['c.id']);
    if (orgId) q = q.where('c.org_id', '=', orgId);
    const ids = await q.orderBy('c.created_at').limit(100).execute();
    return { items: await Promise.all(ids.map((r) => this.getChain(actor, r.id))) };
  }

  /** A chain stage by stage: who sits on it and which blockages are open there. */
  async getChain(actor: Actor, id: string) {
    const chain = await this.db
      .selectFrom('chains as c')
      .innerJoin('temporary_orgs as o', 'o.id', 'c.org_id')
      .select(['c.id', 'c.org_id', 'o.name as org_name', 'c.name', 'c.product'])
      .where('c.id', '=', id)
      .where(orgInScope(actor, 'o'))
      .executeTakeFirst();
    if (!chain) throw notFound('产业链');
    const stages = await this.db.selectFrom('chain_stages').selectAll().where('chain_id', '=', id).orderBy('seq').execute();
    const stageIds = stages.map((s) => s.id);
    const placements = stageIds.length
      ? await this.db
          .selectFrom('stage_placements as sp')
          .leftJoin('members as p', (j) => j.onRef('p.id', '=', 'sp.ref_id').on('sp.kind', '=', 'member'))
          .leftJoin('units as u', (j) => j.onRef('u.id', '=', 'sp.ref_id').on('sp.kind', '=', 'unit'))
          .select(['sp.stage_id', 'sp.kind', 'sp.ref_id', 'sp.role', sql<string>`coalesce(p.name, u.name, '')`.as('name')])
          .where('sp.stage_id', 'in', stageIds)
          .execute()
      : [];
    const blockages = await this.blockages({ stageIds });
    return {
      id: chain.id,
      orgId: chain.org_id,
      orgName: chain.org_name,
      name: chain.name,
      product: chain.product,
      stages: stages.map((s) => ({
        id: s.id,
        seq: s.seq,
        name: s.name,
        placements: placements.filter((p) => p.stage_id === s.id).map((p) => ({ kind: p.kind, refId: p.ref_id, name: p.name, role: p.role })),
        blockages: blockages
          .filter((b) => b.stage_id === s.id)
          .map((b) => ({ id: b.id, no: b.no, problem: b.problem, status: b.status, overdue: Number(b.overdue) === 1 })),
      })),
      participation: await this.participation({ chainId: chain.id }),
    };
  }

  /** Places a member or a unit on a stage of the chain. */
  async place(actor: Actor, chainId: string, stageId: string, input: z.infer<typeof Placement>) {
    await this.db.transaction().execute(async (tx) => {
      const stage = await tx
        .selectFrom('chain_stages as s')
        .innerJoin('chains as c', 'c.id', 's.chain_id')
        .select(['s.id', 'c.org_id'])
        .where('s.id', '=', stageId)
        .where('c.id', '=', chainId)
        .executeTakeFirst();
      if (!stage) throw notFound('环节');
      await this.writableOrg(actor, stage.org_id, tx);
      const target =
        input.kind === 'member'
          ? await tx.selectFrom('members').select('id').where('id', '=', input.refId).executeTakeFirst()
          : await tx.selectFrom('units').select('id').where('id', '=', input.refId).executeTakeFirst();
      if (!target) throw invalid(input.kind === 'member' ? '党员不存在' : '单位不存在', [{ path: 'body.refId', message: input.refId }]);
      const exists = await tx.selectFrom('stage_placements').select('ref_id').where('stage_id', '=', stageId).where('kind', '=', input.kind).where('ref_id', '=', input.refId).executeTakeFirst();
      if (exists) throw conflict('already_placed', '已在该环节');
      const row = { stage_id: stageId, kind: input.kind, ref_id: input.refId, role: input.role ?? null };
      await tx.insertInto('stage_placements').values(row).execute();
      await recordAudit(tx, actor, { action: 'chain.place', entityType: 'chain', entityId: chainId, after: row });
    });
  }

  async createProject(actor: Actor, input: z.infer<typeof CreateProject>) {
    return this.db.transaction().execute(async (tx) => {
      await this.writableOrg(actor, input.orgId, tx);
      const now = nowIso();
      const row = {
        id: newId(),
        org_id: input.orgId,
        name: input.name,
        investment_yuan: input.investmentYuan,
        area_mu: input.areaMu,
        beneficiaries: input.beneficiaries,
        description: input.description,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await tx.insertInto('projects').values(row).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, { action: 'project.create', entityType: 'project', entityId: row.id, after: row });
      return row.id;
    });
  }

  async listProjects(actor: Actor) {
    const ids = await this.db
      .selectFrom('projects as p')
      .innerJoin('temporary_orgs as o', 'o.id', 'p.org_id')
      .where(orgInScope(actor, 'o'))
      .select('p.id')
      .orderBy('p.created_at')
      .limit(100)
      .execute();
    return { items: await Promise.all(ids.map((r) => this.getProject(actor, r.id))) };
  }

  /** A project with its land-transfer contracts and the items (disputes, blockages) linked to it. */
  async getProject(actor: Actor, id: string) {
    const p = await this.db
      .selectFrom('projects as p')
      .innerJoin('temporary_orgs as o', 'o.id', 'p.org_id')
      .selectAll('p')
      .select('o.name as org_name')
      .where('p.id', '=', id)
      .where(orgInScope(actor, 'o'))
      .executeTakeFirst();
    if (!p) throw notFound('项目');
    const contracts = await this.db
      .selectFrom('land_contracts as lc')
      .innerJoin('regions as g', 'g.code', 'lc.region_code')
      .select(['lc.id', 'lc.holder', 'g.name as region_name', 'lc.area_mu', 'lc.signed_on', 'lc.status'])
      .where('lc.project_id', '=', id)
      .orderBy('lc.created_at')
      .execute();
    const items = await this.blockages({ projectId: id });
    return {
      id: p.id,
      orgId: p.org_id,
      orgName: p.org_name,
      name: p.name,
      investmentYuan: Number(p.investment_yuan),
      areaMu: Number(p.area_mu),
      beneficiaries: Number(p.beneficiaries),
      description: p.description,
      contracts: contracts.map((c) => ({ id: c.id, holder: c.holder, regionName: c.region_name, areaMu: Number(c.area_mu), signedOn: c.signed_on, status: c.status })),
      signedAreaMu: contracts.filter((c) => c.status === 'signed').reduce((s, c) => s + Number(c.area_mu), 0),
      items: items.map((b) => ({ id: b.id, no: b.no, problem: b.problem, status: b.status, overdue: Number(b.overdue) === 1 })),
      participation: await this.participation({ projectId: p.id }),
    };
  }

  /** A land-transfer contract with a household or a contractor. */
  async addContract(actor: Actor, projectId: string, input: z.infer<typeof LandContract>) {
    await this.db.transaction().execute(async (tx) => {
      const p = await tx.selectFrom('projects').select(['id', 'org_id']).where('id', '=', projectId).executeTakeFirst();
      if (!p) throw notFound('项目');
      await this.writableOrg(actor, p.org_id, tx);
      if (input.status === 'signed' && !input.signedOn) throw invalid('已签约的合同须有签约日期', [{ path: 'body.signedOn', message: 'required' }]);
      if (input.signedOn) factDay(input.signedOn, 'body.signedOn', '签约日期');
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }], { within: await coverageOf(tx, p.org_id) });
      const row = {
        id: newId(),
        project_id: projectId,
        holder: input.holder,
        region_code: input.regionCode,
        area_mu: input.areaMu,
        signed_on: input.signedOn ?? null,
        status: input.status,
        created_at: nowIso(),
      };
      await tx.insertInto('land_contracts').values(row).execute();
      await recordAudit(tx, actor, { action: 'project.contract', entityType: 'project', entityId: projectId, after: row });
    });
  }
}
