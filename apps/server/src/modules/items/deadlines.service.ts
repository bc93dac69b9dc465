import { CHASE_STEPS, type ReportCategory, roleCan, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { ItemChaseTable } from '../../db/types.ts';
import { type Actor, systemActor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { actorOfAccount } from '../../lib/scope.ts';
import { CALENDAR, knowsYear } from '../../lib/working-days.ts';
import { assertLive } from '../../lib/live.ts';
import { conflict, forbidden, notFound } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { type DeadlineTargets, deadlineTargets } from '../settings/settings.repository.ts';
import { type Clock, clockOf } from './deadline-clock.ts';
import * as repo from './deadlines.repository.ts';
import * as itemsRepo from './items.repository.ts';
import { accessItem } from './item-common.ts';
import * as policy from './items.policy.ts';
import type { InboxEntry, PauseItem } from './items.schemas.ts';

const REASON_TEXT = { waiting_resident: '等待群众', waiting_unit: '等待其他单位' } as const;
const RECEIVER_TEXT = {
  group_leader: '党小组组长',
  branch_secretary: '支部书记',
  township: '乡镇党委',
  approving_org: '批准成立的党组织',
} as const;

type ChaseStep = (typeof CHASE_STEPS)[number];
type Receiver = { kind: ItemChaseTable['receiver_kind']; memberId: string | null; partyOrgId: string | null };
/** Where the sweep says what it could not do: the server's log. */
export type SweepLog = { warn: (details: object, message: string) => void };
const TARGET_TEXT = { response: '响应', resolution: '办结' } as const;

/**
 * Which of these closed items were closed past their one deadline (deadlines.repository.ts): more working days used by the
 * day of closure than the resolution target (pauses deducted), or closed after the earlier date staff set. An item the
 * calendar cannot measure is late only by the date staff set, as it is overdue only by it.
 */
export async function closedLate(db: Executor, itemIds: string[]): Promise<Set<string>> {
  const late = new Set<string>();
  for (const [id, { facts, clock }] of await measuredItems(db, itemIds, todayInShanghai())) {
    const closedOn = facts.status === 'closed' && facts.closed_at ? todayInShanghai(new Date(facts.closed_at)) : null;
    if (closedOn === null) continue;
    const pastTarget = clock.known && clock.resolution.usedDays > clock.resolution.targetDays;
    if (pastTarget || (facts.due_on !== null && closedOn > facts.due_on)) late.add(id);
  }
  return late;
}

/** The items' clocks on a day with the facts they were worked out from (read once). */
async function measuredItems(db: Executor, itemIds: string[], today: string) {
  const [facts, pauses] = await Promise.all([repo.clockFacts(db, itemIds), repo.pausesOf(db, itemIds)]);
  const targets = new Map<string, DeadlineTargets>();
  const clocks = new Map<string, { facts: repo.ClockFacts; clock: Clock }>();
  for (const f of facts) {
    const key = `${f.org_region_code.slice(0, 6)}:${f.listed_on.slice(0, 4)}`;
    let t = targets.get(key);
    if (!t) {
      t = await deadlineTargets(db, f.org_region_code.slice(0, 6), Number(f.listed_on.slice(0, 4)));
      targets.set(key, t);
    }
    const own = pauses.filter((p) => p.item_id === f.id);
    clocks.set(f.id, { facts: f, clock: clockOf(f, t[f.category as ReportCategory] ?? t.other, own, today) });
  }
  return clocks;
}

/**
 * Deadlines in working days (DOMAIN §9a): stopping an item's clock while it waits on the resident or another unit,
 * chasing (催办) an item at half, all and one and a half of its target, and the receiver's acknowledgement.
 */
export class DeadlineService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly log: SweepLog = { warn: () => {} },
  ) {}

  /** Stops the item's clock, with the reason; one transaction with its trail. */
  async pause(actor: Actor, id: string, input: z.infer<typeof PauseItem>) {
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      await repo.holdItem(tx, id);
      if (await repo.runningPause(tx, id)) throw conflict('item_already_paused', '该事项已暂停计时');
      if (!policy.canPause(actor, facts)) {
        // Out of the branch's working hands, an item has no clock to stop: say why rather than who.
        if (facts.status === 'closed') throw conflict('item_closed', '事项已销号，不能暂停计时');
        if (facts.escalated_to_org_id) throw conflict('already_escalated', '该事项已上交，不能暂停计时');
        throw forbidden('permission_denied', '无权暂停该事项的计时');
      }
      const at = nowIso();
      const pauseId = newId();
      await repo.insertPause(tx, { id: pauseId, itemId: id, ...input, on: todayInShanghai(), at, by: actor.userId });
      await this.audit.record(tx, actor, {
        action: 'item.pause',
        entityType: 'item',
        entityId: id,
        after: { pauseId, reason: input.reason, reasonText: REASON_TEXT[input.reason], note: input.note },
      });
    });
  }

  /** Starts the stopped clock again; one transaction with its trail. */
  async resume(actor: Actor, id: string) {
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await accessItem(tx, actor, id);
      assertLive(facts);
      await repo.holdItem(tx, id);
      const running = await repo.runningPause(tx, id);
      if (!running) throw conflict('item_not_paused', '该事项没有暂停计时');
      if (!policy.canResume(actor, { ...facts, paused: true }))
        throw forbidden('permission_denied', '无权恢复该事项的计时');
      const on = todayInShanghai();
      await repo.endPause(tx, id, { on, at: nowIso(), by: actor.userId });
      await this.audit.record(tx, actor, {
        action: 'item.resume',
        entityType: 'item',
        entityId: id,
        before: { pauseId: running.id, reason: running.reason, since: running.started_on },
        after: { resumedOn: on },
      });
    });
  }

  /** The item's chases, by step. */
  async chasesOf(itemId: string) {
    return (await repo.chasesOfItem(this.db, itemId)).map((c) => ({
      id: c.id,
      step: c.step,
      target: c.target,
      usedDays: c.used_days,
      targetDays: c.target_days,
      receiverKind: c.receiver_kind,
      text: c.text,
      onDay: c.on_day,
      acknowledgedAt: c.acknowledged_at,
    }));
  }

  /**
   * Writes the chases due on `day` (default today): for every item not closed, not escalated elsewhere, not paused,
   * one notice per target and step reached and not yet written. Each item's chases are written in one transaction
   * that reads the item again (closed or paused since the sweep read it: none), each with its trail. Two sweeps at
   * once write each notice once. Answers how many this sweep wrote.
   */
  async sweep(day = todayInShanghai()): Promise<number> {
    const ids = await repo.chaseCandidates(this.db);
    let written = 0;
    const unaddressed: { itemId: string; step: number }[] = [];
    const unknownYears = new Set<number>();
    let unmeasured = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      for (const [id, { facts, clock }] of await measuredItems(this.db, batch, day)) {
        if (!clock.known) {
          unmeasured += 1;
          for (const y of [facts.listed_on, day].map((d) => Number(d.slice(0, 4))))
            if (!knowsYear(y)) unknownYears.add(y);
          continue;
        }
        if (clock[clock.leading].share < (CHASE_STEPS[0]?.share ?? 0)) continue;
        const r = await this.chase(id, day);
        written += r.written;
        if (r.unaddressed !== null) unaddressed.push({ itemId: id, step: r.unaddressed });
      }
    }
    // Once a year the State Council publishes the next year's holidays; until the calendar is updated no item of that
    // year is measured or chased, and the log says so at every sweep.
    if (unknownYears.size > 0) {
      const years = [...unknownYears].sort();
      this.log.warn(
        { unknownYears: years, items: unmeasured, calendar: CALENDAR },
        `the official calendar does not know ${years.join(', ')}: ${unmeasured} items are not measured or chased until it is updated`,
      );
    }
    if (unaddressed.length > 0)
      this.log.warn({ items: unaddressed }, 'chases not written: no account that could read them (no one to chase)');
    return written;
  }

  /**
   * Writes the item's chases due on `day`, as the item stands inside the transaction; answers how many, and the step
   * it stopped at when nobody could read that one (it is tried again at the next sweep).
   */
  private async chase(itemId: string, day: string): Promise<{ written: number; unaddressed: number | null }> {
    const none = { written: 0, unaddressed: null };
    return this.db.transaction().execute(async (tx) => {
      // Pausing, closing and escalating hold the item's row too: the chase sees the item after them, or they wait.
      await repo.holdItem(tx, itemId);
      if ((await repo.chaseCandidates(tx, itemId)).length === 0) return none;
      const measured = (await measuredItems(tx, [itemId], day)).get(itemId);
      if (!measured?.clock.known) return none;
      const { facts: f, clock } = measured;
      const target = clock.leading;
      const m = clock[target];
      let written = 0;
      for (const step of CHASE_STEPS) {
        if (m.share < step.share) break;
        if (await repo.chaseExists(tx, f.id, target, step.step)) continue;
        const receiver = await this.receiverOf(tx, f, step.to, day);
        if (!receiver) return { written, unaddressed: step.step };
        const chase: ItemChaseTable = {
          id: newId(),
          item_id: f.id,
          step: step.step,
          target,
          used_days: m.usedDays,
          target_days: m.targetDays,
          receiver_kind: receiver.kind,
          receiver_member_id: receiver.memberId,
          receiver_party_org_id: receiver.partyOrgId,
          text: `催办（第${step.step}次，送${RECEIVER_TEXT[receiver.kind]}）：${f.org_name}第${f.list_no}号清单第${f.no}项“${f.problem}”${TARGET_TEXT[target]}时限 ${m.targetDays} 个工作日，已用 ${m.usedDays} 个工作日`,
          on_day: day,
          created_at: nowIso(),
          acknowledged_at: null,
          acknowledged_by: null,
        };
        if (!(await repo.insertChase(tx, chase))) continue;
        await this.audit.record(tx, systemActor('chase-sweep'), {
          action: 'item.chase',
          entityType: 'item',
          entityId: f.id,
          after: {
            chaseId: chase.id,
            step: step.step,
            target,
            usedDays: m.usedDays,
            targetDays: m.targetDays,
            receiver: receiver.kind,
            meantFor: step.to,
          },
        });
        written += 1;
      }
      return { written, unaddressed: null };
    });
  }

  /**
   * Who a step goes to: the responsible party group's leader, the branch's secretary, the township's Party
   * committee, each only when an account of theirs sees the item (the scope the item's own page reads with). A step
   * whose receiver has none goes to the next one up, and past the committee to the Party organization that approved
   * the branch; null when nobody could read it.
   */
  private async receiverOf(
    tx: Executor,
    f: repo.ClockFacts,
    to: ChaseStep['to'],
    day: string,
  ): Promise<Receiver | null> {
    const today = todayInShanghai();
    const sees = (who: { memberId: string } | { partyOrgId: string }) => this.anyoneSees(tx, who, f.id, today);
    if (to === 'group_leader' && f.responsible_group_id) {
      for (const leader of await repo.holdersOf(tx, f.responsible_group_id, ['group_leader'], day))
        if (await sees({ memberId: leader })) return { kind: 'group_leader', memberId: leader, partyOrgId: null };
    }
    if (to !== 'township') {
      for (const secretary of await repo.holdersOf(tx, f.org_id, ['secretary'], day))
        if (await sees({ memberId: secretary }))
          return { kind: 'branch_secretary', memberId: secretary, partyOrgId: null };
    }
    const committee = await repo.committeeOver(tx, f.org_region_code);
    if (committee && (await sees({ partyOrgId: committee.id })))
      return { kind: 'township', memberId: null, partyOrgId: committee.id };
    const approving = await repo.approvingPartyOrg(tx, f.org_id);
    if (approving && approving !== committee?.id && (await sees({ partyOrgId: approving })))
      return { kind: 'approving_org', memberId: null, partyOrgId: approving };
    return null;
  }

  /** Whether one of the accounts of the member, or acting for the Party organization, may open the item today. */
  private async anyoneSees(
    tx: Executor,
    who: { memberId: string } | { partyOrgId: string },
    itemId: string,
    today: string,
  ): Promise<boolean> {
    for (const a of await repo.accountsOf(tx, who, today)) {
      if (!roleCan(a.role, 'items:read')) continue;
      const actor = await actorOfAccount(tx, a, 'chase-sweep');
      if ((await itemsRepo.listItems(tx, actor, { id: itemId, today }, 1, null, { count: false })).rows.length > 0)
        return true;
    }
    return false;
  }

  /** The receiver acknowledges a chase: only the member it went to, or an account acting for the committee it went to. */
  async acknowledge(actor: Actor, chaseId: string) {
    await this.db.transaction().execute(async (tx) => {
      const chase = await repo.chaseById(tx, chaseId);
      if (!chase) throw notFound('催办');
      const receiver =
        (chase.receiver_member_id !== null && chase.receiver_member_id === actor.memberId) ||
        (chase.receiver_party_org_id !== null && chase.receiver_party_org_id === actor.actingPartyOrgId);
      if (!receiver) {
        // Existence is not revealed beyond those who may see the item.
        await accessItem(tx, actor, chase.item_id);
        throw forbidden('not_chase_receiver', '只有催办的接收人可以签收');
      }
      if (!(await repo.acknowledgeChase(tx, chaseId, actor.userId, nowIso())))
        throw conflict('already_acknowledged', '该催办已签收');
      await this.audit.record(tx, actor, {
        action: 'item.chase_acknowledge',
        entityType: 'item',
        entityId: chase.item_id,
        after: { chaseId, step: chase.step },
      });
    });
  }

  /** The chases waiting for the caller's acknowledgement, as entries of the bell (they come first). */
  async inboxEntries(actor: Actor): Promise<z.infer<typeof InboxEntry>[]> {
    const rows = await repo.unacknowledgedChases(this.db, {
      memberId: actor.memberId,
      partyOrgId: actor.actingPartyOrgId,
    });
    return rows.map((c) => ({
      itemId: c.item_id,
      orgId: null,
      kind: 'chase' as const,
      chaseId: c.id,
      text: c.text,
      at: c.created_at,
      read: false,
    }));
  }
}
