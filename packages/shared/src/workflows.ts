import type { ItemStatus, OrgStatus } from './domain.ts';

/** proposed → active → (rectification → active)* → dissolved */
export const ORG_TRANSITIONS: Record<OrgStatus, readonly OrgStatus[]> = {
  proposed: ['active', 'dissolved'],
  active: ['rectification', 'dissolved'],
  rectification: ['active', 'dissolved'],
  dissolved: [],
};

export function canTransition<S extends string>(machine: Record<S, readonly S[]>, from: S, to: S): boolean {
  return machine[from]?.includes(to) ?? false;
}

export const EXIT_STATUSES = [
  'applied',
  'reviewed',
  'verified',
  'acknowledged',
  'in_notice',
  'announced',
  'rejected',
] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

/**
 * DOMAIN §6: application → democratic review → verification → acknowledgement → public notice →
 * announcement and removal; no step skipped or reordered. Any open step may reject; an objection during
 * the notice sends the application back to verification (status `reviewed`).
 */
export const EXIT_TRANSITIONS: Record<ExitStatus, readonly ExitStatus[]> = {
  applied: ['reviewed', 'rejected'],
  reviewed: ['verified', 'rejected'],
  verified: ['acknowledged', 'rejected'],
  acknowledged: ['in_notice', 'rejected'],
  in_notice: ['announced', 'reviewed', 'rejected'],
  announced: [],
  rejected: [],
};

export const MONITORING_STATUSES = [
  'identified',
  'consented',
  'in_notice',
  'township_reviewed',
  'monitored',
  'elimination_in_notice',
  'elimination_reviewed',
  'eliminated',
  'dropped',
] as const;
export type MonitoringStatus = (typeof MONITORING_STATUSES)[number];

/**
 * DOMAIN §7: identification → visit and consent → democratic review and notice → township review → county
 * decision (monitored, measures matched to the risk). Risk elimination takes the same review–notice–decision
 * path; it can be rolled back (re-flagged). A case can be dropped before the county decides.
 */
export const MONITORING_TRANSITIONS: Record<MonitoringStatus, readonly MonitoringStatus[]> = {
  identified: ['consented', 'dropped'],
  consented: ['in_notice', 'dropped'],
  in_notice: ['township_reviewed', 'dropped'],
  township_reviewed: ['monitored', 'dropped'],
  monitored: ['elimination_in_notice'],
  elimination_in_notice: ['elimination_reviewed', 'monitored'],
  elimination_reviewed: ['eliminated', 'monitored'],
  eliminated: ['monitored'],
  dropped: [],
};

/**
 * open → in_progress → awaiting_confirmation → closed. Sending back from awaiting_confirmation, or a
 * resident's "not solved" / a supervisor's reopening after close, returns to in_progress.
 */
export const ITEM_TRANSITIONS: Record<ItemStatus, readonly ItemStatus[]> = {
  open: ['in_progress'],
  in_progress: ['awaiting_confirmation'],
  awaiting_confirmation: ['closed', 'in_progress'],
  closed: ['in_progress'],
};
