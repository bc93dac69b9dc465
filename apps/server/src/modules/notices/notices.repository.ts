import type { Executor } from '../../db/index.ts';
import type { NoticeStatus } from '../../db/types.ts';

/** The county's notices: those whose county is the actor's (a county administrator sees no other county's). */
export function countyNotices(db: Executor, county: string, status: NoticeStatus | undefined) {
  let q = db
    .selectFrom('notices as n')
    .leftJoin('temporary_orgs as o', 'o.id', 'n.org_id')
    .select([
      'n.id',
      'n.channel',
      'n.purpose',
      'n.status',
      'n.created_at',
      'n.not_before',
      'n.sent_at',
      'n.to_enc',
      'n.item_id',
      'n.tries',
      'n.last_code',
      'n.last_message',
      'o.name as org_name',
    ])
    .where('n.county_code', '=', county);
  if (status) q = q.where('n.status', '=', status);
  return q;
}

export function attemptsOf(db: Executor, noticeIds: string[]) {
  if (!noticeIds.length) return Promise.resolve([]);
  return db
    .selectFrom('notice_attempts')
    .selectAll()
    .where('notice_id', 'in', noticeIds)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export const smsSettings = (db: Executor, county: string) =>
  db.selectFrom('sms_settings').selectAll().where('county_code', '=', county).executeTakeFirst();

export async function putSmsSettings(
  tx: Executor,
  row: { county_code: string; sign_name: string; templates: string; updated_by: string; updated_at: string },
) {
  await tx
    .insertInto('sms_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('county_code').doUpdateSet({
        sign_name: row.sign_name,
        templates: row.templates,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** The robots of the county's organizations (an organization's seat lies in the county). */
export const countyRobots = (db: Executor, county: string) =>
  db
    .selectFrom('wecom_robots as w')
    .innerJoin('temporary_orgs as o', 'o.id', 'w.org_id')
    .select(['w.org_id', 'w.url_enc', 'o.name as org_name'])
    .where('o.region_code', 'like', `${county}%`)
    .orderBy('o.name')
    .execute();

/** The organization, if its seat lies in the county. */
export const countyOrg = (db: Executor, county: string, orgId: string) =>
  db
    .selectFrom('temporary_orgs')
    .select(['id', 'name'])
    .where('id', '=', orgId)
    .where('region_code', 'like', `${county}%`)
    .executeTakeFirst();

export async function putRobot(
  tx: Executor,
  row: { org_id: string; url_enc: string | null; updated_by: string; updated_at: string },
) {
  if (row.url_enc === null) {
    await tx.deleteFrom('wecom_robots').where('org_id', '=', row.org_id).execute();
    return;
  }
  const values = { org_id: row.org_id, url_enc: row.url_enc, updated_by: row.updated_by, updated_at: row.updated_at };
  await tx
    .insertInto('wecom_robots')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('org_id')
        .doUpdateSet({ url_enc: values.url_enc, updated_by: values.updated_by, updated_at: values.updated_at }),
    )
    .execute();
}

/** The county's notices that wait for a channel are looked at again at once (its settings were just saved). */
export const wakeNotConfigured = (tx: Executor, county: string, now: string) =>
  tx
    .updateTable('notices')
    .set({ next_attempt_at: now })
    .where('county_code', '=', county)
    .where('status', '=', 'not_configured')
    .where('next_attempt_at', '>', now)
    .execute();
