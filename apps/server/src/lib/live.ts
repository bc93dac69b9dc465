import { conflict } from './problem.ts';

/** An organization as its rows or an item's facts know it: its status, or whether its records are frozen. */
export type OrgState = { readonly status: string } | { readonly frozen: boolean };

/**
 * Refuses a change to a dissolved organization's records (409 `org_dissolved`): once dissolved, an organization and
 * what belongs to it are read-only (DOMAIN §4). `detail` words the refusal where the action needs it said otherwise.
 */
export function assertLive(org: OrgState, detail = '组织已撤销，记录只读'): void {
  if ('frozen' in org ? org.frozen : org.status === 'dissolved') throw conflict('org_dissolved', detail);
}
