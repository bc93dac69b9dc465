import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { UnitTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { afterCursor, decodeCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials } from '../../lib/pinyin.ts';
import { forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { dutiesByName } from '@lianjian/shared';
import { placePartyOrg } from './units.repository.ts';
import { assertRegionsWithin, unitInScope, underRegion } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { CreatePartyOrg, CreateUnit, UnitDuties, UnitListQuery } from './units.schemas.ts';
import { contains, startsWith } from '../../lib/like.ts';

export class UnitService {
  constructor(private readonly db: Db) {}

  /** Work units in scope, searchable by name and pinyin initials. */
  async list(actor: Actor, q: z.infer<typeof UnitListQuery>) {
    const filtered = () => {
      let b = this.db.selectFrom('units as u').where(unitInScope(actor, 'u'));
      const text = q.q;
      if (text)
        b = b.where((eb) => eb.or([contains('u.name', text), startsWith('u.name_initials', text.toLowerCase())]));
      if (q.type) b = b.where('u.type', '=', q.type);
      if (q.regionCode) b = b.where(underRegion('u.region_code', q.regionCode));
      return b;
    };
    let rows = filtered()
      .innerJoin('regions as r', 'r.code', 'u.region_code')
      .select([
        'u.id',
        'u.name',
        'u.type',
        'u.region_code',
        'r.name as region_name',
        'u.version',
        sql<number>`(select count(*) from members p where p.unit_id = u.id)`.as('member_count'),
      ]);
    const cursor = decodeCursor(q.cursor);
    if (cursor) rows = rows.where(afterCursor('u.name', 'u.id', cursor, 'asc'));
    const list = await rows
      .orderBy('u.name')
      .orderBy('u.id')
      .limit(q.limit + 1)
      .execute();
    const total = await filtered()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const page = pageOf(list, q.limit, Number(total.n), (r) => r.name);
    const ids = page.items.map((r) => r.id);
    const duties = ids.length
      ? await this.db
          .selectFrom('unit_duties')
          .select(['unit_id', 'skill'])
          .where('unit_id', 'in', ids)
          .orderBy('skill')
          .execute()
      : [];
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        type: r.type as UnitTable['type'] as 'enterprise',
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
      await tx.insertInto('units').values(row).execute();
      const duties = input.duties ?? dutiesByName(input.name);
      for (const skill of new Set(duties))
        await tx.insertInto('unit_duties').values({ unit_id: row.id, skill }).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, {
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
      const unit = await tx
        .selectFrom('units as u')
        .select(['u.id', 'u.version'])
        .where('u.id', '=', id)
        .where(unitInScope(actor, 'u'))
        .executeTakeFirst();
      if (!unit) throw notFound('单位');
      const bumped = await tx
        .updateTable('units')
        .set({ version: unit.version + 1, updated_at: nowIso() })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(bumped.numUpdatedRows) !== 1) throw versionConflict();
      const before = (await tx.selectFrom('unit_duties').select('skill').where('unit_id', '=', id).execute()).map(
        (d) => d.skill,
      );
      await tx.deleteFrom('unit_duties').where('unit_id', '=', id).execute();
      for (const skill of new Set(input.duties))
        await tx.insertInto('unit_duties').values({ unit_id: id, skill }).execute();
      await recordAudit(tx, actor, {
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
      if (input.unitId) {
        const unit = await tx
          .selectFrom('units')
          .select('id')
          .where('id', '=', input.unitId)
          .where(unitInScope(actor))
          .executeTakeFirst();
        if (!unit) throw invalid('单位不存在', [{ path: 'body.unitId', message: input.unitId }]);
      }
      const row = {
        id: newId(),
        name: input.name,
        kind: input.kind,
        region_code: input.regionCode,
        unit_id: input.unitId,
      };
      await tx.insertInto('party_orgs').values(row).execute();
      // Its superior follows from what it is (a station's branch under its system's county committee), never named.
      const placed = await placePartyOrg(tx, row.id, input.regionCode.slice(0, 6));
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, {
        action: 'party_org.create',
        entityType: 'party_org',
        entityId: row.id,
        after: { ...row, parent_id: placed.parentId },
      });
      return row.id;
    });
  }

  /** Formal party organizations of the caller's region (home organizations, approving organizations). */
  async partyOrgs(actor: Actor, q: { q?: string; limit: number }) {
    const prefix = actor.regionCode ?? '';
    let b = this.db
      .selectFrom('party_orgs as party_orgs')
      .leftJoin('party_orgs as sup', 'sup.id', 'party_orgs.parent_id')
      .select([
        'party_orgs.id',
        'party_orgs.name',
        'party_orgs.kind',
        'party_orgs.region_code',
        'party_orgs.parent_id',
        'sup.name as parent_name',
      ]);
    b =
      actor.regionCode === null ? b.where(sql<boolean>`1 = 0`) : b.where(underRegion('party_orgs.region_code', prefix));
    if (q.q) b = b.where(contains('party_orgs.name', q.q));
    const rows = await b.orderBy('party_orgs.region_code').orderBy('party_orgs.name').limit(q.limit).execute();
    return {
      items: rows.map((r) => ({
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

/** Units and formal party organizations are the county's and townships' registers, kept by region accounts. */
function requireRegionAccount(actor: Actor) {
  if (actor.regionCode === null)
    throw forbidden('region_account_required', '单位和党组织名录由县、乡按行政区域授权的账号维护');
}
