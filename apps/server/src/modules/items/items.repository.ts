import { type Insertable, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { ItemMemberTable, ItemParticipantTable, ItemTable, ProblemListTable } from '../../db/types.ts';
import { jsonList, parsed } from '../../db/json.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { Actor } from '../../lib/actor.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { contains } from '../../lib/like.ts';
import { notLinkedByNeed, orgInScope, underRegion } from '../../lib/scope.ts';
import { reportInScope } from '../reports/reports.repository.ts';
import { DEPUTY_TITLES, HEAD_TITLES } from '@lianjian/shared';
import { activeOn, orgInReach } from '../orgs/orgs.repository.ts';
import { type DeadlineTargets, foldTargets } from '../settings/settings.repository.ts';
import { clockOfPageRow, deadlineOfClock } from './deadline-clock.ts';
import { type PauseRow, deadlineOn, overdueOn } from './deadlines.repository.ts';

/**
 * An item is visible through the organization that owns it, through the organization it was escalated to,
 * or — for a member on it — through the item itself (a linked member's access ends when the item closes).
 *
 * Each way is a branch reached by index (items_org_status_sort, items_escalated, item_members) from the
 * organizations in scope or the member, with `where` (conditions on the item as `x`) inside it, so the cost follows
 * the size of the scope, not of the province. (An OR of the ways as conditions on the item makes the database read
 * every item instead.) `columns` is what each branch gives.
 */
function scopeBranches(actor: Actor, columns: RawBuilder<unknown>, where: RawBuilder<SqlBool>): RawBuilder<unknown>[] {
  const branches = [
    sql`select ${columns} from temporary_orgs io inner join items x on x.org_id = io.id where ${orgInScope(actor, 'io')} and ${where}`,
    // An item escalated within the scope is the first branch's already: the two are disjoint, so a list of them needs
    // no de-duplication (a count adds them up).
    sql`select ${columns} from temporary_orgs ie inner join items x on x.escalated_to_org_id = ie.id
      where x.escalated_to_org_id is not null and ${orgInScope(actor, 'ie')} and ${where}
        and not exists (select 1 from temporary_orgs iw where iw.id = x.org_id and ${orgInScope(actor, 'iw')})`,
  ];
  if (actor.memberId) {
    branches.push(sql`select ${columns} from item_members im inner join items x on x.id = im.item_id
      where im.member_id = ${actor.memberId} and im.role = 'responsible' and ${where}`);
    branches.push(sql`select ${columns} from item_members im inner join items x on x.id = im.item_id
      where im.member_id = ${actor.memberId} and x.status <> 'closed' and ${where}`);
  }
  return branches;
}

/** Whether the item `alias` is in the actor's scope: its id among the branches' (`scopeBranches`). */
export function itemInScope(actor: Actor, alias = 'i'): RawBuilder<SqlBool> {
  const ids = scopeBranches(actor, sql`x.id`, sql<SqlBool>`1 = 1`);
  return sql<SqlBool>`${sql.ref(`${alias}.id`)} in (${sql.join(ids, sql` union all `)})`;
}

/**
 * The items in scope that meet `where`, as (id, sort_key): with only the status filtered, the organizations' items
 * come out of items_org_status_sort with their ledger keys, no table read. The organizations' branches are disjoint
 * and are simply appended; a member's branches may reach an item again, and UNION keeps it once.
 */
function scopedItems(actor: Actor, where: RawBuilder<SqlBool>) {
  return sql<{
    id: string;
    sort_key: string;
  }>`(${sql.join(scopeBranches(actor, sql`x.id, x.sort_key`, where), actor.memberId ? sql` union ` : sql` union all `)})`;
}

export interface ItemFilters {
  id?: string;
  listId?: string;
  orgId?: string;
  status?: string;
  overdue?: boolean;
  category?: string;
  escalated?: boolean;
  today: string;
  /** Time travel: the items as they were at the end of that day (Asia/Shanghai). */
  asOf?: string;
}

/** The end of a Shanghai calendar day, as the UTC instant stored in `at` columns. */
export const endOfDay = (day: string) => `${day}T16:00:00.000Z`;

/** An item's status at the end of a day: its last dated transition by then, else `open`. */
export const statusOn = (day: string, alias = 'i') =>
  sql<string>`coalesce((select se.to_status from item_events se where se.item_id = ${sql.ref(`${alias}.id`)} and se.to_status is not null
    and se.at < ${endOfDay(day)} order by se.at desc, se.id desc limit 1), 'open')`;

/**
 * How often an item was reopened (moved out of `closed`) by the end of a day. Read from item_events_reopened
 * (migration 0020), whose predicate this repeats so that the planner can use it.
 */
export const reopensBy = (day: string, alias = 'i') =>
  sql<number>`(select count(*) from item_events re where re.item_id = ${sql.ref(`${alias}.id`)} and re.from_status = 'closed' and re.at < ${endOfDay(day)})`;

/**
 * An item's status at the end of `day`, or now without one. From today on that is the item's status column: every
 * transition is in by then, and the service writes the column with its transition (one transaction; a test checks
 * that the two agree). A past day takes it from the transitions (statusOn), which at province scale means a lookup
 * per item among the events.
 */
export const statusAt = (day: string | undefined, today: string, alias = 'i') =>
  day && day < today ? statusOn(day, alias) : sql<string>`${sql.ref(`${alias}.status`)}`;

const statusOf = (f: ItemFilters, alias = 'i') => statusAt(f.asOf, f.today, alias);
// Overdue by the one deadline (the working-day target, or staff's earlier date; deadlines.repository.ts) that day.
const overdue = (f: ItemFilters, alias = 'i') => overdueOn(f.asOf ?? f.today, statusOf(f, alias), alias);

/** The filters, as conditions on one item row (`alias`). */
function filters(f: ItemFilters, alias: string): RawBuilder<SqlBool> {
  const c = (column: string) => sql.ref(`${alias}.${column}`);
  const parts: RawBuilder<SqlBool>[] = [];
  if (f.id) parts.push(sql<SqlBool>`${c('id')} = ${f.id}`);
  if (f.listId) parts.push(sql<SqlBool>`${c('list_id')} = ${f.listId}`);
  if (f.orgId) parts.push(sql<SqlBool>`(${c('org_id')} = ${f.orgId} or ${c('escalated_to_org_id')} = ${f.orgId})`);
  if (f.asOf) parts.push(sql<SqlBool>`${c('created_at')} < ${endOfDay(f.asOf)}`);
  // The current status is a column (items_org_status_sort); a status on a past day is computed per item.
  if (f.status) parts.push(sql<SqlBool>`${statusOf(f, alias)} = ${f.status}`);
  if (f.category) parts.push(sql<SqlBool>`${c('category')} = ${f.category}`);
  if (f.overdue !== undefined) parts.push(f.overdue ? overdue(f, alias) : sql<SqlBool>`not ${overdue(f, alias)}`);
  if (f.escalated) parts.push(sql<SqlBool>`${c('escalated_to_org_id')} is not null`);
  return parts.length ? sql<SqlBool>`${sql.join(parts, sql` and `)}` : sql<SqlBool>`1 = 1`;
}

/** The ledger key of an item: newest list first, then the item numbers in order, as one descending text sort. */
export function itemSortKey(listedOn: string, listNo: number, itemNo: number): string {
  // Numbers are offset so that their text sorts as numbers do, and the item number is inverted so that it comes
  // out ascending under the descending sort. The migration that added the column computes the same in SQL.
  return `${listedOn}|${100000 + listNo}|${999999 - itemNo}`;
}

/**
 * A page of items in ledger order, with all a summary and its clock need: in one statement (the page's ids, then its
 * rows with their list, organizations, people, participants, pauses and the county's target settings for the year of
 * listing, each as a JSON array), and the count of the scope in a second when `count` (a page of the list; an item or
 * a list's own items need none).
 */
export async function listItems(
  db: Executor,
  actor: Actor,
  f: ItemFilters,
  limit: number,
  cursor: Cursor | null,
  { count = true }: { count?: boolean } = {},
) {
  // The page's ids in ledger order (scope and filters, nothing else) first: the joins and sub-selects below run for
  // the page's items only, not for every item in scope.
  let page = db.selectFrom(scopedItems(actor, filters(f, 'x')).as('s')).select(['s.id', 's.sort_key']);
  if (cursor) page = page.where(afterCursor('s.sort_key', 's.id', cursor, 'desc'));
  const day = f.asOf ?? f.today;
  const raw = await db
    .with('page', () =>
      page
        .orderBy('s.sort_key', 'desc')
        .orderBy('s.id')
        .limit(limit + 1),
    )
    .selectFrom('page as pg')
    .innerJoin('items as i', 'i.id', 'pg.id')
    .innerJoin('problem_lists as l', 'l.id', 'i.list_id')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .leftJoin('temporary_orgs as g', 'g.id', 'i.responsible_group_id')
    .leftJoin('temporary_orgs as e', 'e.id', 'i.escalated_to_org_id')
    .leftJoin('users as cu', 'cu.id', 'i.closed_by')
    .selectAll('i')
    .select([
      'l.no as list_no',
      'l.title as list_title',
      'l.listed_on',
      // The item's own day of listing (the list's is `listed_on`): its clock counts from it.
      'i.listed_on as item_listed_on',
      'o.name as org_name',
      'o.region_code as org_region_code',
      'g.name as group_name',
      'e.name as escalated_name',
      'cu.display_name as closed_by_name',
      statusOf(f).as('status_on'),
      sql<string | null>`(select ev.text from item_events ev where ev.item_id = i.id and ev.kind = 'progress'
        order by ev.at desc limit 1)`.as('latest_progress'),
      // The clock's first response (deadlines.repository.ts `clockFacts`).
      sql<string | null>`(select min(ev.at) from item_events ev where ev.item_id = i.id
        and (ev.kind = 'progress' or (ev.kind = 'transition' and ev.to_status = 'in_progress')))`.as(
        'first_response_at',
      ),
      jsonList(
        db,
        [
          ['name', sql`p.name`],
          ['role', sql`im.role`],
        ],
        sql`from item_members im inner join members p on p.id = im.member_id where im.item_id = i.id and im.role = 'responsible'`,
      ).as('people_json'),
      // Those who are not Party members and assist (the electricians): on the ledger beside the responsible members.
      jsonList(
        db,
        [
          ['name', sql`ip.name`],
          ['role', sql`ip.role`],
        ],
        sql`from item_participants ip where ip.item_id = i.id`,
        sql`ip.start_on, ip.created_at`,
      ).as('participants_json'),
      jsonList(
        db,
        (
          [
            'id',
            'item_id',
            'reason',
            'note',
            'started_on',
            'started_at',
            'started_by',
            'ended_on',
            'ended_at',
            'ended_by',
          ] as const
        ).map((c) => [c, sql.ref(`ps.${c}`)] as [string, RawBuilder<unknown>]),
        sql`from item_pauses ps where ps.item_id = i.id`,
        sql`ps.started_at, ps.id`,
      ).as('pauses_json'),
      // The county's target settings up to the year of listing, newest first (settings.repository.ts `foldTargets`).
      jsonList(
        db,
        [
          ['key', sql`st.key`],
          ['value', sql`st.value`],
          ['year', sql`st.year`],
        ],
        sql`from settings st where st.county_code = substr(o.region_code, 1, 6)
          and st.year <= cast(substr(i.listed_on, 1, 4) as integer)
          and (st.key like 'response_days:%' or st.key like 'resolution_days:%')`,
        sql`st.year desc`,
      ).as('targets_json'),
    ])
    .execute();
  // The page's rows in ledger order: sorted here, twenty rows, rather than by the database a second time.
  raw.sort((a, b) => (a.sort_key === b.sort_key ? (a.id < b.id ? -1 : 1) : a.sort_key < b.sort_key ? 1 : -1));
  const people: { item_id: string; name: string; role: string }[] = [];
  const participants: { item_id: string; name: string; role: string }[] = [];
  const foldedTargets = new Map<string, DeadlineTargets>();
  const rows = raw.map(({ people_json, participants_json, pauses_json, targets_json, ...r }) => {
    for (const p of parsed<{ name: string; role: string }>(people_json)) people.push({ item_id: r.id, ...p });
    for (const p of parsed<{ name: string; role: string }>(participants_json))
      participants.push({ item_id: r.id, ...p });
    const pauses = parsed<PauseRow>(pauses_json);
    // The rows of a page share a county and a few years of listing: each set of targets is folded once.
    const key = typeof targets_json === 'string' ? targets_json : JSON.stringify(targets_json);
    let targets = foldedTargets.get(key);
    if (!targets) {
      targets = foldTargets(parsed<{ key: string; value: string; year: number }>(targets_json));
      foldedTargets.set(key, targets);
    }
    // The clock as it stood that day (its status then), and from it the one deadline and whether it had passed.
    const clock = clockOfPageRow({ ...r, status: r.status_on as typeof r.status, pauses }, targets, day);
    const due = deadlineOfClock(clock, r.status_on, r.due_on, day);
    return { ...r, pauses, clock, overdue: due.overdue, deadline_on: due.deadlineOn };
  });
  const total = count
    ? Number(
        (
          await db
            .selectFrom(scopedItems(actor, filters(f, 'x')).as('s'))
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    : rows.length;
  return { rows, people, participants, total };
}
export type ItemRow = Awaited<ReturnType<typeof listItems>>['rows'][number];

export async function itemMembers(db: Executor, itemId: string) {
  return db
    .selectFrom('item_members as im')
    .innerJoin('members as p', 'p.id', 'im.member_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'im.member_id',
      'p.name',
      'u.name as unit_name',
      'im.role',
      'im.added_on',
      'im.reason',
      'im.membership_id',
    ])
    .where('im.item_id', '=', itemId)
    .orderBy('im.role', 'desc')
    .orderBy('im.added_on')
    .execute();
}

/** Who entered the item's reports (null for a resident's own) and from where. */
export async function reportEnterers(db: Executor, itemId: string) {
  return db
    .selectFrom('item_reports as ir')
    .innerJoin('reports as r', 'r.id', 'ir.report_id')
    .select(['r.created_by', 'r.source'])
    .where('ir.item_id', '=', itemId)
    .execute();
}

/** When the item was last handed in as done (moved to awaiting confirmation), if ever. */
export async function lastSubmittedAt(db: Executor, itemId: string): Promise<string | null> {
  const r = await db
    .selectFrom('item_events')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('item_id', '=', itemId)
    .where('to_status', '=', 'awaiting_confirmation')
    .executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}

/** An item's participants who are not Party members, earliest first. */
export async function itemParticipants(db: Executor, itemId: string) {
  return db
    .selectFrom('item_participants')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('start_on')
    .orderBy('created_at')
    .execute();
}

export async function itemEvents(db: Executor, itemId: string, publicOnly = false) {
  let q = db.selectFrom('item_events').selectAll().where('item_id', '=', itemId);
  if (publicOnly) q = q.where('public', '=', 1);
  return q.orderBy('at').orderBy('id').execute();
}

export interface NewEvent {
  itemId: string;
  userId: string | null;
  actorLabel: string;
  kind: 'progress' | 'transition' | 'link' | 'escalation' | 'feedback' | 'handover' | 'edit';
  text: string;
  public: boolean;
  from?: string | null;
  to?: string | null;
  at: string;
  id: string;
}

export const insertEvent = (tx: Executor, e: NewEvent) =>
  tx
    .insertInto('item_events')
    .values({
      id: e.id,
      item_id: e.itemId,
      at: e.at,
      user_id: e.userId,
      actor_label: e.actorLabel,
      kind: e.kind,
      text: e.text,
      public: e.public ? 1 : 0,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
    })
    .execute();

/** Optimistic update of an item. */
export async function updateItem(
  tx: Executor,
  id: string,
  version: number,
  patch: Partial<ItemTable>,
): Promise<boolean> {
  const r = await tx
    .updateTable('items')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Members who have the capability, ranked by nearness to the place and by current load; any unit, any township. */
/**
 * Whom to link for an item that needs `skill` (DOMAIN §8, 因需而联): party members who have the skill or whose unit is
 * responsible for it, anywhere in the county, ranked by what matters to whoever must solve it, in this order of
 * weight: the skill itself, the unit's duty for the item's line of work, heading the unit (a deputy next), being in
 * the branch already (a designated leader most), being near the place, and last the work already on their hands.
 * Members already in the responsible party group are left out: they are there.
 */
export async function suggestMembers(
  db: Executor,
  skill: string,
  place: string,
  today: string,
  group: string | null,
  branchPath: string,
) {
  const township = place.slice(0, 9);
  const hasSkill = sql<number>`case when exists (select 1 from member_skills ms where ms.member_id = p.id and ms.skill = ${skill}) then 1 else 0 end`;
  const unitDuty = sql<number>`case when exists (select 1 from unit_duties ud where ud.unit_id = p.unit_id and ud.skill = ${skill}) then 1 else 0 end`;
  const titleRank = sql<number>`case when p.title in (${sql.join([...HEAD_TITLES])}) then 2 when p.title in (${sql.join(DEPUTY_TITLES)}) then 1 else 0 end`;
  // The best role the member holds today in the branch or its party groups: 3 designated leader, 2 group leader,
  // 1 member, 0 none.
  const branchRole = sql<number>`coalesce((select max(case when bm.role in ('secretary', 'deputy_secretary', 'committee_member') then 3
      when bm.role = 'group_leader' then 2 else 1 end)
    from memberships bm inner join temporary_orgs bo on bo.id = bm.org_id
    where bm.member_id = p.id and bo.path like ${`${branchPath}%`} and ${activeOn('bm', today)}), 0)`;
  const nearness = sql<number>`case when p.region_code = ${place} then 3 when p.region_code like ${`${township}%`} then 2
    when length(p.region_code) = 6 then 1 else 0 end`;
  const load = sql<number>`((select count(*) from memberships am where am.member_id = p.id and ${activeOn('am', today)})
    + (select count(*) from item_members lm inner join items li on li.id = lm.item_id where lm.member_id = p.id and li.status <> 'closed'))`;
  // Weights in the order of the rule: having the skill counts most; a head of the responsible unit outranks the unit's
  // people already in the branch, who outrank its people not in it yet; a designated leader of the branch who has the
  // skill outranks the unit's people not in the branch (and a little load never turns that round).
  const score = sql<number>`(40 * c.has_skill + 20 * c.unit_duty + case when c.title_rank = 2 then 25 when c.title_rank = 1 then 12 else 0 end
    + case when c.branch_role = 3 then 25 when c.branch_role > 0 then 12 else 0 end
    + 3 * c.nearness - 2 * case when c.load > 5 then 5 else c.load end)`;
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('members as p')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .innerJoin('regions as g', 'g.code', 'p.region_code')
        .select(['p.id', 'p.name', 'p.title', 'p.name_pinyin', 'u.name as unit_name', 'g.name as region_name'])
        .select([
          hasSkill.as('has_skill'),
          unitDuty.as('unit_duty'),
          titleRank.as('title_rank'),
          branchRole.as('branch_role'),
          nearness.as('nearness'),
          load.as('load'),
        ])
        .where('p.party_status', '<>', 'none')
        .where((w) =>
          w.or([
            w.exists(
              w
                .selectFrom('member_skills as s')
                .select('s.member_id')
                .whereRef('s.member_id', '=', 'p.id')
                .where('s.skill', '=', skill),
            ),
            w.exists(
              w
                .selectFrom('unit_duties as d')
                .select('d.unit_id')
                .whereRef('d.unit_id', '=', 'p.unit_id')
                .where('d.skill', '=', skill),
            ),
          ]),
        )
        .$if(group !== null, (b) =>
          b.where(
            sql<SqlBool>`not exists (select 1 from memberships xm where xm.member_id = p.id and xm.org_id = ${group} and ${activeOn('xm', today)})`,
          ),
        )
        .as('c'),
    )
    .selectAll('c')
    .select(score.as('score'))
    .orderBy(score, 'desc')
    .orderBy('c.load')
    .orderBy('c.name_pinyin')
    .limit(20)
    .execute();
  const skills = rows.length
    ? await db
        .selectFrom('member_skills')
        .select(['member_id', 'skill'])
        .where(
          'member_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return { rows, skills };
}

/** Units that can help: those responsible for the line of work first, then the nearest, then those with most people. */
export async function suggestUnits(db: Executor, skill: string, place: string) {
  const township = place.slice(0, 9);
  return db
    .selectFrom('units as u')
    .innerJoin('regions as g', 'g.code', 'u.region_code')
    .select([
      'u.id',
      'u.name',
      'g.name as region_name',
      sql<number>`(select count(*) from members p where p.unit_id = u.id and p.party_status <> 'none'
        and exists (select 1 from member_skills s where s.member_id = p.id and s.skill = ${skill}))`.as('n'),
      sql<number>`case when exists (select 1 from unit_duties d where d.unit_id = u.id and d.skill = ${skill}) then 1 else 0 end`.as(
        'duty',
      ),
      sql<number>`case when u.region_code = ${place} then 3 when u.region_code like ${`${township}%`} then 2
        when length(u.region_code) = 6 then 1 else 0 end`.as('nearness'),
    ])
    .where((w) =>
      w.or([
        w.exists(
          w
            .selectFrom('unit_duties as d')
            .select('d.unit_id')
            .whereRef('d.unit_id', '=', 'u.id')
            .where('d.skill', '=', skill),
        ),
        w.exists(
          w
            .selectFrom('members as p')
            .innerJoin('member_skills as s', 's.member_id', 'p.id')
            .select('p.id')
            .whereRef('p.unit_id', '=', 'u.id')
            .where('s.skill', '=', skill)
            .where('p.party_status', '<>', 'none'),
        ),
      ]),
    )
    .orderBy('duty', 'desc')
    .orderBy('nearness', 'desc')
    .orderBy('n', 'desc')
    .orderBy('u.name')
    .limit(10)
    .execute();
}

/** Secretaries and deputies of an organization today: who hears of an escalation. */
export async function leadersOf(db: Executor, orgId: string, today: string) {
  const rows = await db
    .selectFrom('memberships as m')
    .select('m.member_id')
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ['secretary', 'deputy_secretary'])
    .where(activeOn('m', today))
    .execute();
  return rows.map((r) => r.member_id);
}

/**
 * Open items whose one deadline (`deadlineOn`, pauses up to `today` counted) comes by `by`, the oldest
 * deadline first, each with its responsible group's name: those a member works on,
 * and those of an organization and everything under it (a branch and its party groups), whoever works them, as a
 * branch secretary's day starts with. One page after the cursor, with how many there are in all.
 */
export async function openItemsDue(
  db: Executor,
  of: { memberId: string | null; orgPath: string | null },
  today: string,
  by: string,
  limit: number,
  cursor: Cursor | null,
) {
  const { memberId, orgPath } = of;
  const dueOn = deadlineOn(today);
  const b = db
    .selectFrom('items as i')
    .leftJoin('temporary_orgs as g', 'g.id', 'i.responsible_group_id')
    .where('i.status', '<>', 'closed')
    .where(sql<SqlBool>`${dueOn} <= ${by}`)
    .where((eb) =>
      eb.or([
        ...(memberId
          ? [
              eb.exists(
                eb
                  .selectFrom('item_members as im')
                  .select('im.item_id')
                  .whereRef('im.item_id', '=', 'i.id')
                  .where('im.member_id', '=', memberId),
              ),
            ]
          : []),
        ...(orgPath
          ? [
              eb.exists(
                eb
                  .selectFrom('temporary_orgs as o')
                  .select('o.id')
                  .whereRef('o.id', '=', 'i.org_id')
                  .where('o.path', 'like', `${orgPath}%`),
              ),
            ]
          : []),
      ]),
    );
  if (!memberId && !orgPath) return { rows: [], total: 0 };
  const [rows, total] = await Promise.all([
    limit === 0
      ? []
      : (cursor ? b.where(afterCursor(dueOn, 'i.id', cursor, 'asc')) : b)
          .select(['i.id', 'i.no', 'i.problem', dueOn.as('due_on'), 'g.name as group_name'])
          .select(sql<number>`case when ${overdueOn(today, sql<string>`i.status`)} then 1 else 0 end`.as('overdue'))
          .orderBy(dueOn)
          .orderBy('i.id')
          .limit(limit)
          .execute(),
    b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---------------------------------------------------------------------------------------------------------------
// Problem lists

/** Problem lists in scope (one by id, or of an organization), newest first, with their progress counts. */
/** What the problem lists may be filtered by: one list, an organization, words of the title, the day listed. */
export interface ProblemListFilter {
  orgId?: string | undefined;
  id?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function problemLists(db: Executor, actor: Actor, f: ProblemListFilter) {
  let b = db
    .selectFrom('problem_lists as l')
    .innerJoin('temporary_orgs as o', 'o.id', 'l.org_id')
    .where(orgInScope(actor, 'o'));
  if (f.orgId) b = b.where('l.org_id', '=', f.orgId);
  if (f.id) b = b.where('l.id', '=', f.id);
  if (f.q) b = b.where(contains('l.title', f.q));
  if (f.from) b = b.where('l.listed_on', '>=', f.from);
  if (f.to) b = b.where('l.listed_on', '<=', f.to);
  return b;
}

export async function problemListPage(
  db: Executor,
  actor: Actor,
  f: ProblemListFilter,
  today: string,
  limit: number,
  cursor: Cursor | null,
) {
  const b = problemLists(db, actor, f);
  const rows = await (cursor ? b.where(afterCursor('l.listed_on', 'l.id', cursor, 'desc')) : b)
    .select([
      'l.id',
      'l.org_id',
      'o.name as org_name',
      'l.no',
      'l.title',
      'l.listed_on',
      'l.version',
      sql<number>`(select count(*) from items i where i.list_id = l.id)`.as('item_count'),
      sql<number>`(select count(*) from items i where i.list_id = l.id and i.status = 'closed')`.as('closed_count'),
      sql<number>`(select count(*) from items i where i.list_id = l.id and ${overdueOn(today, sql<string>`i.status`)})`.as(
        'overdue_count',
      ),
    ])
    .orderBy('l.listed_on', 'desc')
    .orderBy('l.id')
    .limit(limit + 1)
    .execute();
  const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The organization a list is made in, if in the actor's scope. */
export const orgForList = (db: Executor, actor: Actor, orgId: string) =>
  orgInReach(db, actor, orgId, ['id', 'level', 'status', 'path', 'established_on'] as const);

/** The next number of a list of the organization (the caller holds the organization's row). */
export async function nextListNo(tx: Executor, orgId: string): Promise<number> {
  const last = await tx
    .selectFrom('problem_lists')
    .select((eb) => eb.fn.max('no').as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(last?.n ?? 0) + 1;
}

export const insertList = (tx: Executor, row: Insertable<ProblemListTable>) =>
  tx.insertInto('problem_lists').values(row).execute();

/** A list in scope with what a new item needs of it and of its organization. */
export const listInScope = (db: Executor, actor: Actor, listId: string) =>
  db
    .selectFrom('problem_lists as l')
    .innerJoin('temporary_orgs as o', 'o.id', 'l.org_id')
    .select(['l.id', 'l.org_id', 'l.no', 'l.listed_on', 'o.path', 'o.status'])
    .where('l.id', '=', listId)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();

/** The next number of an item on the list (the caller holds the list's row). */
export async function nextItemNo(tx: Executor, listId: string): Promise<number> {
  const last = await tx
    .selectFrom('items')
    .select((eb) => eb.fn.max('no').as('n'))
    .where('list_id', '=', listId)
    .executeTakeFirst();
  return Number(last?.n ?? 0) + 1;
}

export const listedOn = async (db: Executor, listId: string) =>
  (await db.selectFrom('problem_lists').select('listed_on').where('id', '=', listId).executeTakeFirstOrThrow())
    .listed_on;

// ---------------------------------------------------------------------------------------------------------------
// What a new item may name: each answers whether the thing belongs where the item is

/** A live party group of the branch. */
export const isGroupOf = async (db: Executor, groupId: string, branchId: string) =>
  Boolean(
    await db
      .selectFrom('temporary_orgs')
      .select('id')
      .where('id', '=', groupId)
      .where('parent_id', '=', branchId)
      .where('level', '=', 'group')
      .where('status', '<>', 'dissolved')
      .executeTakeFirst(),
  );

/**
 * A member of the branch or its groups on the day, by a membership that is not a link by need for another item (that
 * link covers that item only, never a new responsibility).
 */
export const isBranchMember = async (db: Executor, memberId: string, branchPath: string, day: string) =>
  Boolean(
    await db
      .selectFrom('memberships as m')
      .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('m.member_id', '=', memberId)
      .where('o.path', 'like', `${branchPath}%`)
      .where(activeOn('m', day))
      .where(notLinkedByNeed('m'))
      .executeTakeFirst(),
  );

export const reportVisibleTo = async (db: Executor, actor: Actor, reportId: string) =>
  Boolean(
    await db
      .selectFrom('reports as r')
      .select(['r.id'])
      .where('r.id', '=', reportId)
      .where(reportInScope(actor, 'r'))
      .executeTakeFirst(),
  );

export const unitExists = async (db: Executor, unitId: string) =>
  Boolean(await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst());

/** A stage of one of the branch's industry chains. */
export const isStageOf = async (db: Executor, stageId: string, branchId: string) =>
  Boolean(
    await db
      .selectFrom('chain_stages as s')
      .innerJoin('chains as c', 'c.id', 's.chain_id')
      .select('s.id')
      .where('s.id', '=', stageId)
      .where('c.org_id', '=', branchId)
      .executeTakeFirst(),
  );

export const isProjectOf = async (db: Executor, projectId: string, branchId: string) =>
  Boolean(
    await db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .where('org_id', '=', branchId)
      .executeTakeFirst(),
  );

// ---------------------------------------------------------------------------------------------------------------
// An item's own rows

export const insertItem = (tx: Executor, row: Insertable<ItemTable>) => tx.insertInto('items').values(row).execute();

/** The item's source reports, each marked listed. */
/**
 * Links new reports to an item and marks them listed, each in one statement that takes only a report still new: a
 * report is on one item (duplicates are merged into one item, not listed twice), and a report dismissed at the same
 * moment is either dismissed or listed, never both (`dismissReport` is its other half). Answers the reports it could
 * not list, with their status; the caller refuses the change when there are any.
 */
export async function linkReports(
  tx: Executor,
  itemId: string,
  reportIds: Iterable<string>,
  now: string,
): Promise<{ id: string; status: string }[]> {
  const refused: { id: string; status: string }[] = [];
  for (const reportId of reportIds) {
    const listed = await tx
      .updateTable('reports')
      .set((eb) => ({ status: 'listed', version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', reportId)
      .where('status', '=', 'new')
      .executeTakeFirst();
    if (Number(listed.numUpdatedRows) === 0) {
      const r = await tx.selectFrom('reports').select('status').where('id', '=', reportId).executeTakeFirst();
      refused.push({ id: reportId, status: r?.status ?? 'missing' });
      continue;
    }
    await tx.insertInto('item_reports').values({ item_id: itemId, report_id: reportId }).execute();
  }
  return refused;
}

export const insertItemMember = (tx: Executor, row: Insertable<ItemMemberTable>) =>
  tx.insertInto('item_members').values(row).execute();

export async function linkUnits(tx: Executor, itemId: string, unitIds: Iterable<string>) {
  for (const unitId of unitIds)
    await tx.insertInto('item_units').values({ item_id: itemId, unit_id: unitId }).execute();
}

/** The whole row of an item (its caller has already checked that it may see it). */
export const itemRow = (db: Executor, id: string) =>
  db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The organization an item belongs to: whether it is live, where it sits, where it works. */
export const itemOrg = (db: Executor, orgId: string) =>
  db
    .selectFrom('temporary_orgs')
    .select(['status', 'path', 'region_code'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();

export const itemUnits = (db: Executor, itemId: string) =>
  db
    .selectFrom('item_units as iu')
    .innerJoin('units as u', 'u.id', 'iu.unit_id')
    .select(['u.id', 'u.name'])
    .where('iu.item_id', '=', itemId)
    .execute();

export const itemReports = (db: Executor, itemId: string) =>
  db
    .selectFrom('item_reports as ir')
    .innerJoin('reports as r', 'r.id', 'ir.report_id')
    .select(['r.id', 'r.source', 'r.description', 'r.reported_at'])
    .where('ir.item_id', '=', itemId)
    .execute();

export const regionName = async (db: Executor, code: string) =>
  (await db.selectFrom('regions').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null;

export const userDisplayName = async (db: Executor, userId: string) =>
  (await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst())?.display_name ??
  null;

export const disputeOutcome = async (db: Executor, itemId: string) =>
  (await db.selectFrom('disputes').select('outcome').where('item_id', '=', itemId).executeTakeFirst())?.outcome ?? null;

// ---------------------------------------------------------------------------------------------------------------
// Participants who are not Party members

/** A person of the county's register, with their unit. */
export const countyPerson = (db: Executor, memberId: string, county: string) =>
  db
    .selectFrom('members as p')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.name', 'p.party_status', 'u.id as unit_id', 'u.name as unit_name'])
    .where('p.id', '=', memberId)
    .where(underRegion('p.region_code', county))
    .executeTakeFirst();

/** Whether the person (by register id, or by name and unit) is assisting with the item now. */
export const isParticipating = async (
  db: Executor,
  itemId: string,
  person: { member_id: string | null; name: string; unit_name: string },
) =>
  Boolean(
    await db
      .selectFrom('item_participants')
      .select('id')
      .where('item_id', '=', itemId)
      .where('end_on', 'is', null)
      .where((eb) =>
        person.member_id
          ? eb('member_id', '=', person.member_id)
          : eb.and([eb('name', '=', person.name), eb('unit_name', '=', person.unit_name)]),
      )
      .executeTakeFirst(),
  );

export const insertParticipant = (tx: Executor, row: Insertable<ItemParticipantTable>) =>
  tx.insertInto('item_participants').values(row).execute();

export const participantOf = (db: Executor, itemId: string, participantId: string) =>
  db
    .selectFrom('item_participants')
    .selectAll()
    .where('id', '=', participantId)
    .where('item_id', '=', itemId)
    .executeTakeFirst();

export const endParticipant = (tx: Executor, id: string, version: number, endOn: string) =>
  updateAtVersion(tx, 'item_participants', id, version, { end_on: endOn });

// ---------------------------------------------------------------------------------------------------------------
// Closing and reopening: those who helped finish with the item, and come back with it

/** Ends the help of everyone still assisting with the item. */
export const endParticipants = (tx: Executor, itemId: string, today: string) =>
  tx
    .updateTable('item_participants')
    .set((eb) => ({ end_on: today, version: eb('version', '+', 1) }))
    .where('item_id', '=', itemId)
    .where('end_on', 'is', null)
    .execute();

/** Ends the party-group memberships that linked members by need for this item. */
export async function endLinkedMemberships(tx: Executor, itemId: string, today: string, reason: string, now: string) {
  const linked = await tx
    .selectFrom('item_members')
    .select(['membership_id'])
    .where('item_id', '=', itemId)
    .where('role', '=', 'linked')
    .where('membership_id', 'is not', null)
    .execute();
  for (const l of linked) {
    await tx
      .updateTable('memberships')
      .set((eb) => ({ end_on: today, end_reason: reason, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', l.membership_id as string)
      .where('end_on', 'is', null)
      .execute();
  }
}

/** The ended memberships of the members linked by need for this item. */
export const endedLinks = (db: Executor, itemId: string) =>
  db
    .selectFrom('item_members as im')
    .innerJoin('memberships as m', 'm.id', 'im.membership_id')
    .select(['im.member_id', 'm.id as membership_id', 'm.org_id', 'm.link_reason', 'm.end_on'])
    .where('im.item_id', '=', itemId)
    .where('im.role', '=', 'linked')
    .where('m.end_on', 'is not', null)
    .execute();

/** Undoes the end of a membership (ended today, it was never really over). */
export const reopenMembership = (tx: Executor, id: string, now: string) =>
  tx
    .updateTable('memberships')
    .set((eb) => ({ end_on: null, end_reason: null, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .execute();

/** Points the item's link to a member at their new membership. */
export const relinkMember = (tx: Executor, itemId: string, memberId: string, membershipId: string) =>
  tx
    .updateTable('item_members')
    .set({ membership_id: membershipId })
    .where('item_id', '=', itemId)
    .where('member_id', '=', memberId)
    .where('role', '=', 'linked')
    .execute();

/** Everyone working on the item. */
export const itemWorkerIds = async (db: Executor, itemId: string) =>
  (await db.selectFrom('item_members').select('member_id').where('item_id', '=', itemId).execute()).map(
    (w) => w.member_id,
  );

// ---------------------------------------------------------------------------------------------------------------
// Link by need and escalation

/**
 * The county's special-task branches and general branches that are live, ranked by how many of their members have
 * the capability, then by level and name; `id` narrows to one.
 */
export function escalationTargets(db: Executor, county: string, skill: string | undefined, id?: string) {
  let q = db
    .selectFrom('temporary_orgs as o')
    .select([
      'o.id',
      'o.name',
      'o.level',
      'o.kind',
      sql<number>`(select count(distinct m.member_id) from memberships m inner join temporary_orgs s on s.id = m.org_id
          inner join member_skills ms on ms.member_id = m.member_id
          where s.path like o.path || '%' and m.end_on is null and ms.skill = ${skill ?? ''})`.as('n'),
    ])
    .where('o.status', 'in', ['active', 'rectification'])
    .where((eb) => eb.or([eb('o.kind', '=', 'special'), eb('o.level', '=', 'general_branch')]))
    .where(underRegion('o.region_code', county));
  if (id) q = q.where('o.id', '=', id);
  return q.orderBy('n', 'desc').orderBy('o.level').orderBy('o.name').orderBy('o.id').execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Editing an item after its list was made

/** Names of the members, in the order given (for the trail). */
export const memberNames = async (db: Executor, ids: string[]) => {
  if (!ids.length) return [];
  const rows = await db.selectFrom('members').select(['id', 'name']).where('id', 'in', ids).execute();
  return ids.map((id) => rows.find((r) => r.id === id)?.name ?? '');
};

/** The name of an organization (a party group, for the trail). */
export const orgName = async (db: Executor, id: string) =>
  (await db.selectFrom('temporary_orgs').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;

/** Replaces the item's responsible members: those left out are removed, the new ones added on `addedOn`. */
export async function replaceResponsible(tx: Executor, itemId: string, memberIds: string[], addedOn: string) {
  const now = await tx
    .selectFrom('item_members')
    .select('member_id')
    .where('item_id', '=', itemId)
    .where('role', '=', 'responsible')
    .execute();
  const keep = new Set(memberIds);
  const gone = now.map((r) => r.member_id).filter((m) => !keep.has(m));
  if (gone.length)
    await tx
      .deleteFrom('item_members')
      .where('item_id', '=', itemId)
      .where('role', '=', 'responsible')
      .where('member_id', 'in', gone)
      .execute();
  const had = new Set(now.map((r) => r.member_id));
  const added = memberIds.filter((m) => !had.has(m));
  for (const memberId of added)
    await insertItemMember(tx, {
      item_id: itemId,
      member_id: memberId,
      role: 'responsible',
      membership_id: null,
      added_on: addedOn,
      reason: null,
    });
  return added;
}

/** The member's link by need on the item, with the membership it made (if any). */
export const linkOf = (db: Executor, itemId: string, memberId: string) =>
  db
    .selectFrom('item_members as im')
    .innerJoin('members as p', 'p.id', 'im.member_id')
    .select(['im.member_id', 'p.name', 'im.membership_id', 'im.reason', 'im.added_on'])
    .where('im.item_id', '=', itemId)
    .where('im.member_id', '=', memberId)
    .where('im.role', '=', 'linked')
    .executeTakeFirst();

/** Removes the member's link by need from the item: with it goes the access to the item it gave. */
export const removeLink = (tx: Executor, itemId: string, memberId: string) =>
  tx
    .deleteFrom('item_members')
    .where('item_id', '=', itemId)
    .where('member_id', '=', memberId)
    .where('role', '=', 'linked')
    .execute();

/** Ends one membership still running, on `day`, with the reason. */
export const endMembershipOn = (tx: Executor, id: string, day: string, reason: string, now: string) =>
  tx
    .updateTable('memberships')
    .set((eb) => ({ end_on: day, end_reason: reason, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('end_on', 'is', null)
    .execute();

/** Members linked by need on the item whose membership in the party group still runs. */
export const activeLinks = (db: Executor, itemId: string) =>
  db
    .selectFrom('item_members as im')
    .innerJoin('memberships as m', 'm.id', 'im.membership_id')
    .select(['im.member_id'])
    .where('im.item_id', '=', itemId)
    .where('im.role', '=', 'linked')
    .where('m.end_on', 'is', null)
    .execute();

/** A report the actor may see, with what joining an item needs. */
export const reportForItem = (db: Executor, actor: Actor, reportId: string) =>
  db
    .selectFrom('reports as r')
    .select(['r.id', 'r.org_id', 'r.status', 'r.description', 'r.source'])
    .where('r.id', '=', reportId)
    .where(reportInScope(actor, 'r'))
    .executeTakeFirst();

/**
 * The text messages to the residents who reported an item (those about the item, and the acceptance of its reports),
 * oldest first, with how many tries each took.
 */
export function itemMessages(db: Executor, itemId: string) {
  return db
    .selectFrom('notices as n')
    .select([
      'n.id',
      'n.purpose',
      'n.status',
      'n.created_at',
      'n.not_before',
      'n.sent_at',
      'n.to_enc',
      'n.tries',
      'n.last_code',
      'n.last_message',
    ])
    .where('n.channel', '=', 'sms')
    .where((eb) =>
      eb.or([
        eb('n.item_id', '=', itemId),
        eb(
          'n.report_id',
          'in',
          eb.selectFrom('item_reports as ir').select('ir.report_id').where('ir.item_id', '=', itemId),
        ),
      ]),
    )
    .orderBy('n.created_at')
    .orderBy('n.id')
    .execute();
}
