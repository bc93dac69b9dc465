import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * Separation of duties (三权分立): the audit administrator alone reads the trail and verifies its chain; nobody
 * changes or removes an event (the database refuses deletion, and no route writes one but as part of a change).
 */
export const canReadTrail = (a: Actor) => roleCan(a.role, 'audit:read');
