import { messageReporters, orgNameOf } from '../../lib/resident-messages.ts';
import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { assertLive } from '../../lib/live.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { deadlineNotBefore } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { accessItem } from './item-common.ts';
import type { ItemFacts } from './items.policy.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type { AddItemReports, EditItem, EndLink } from './items.schemas.ts';
import { notify } from './notifications.service.ts';

const list = (names: string[]) => (names.length ? names.join('、') : '无');

/**
 * Changes to an item after its list was made (DOMAIN §8): its due date, responsible party group and people; ending a
 * mistaken link by need; another report of the same problem joining the item. Each by staff who manage the item's
 * organization, while the item is not closed, with its audit row and a line in the item's trail.
 */
export class ItemEditingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * The due date (no earlier than the list's date), the responsible party group (a party group of the item's
   * organization) and the responsible people (members of the organization or its groups), at the item's version.
   */
  async edit(actor: Actor, id: string, input: z.infer<typeof EditItem>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, workers } = await this.editable(tx, actor, id, policy.canEdit, '修改事项', '事项已销号，不能修改');
      const org = await repo.itemOrg(tx, row.org_id);
      const listedOn = await repo.listedOn(tx, row.list_id);
      const today = todayInShanghai();
      const responsibleBefore = workers.filter((w) => w.role === 'responsible').map((w) => w.member_id);
      const before = {
        dueOn: row.due_on,
        responsibleGroupId: row.responsible_group_id,
        responsibleMemberIds: responsibleBefore,
      };
      const after = {
        dueOn: input.dueOn === undefined ? row.due_on : input.dueOn,
        responsibleGroupId:
          input.responsibleGroupId === undefined ? row.responsible_group_id : input.responsibleGroupId,
        responsibleMemberIds: input.responsibleMemberIds ?? responsibleBefore,
      };
      deadlineNotBefore(after.dueOn, 'body.dueOn', '完成时限', { on: listedOn, what: '清单日期' });
      if (after.responsibleGroupId !== before.responsibleGroupId) {
        if (after.responsibleGroupId && !(await repo.isGroupOf(tx, after.responsibleGroupId, row.org_id)))
          throw invalid('责任党小组须是本支部的党小组', [
            { path: 'body.responsibleGroupId', message: 'not a group of this branch' },
          ]);
        // Members linked by need sit in the old group for this item: their link ends first.
        if ((await repo.activeLinks(tx, id)).length)
          throw conflict('linked_members_in_group', '该事项有因需联结的党员在原责任党小组中，请先结束联结再更换党小组');
      }
      const added = after.responsibleMemberIds.filter((m) => !responsibleBefore.includes(m));
      for (const memberId of added) {
        if (!(await repo.isBranchMember(tx, memberId, org.path, today)))
          throw invalid('责任人须是本支部或其党小组的成员；其他单位的党员请用“因需而联”联结', [
            { path: 'body.responsibleMemberIds', message: memberId },
          ]);
      }
      const ok = await repo.updateItem(tx, id, input.version, {
        due_on: after.dueOn,
        responsible_group_id: after.responsibleGroupId,
        updated_at: nowIso(),
      });
      if (!ok) throw versionConflict();
      const newcomers = await repo.replaceResponsible(tx, id, after.responsibleMemberIds, today);
      const now = nowIso();
      if (newcomers.length)
        await notify(tx, newcomers, {
          itemId: id,
          kind: 'assigned',
          text: `第${row.list_no}号清单第${row.no}项：${row.problem}`,
          at: now,
        });
      if (after.dueOn !== before.dueOn) {
        await repo.insertEvent(tx, {
          id: newId(),
          itemId: id,
          userId: actor.userId,
          actorLabel: actor.displayName,
          kind: 'edit',
          text: `完成时限由${before.dueOn ?? '未定'}调整为${after.dueOn ?? '未定'}`,
          public: true,
          at: now,
        });
      }
      const people = [];
      if (after.responsibleGroupId !== before.responsibleGroupId) {
        const name = async (g: string | null) => (g ? await repo.orgName(tx, g) : null) ?? '未定';
        people.push(
          `责任党小组由${await name(before.responsibleGroupId)}调整为${await name(after.responsibleGroupId)}`,
        );
      }
      const sameMembers =
        after.responsibleMemberIds.length === responsibleBefore.length &&
        after.responsibleMemberIds.every((m) => responsibleBefore.includes(m));
      if (!sameMembers) {
        people.push(
          `责任人由${list(await repo.memberNames(tx, responsibleBefore))}调整为${list(
            await repo.memberNames(tx, after.responsibleMemberIds),
          )}`,
        );
      }
      if (people.length) {
        await repo.insertEvent(tx, {
          id: newId(),
          itemId: id,
          userId: actor.userId,
          actorLabel: actor.displayName,
          kind: 'edit',
          text: people.join('；'),
          public: false,
          at: now,
        });
      }
      await this.audit.record(tx, actor, { action: 'item.edit', entityType: 'item', entityId: id, before, after });
    });
  }

  /**
   * Ends a member's link by need (a mistake, say): the membership it made in the party group ends today with the
   * reason, and the member's access to the item with it.
   */
  async endLink(actor: Actor, id: string, memberId: string, input: z.infer<typeof EndLink>) {
    await this.db.transaction().execute(async (tx) => {
      const { row } = await this.editable(tx, actor, id, policy.canEdit, '结束联结', '事项已销号，联结已随销号结束');
      const link = await repo.linkOf(tx, id, memberId);
      if (!link) throw notFound('因需联结');
      const today = todayInShanghai();
      const now = nowIso();
      const reason = `结束因需联结：第${row.list_no}号清单第${row.no}项，${input.reason}`;
      if (link.membership_id) await repo.endMembershipOn(tx, link.membership_id, today, reason, now);
      await repo.removeLink(tx, id, memberId);
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'link',
        text: `结束${link.name}的因需联结（${input.reason}）`,
        public: false,
        at: now,
      });
      await this.audit.record(tx, actor, {
        action: 'item.link_end',
        entityType: 'item',
        entityId: id,
        before: { memberId, membershipId: link.membership_id, reason: link.reason, addedOn: link.added_on },
        after: { memberId, membershipEndedOn: link.membership_id ? today : null, reason: input.reason },
      });
    });
  }

  /**
   * Reports of the same problem join an item of their organization that is not closed (duplicates merged): each
   * report, new and not yet on a list, is marked listed, and the resident's tracking page follows the item.
   */
  async addReports(actor: Actor, id: string, input: z.infer<typeof AddItemReports>) {
    await this.db.transaction().execute(async (tx) => {
      const { row } = await this.editable(tx, actor, id, policy.canAddReports, '并入反映', '事项已销号，不能并入反映');
      const ids = [...new Set(input.reportIds)];
      const reports = [];
      for (const [i, reportId] of ids.entries()) {
        const r = await repo.reportForItem(tx, actor, reportId);
        if (!r) throw notFound('群众反映');
        if (r.status !== 'new') throw conflict('report_not_new', '该反映已列入清单或已不予受理');
        if (r.org_id !== row.org_id)
          throw invalid('只能并入本组织事项：该反映属于其他组织', [
            { path: `body.reportIds.${i}`, message: 'another organization' },
          ]);
        reports.push(r);
      }
      const now = nowIso();
      if (!(await repo.updateItem(tx, id, input.version, { updated_at: now }))) throw versionConflict();
      // Checked new above, but a dismissal may have committed since: the link itself skips a dismissed report.
      if ((await repo.linkReports(tx, id, ids, now)).length > 0)
        throw conflict('report_not_new', '该反映已列入清单或已不予受理');
      await messageReporters(tx, id, 'item_listed', { org: await orgNameOf(tx, row.org_id), no: String(row.no) }, now, {
        reportIds: ids,
      });
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'edit',
        text: `并入${reports.length}条相同问题的群众反映`,
        public: true,
        at: now,
      });
      await this.audit.record(tx, actor, {
        action: 'item.reports_add',
        entityType: 'item',
        entityId: id,
        after: { reportIds: ids },
      });
    });
  }

  /**
   * The item if the actor may change it this way: in scope (404 otherwise), its organization live, managed by the
   * actor (not the one it was escalated to), and allowed by `can` (a closed item answers `item_closed`).
   */
  private async editable(
    tx: Executor,
    actor: Actor,
    id: string,
    can: (a: Actor, facts: ItemFacts) => boolean,
    what: string,
    closed: string,
  ) {
    const access = await accessItem(tx, actor, id);
    assertLive(access.facts);
    if (!access.facts.managesOrg) throw forbidden('permission_denied', `只有管理本事项所属组织的人员可以${what}`);
    if (!can(actor, access.facts)) {
      if (access.row.status === 'closed') throw conflict('item_closed', closed);
      throw forbidden('permission_denied', `无权${what}`);
    }
    return access;
  }
}
