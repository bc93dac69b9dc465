import type { OrgMode } from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';

/** What the link network reads (network.ts computes the picture from it). */

/**
 * The organizations in scope that existed on the day (not party groups: their members count for their branch), under
 * a region, of a mode, or one organization's tree; at most 400, by path.
 */
export async function networkOrgs(
  db: Executor,
  actor: Actor,
  q: { regionCode?: string | undefined; mode?: OrgMode | undefined; orgId?: string | undefined },
  day: string,
) {
  let orgs = db
    .selectFrom('temporary_orgs as o')
    .select(['o.id', 'o.name', 'o.level', 'o.path'])
    .where(orgInScope(actor, 'o'))
    .where('o.established_on', '<=', day)
    .where((eb) => eb.or([eb('o.dissolved_on', 'is', null), eb('o.dissolved_on', '>', day)]))
    .where('o.level', '!=', 'group');
  if (q.regionCode) orgs = orgs.where(underRegion('o.region_code', q.regionCode));
  if (q.mode) orgs = orgs.where('o.mode', '=', q.mode);
  if (q.orgId) {
    const root = await db.selectFrom('temporary_orgs').select('path').where('id', '=', q.orgId).executeTakeFirst();
    orgs = orgs.where('o.path', 'like', `${root?.path ?? '-'}%`);
  }
  return orgs.orderBy('o.path').limit(400).execute();
}

/** The memberships of the day in these trees (each path and everything under it), with the member's unit. */
export const membershipsUnder = (db: Executor, paths: string[], day: string) =>
  db
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as g', 'g.id', 'm.org_id')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['m.member_id', 'p.name', 'p.unit_id', 'g.path'])
    .where(activeOn('m', day))
    .where(
      sql<SqlBool>`(${sql.join(
        paths.map((path) => sql<SqlBool>`g.path like ${`${path}%`}`),
        sql` or `,
      )})`,
    )
    .execute();

export const unitNames = (db: Executor, ids: string[]) =>
  db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('id', 'in', [...ids, '-'])
    .execute();

/** Members linked by need to these organizations' items by the day. */
export const linkedByNeedIn = (db: Executor, orgIds: string[], day: string) =>
  db
    .selectFrom('item_members as im')
    .innerJoin('items as i', 'i.id', 'im.item_id')
    .innerJoin('members as p', 'p.id', 'im.member_id')
    .select(['im.member_id', 'p.name', 'i.org_id', 'i.problem'])
    .where('im.role', '=', 'linked')
    .where('i.org_id', 'in', orgIds)
    .where('im.added_on', '<=', day)
    .execute();

/**
 * These organizations' items closed before the day's end, newest first (at most 300), with what the flattening needs:
 * the first report, the last link by need, who solved it (the member linked by need, else the responsible one).
 */
export const closedItemsOf = (db: Executor, orgIds: string[], day: string) =>
  db
    .selectFrom('items as i')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .select(['i.id', 'i.problem', 'o.name as org_name', 'i.closed_at', 'i.escalated_at', 'i.created_at'])
    .select([
      sql<
        string | null
      >`(select min(r.reported_at) from item_reports ir inner join reports r on r.id = ir.report_id where ir.item_id = i.id)`.as(
        'reported_at',
      ),
      sql<
        string | null
      >`(select max(im.added_on) from item_members im where im.item_id = i.id and im.role = 'linked')`.as('linked_on'),
      sql<
        string | null
      >`(select p.name from item_members im inner join members p on p.id = im.member_id where im.item_id = i.id
        order by im.role asc, im.added_on desc limit 1)`.as('solver'),
      sql<number>`(select count(*) from item_members im where im.item_id = i.id and im.role = 'linked')`.as('linked'),
    ])
    .where('i.org_id', 'in', orgIds)
    .where('i.status', '=', 'closed')
    .where('i.closed_at', '<', `${day}T16:00:00.000Z`)
    .orderBy('i.closed_at', 'desc')
    .limit(300)
    .execute();
