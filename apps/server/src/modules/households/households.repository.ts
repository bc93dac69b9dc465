import { todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden, notFound } from '../../lib/problem.ts';
import { householdInScope, householdServed } from '../../lib/scope.ts';

/**
 * A household the actor is about to change. Outside what the actor reads it does not exist (404); inside it but not
 * served by the actor's organization (no current helper of the household is a current member there), the change is
 * refused with 403 `household_not_served`: a branch reads the households of the villages it covers, and changes
 * only those it serves.
 */
export async function servedHousehold(db: Executor, actor: Actor, id: string) {
  const h = await db
    .selectFrom('households as h')
    .select(['h.id', 'h.region_code', 'h.status', 'h.version'])
    .select(householdServed(actor, todayInShanghai(), 'h').as('served'))
    .where('h.id', '=', id)
    .where(householdInScope(actor, 'h'))
    .executeTakeFirst();
  if (!h) throw notFound('农户');
  if (!isTrue(h.served)) throw forbidden('household_not_served', '该户不由本组织的帮扶人联系，只能查看，不能登记或修改');
  return h;
}

/** Whether the actor may change this household (for the `abilities` of a detail reply). */
export async function servesHousehold(db: Executor, actor: Actor, id: string): Promise<boolean> {
  const h = await db
    .selectFrom('households as h')
    .select(householdServed(actor, todayInShanghai(), 'h').as('served'))
    .where('h.id', '=', id)
    .executeTakeFirst();
  return isTrue(h?.served);
}


/**
 * Refusals of people registered outside one's scope an account may meet in a day (a sliding 24 hours) before its
 * registrations pause: a township registers a person who moved from elsewhere now and then, while someone testing
 * which ID numbers the county holds needs many.
 */
export const DUPLICATE_ATTEMPTS_PER_DAY = 5;

export const registrationPaused = () =>
  new Problem(429, 'registration_paused', `本账号 24 小时内已 ${DUPLICATE_ATTEMPTS_PER_DAY} 次登记已在其他辖区建档的人员，建档登记暂停；请联系县级管理员核实`);

/**
 * The account's refusals of the last 24 hours. Read after the transaction wrote its audit row: that write holds the
 * audit head's lock (audit.service.ts) until commit, so registrations sent at the same moment are counted one after
 * another, and ten probes at once cannot all slip under the limit.
 */
export async function duplicateAttemptsOfDay(tx: Executor, actor: Actor): Promise<number> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const r = await tx
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'household.duplicate_attempt')
    .where('user_id', '=', actor.userId)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// A boolean selected as a value comes back as 0/1 from SQLite and true/false from PostgreSQL.
const isTrue = (v: unknown) => v === true || v === 1 || v === '1';
