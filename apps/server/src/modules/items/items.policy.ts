import { type ItemStatus, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

export interface ItemFacts {
  status: ItemStatus;
  submitted_by: string | null;
  responsible_group_id: string | null;
  escalated_to_org_id: string | null;
  /** The owning organization is dissolved: the item is read-only. */
  frozen: boolean;
  /** The actor's own member record is among those who worked on the item. */
  actorWorked: boolean;
  /** The actor entered one of the item's reports (a visit, a hotline call, a meeting). */
  actorEnteredReport: boolean;
  /** One of the item's reports was entered by staff: the tracking code alone is not the resident's word. */
  staffEnteredReport: boolean;
  /** The item's own organization is in the actor's part of the tree (not only reached by escalation or a link). */
  managesOrg: boolean;
  /** The item's working-day clock is stopped (waiting on the resident or another unit). */
  paused: boolean;
}

const staff = (a: Actor) => roleCan(a.role, 'items:write') && a.role !== 'member';
const live = (i: ItemFacts) => !i.frozen;

/** Staff of the organizations, not a member's own account. */
export const staffOnItem = (a: Actor) => staff(a);

export const canProgress = (a: Actor, i: ItemFacts) =>
  roleCan(a.role, 'items:write') && live(i) && i.status !== 'closed';

/** Nobody confirms their own work: not a member on the item, not the one who handed it in. */
export const canConfirm = (a: Actor, i: ItemFacts) =>
  staff(a) && live(i) && !i.actorWorked && a.userId !== i.submitted_by;

/** The statuses this actor may move the item to now. */
export function allowedTransitions(a: Actor, i: ItemFacts): ItemStatus[] {
  if (!live(i)) return [];
  const work = roleCan(a.role, 'items:write');
  switch (i.status) {
    case 'open':
      return work ? ['in_progress'] : [];
    case 'in_progress':
      return work ? ['awaiting_confirmation'] : [];
    case 'awaiting_confirmation':
      return [...(canConfirm(a, i) ? (['closed'] as const) : []), ...(staff(a) ? (['in_progress'] as const) : [])];
    case 'closed':
      return roleCan(a.role, 'items:reopen') ? ['in_progress'] : [];
  }
}

/**
 * A call back to the resident, recorded as the resident's confirmation (or "not solved"): by staff who neither entered
 * the report nor worked the item nor handed it in, while the item waits for the resident's word.
 */
export const canRecordResidentCall = (a: Actor, i: ItemFacts) =>
  staff(a) &&
  live(i) &&
  (i.status === 'awaiting_confirmation' || i.status === 'closed') &&
  !i.actorWorked &&
  !i.actorEnteredReport &&
  a.userId !== i.submitted_by;

export const canLink = (a: Actor, i: ItemFacts) =>
  staff(a) && live(i) && i.status !== 'closed' && i.responsible_group_id !== null;
export const canEscalate = (a: Actor, i: ItemFacts) =>
  staff(a) && live(i) && i.status !== 'closed' && i.escalated_to_org_id === null;

/**
 * An item's due date, responsible party group and people are edited, and its links by need ended, by staff who manage
 * the item's own organization (not the one it was escalated to), while the item is not closed.
 */
export const canEdit = (a: Actor, i: ItemFacts) => staff(a) && live(i) && i.status !== 'closed' && i.managesOrg;

/** A report joins an item of its organization while the item is not closed, by staff who manage that organization. */
export const canAddReports = canEdit;

/** An item is added to a list of a live organization by its staff (the list is in the actor's scope). */
export const canAddItem = (a: Actor, org: { status: string }) => staff(a) && org.status !== 'dissolved';

/**
 * The clock of an open item is stopped, and started again, by staff of its branch or party group (its own organization's
 * tree, or a member working on it), while it is not closed and not escalated elsewhere (DOMAIN §9a).
 */
const mayStopClock = (a: Actor, i: ItemFacts) =>
  staff(a) && live(i) && i.status !== 'closed' && i.escalated_to_org_id === null && (i.managesOrg || i.actorWorked);
export const canPause = (a: Actor, i: ItemFacts) => mayStopClock(a, i) && !i.paused;
export const canResume = (a: Actor, i: ItemFacts) => mayStopClock(a, i) && i.paused;
