import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { UnitTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { afterCursor, decodeCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials } from '../../lib/pinyin.ts';
import { invalid } from '../../lib/problem.ts';
import { unitInScope, underRegion } from '../../lib/scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { CreatePartyOrg, CreateUnit, UnitListQuery } from './units.routes.ts';

export class UnitService {
  constructor(private readonly db: Db) {}

  /** Work units in scope, searchable by name and pinyin initials. */
  async list(actor: Actor, q: z.infer<typeof UnitListQuery>) {
    const filtered = () => {
      let b = this.db.selectFrom('units as u').where(unitInScope(actor, 'u'));
      if (q.q) b = b.where((eb) => eb.or([eb('u.name', 'like', `%${q.q}%`), eb('u.name_initials', 'like', `${q.q?.toLowerCase()}%`)]));
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
    const list = await rows.orderBy('u.name').orderBy('u.id').limit(q.limit + 1).execute();
    const total = await filtered().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const page = pageOf(list, q.limit, Number(total.n), (r) => r.name);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        type: r.type as UnitTable['type'] as 'enterprise',
        regionCode: r.region_code,
        regionName: r.region_name,
        memberCount: Number(r.member_count),
        version: r.version,
      })),
    };
  }

  /** Registers a unit in a region of the caller's scope. */
  async create(actor: Actor, input: z.infer<typeof CreateUnit>) {
    if (actor.regionCode === null || !input.regionCode.startsWith(actor.regionCode)) {
      throw invalid('区划不在管辖范围内', [{ path: 'body.regionCode', message: input.regionCode }]);
    }
    return this.db.transaction().execute(async (tx) => {
      const region = await tx.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst();
      if (!region) throw invalid('区划不存在', [{ path: 'body.regionCode', message: input.regionCode }]);
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
      await recordAudit(tx, actor, { action: 'unit.create', entityType: 'unit', entityId: row.id, after: row });
      return row.id;
    });
  }

  /** Registers a formal party organization (the home organizations of members, the approving organizations). */
  async createPartyOrg(actor: Actor, input: z.infer<typeof CreatePartyOrg>) {
    if (actor.regionCode === null || !input.regionCode.startsWith(actor.regionCode)) {
      throw invalid('区划不在管辖范围内', [{ path: 'body.regionCode', message: input.regionCode }]);
    }
    return this.db.transaction().execute(async (tx) => {
      const region = await tx.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst();
      if (!region) throw invalid('区划不存在', [{ path: 'body.regionCode', message: input.regionCode }]);
      if (input.unitId) {
        const unit = await tx.selectFrom('units').select('id').where('id', '=', input.unitId).where(unitInScope(actor)).executeTakeFirst();
        if (!unit) throw invalid('单位不存在', [{ path: 'body.unitId', message: input.unitId }]);
      }
      const row = { id: newId(), name: input.name, kind: input.kind, region_code: input.regionCode, unit_id: input.unitId };
      await tx.insertInto('party_orgs').values(row).execute();
      await recordAudit(tx, actor, { action: 'party_org.create', entityType: 'party_org', entityId: row.id, after: row });
      return row.id;
    });
  }

  /** Formal party organizations of the caller's region (home organizations, approving organizations). */
  async partyOrgs(actor: Actor, q: { q?: string; limit: number }) {
    const prefix = actor.regionCode ?? '';
    let b = this.db.selectFrom('party_orgs').select(['id', 'name', 'kind', 'region_code']);
    b = actor.regionCode === null ? b.where(sql<boolean>`1 = 0`) : b.where(underRegion('region_code', prefix));
    if (q.q) b = b.where('name', 'like', `%${q.q}%`);
    const rows = await b.orderBy('region_code').orderBy('name').limit(q.limit).execute();
    return { items: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, regionCode: r.region_code })) };
  }
}
