import { roleCan } from '@lianjian/shared';
import type { Actor } from '../../lib/actor.ts';

/** A county's thresholds and coverage rules are set by the county administrator, for the county the account works in. */
export const canSet = (a: Actor) => roleCan(a.role, 'settings:write');

/** The monitoring line is never below the poverty line of the same year (DOMAIN §7: about 1.5× it). */
export const linesInOrder = (poverty: number, monitoring: number) => monitoring >= poverty;
