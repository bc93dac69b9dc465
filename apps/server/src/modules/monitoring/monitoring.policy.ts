import { MONITORING_TRANSITIONS, type MonitoringStatus, canTransition } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';
import { mayRunProcedure } from '../exits/exits.policy.ts';

/** What the rules of monitoring look at (DOMAIN §7). */
export interface CaseFacts {
  status: MonitoringStatus;
  /** A current helper of the household is a current member of the actor's organization (regional staff: in scope). */
  served: boolean;
  /** In a notice: the first day the township may review. */
  noticeEndsOn: string | null;
  /** Someone in the household can work (normal or skilled labour). */
  hasLabour: boolean;
}

/** Monitoring is run by those who run the exit procedure: staff who change households, for households they serve. */
export const mayRunMonitoring = mayRunProcedure;

export const canIdentify = (a: Actor, h: { served: boolean }) => mayRunMonitoring(a) && h.served;

export const stepAllowed = (from: MonitoringStatus, to: MonitoringStatus) =>
  canTransition(MONITORING_TRANSITIONS, from, to);

/** A household with no labour capacity at all is never marked risk-eliminated: it stays under the safety net. */
export const eliminationPossible = (f: { hasLabour: boolean }, to: MonitoringStatus) =>
  f.hasLabour || (to !== 'elimination_in_notice' && to !== 'eliminated');

export const canStep = (a: Actor, f: CaseFacts, to: MonitoringStatus) =>
  mayRunMonitoring(a) && f.served && stepAllowed(f.status, to) && eliminationPossible(f, to);

/** Dropping a case, sending it back, or flagging a household again is decided in writing. */
export const reasonRequired = (from: MonitoringStatus, to: MonitoringStatus) =>
  to === 'dropped' || (to === 'monitored' && from !== 'township_reviewed');

/** The township reviews only after the notice has run its days (checked again against the server's clock). */
export const reviewFrom = (f: CaseFacts) =>
  f.status === 'in_notice' || f.status === 'elimination_in_notice' ? f.noticeEndsOn : null;

/** What the monitoring page may offer for a case, as the server would allow it. */
export const abilities = (a: Actor, f: CaseFacts) => {
  const steps = MONITORING_TRANSITIONS[f.status].filter((to) => canStep(a, f, to));
  return { steps, reasonRequired: steps.filter((to) => reasonRequired(f.status, to)), reviewFrom: reviewFrom(f) };
};
