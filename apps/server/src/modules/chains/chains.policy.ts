import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** What the rules of chains and projects look at: the owning organization (already known to be in the actor's scope). */
export interface OwnerFacts {
  status: string;
}

/** Chains, projects, placements, participations and contracts are kept by the staff who run the organization's work. */
export const mayMaintain = (a: Actor) => roleCan(a.role, 'chains:write');

/** A dissolved organization's records are read-only. */
export const canMaintain = (a: Actor, o: OwnerFacts) => mayMaintain(a) && o.status !== 'dissolved';

/** What the chain or project page may offer, as the server would allow it. */
export const abilities = (a: Actor, o: OwnerFacts) => ({ maintain: canMaintain(a, o) });
