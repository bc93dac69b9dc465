import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/**
 * The county administrator reads the county's outbox (what was sent, what waits, what no provider could take) and
 * sets the SMS sign name, the template codes and the branches' WeCom robots.
 */
export const canRead = (a: Actor) => roleCan(a.role, 'settings:write');
export const canSet = (a: Actor) => roleCan(a.role, 'settings:write');
