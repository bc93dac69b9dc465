import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials, namePinyin } from '../../lib/pinyin.ts';
import { invalid, notFound } from '../../lib/problem.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './members.policy.ts';
import * as repo from './members.repository.ts';
import type { CreateMember, MemberListQuery } from './members.schemas.ts';

/** The member register: party members and non-party participants, with home organization and skills. */
export class MemberService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private async query(actor: Actor, f: repo.MemberFilters, limit: number, cursor?: string) {
    const { rows, total } = await repo.listMembers(this.db, actor, f, limit, decodeCursor(cursor));
    const page = pageOf(rows, limit, total, (r) => r.name_pinyin);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        nameInitials: r.name_initials,
        gender: r.gender,
        partyStatus: r.party_status,
        title: r.title,
        unitId: r.unit_id,
        unitName: r.unit_name,
        regionCode: r.region_code,
        homeOrgId: r.home_party_org_id,
        homeOrgName: r.home_org_name,
        skills: r.skills,
        activeMemberships: Number(r.active_memberships),
        version: r.version,
      })),
    };
  }

  /** Search by name, pinyin or initials, unit, skill; scoped. */
  list(actor: Actor, q: z.infer<typeof MemberListQuery>) {
    const linked = q.linked === undefined ? undefined : q.linked === 'true';
    return this.query(actor, { ...q, linked, today: todayInShanghai() }, q.limit, q.cursor);
  }

  async get(actor: Actor, id: string) {
    const r = await this.query(actor, { id, today: todayInShanghai() }, 1);
    const m = r.items[0];
    if (!m) throw notFound('党员');
    return m;
  }

  /** Registers a person (party member or participant) in a unit of the caller's region. */
  async create(actor: Actor, input: z.infer<typeof CreateMember>) {
    return this.db.transaction().execute(async (tx) => {
      const unit = await repo.unitOf(tx, input.unitId);
      if (!unit || !policy.canRegisterIn(actor, unit)) throw notFound('单位');
      const home = policy.homeOrgRule(input.partyStatus, input.homeOrgId);
      if (home === 'must_be_null')
        throw invalid('非党员参与人员没有所在党组织', [{ path: 'body.homeOrgId', message: 'must be null' }]);
      if (home === 'required') throw invalid('党员须有所在党组织', [{ path: 'body.homeOrgId', message: 'required' }]);
      if (input.homeOrgId && !(await repo.partyOrgExists(tx, input.homeOrgId)))
        throw invalid('所在党组织须为正式党组织', [{ path: 'body.homeOrgId', message: 'unknown' }]);
      const now = nowIso();
      const row = {
        id: newId(),
        name: input.name,
        name_initials: nameInitials(input.name),
        name_pinyin: namePinyin(input.name),
        gender: input.gender,
        party_status: input.partyStatus,
        home_party_org_id: input.homeOrgId,
        unit_id: unit.id,
        region_code: unit.region_code,
        title: input.title ?? null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertMember(tx, row, input.skills);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'member.create',
        entityType: 'member',
        entityId: row.id,
        after: { ...row, skills: input.skills },
      });
      return row.id;
    });
  }
}
