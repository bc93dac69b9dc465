import { type ItemStatus, roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** What the rules of mediation look at: the item, and how far its dispute has come. */
export interface DisputeFacts {
  isDispute: boolean;
  /** The owning organization is dissolved: the record is read-only. */
  frozen: boolean;
  itemStatus: ItemStatus;
  registered: boolean;
  hasOutcome: boolean;
  followedUp: boolean;
}

/** Those who work on items record mediation (staff of the organizations and the members on the item). */
const recorder = (a: Actor) => roleCan(a.role, 'items:write');

/** Parties, sessions and the outcome are recorded while the dispute item is open, in a live organization. */
export const canRecord = (a: Actor, f: DisputeFacts) =>
  recorder(a) && f.isDispute && !f.frozen && f.itemStatus !== 'closed';

/** The follow-up check comes after the outcome, closed item or not. */
export const canFollowUp = (a: Actor, f: DisputeFacts) => recorder(a) && f.isDispute && !f.frozen && f.hasOutcome;

/** What the item page may offer, as the server would allow it. */
export const abilities = (a: Actor, f: DisputeFacts) => ({
  register: canRecord(a, f) && !f.registered,
  addSession: canRecord(a, f) && f.registered && !f.hasOutcome,
  setOutcome: canRecord(a, f) && f.registered && !f.hasOutcome,
  followUp: canFollowUp(a, f) && !f.followedUp,
});
