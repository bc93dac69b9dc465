import {
  DESIGNATED_ROLES,
  ORG_TRANSITIONS,
  PARENT_LEVEL,
  canTransition as machineAllows,
  todayInShanghai,
} from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials } from '../../lib/pinyin.ts';
import { Problem, conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import { assertRegionsWithin, coverageOf } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { factDay, notAfterToday, stepDay } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './orgs.policy.ts';
import { canRecordMeeting } from '../activities/activities.policy.ts';
import * as repo from './orgs.repository.ts';
import type {
  CreateMembership,
  CreateOrg,
  DissolveOrg,
  EndMembership,
  LinkUnit,
  MembershipQuery,
  OrgListQuery,
  OrgTransition,
  UpdateOrg,
} from './orgs.schemas.ts';
import { known } from '../../lib/known.ts';
import { signAct } from '../signatures/signatures.service.ts';

/** An organization's states as the county names them, for messages a user reads. */
const STATUS_NAMES: Record<string, string> = {
  proposed: '筹建中',
  active: '运行中',
  rectification: '挂牌整顿',
  dissolved: '已撤销',
};

/**
 * Whether a formal Party organization may approve a temporary organization seated at `regionCode`: a committee whose
 * region holds the seat; an organization seated at the county (or wider) only the county committee.
 */
function mayApprove(approver: { kind: string; region_code: string }, regionCode: string): boolean {
  if (approver.kind !== 'county_committee' && approver.kind !== 'township_committee') return false;
  if (!regionCode.startsWith(approver.region_code)) return false;
  return regionCode.length > 6 || approver.kind === 'county_committee';
}

/**
 * An organization's dates (DOMAIN §9a): founded no later than today, approved on or before the day it was founded,
 * and a planned end after the founding. Checked on every create and edit, against the record as it would be.
 */
function checkOrgDates(d: { establishedOn: string; approvedOn: string | null; plannedEndOn: string | null }) {
  notAfterToday(d.establishedOn, 'body.establishedOn', '成立日期');
  if (d.approvedOn && d.approvedOn > d.establishedOn) {
    throw new Problem(
      400,
      'approved_after_founding',
      `批准日期 ${d.approvedOn} 晚于成立日期 ${d.establishedOn}：须先批准、后成立`,
      [{ path: 'body.approvedOn', message: `<= ${d.establishedOn}` }],
    );
  }
  if (d.plannedEndOn && d.plannedEndOn <= d.establishedOn) {
    throw new Problem(
      400,
      'planned_end_before_founding',
      `计划结束日期 ${d.plannedEndOn} 须晚于成立日期 ${d.establishedOn}`,
      [{ path: 'body.plannedEndOn', message: `> ${d.establishedOn}` }],
    );
  }
}

const toSummary = (r: Omit<repo.OrgSummaryRow, 'sort_key'>) => ({
  id: r.id,
  name: r.name,
  level: r.level,
  kind: r.kind,
  parentId: r.parent_id,
  status: r.status,
  mode: r.mode,
  anchorType: r.anchor_type,
  anchorName: r.anchor_name,
  regionCode: r.region_code,
  regionName: r.region_name ?? '',
  establishedOn: r.established_on,
  plannedEndOn: r.planned_end_on,
  dissolvedOn: r.dissolved_on,
  childCount: Number(r.child_count),
  memberCount: Number(r.member_count),
  version: r.version,
});

/** The organization register: set up, staff, change status and dissolve temporary organizations. */
export type RosterRow = ReturnType<typeof toSummary> & {
  approvedOn: string | null;
  approvalDocNo: string | null;
  parentName: string | null;
  leaders: { role: string; name: string }[];
};

export class OrgService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /** Scoped, filtered, keyset-paginated list. */
  async list(actor: Actor, q: z.infer<typeof OrgListQuery>) {
    const f: repo.OrgFilters = {
      ...q,
      roots: q.roots === 'true',
      existedOn: q.asOf,
      asOf: q.asOf ?? todayInShanghai(),
    };
    const { rows, total } = await repo.listOrgs(this.db, actor, f, q.limit, decodeCursor(q.cursor));
    const page = pageOf(rows, q.limit, total, (r) => r.sort_key);
    return { ...page, items: page.items.map(toSummary) };
  }

  /**
   * The organization roster (组织花名册): every organization of the caller's scope in the tree's order, with its
   * approval, parent, leaders in office today and members; read page by page through the scoped list.
   */
  async roster(actor: Actor, max: number, filter: { status?: z.infer<typeof OrgListQuery>['status'] } = {}) {
    const today = todayInShanghai();
    const out: RosterRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(actor, { ...filter, limit: 200, sort: 'structure', ...(cursor ? { cursor } : {}) });
      if (page.total > max)
        throw new Problem(413, 'export_too_large', `共 ${page.total} 个组织，超过 ${max} 个，请缩小范围后导出`);
      const extras = await repo.rosterExtras(
        this.db,
        actor,
        page.items.map((o) => o.id),
        today,
      );
      const byId = new Map(extras.orgs.map((o) => [o.id, o]));
      for (const o of page.items) {
        const x = byId.get(o.id);
        if (!x) continue;
        const leaders = extras.leaders.filter((l) => l.org_id === o.id);
        out.push({
          ...o,
          approvedOn: x.approved_on,
          approvalDocNo: x.approval_doc_no,
          parentName: x.parent_name,
          leaders,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  private async mustFind(actor: Actor, id: string, db: Executor = this.db) {
    const org = await repo.findOrg(db, actor, id, todayInShanghai());
    if (!org) throw notFound('组织');
    return org;
  }

  /** One organization with its relations and what the caller may do with it. */
  async get(actor: Actor, id: string) {
    const org = await this.mustFind(actor, id);
    const [rel, leads] = await Promise.all([
      repo.orgRelations(this.db, org),
      repo.leadershipOf(this.db, actor.memberId, todayInShanghai()),
    ]);
    const approvingOrg = rel.approvingParty
      ? { id: rel.approvingParty.id, name: rel.approvingParty.name, kind: 'party_org' as const }
      : rel.approvingTemp
        ? { id: rel.approvingTemp.id, name: rel.approvingTemp.name, kind: 'temporary_org' as const }
        : null;
    return {
      ...toSummary(org),
      mission: org.mission,
      approvingOrg,
      approvedOn: org.approved_on,
      approvalDocNo: org.approval_doc_no,
      parent: rel.parent ?? null,
      coveredRegions: rel.regions,
      linkedUnits: rel.units.map((u) => ({
        id: u.id,
        name: u.name,
        type: u.type,
        linkedOn: u.linked_on,
        purpose: u.purpose,
      })),
      abilities: {
        update: policy.canUpdateOrg(actor, org),
        createChild: policy.canCreateChild(actor, org),
        linkMember: policy.canLinkMember(actor, org),
        designateLeaders: policy.canDesignateLeaders(actor, org, leads),
        designateGroupLeader: policy.canDesignateGroupLeader(actor, org, leads),
        endMembership: policy.canEndMembership(actor, org),
        endLeaders: policy.canEndRole(actor, org, 'secretary', leads),
        // On a group's page, its own leader; on a branch's, the leaders of its groups.
        endGroupLeaders:
          org.level === 'group'
            ? policy.canEndRole(actor, org, 'group_leader', leads)
            : policy.canEndMembership(actor, org) && leads.has(org.id),
        transition: policy.canTransition(actor, org, leads),
        dissolve: policy.canDissolve(actor, org, leads),
        recordMeeting: canRecordMeeting(actor, org),
      },
    };
  }

  /** Sets up a temporary organization under a live parent, with its approval record. */
  async create(actor: Actor, input: z.infer<typeof CreateOrg>) {
    return this.db.transaction().execute(async (tx) => {
      let parent: Awaited<ReturnType<typeof repo.findOrg>> | undefined;
      if (input.parentId) {
        parent = await repo.findOrg(tx, actor, input.parentId, todayInShanghai());
        if (!parent) throw notFound('上级组织');
        if (!policy.canCreateChild(actor, parent)) {
          if (parent.status === 'dissolved') {
            throw conflict('parent_dissolved', '上级组织已撤销，不能在其下设立组织');
          }
          throw forbidden('permission_denied', '无权在该组织下设立组织');
        }
        if (!PARENT_LEVEL[input.level].includes(parent.level)) {
          const names: Record<string, string> = {
            committee: '临时党委',
            general_branch: '临时党总支',
            branch: '临时党支部',
            group: '党小组',
          };
          throw invalid('组织层级与上级不匹配', [
            { path: 'body.level', message: `${names[input.level]}不能设在${names[parent.level]}之下` },
          ]);
        }
      } else if (input.level !== 'committee') {
        throw invalid('只有临时党委可以没有上级组织', [{ path: 'body.parentId', message: 'required' }]);
      } else if (actor.regionCode === null) {
        throw forbidden('permission_denied', '无权设立临时党委');
      }
      if (input.kind === 'special' && !(input.level === 'branch' && parent?.level === 'committee')) {
        throw invalid('县属专项支部必须是临时党委直属的支部', [{ path: 'body.kind', message: 'special' }]);
      }
      // The seat and every covered place lie inside the caller's reach and inside the parent's coverage: an
      // organization's coverage is its account's household scope, so a wider child would widen its creator's reach.
      const regionCodes = [...new Set([input.regionCode, ...input.coveredRegionCodes])];
      await assertRegionsWithin(
        tx,
        actor,
        [
          { path: 'body.regionCode', code: input.regionCode },
          ...input.coveredRegionCodes.map((code, i) => ({ path: `body.coveredRegionCodes.${i}`, code })),
        ],
        parent ? { within: await coverageOf(tx, parent.id) } : {},
      );
      // A party group is set up by its branch; everything else by a formal party organization.
      let approvingPartyOrgId: string | null = null;
      let approvingOrgId: string | null = null;
      if (input.level === 'group') {
        approvingOrgId = input.parentId;
      } else {
        // The approver is derived, never named (DOMAIN §9a): the formal Party organization the creating account acts
        // for, at the level the organization's place asks.
        approvingPartyOrgId = actor.actingPartyOrgId;
        if (!approvingPartyOrgId) throw forbidden('approving_org_required', '成立临时党组织须由代行党委职责的账号办理');
        const approver = await repo.partyOrgSeat(tx, approvingPartyOrgId);
        if (!approver || !mayApprove(approver, input.regionCode)) {
          throw forbidden(
            'approver_level',
            '所代行的党委不能批准成立该地的临时党组织：乡镇的由乡镇党委批准，县级的由县委批准',
          );
        }
        if (input.status === 'active' && (!input.approvedOn || !input.approvalDocNo)) {
          throw invalid('成立临时党组织须记录批准日期和批准文号', [
            { path: 'body.approvalDocNo', message: 'required when status is active' },
          ]);
        }
      }
      // A linked unit's members come into the organization's member scope: only units the caller already reaches.
      for (const unitId of input.unitIds) {
        if (!(await repo.unitInReach(tx, actor, unitId)))
          throw invalid('联建单位不存在或不在管辖范围内', [{ path: 'body.unitIds', message: unitId }]);
      }
      checkOrgDates({
        establishedOn: input.establishedOn,
        approvedOn: input.approvedOn ?? null,
        plannedEndOn: input.plannedEndOn ?? null,
      });
      const id = newId();
      const now = nowIso();
      const row = {
        id,
        name: input.name,
        name_initials: nameInitials(input.name),
        level: input.level,
        kind: input.kind,
        parent_id: input.parentId,
        path: `${parent?.path ?? '/'}${id}/`,
        mode: input.mode,
        anchor_type: input.anchorType,
        anchor_name: input.anchorName,
        mission: input.mission,
        region_code: input.regionCode,
        approving_party_org_id: approvingPartyOrgId,
        approving_org_id: approvingOrgId,
        approved_on: input.approvedOn ?? null,
        approval_doc_no: input.approvalDocNo ?? null,
        established_on: input.establishedOn,
        planned_end_on: input.plannedEndOn ?? null,
        dissolved_on: null,
        status: input.status,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertOrg(tx, row);
      await repo.insertCoverage(tx, id, regionCodes);
      for (const unitId of new Set(input.unitIds)) {
        await repo.linkUnit(tx, { org_id: id, unit_id: unitId, linked_on: input.establishedOn, purpose: null });
      }
      await recordReply(tx, actor.requestId, 201, { id });
      await this.audit.record(tx, actor, {
        action: 'org.create',
        entityType: 'temporary_org',
        entityId: id,
        after: row,
      });
      return id;
    });
  }

  /** Edits descriptive fields; optimistic on `version`. */
  async update(actor: Actor, id: string, input: z.infer<typeof UpdateOrg>) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, id, tx);
      assertLive(org);
      if (!policy.canUpdateOrg(actor, org)) throw forbidden('permission_denied', '无权修改该组织');
      checkOrgDates({
        establishedOn: org.established_on,
        approvedOn: input.approvedOn !== undefined ? input.approvedOn : org.approved_on,
        plannedEndOn: input.plannedEndOn !== undefined ? input.plannedEndOn : org.planned_end_on,
      });
      const patch = {
        ...(input.name !== undefined ? { name: input.name, name_initials: nameInitials(input.name) } : {}),
        ...(input.mission !== undefined ? { mission: input.mission } : {}),
        ...(input.anchorName !== undefined ? { anchor_name: input.anchorName } : {}),
        ...(input.plannedEndOn !== undefined ? { planned_end_on: input.plannedEndOn } : {}),
        ...(input.approvedOn !== undefined ? { approved_on: input.approvedOn } : {}),
        ...(input.approvalDocNo !== undefined ? { approval_doc_no: input.approvalDocNo } : {}),
        updated_at: nowIso(),
      };
      if (!(await repo.updateOrg(tx, id, input.version, patch))) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'org.update',
        entityType: 'temporary_org',
        entityId: id,
        before: org,
        after: patch,
      });
    });
  }

  /** proposed → active, active ⇄ rectification; validated against the workflow. */
  async transition(actor: Actor, id: string, input: z.infer<typeof OrgTransition>) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, id, tx);
      const leads = await repo.leadershipOf(tx, actor.memberId, todayInShanghai());
      if (!machineAllows(ORG_TRANSITIONS, org.status, input.to)) {
        throw conflict('illegal_transition', `不能从“${STATUS_NAMES[org.status]}”变为“${STATUS_NAMES[input.to]}”`);
      }
      if (!policy.canTransition(actor, org, leads)) {
        throw forbidden('approving_org_required', '只有批准成立的党组织可以变更组织状态');
      }
      if (org.status === 'rectification' && input.to === 'active') {
        if (await repo.rectificationOpen(tx, org.id))
          throw conflict('rectification_open', '挂牌整顿须经复查摘牌后才能恢复运行');
      }
      if (input.to === 'active' && org.level !== 'group' && (!org.approved_on || !org.approval_doc_no)) {
        throw conflict('approval_missing', '请先记录批准日期和批准文号');
      }
      if (!(await repo.updateOrg(tx, id, input.version, { status: input.to, updated_at: nowIso() }))) {
        throw versionConflict();
      }
      await this.audit.record(tx, actor, {
        action: 'org.transition',
        entityType: 'temporary_org',
        entityId: id,
        before: { status: org.status },
        after: { status: input.to, reason: input.reason },
      });
    });
  }

  /**
   * Dissolves an organization and its party groups: memberships end on the dissolution date and the record
   * becomes read-only. Sub-branches must be dissolved first.
   */
  async dissolve(actor: Actor, id: string, input: z.infer<typeof DissolveOrg>) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, id, tx);
      if (org.status === 'dissolved') throw conflict('illegal_transition', '组织已撤销');
      const leads = await repo.leadershipOf(tx, actor.memberId, todayInShanghai());
      if (!policy.canDissolve(actor, org, leads)) {
        throw forbidden('approving_org_required', '只有批准成立的党组织可以撤销该组织');
      }
      const children = await repo.liveChildren(tx, id);
      // A dissolution comes after the founding and after every membership it ends began; never after today.
      const lastStart = await repo.latestMembershipStart(tx, [id, ...children.map((c) => c.id)]);
      const previous = lastStart !== null && lastStart > org.established_on ? lastStart : org.established_on;
      const day = stepDay({ on: input.dissolvedOn, backdateReason: input.backdateReason }, previous, {
        path: 'body.dissolvedOn',
      });
      const blocking = children.filter((c) => c.level !== 'group');
      if (blocking.length > 0) {
        throw conflict('children_not_dissolved', `还有 ${blocking.length} 个下级组织未撤销`);
      }
      const groups = children.map((c) => c.id);
      const now = nowIso();
      await this.handOver(tx, actor, [id, ...groups], input.handovers, now);
      if (
        !(await repo.updateOrg(tx, id, input.version, { status: 'dissolved', dissolved_on: day.on, updated_at: now }))
      ) {
        throw versionConflict();
      }
      for (const g of children) {
        await repo.updateOrg(tx, g.id, g.version, { status: 'dissolved', dissolved_on: day.on, updated_at: now });
      }
      const ended = await repo.endAllMemberships(tx, [id, ...groups], day.on, `组织撤销：${input.reason}`, now);
      // A dissolution is an act the county may have to prove: signed over the facts just written, in this transaction.
      const signed = await signAct(tx, this.audit.signer, 'org.dissolved', id);
      await this.audit.record(tx, actor, {
        action: 'org.dissolve',
        entityType: 'temporary_org',
        entityId: id,
        before: { status: org.status },
        after: {
          status: 'dissolved',
          dissolvedOn: day.on,
          reason: input.reason,
          backdateReason: day.late,
          groups,
          membershipsEnded: ended,
          signed,
        },
      });
    });
  }

  /** Open items of organizations being dissolved go to named successors; any left over blocks dissolution. */
  private async handOver(
    tx: Executor,
    actor: Actor,
    orgIds: string[],
    handovers: { itemId: string; successorOrgId: string }[],
    now: string,
  ) {
    const open = await repo.openItemsOf(tx, orgIds);
    const plan = new Map(handovers.map((h) => [h.itemId, h.successorOrgId]));
    const missing = open.filter((i) => !plan.has(i.id));
    if (missing.length > 0) {
      throw conflict('open_items', `还有 ${missing.length} 个未销号的清单事项，须先办结或移交给指定的接续组织`);
    }
    for (const item of open) {
      const successorId = known(plan.get(item.id), 'the item’s successor');
      const successor = await repo.findOrg(tx, actor, successorId, todayInShanghai());
      if (
        !successor ||
        successor.status === 'dissolved' ||
        orgIds.includes(successor.id) ||
        successor.level === 'group'
      ) {
        throw invalid('接续组织须是管辖范围内未撤销的支部或总支', [{ path: 'body.handovers', message: successorId }]);
      }
      const moved = await repo.handOverItem(
        tx,
        item,
        orgIds,
        successor,
        { userId: actor.userId, label: actor.displayName },
        now,
      );
      if (!moved) throw versionConflict();
    }
  }

  /** Links a unit (police station, power station…) to the organization. */
  async linkUnit(actor: Actor, id: string, input: z.infer<typeof LinkUnit>) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, id, tx);
      assertLive(org);
      if (!policy.canUpdateOrg(actor, org)) throw forbidden('permission_denied', '无权修改该组织');
      factDay(input.linkedOn, 'body.linkedOn', '联建日期', { on: org.established_on, what: '组织成立日期' });
      // Linking brings the unit's members into the organization's member scope: only units the caller already reaches.
      const unit = await repo.unitInReach(tx, actor, input.unitId);
      if (!unit) throw notFound('单位');
      if (await repo.isUnitLinked(tx, id, input.unitId))
        throw conflict('unit_already_linked', `${unit.name}已是联建单位`);
      const row = { org_id: id, unit_id: input.unitId, linked_on: input.linkedOn, purpose: input.purpose ?? null };
      await repo.linkUnit(tx, row);
      await this.audit.record(tx, actor, {
        action: 'org.link_unit',
        entityType: 'temporary_org',
        entityId: id,
        after: row,
      });
    });
  }

  /** Who is (or was, on `asOf`) in the organization. */
  async memberships(actor: Actor, orgId: string, q: z.infer<typeof MembershipQuery>) {
    const org = await this.mustFind(actor, orgId);
    const asOf = q.asOf ?? todayInShanghai();
    const { rows, total } = await repo.listMemberships(
      this.db,
      { orgId, orgPath: org.path, includeGroups: q.includeGroups === 'true', status: q.status, role: q.role, asOf },
      q.limit,
      decodeCursor(q.cursor),
    );
    const page = pageOf(rows, q.limit, total, (r) => r.sort_key);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        orgId: r.org_id,
        orgName: r.org_name,
        orgLevel: r.org_level,
        memberId: r.member_id,
        memberName: r.member_name,
        unitName: r.unit_name,
        homeOrgName: r.home_org_name,
        role: r.role,
        startOn: r.start_on,
        endOn: r.end_on,
        endReason: r.end_reason,
        linkReason: r.link_reason,
        designatedBy: r.designated_by,
        active: Number(r.active) === 1,
        version: r.version,
      })),
    };
  }

  /**
   * Links an existing party member into the organization. A temporary organization never creates party
   * members; leaders are designated by the approving organization, group leaders by the branch.
   */
  async link(actor: Actor, orgId: string, input: z.infer<typeof CreateMembership>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, orgId, tx);
      assertLive(org, '组织已撤销，不能再联结党员');
      if (!policy.canLinkMember(actor, org)) throw forbidden('permission_denied', '无权为该组织联结党员');
      const member = await repo.memberInReach(tx, actor, input.memberId);
      if (!member) throw notFound('党员');
      if (member.party_status === 'none') {
        throw conflict(
          'participant_cannot_be_member',
          `${member.name}不是党员，只能作为参与人员参加具体任务，不能成为临时党组织成员`,
        );
      }
      const today = todayInShanghai();
      const leads = await repo.leadershipOf(tx, actor.memberId, today);
      let designatedByPartyOrgId: string | null = null;
      let designatedByOrgId: string | null = null;
      if (DESIGNATED_ROLES.includes(input.role)) {
        if (org.level === 'group')
          throw invalid('党小组不设书记、副书记和委员', [{ path: 'body.role', message: input.role }]);
        if (!policy.canDesignateLeaders(actor, org, leads)) {
          throw forbidden('designation_requires_approving_org', '书记、副书记和委员由批准成立的党组织指定');
        }
        designatedByPartyOrgId = org.approving_party_org_id;
        designatedByOrgId = org.approving_party_org_id ? null : org.approving_org_id;
      } else if (input.role === 'group_leader') {
        if (org.level !== 'group') throw invalid('组长只设在党小组', [{ path: 'body.role', message: input.role }]);
        if (!policy.canDesignateGroupLeader(actor, org, leads)) {
          throw forbidden('group_leader_designated_by_branch', '党小组组长由所在支部指定');
        }
        designatedByOrgId = org.parent_id;
      }
      notAfterToday(input.startOn, 'body.startOn', '联结日期');
      if (input.startOn < org.established_on) {
        throw invalid('联结日期早于组织成立日期', [{ path: 'body.startOn', message: `>= ${org.established_on}` }]);
      }
      if (await repo.activeMembershipOf(tx, orgId, member.id, input.startOn)) {
        throw conflict('already_member', `${member.name}已在本组织中`);
      }
      if (input.role === 'secretary' || input.role === 'group_leader') {
        if (await repo.activeHolderOfRole(tx, orgId, input.role, input.startOn)) {
          throw conflict(
            'role_already_held',
            input.role === 'secretary' ? '本组织已有书记，请先结束其任职' : '本党小组已有组长',
          );
        }
      }
      const now = nowIso();
      const row = {
        id: newId(),
        org_id: orgId,
        member_id: member.id,
        role: input.role,
        start_on: input.startOn,
        end_on: null,
        end_reason: null,
        link_reason: input.linkReason,
        designated_by_party_org_id: designatedByPartyOrgId,
        designated_by_org_id: designatedByOrgId,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await repo.insertMembership(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'membership.create',
        entityType: 'membership',
        entityId: row.id,
        after: row,
      });
      return row.id;
    });
  }

  /** Ends a membership with a date and a reason; nothing is deleted. */
  async endMembership(actor: Actor, orgId: string, membershipId: string, input: z.infer<typeof EndMembership>) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.mustFind(actor, orgId, tx);
      const m = await repo.findMembership(tx, orgId, membershipId);
      if (!m) throw notFound('成员记录');
      assertLive(org);
      if (!policy.canEndMembership(actor, org)) throw forbidden('permission_denied', '无权结束该成员记录');
      // A designated leader is removed by whoever designated them (DOMAIN §9a), not by the branch they lead.
      if (!policy.canEndRole(actor, org, m.role, await repo.leadershipOf(tx, actor.memberId, todayInShanghai()))) {
        throw forbidden(
          'designation_requires_approving_org',
          m.role === 'group_leader' ? '党小组组长由所在支部免去' : '书记、副书记和委员由批准成立的党组织免去',
        );
      }
      if (m.end_on !== null) throw conflict('membership_already_ended', '该成员记录已结束');
      notAfterToday(input.endOn, 'body.endOn', '结束日期');
      if (input.endOn <= m.start_on) {
        throw invalid('结束日期须晚于开始日期', [{ path: 'body.endOn', message: `> ${m.start_on}` }]);
      }
      if (m.version !== input.version) throw versionConflict();
      const now = nowIso();
      if (!(await repo.endMembership(tx, m.id, input.version, input.endOn, input.endReason, now)))
        throw versionConflict();
      // The roles the membership carries in the organization's party groups end with it: nobody leads a group of a
      // branch they have left.
      const carried = await repo.endMembershipsInSubtree(
        tx,
        org.path,
        m.member_id,
        org.id,
        input.endOn,
        `随${org.name}成员记录结束：${input.endReason}`,
        now,
      );
      await this.audit.record(tx, actor, {
        action: 'membership.end',
        entityType: 'membership',
        entityId: m.id,
        before: m,
        after: { end_on: input.endOn, end_reason: input.endReason, endedInGroups: carried },
      });
    });
  }
}
