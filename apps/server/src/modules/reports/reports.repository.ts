import { householdInScope, orgInScope, underRegion } from '../../lib/scope.ts';
import { type Insertable, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type ReportDismissalKind, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { ReportTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import type { PhotoOwner } from '../../lib/photos.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { contains } from '../../lib/like.ts';
import { deadlineOn } from '../items/deadlines.repository.ts';

/** Reports are in scope by their village's region, or by the organization they were routed to. */
export function reportInScope(actor: Actor, alias = 'r'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.orgPath !== null) {
    parts.push(sql<SqlBool>`exists (select 1 from temporary_orgs ro where ro.id = ${sql.ref(`${alias}.org_id`)}
      and ro.path like ${`${actor.orgPath}%`})`);
  }
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` or `)})` : sql<SqlBool>`1 = 0`;
}

export interface ReportFilters {
  id?: string;
  ids?: string[];
  status?: string;
  category?: string;
  source?: string;
  orgId?: string;
  regionCode?: string;
  q?: string;
}

function filtered(db: Executor, actor: Actor, f: ReportFilters) {
  let q = db.selectFrom('reports as r').where(reportInScope(actor, 'r'));
  if (f.id) q = q.where('r.id', '=', f.id);
  if (f.ids) q = q.where('r.id', 'in', f.ids.length ? f.ids : ['']);
  if (f.status) q = q.where('r.status', '=', f.status as ReportTable['status']);
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.source) q = q.where('r.source', '=', f.source as ReportTable['source']);
  if (f.orgId) q = q.where('r.org_id', '=', f.orgId);
  if (f.regionCode) q = q.where(underRegion('r.region_code', f.regionCode));
  if (f.q) q = q.where(contains('r.description', f.q));
  return q;
}

export async function listReports(db: Executor, actor: Actor, f: ReportFilters, limit: number, cursor: Cursor | null) {
  let q = filtered(db, actor, f)
    .innerJoin('regions as g', 'g.code', 'r.region_code')
    .leftJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .leftJoin('users as du', 'du.id', 'r.dismissed_by')
    .select([
      'r.id',
      'r.source',
      'r.region_code',
      'g.name as region_name',
      'r.org_id',
      'o.name as org_name',
      'r.category',
      'r.description',
      'r.reporter_name',
      'r.phone_enc',
      'r.status',
      'r.dismissal_kind',
      'r.dismissal_reason',
      'r.dismissed_at',
      'du.display_name as dismissed_by_name',
      'r.reported_at',
      'r.version',
      sql<string | null>`(select min(ir.item_id) from item_reports ir where ir.report_id = r.id)`.as('item_id'),
    ]);
  // Newest first.
  if (cursor) q = q.where(afterCursor('r.reported_at', 'r.id', cursor, 'desc'));
  const rows = await q
    .orderBy('r.reported_at', 'desc')
    .orderBy('r.id')
    .limit(limit + 1)
    .execute();
  const total = await filtered(db, actor, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/**
 * The organization a report from this place goes to: a live branch that covers the place, else the live
 * general branch of its township.
 */
export async function responsibleOrgFor(db: Executor, regionCode: string) {
  const branch = await db
    .selectFrom('temporary_orgs as o')
    .select(['o.id', 'o.name'])
    .where('o.status', 'in', ['active', 'rectification'])
    .where('o.level', '=', 'branch')
    // The branches of the place itself and those that cover it, as one set of ids reached by index (an OR on the
    // organization would read every organization of the province).
    .where(
      'o.id',
      'in',
      sql<string>`(select ro.id from temporary_orgs ro where ro.region_code = ${regionCode} union all select orr.org_id from org_regions orr where orr.region_code = ${regionCode})`,
    )
    .orderBy('o.established_on')
    .orderBy('o.id')
    .executeTakeFirst();
  if (branch) return branch;
  return db
    .selectFrom('temporary_orgs as o')
    .select(['o.id', 'o.name'])
    .where('o.status', 'in', ['active', 'rectification'])
    .where('o.level', '=', 'general_branch')
    .where('o.region_code', '=', regionCode.slice(0, 9))
    .orderBy('o.established_on')
    .executeTakeFirst();
}

/**
 * Stores a new one-time code for a report, replacing the last one only after the resend interval and within the
 * day's allowance: one statement, so that two requests at the same moment cannot both send. Answers whether it stored.
 */
export async function storePhoneCode(
  tx: Executor,
  c: {
    reportId: string;
    codeHash: string;
    now: string;
    expiresAt: string;
    today: string;
    resendAfter: string;
    perDay: number;
  },
): Promise<boolean> {
  const row = await tx
    .insertInto('resident_phone_codes')
    .values({
      report_id: c.reportId,
      code_hash: c.codeHash,
      sent_at: c.now,
      expires_at: c.expiresAt,
      attempts: 0,
      sent_today: 1,
      sent_on: c.today,
      used_at: null,
    })
    .onConflict((oc) =>
      oc
        .column('report_id')
        .doUpdateSet({
          code_hash: c.codeHash,
          sent_at: c.now,
          expires_at: c.expiresAt,
          attempts: 0,
          used_at: null,
          sent_on: c.today,
          sent_today: sql<number>`case when resident_phone_codes.sent_on = ${c.today} then resident_phone_codes.sent_today + 1 else 1 end`,
        })
        .where('resident_phone_codes.sent_at', '<', c.resendAfter)
        .where((eb) =>
          eb.or([
            eb('resident_phone_codes.sent_on', '<>', c.today),
            eb('resident_phone_codes.sent_today', '<', c.perDay),
          ]),
        ),
    )
    .returning('report_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Counts a try of the report's live code (unspent, unexpired, tries left) and answers its hash; none, undefined. */
export async function tryPhoneCode(db: Executor, reportId: string, now: string, maxTries: number) {
  return db
    .updateTable('resident_phone_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('report_id', '=', reportId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('attempts', '<', maxTries)
    .returning(['code_hash'])
    .executeTakeFirst();
}

/** Spends the code: true for the one request that does. */
export async function spendPhoneCode(tx: Executor, reportId: string, codeHash: string, now: string): Promise<boolean> {
  const r = await tx
    .updateTable('resident_phone_codes')
    .set({ used_at: now })
    .where('report_id', '=', reportId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A report in the actor's scope, with what working it depends on: its state, its phone, whether it is on a list. */
export const reportToWork = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('reports as r')
    .select([
      'r.id',
      'r.status',
      'r.phone_enc',
      'r.version',
      sql<number>`(case when exists (select 1 from item_reports ir where ir.report_id = r.id) then 1 else 0 end)`.as(
        'listed',
      ),
    ])
    .where('r.id', '=', id)
    .where(reportInScope(actor, 'r'))
    .executeTakeFirst();

/**
 * Marks a report not taken up, only while it is new and on no list: one statement, so that a report combed at the
 * same moment is either listed or dismissed, never both. Answers whether it did.
 */
export async function dismissReport(
  tx: Executor,
  id: string,
  d: { kind: ReportDismissalKind; reason: string; by: string; now: string },
): Promise<boolean> {
  const r = await tx
    .updateTable('reports')
    .set((eb) => ({
      status: 'dismissed',
      dismissal_kind: d.kind,
      dismissal_reason: d.reason,
      dismissed_at: d.now,
      dismissed_by: d.by,
      version: eb('version', '+', 1),
      updated_at: d.now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'new')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('item_reports as ir').select('ir.item_id').whereRef('ir.report_id', '=', 'reports.id'))),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A region with its level (a report is placed in a township or a village). */
export const regionLevel = (db: Executor, code: string) =>
  db.selectFrom('regions').select(['code', 'level']).where('code', '=', code).executeTakeFirst();

export const regionName = async (db: Executor, code: string) =>
  (await db.selectFrom('regions').select('name').where('code', '=', code).executeTakeFirst())?.name;

/**
 * Whether the resident of this phone (by its keyed hashes under every index key of the ring: a "no" is kept under the
 * key of its day, and never rewritten, the phone not being kept with it) said no to text messages.
 */
export const phoneOptedOut = async (tx: Executor, phoneIndexes: readonly string[]) =>
  phoneIndexes.length > 0 &&
  (await tx
    .selectFrom('sms_opt_outs')
    .select('phone_index')
    .where('phone_index', 'in', phoneIndexes)
    .executeTakeFirst()) !== undefined;

/** The phone's "no", kept once (said again, it stays as first said). */
export const optOutPhone = (tx: Executor, phoneIndex: string, now: string) =>
  tx
    .insertInto('sms_opt_outs')
    .values({ phone_index: phoneIndex, opted_out_at: now })
    .onConflict((oc) => oc.column('phone_index').doNothing())
    .execute();

/** Records the resident's "no" to messages; false when it was already recorded. */
export async function optOutOfMessages(tx: Executor, reportId: string, now: string) {
  const r = await tx
    .updateTable('reports')
    .set({ sms_opted_out_at: now })
    .where('id', '=', reportId)
    .where('sms_opted_out_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many codes an account holds reserved and unused, not expired. */
export const liveReservations = async (tx: Executor, userId: string, now: string): Promise<number> =>
  Number(
    (
      await tx
        .selectFrom('tracking_code_reservations')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow()
    ).n,
  );

export const insertReservations = (
  tx: Executor,
  rows: { tracking_hash: string; user_id: string; session_id: string; reserved_at: string; expires_at: string }[],
) => tx.insertInto('tracking_code_reservations').values(rows).execute();

/** Deletes the account's reservations whose time has passed (nobody can take them any more). */
export const deleteExpiredReservations = (tx: Executor, userId: string, now: string) =>
  tx.deleteFrom('tracking_code_reservations').where('user_id', '=', userId).where('expires_at', '<=', now).execute();

/**
 * Takes the account's reservation of a code (deleted: one report per code): when it was reserved, or null when the
 * account holds none alive.
 */
export const takeReservation = async (
  tx: Executor,
  hashes: readonly string[],
  userId: string,
  now: string,
): Promise<{ reservedAt: string } | null> => {
  const got = await tx
    .deleteFrom('tracking_code_reservations')
    .where('tracking_hash', 'in', hashes)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .returning('reserved_at')
    .executeTakeFirst();
  return got ? { reservedAt: got.reserved_at } : null;
};

export const insertReport = (tx: Executor, row: Insertable<ReportTable>) =>
  tx.insertInto('reports').values(row).execute();

/** The report of a tracking code's keyed hash, with its place and organization. */
export const reportByTrackingHash = (db: Executor, hashes: readonly string[]) =>
  db
    .selectFrom('reports as r')
    .innerJoin('regions as g', 'g.code', 'r.region_code')
    .leftJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .select([
      'r.id',
      'r.category',
      'r.description',
      'r.reported_at',
      'r.status',
      'r.source',
      'r.phone_enc',
      'r.dismissal_kind',
      'r.dismissal_reason',
      'r.dismissed_at',
      'r.region_code',
      'r.sms_opted_out_at',
      'r.phone_index',
      'g.name as region_name',
      'o.name as org_name',
    ])
    .where('r.tracking_hash', 'in', hashes)
    .executeTakeFirst();

/** The first item the report was combed into, with its list and what the resident said of it. */
export const itemOfReport = (db: Executor, reportId: string) =>
  db
    .selectFrom('item_reports as ir')
    .innerJoin('items as i', 'i.id', 'ir.item_id')
    .innerJoin('problem_lists as l', 'l.id', 'i.list_id')
    .innerJoin('temporary_orgs as io', 'io.id', 'i.org_id')
    .select([
      'i.id',
      'i.no',
      'i.status',
      'i.closed_at',
      'i.resident_confirmed_at',
      'i.reopened_count',
      'l.title',
      // The one deadline as of today (deadlines.repository.ts): the working-day target or staff's earlier date.
      deadlineOn(todayInShanghai()).as('due_on'),
    ])
    .select([
      'i.resident_rating',
      'i.resident_comment',
      'i.resident_rated_at',
      'i.region_code',
      'io.region_code as org_region_code',
    ])
    .where('ir.report_id', '=', reportId)
    .orderBy('i.created_at')
    .executeTakeFirst();

/** What a photo belongs to. */
export const photoOwner = (db: Executor, id: string) =>
  db.selectFrom('photos').select(['owner_type', 'owner_id']).where('id', '=', id).executeTakeFirst();

/** Whether the report is in the actor's scope. */
export const reportVisible = async (db: Executor, actor: Actor, id: string) =>
  Boolean(
    await db
      .selectFrom('reports as r')
      .select('r.id')
      .where('r.id', '=', id)
      .where(reportInScope(actor, 'r'))
      .executeTakeFirst(),
  );

/** Whether the meeting's organization is in the actor's scope. */
export const activityVisible = async (db: Executor, actor: Actor, id: string) =>
  Boolean(
    await db
      .selectFrom('activities as a')
      .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
      .select('a.id')
      .where('a.id', '=', id)
      .where(orgInScope(actor, 'o'))
      .executeTakeFirst(),
  );

/** Whether the visited household is in the actor's register scope. */
export const visitVisible = async (db: Executor, actor: Actor, id: string) =>
  Boolean(
    await db
      .selectFrom('visits as v')
      .innerJoin('households as h', 'h.id', 'v.household_id')
      .select('v.id')
      .where('v.id', '=', id)
      .where(householdInScope(actor, 'h'))
      .executeTakeFirst(),
  );

/** The item a progress entry belongs to. */
export const itemOfEvent = async (db: Executor, eventId: string) =>
  (await db.selectFrom('item_events').select('item_id').where('id', '=', eventId).executeTakeFirst())?.item_id;

/** A photo's bytes, if it belongs to one of these owners. */
export const photoOf = (db: Executor, owner: { ownerType: PhotoOwner; ownerIds: string[] }, photoId: string) =>
  db
    .selectFrom('photos')
    .select(['mime', 'data'])
    .where('id', '=', photoId)
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', 'in', owner.ownerIds)
    .executeTakeFirst();
