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
