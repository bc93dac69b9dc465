import type { Executor } from '../../db/index.ts';

/**
 * Party groups and branches under an organization (by its path) overdue for a meeting: the open reminders the daily
 * check raised (DOMAIN §5, 三会一课), the longest overdue first, at most `limit`.
 */
export async function openRemindersUnder(db: Executor, orgPath: string, limit: number) {
  return db
    .selectFrom('meeting_reminders as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .select(['r.id', 'r.org_id', 'o.name', 'r.last_met_on', 'r.due_on', 'r.raised_on'])
    .where('o.path', 'like', `${orgPath}%`)
    .where('r.resolved_on', 'is', null)
    .orderBy('r.due_on')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}
