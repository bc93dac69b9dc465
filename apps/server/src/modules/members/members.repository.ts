import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { jsonList, parsed } from '../../db/json.ts';
import type { MemberTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { memberInScope } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';
import { contains, startsWith } from '../../lib/like.ts';

export interface MemberFilters {
  q?: string;
  unitId?: string;
  skill?: string;
  partyStatus?: string;
  linked?: boolean;
  today: string;
  id?: string;
}

const linkedExists = (today: string) =>
  sql<boolean>`exists (select 1 from memberships lm where lm.member_id = p.id and ${activeOn('lm', today)})`;

function filtered(db: Executor, actor: Actor, f: MemberFilters) {
  let q = db.selectFrom('members as p').where(memberInScope(actor, 'p'));
  if (f.id) q = q.where('p.id', '=', f.id);
  if (f.q) {
    const text = f.q;
    const term = text.toLowerCase();
    q = q.where((eb) =>
      eb.or([contains('p.name', text), startsWith('p.name_initials', term), startsWith('p.name_pinyin', term)]),
    );
  }
  if (f.unitId) q = q.where('p.unit_id', '=', f.unitId);
  if (f.partyStatus) q = q.where('p.party_status', '=', f.partyStatus as MemberTable['party_status']);
  if (f.skill) {
    const skill = f.skill;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member_skills as s')
          .select(sql`1`.as('one'))
          .whereRef('s.member_id', '=', 'p.id')
          .where('s.skill', '=', skill),
      ),
    );
  }
  if (f.linked !== undefined) {
    q = f.linked ? q.where(linkedExists(f.today)) : q.where(sql<boolean>`not ${linkedExists(f.today)}`);
  }
  return q;
}

export async function listMembers(db: Executor, actor: Actor, f: MemberFilters, limit: number, cursor: Cursor | null) {
  // The page's members first (scope, filters, order and keyset on the members alone), then their units, home
  // organizations, memberships and skills, for the page's twenty only, in the same statement.
  let ids = filtered(db, actor, f).select(['p.id', 'p.name_pinyin']);
  if (cursor) ids = ids.where(afterCursor('p.name_pinyin', 'p.id', cursor, 'asc'));
  const rows = await db
    .with('page', () =>
      ids
        .orderBy('p.name_pinyin')
        .orderBy('p.id')
        .limit(limit + 1),
    )
    .selectFrom('page as pg')
    .innerJoin('members as p', 'p.id', 'pg.id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .leftJoin('party_orgs as h', 'h.id', 'p.home_party_org_id')
    .select([
      'p.id',
      'p.name',
      'p.name_initials',
      'p.name_pinyin',
      'p.gender',
      'p.party_status',
      'p.title',
      'p.unit_id',
      'u.name as unit_name',
      'p.region_code',
      'p.home_party_org_id',
      'h.name as home_org_name',
      'p.version',
      sql<number>`(select count(*) from memberships am where am.member_id = p.id and ${activeOn('am', f.today)})`.as(
        'active_memberships',
      ),
      jsonList(db, [['skill', sql`s.skill`]], sql`from member_skills s where s.member_id = p.id`, sql`s.skill`).as(
        'skills_json',
      ),
    ])
    .orderBy('pg.name_pinyin')
    .orderBy('pg.id')
    .execute();
  const total = await filtered(db, actor, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    rows: rows.map(({ skills_json, ...r }) => ({
      ...r,
      skills: parsed<{ skill: string }>(skills_json).map((s) => s.skill),
    })),
    total: Number(total.n),
  };
}

/** A unit with its region (where a person registered in it belongs). */
export const unitOf = (db: Executor, id: string) =>
  db.selectFrom('units').select(['id', 'region_code']).where('id', '=', id).executeTakeFirst();

/** Whether a formal Party organization of this id exists. */
export const partyOrgExists = async (db: Executor, id: string) =>
  Boolean(await db.selectFrom('party_orgs').select('id').where('id', '=', id).executeTakeFirst());

/** A person of the register and their skills (each once). */
export async function insertMember(tx: Executor, row: Insertable<MemberTable>, skills: readonly string[]) {
  await tx.insertInto('members').values(row).execute();
  for (const skill of new Set(skills))
    await tx
      .insertInto('member_skills')
      .values({ member_id: row.id as string, skill })
      .execute();
}
