import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, notFound } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import { assertRegionsWithin, coverageOf } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { factDay } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './chains.policy.ts';
import * as repo from './chains.repository.ts';
import type { CreateChain, CreateProject, LandContract, NewParticipation, Placement } from './chains.schemas.ts';
import { known } from '../../lib/known.ts';

type Blockage = Awaited<ReturnType<typeof repo.blockages>>[number];
const blockage = (b: Blockage) => ({
  id: b.id,
  no: b.no,
  problem: b.problem,
  status: b.status,
  overdue: Number(b.overdue) === 1,
});

/** Industry chains with ordered stages and blockages; projects with land-transfer contracts (DOMAIN §8). */
export class ChainService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** The organization a change is made in: in scope (404 otherwise), the actor may maintain its records, and it is live. */
  private async writableOrg(actor: Actor, orgId: string, db: Executor) {
    if (!policy.mayMaintain(actor)) throw forbidden('permission_denied', '无权维护产业链或项目');
    const org = await repo.orgInReach(db, actor, orgId);
    if (!org) throw notFound('组织');
    assertLive(org);
    return org;
  }

  private async participation(where: { chainId?: string; projectId?: string }) {
    const rows = await repo.participations(this.db, where);
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
  async addParticipation(
    actor: Actor,
    target: { chainId?: string; projectId?: string },
    input: z.infer<typeof NewParticipation>,
  ) {
    await this.db.transaction().execute(async (tx) => {
      const owner = target.chainId
        ? await repo.chainOwner(tx, target.chainId)
        : await repo.projectOwner(tx, known(target.projectId, 'the project'));
      if (!owner) throw notFound(target.chainId ? '产业链' : '项目');
      await this.writableOrg(actor, owner.org_id, tx);
      if (input.stageId && !(await repo.stageInChain(tx, input.stageId, target.chainId ?? ''))) {
        throw invalid('环节不属于该产业链', [{ path: 'body.stageId', message: input.stageId }]);
      }
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }], {
        within: await coverageOf(tx, owner.org_id),
      });
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
      await repo.insertParticipation(tx, row);
      await this.audit.record(tx, actor, {
        action: 'participation.create',
        entityType: target.chainId ? 'chain' : 'project',
        entityId: owner.id,
        after: row,
      });
    });
  }

  async createChain(actor: Actor, input: z.infer<typeof CreateChain>) {
    return this.db.transaction().execute(async (tx) => {
      await this.writableOrg(actor, input.orgId, tx);
      const now = nowIso();
      const chain = {
        id: newId(),
        org_id: input.orgId,
        name: input.name,
        product: input.product,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertChain(tx, chain, input.stages, newId);
      await recordReply(tx, actor.requestId, 201, { id: chain.id });
      await this.audit.record(tx, actor, {
        action: 'chain.create',
        entityType: 'chain',
        entityId: chain.id,
        after: { ...chain, stages: input.stages },
      });
      return chain.id;
    });
  }

  /** Chains in scope, oldest first, in keyset pages with their total; each page's chains stage by stage. */
  async listChains(actor: Actor, f: { orgId?: string | undefined; limit?: number; cursor?: string | undefined } = {}) {
    return keysetPage(
      repo.chainsInScope(this.db, actor, f.orgId),
      { sort: 'c.created_at', id: 'c.id', dir: 'asc', limit: f.limit, cursor: f.cursor },
      (rows) => Promise.all(rows.map((r) => this.getChain(actor, r.id))),
      (c) => c.createdAt,
    );
  }

  /** A chain stage by stage: who sits on it and which blockages are open there. */
  async getChain(actor: Actor, id: string) {
    const chain = await repo.chainInScope(this.db, actor, id);
    if (!chain) throw notFound('产业链');
    const stages = await repo.stagesOf(this.db, id);
    const stageIds = stages.map((s) => s.id);
    const [placements, blockages] = await Promise.all([
      repo.placementsOn(this.db, stageIds),
      repo.blockages(this.db, { stageIds }),
    ]);
    return {
      id: chain.id,
      orgId: chain.org_id,
      orgName: chain.org_name,
      name: chain.name,
      product: chain.product,
      createdAt: chain.created_at,
      stages: stages.map((s) => ({
        id: s.id,
        seq: s.seq,
        name: s.name,
        placements: placements
          .filter((p) => p.stage_id === s.id)
          .map((p) => ({ kind: p.kind, refId: p.ref_id, name: p.name, role: p.role })),
        blockages: blockages.filter((b) => b.stage_id === s.id).map(blockage),
      })),
      participation: await this.participation({ chainId: chain.id }),
      abilities: policy.abilities(actor, { status: chain.org_status }),
    };
  }

  /** Places a member or a unit on a stage of the chain. */
  async place(actor: Actor, chainId: string, stageId: string, input: z.infer<typeof Placement>) {
    await this.db.transaction().execute(async (tx) => {
      const stage = await repo.stageOf(tx, chainId, stageId);
      if (!stage) throw notFound('环节');
      await this.writableOrg(actor, stage.org_id, tx);
      if (!(await repo.placeableExists(tx, input.kind, input.refId))) {
        throw invalid(input.kind === 'member' ? '党员不存在' : '单位不存在', [
          { path: 'body.refId', message: input.refId },
        ]);
      }
      const row = { stage_id: stageId, kind: input.kind, ref_id: input.refId, role: input.role ?? null };
      if (await repo.isPlaced(tx, row)) throw conflict('already_placed', '已在该环节');
      await repo.insertPlacement(tx, row);
      await this.audit.record(tx, actor, { action: 'chain.place', entityType: 'chain', entityId: chainId, after: row });
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
      await repo.insertProject(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'project.create',
        entityType: 'project',
        entityId: row.id,
        after: row,
      });
      return row.id;
    });
  }

  /** Projects in scope, oldest first, in keyset pages with their total. */
  async listProjects(actor: Actor, f: { limit?: number; cursor?: string | undefined } = {}) {
    return keysetPage(
      repo.projectsInScope(this.db, actor),
      { sort: 'p.created_at', id: 'p.id', dir: 'asc', limit: f.limit, cursor: f.cursor },
      (rows) => Promise.all(rows.map((r) => this.getProject(actor, r.id))),
      (p) => p.createdAt,
    );
  }

  /** A project with its land-transfer contracts and the items (disputes, blockages) linked to it. */
  async getProject(actor: Actor, id: string) {
    const p = await repo.projectInScope(this.db, actor, id);
    if (!p) throw notFound('项目');
    const [contracts, items] = await Promise.all([
      repo.contractsOf(this.db, id),
      repo.blockages(this.db, { projectId: id }),
    ]);
    return {
      id: p.id,
      orgId: p.org_id,
      orgName: p.org_name,
      name: p.name,
      investmentYuan: Number(p.investment_yuan),
      areaMu: Number(p.area_mu),
      beneficiaries: Number(p.beneficiaries),
      description: p.description,
      createdAt: p.created_at,
      contracts: contracts.map((c) => ({
        id: c.id,
        holder: c.holder,
        regionName: c.region_name,
        areaMu: Number(c.area_mu),
        signedOn: c.signed_on,
        status: c.status,
      })),
      signedAreaMu: contracts.filter((c) => c.status === 'signed').reduce((s, c) => s + Number(c.area_mu), 0),
      items: items.map(blockage),
      participation: await this.participation({ projectId: p.id }),
      abilities: policy.abilities(actor, { status: p.org_status }),
    };
  }

  /** A land-transfer contract with a household or a contractor. */
  async addContract(actor: Actor, projectId: string, input: z.infer<typeof LandContract>) {
    await this.db.transaction().execute(async (tx) => {
      const p = await repo.projectOwner(tx, projectId);
      if (!p) throw notFound('项目');
      await this.writableOrg(actor, p.org_id, tx);
      if (input.status === 'signed' && !input.signedOn)
        throw invalid('已签约的合同须有签约日期', [{ path: 'body.signedOn', message: 'required' }]);
      if (input.signedOn) factDay(input.signedOn, 'body.signedOn', '签约日期');
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }], {
        within: await coverageOf(tx, p.org_id),
      });
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
      await repo.insertContract(tx, row);
      await this.audit.record(tx, actor, {
        action: 'project.contract',
        entityType: 'project',
        entityId: projectId,
        after: row,
      });
    });
  }
}
