import { dutiesByName } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials } from '../../lib/pinyin.ts';
import { forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { assertRegionsWithin } from '../../lib/scope.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './units.policy.ts';
import * as repo from './units.repository.ts';
import type { CreatePartyOrg, CreateUnit, PartyOrgListQuery, UnitDuties, UnitListQuery } from './units.schemas.ts';

/** Units and formal party organizations are the county's and townships' registers, kept by region accounts. */
const requireRegionAccount = (actor: Actor) => {
  if (!policy.isRegionAccount(actor))
    throw forbidden('region_account_required', '单位和党组织名录由县、乡按行政区域授权的账号维护');
};

export class UnitService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** Work units in scope, searchable by name and pinyin initials. */
  async list(actor: Actor, q: z.infer<typeof UnitListQuery>) {
    const { rows, total } = await repo.listUnits(this.db, actor, q, q.limit, decodeCursor(q.cursor));
    const page = pageOf(rows, q.limit, total, (r) => r.name);
    const duties = await repo.dutiesOf(
      this.db,
      page.items.map((r) => r.id),
    );
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        type: r.type,
        regionCode: r.region_code,
        regionName: r.region_name,
        memberCount: Number(r.member_count),
        duties: duties.filter((d) => d.unit_id === r.id).map((d) => d.skill) as z.infer<typeof UnitDuties>['duties'],
        version: r.version,
      })),
    };
  }

  /** Registers a unit in a region of the caller's scope. */
  async create(actor: Actor, input: z.infer<typeof CreateUnit>) {
    requireRegionAccount(actor);
    return this.db.transaction().execute(async (tx) => {
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }]);
      const now = nowIso();
      const row = {
        id: newId(),
        name: input.name,
        type: input.type,
        region_code: input.regionCode,
        name_initials: nameInitials(input.name),
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const duties = input.duties ?? dutiesByName(input.name);
      await repo.insertUnit(tx, row, duties);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'unit.create',
        entityType: 'unit',
        entityId: row.id,
        after: { ...row, duties },
      });
      return row.id;
    });
  }

  /** Sets what a unit is responsible for, as a whole (the list replaces the last one). */
  async setDuties(actor: Actor, id: string, input: z.infer<typeof UnitDuties>) {
    requireRegionAccount(actor);
    await this.db.transaction().execute(async (tx) => {
      const unit = await repo.unitInReach(tx, actor, id);
      if (!unit) throw notFound('单位');
      if (!(await updateAtVersion(tx, 'units', id, input.version, { updated_at: nowIso() }))) throw versionConflict();
      const before = await repo.replaceDuties(tx, id, input.duties);
      await this.audit.record(tx, actor, {
        action: 'unit.duties',
        entityType: 'unit',
        entityId: id,
        before: { duties: before },
        after: { duties: input.duties },
      });
    });
  }

  /** Registers a formal party organization (the home organizations of members, the approving organizations). */
  async createPartyOrg(actor: Actor, input: z.infer<typeof CreatePartyOrg>) {
    requireRegionAccount(actor);
    return this.db.transaction().execute(async (tx) => {
      await assertRegionsWithin(tx, actor, [{ path: 'body.regionCode', code: input.regionCode }]);
      if (input.unitId && !(await repo.unitInReach(tx, actor, input.unitId)))
        throw invalid('单位不存在', [{ path: 'body.unitId', message: input.unitId }]);
      const row = {
        id: newId(),
        name: input.name,
        kind: input.kind,
        region_code: input.regionCode,
        unit_id: input.unitId,
      };
      await repo.insertPartyOrg(tx, row);
      // Its superior follows from what it is (a station's branch under its system's county committee), never named.
      const placed = await repo.placePartyOrg(tx, row.id, input.regionCode.slice(0, 6));
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'party_org.create',
        entityType: 'party_org',
        entityId: row.id,
        after: { ...row, parent_id: placed.parentId },
      });
      return row.id;
    });
  }

  /** Formal party organizations of the caller's region (home organizations, approving organizations). */
  /** Formal party organizations under the caller's region, by region then name, in keyset pages with their total. */
  async partyOrgs(actor: Actor, q: z.infer<typeof PartyOrgListQuery>) {
    const { rows, total } = await repo.partyOrgsUnder(this.db, actor.regionCode, q.q, q.limit, decodeCursor(q.cursor));
    const page = pageOf(rows, q.limit, total, (r) => r.sort_key);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        regionCode: r.region_code,
        parentId: r.parent_id ?? null,
        parentName: r.parent_name ?? null,
      })),
    };
  }
}
