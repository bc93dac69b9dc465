import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { notAfterToday } from '../../lib/step-dates.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { assertLive } from '../../lib/live.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { activeMembershipOf, insertMembership } from '../orgs/orgs.repository.ts';
import { accessItem } from './item-common.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type { EndParticipant, LinkByNeed, NewParticipant } from './items.schemas.ts';
import { notify } from './notifications.service.ts';
import { known } from '../../lib/known.ts';
import { unitInCounty } from '../units/units.repository.ts';

/**
 * Pulling in whoever an item needs (DOMAIN §8, 因需而联、应联尽联): suggestions of members and units, linking a Party
 * member by need into the responsible party group, and people who are not Party members assisting with the item.
 */
export class ItemLinkingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Members and units who can solve what the item needs, anywhere in the county, ranked (see `suggestMembers`) and
   * each with the reasons it is suggested.
   */
  async suggestions(actor: Actor, id: string, skill?: string) {
    const { row, org } = await accessItem(this.db, actor, id);
    const need = skill ?? row.needed_skill;
    if (!need) return { skill: null, members: [], units: [] };
    const place = row.region_code ?? org.region_code;
    const today = todayInShanghai();
    const [{ rows, skills }, units] = await Promise.all([
      repo.suggestMembers(this.db, need, place, today, row.responsible_group_id, org.path),
      repo.suggestUnits(this.db, need, place),
    ]);
    const near = ['elsewhere', 'county', 'township', 'village'] as const;
    return {
      skill: need,
      members: rows.map((r) => {
        const why: string[] = [];
        if (Number(r.has_skill)) why.push('skill');
        if (Number(r.unit_duty)) why.push('unit_duty');
        if (Number(r.title_rank) === 2) why.push('heads_unit');
        if (Number(r.title_rank) === 1) why.push('deputy_head');
        if (Number(r.branch_role) === 3) why.push('branch_leader');
        else if (Number(r.branch_role) > 0) why.push('in_branch');
        return {
          memberId: r.id,
          name: r.name,
          title: r.title,
          unitName: r.unit_name,
          regionName: r.region_name,
          skills: skills.filter((s) => s.member_id === r.id).map((s) => s.skill),
          nearness: near[Number(r.nearness)] ?? 'elsewhere',
          load: Number(r.load),
          reasons: why as ('skill' | 'unit_duty' | 'heads_unit' | 'deputy_head' | 'branch_leader' | 'in_branch')[],
        };
      }),
      units: units.map((u) => ({
        unitId: u.id,
        name: u.name,
        regionName: u.region_name,
        membersWithSkill: Number(u.n),
        responsible: Number(u.duty) === 1,
      })),
    };
  }

  /**
   * Links a member by need: a membership of the responsible party group for this item, with the reason
   * "item N of list L"; it ends when the item closes.
   */
  async linkByNeed(actor: Actor, id: string, input: z.infer<typeof LinkByNeed>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts, workers, org } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!policy.canLink(actor, facts)) {
        if (!row.responsible_group_id) throw conflict('no_responsible_group', '请先为事项指定责任党小组');
        throw forbidden('permission_denied', '无权为该事项联结党员');
      }
      if (workers.some((w) => w.member_id === input.memberId))
        throw conflict('already_on_item', '该党员已在办理此事项');
      // Link by need reaches any unit, any township, of the item's county only.
      const member = await repo.countyPerson(tx, input.memberId, org.region_code.slice(0, 6));
      if (!member) throw notFound('党员');
      if (member.party_status === 'none') {
        throw conflict(
          'participant_cannot_be_member',
          `${member.name}不是党员，可作为参与人员协助办理，不能联结进党小组`,
        );
      }
      const today = todayInShanghai();
      const now = nowIso();
      const groupId = known(row.responsible_group_id, 'the responsible party group');
      const reason = `因需而联：第${row.list_no}号清单第${row.no}项${input.reason ? `，${input.reason}` : ''}`;
      let membershipId: string | null = null;
      if (!(await activeMembershipOf(tx, groupId, member.id, today))) {
        membershipId = newId();
        await insertMembership(tx, {
          id: membershipId,
          org_id: groupId,
          member_id: member.id,
          role: 'member',
          start_on: today,
          end_on: null,
          end_reason: null,
          link_reason: reason,
          designated_by_party_org_id: null,
          designated_by_org_id: null,
          version: 1,
          created_at: now,
          updated_at: now,
        });
      }
      await repo.insertItemMember(tx, {
        item_id: id,
        member_id: member.id,
        role: 'linked',
        membership_id: membershipId,
        added_on: today,
        reason,
      });
      await notify(tx, [member.id], { itemId: id, kind: 'linked', text: reason, at: now });
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'link',
        text: `联结${member.name}（${reason}）`,
        public: false,
        at: now,
      });
      await this.audit.record(tx, actor, {
        action: 'item.link_by_need',
        entityType: 'item',
        entityId: id,
        after: { memberId: member.id, membershipId, reason },
      });
    });
  }

  /**
   * Someone who is not a Party member assisting with the item (DOMAIN §4: they take part in the task, never hold a
   * membership): a person of the register who is not a Party member, or a name and a unit; with a role and the day
   * they started (not after today, not before the list). A Party member is linked by need instead.
   */
  async addParticipant(actor: Actor, id: string, input: z.infer<typeof NewParticipant>) {
    return this.db.transaction().execute(async (tx) => {
      const { row, org, facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!policy.canProgress(actor, facts) || !policy.staffOnItem(actor))
        throw forbidden('permission_denied', '无权为该事项登记参与人员');
      const listedOn = await repo.listedOn(tx, row.list_id);
      notAfterToday(input.startOn, 'body.startOn', '参与开始日期');
      if (input.startOn < listedOn)
        throw invalid(`参与开始日期不能早于清单日期（${listedOn}）`, [
          { path: 'body.startOn', message: `before ${listedOn}` },
        ]);
      const county = org.region_code.slice(0, 6);
      let person: { member_id: string | null; name: string; unit_id: string | null; unit_name: string };
      if (input.memberId) {
        const m = await repo.countyPerson(tx, input.memberId, county);
        if (!m) throw invalid('该人员不在本县名册中', [{ path: 'body.memberId', message: input.memberId }]);
        if (m.party_status !== 'none')
          throw conflict('party_member_link_by_need', `${m.name}是党员，请通过“因需而联”联结进责任党小组`);
        person = { member_id: m.id, name: m.name, unit_id: m.unit_id, unit_name: m.unit_name };
      } else {
        const unit = input.unitId ? await unitInCounty(tx, input.unitId, county) : undefined;
        if (input.unitId && !unit)
          throw invalid('单位不在本县名录中', [{ path: 'body.unitId', message: input.unitId }]);
        person = {
          member_id: null,
          name: known(input.name, 'the participant’s name'),
          unit_id: unit?.id ?? null,
          unit_name: unit?.name ?? known(input.unitName, 'the participant’s unit'),
        };
      }
      if (await repo.isParticipating(tx, id, person))
        throw conflict('already_participating', `${person.name}已在协助办理此事项`);
      const record = {
        id: newId(),
        item_id: id,
        ...person,
        role: input.role,
        start_on: input.startOn,
        end_on: null,
        created_by: actor.userId,
        created_at: nowIso(),
        version: 1,
      };
      await repo.insertParticipant(tx, record);
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'link',
        text: `${person.name}（${person.unit_name}，${input.role}）作为非党员参与人员协助办理`,
        public: false,
        at: record.created_at,
      });
      await recordReply(tx, actor.requestId, 201, { id: record.id });
      await this.audit.record(tx, actor, {
        action: 'item.participant_add',
        entityType: 'item',
        entityId: id,
        after: record,
      });
      return record.id;
    });
  }

  /** A participant's help ends (not before it started, not after today); closing the item ends it too. */
  async endParticipant(actor: Actor, id: string, participantId: string, input: z.infer<typeof EndParticipant>) {
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      if (!policy.canProgress(actor, facts) || !policy.staffOnItem(actor))
        throw forbidden('permission_denied', '无权变更该事项的参与人员');
      const p = await repo.participantOf(tx, id, participantId);
      if (!p) throw notFound('参与人员');
      if (p.end_on) throw conflict('participation_ended', '该人员的协助已结束');
      notAfterToday(input.endOn, 'body.endOn', '结束日期');
      if (input.endOn < p.start_on)
        throw invalid(`结束日期不能早于开始日期（${p.start_on}）`, [
          { path: 'body.endOn', message: `before ${p.start_on}` },
        ]);
      if (!(await repo.endParticipant(tx, p.id, input.version, input.endOn))) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'item.participant_end',
        entityType: 'item',
        entityId: id,
        before: { participant: p.id, end_on: null },
        after: { end_on: input.endOn },
      });
    });
  }
}
