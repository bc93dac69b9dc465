import type { OrgStatus } from './domain.ts';

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
