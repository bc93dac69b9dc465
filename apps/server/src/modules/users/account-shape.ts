import { ACCOUNT_SCOPES, type GrantingField, type UserRole, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { contains } from '../../lib/like.ts';
import { Problem, notFound } from '../../lib/problem.ts';
import { underRegion } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';
import type { ScopeOptionsView } from './users.schemas.ts';
import { known } from '../../lib/known.ts';

type Field = Exclude<GrantingField, 'role'>;

/** What an account is tied to, besides its role (the fields `GRANTING` names). */
export type AccountShape = { role: UserRole } & { [K in Field]?: string | null | undefined };

/** What checking an account found: the region it lies in (who sees its requests), its organization's name and coverage. */
export interface CheckedAccount {
  region: string;
  orgName: string | null;
  /** The region codes its organization covers (the register it reads); none for a region account. */
  coverage: string[];
}

const SECRETARY_POSTS = ['secretary', 'deputy_secretary'] as const;

/** The region a caller may tie accounts to: its own; an actor without one gives none. */
export const regionOf = (actor: Actor) => actor.regionCode ?? '\u0000';

/**
 * Checks an account once, whichever the door (a create, a change, an approved request, the operator's command), and
 * returns what the check read. First its targets: the region and the organization exist and lie under `within`, the
 * caller's region ('' for the operator) — 404 otherwise, as for any record out of reach. Then its role and scope agree
 * (400 `account_scope_invalid`, each field at fault in `errors[].path`), or the account would reach what its role
 * should not: a township administrator over the whole county, a branch account over a committee's tree, anyone's
 * account in someone else's name. The shapes are `ACCOUNT_SCOPES`, shared with the account form:
 * - county, security and audit administrators: a county; the county administrator may act for that county's committee;
 * - a township administrator: a township, acting (if at all) for that township's committee;
 * - a supervisor: a county or a township;
 * - a branch secretary: a live general branch or branch, and the person who holds its secretary or deputy post today;
 * - a member: an organization, and a person in it or one of its party groups today.
 * The messages name no role: the screen shows the role in its own words, the field by its path.
 */
export async function checkAccountShape(tx: Executor, a: AccountShape, within = ''): Promise<CheckedAccount> {
  if (
    a.regionCode &&
    !(
      a.regionCode.startsWith(within) &&
      (await tx.selectFrom('regions').select('code').where('code', '=', a.regionCode).executeTakeFirst())
    )
  ) {
    throw notFound('区划');
  }
  // The organization and what it covers, in one read.
  const orgRows = a.orgId
    ? await tx
        .selectFrom('temporary_orgs as t')
        .leftJoin('org_regions as r', 'r.org_id', 't.id')
        .select(['t.name', 't.level', 't.status', 't.region_code', 'r.region_code as covered'])
        .where('t.id', '=', a.orgId)
        .orderBy('r.region_code')
        .execute()
    : [];
  const org = orgRows[0];
  if (a.orgId && !org?.region_code.startsWith(within)) throw notFound('组织');

  const errors: { path: Field; message: string }[] = [];
  const none = (path: Field, what: string) => {
    if (a[path]) errors.push({ path, message: `该角色的账号不设${what}` });
  };
  const scope = ACCOUNT_SCOPES[a.role];
  if (scope.kind === 'region') {
    none('orgId', '组织范围');
    none('memberId', '对应人员');
    const lengths = scope.lengths.map((l) => (l === 6 ? '县（6 位）' : '乡镇（9 位）')).join('或');
    if (!a.regionCode || !(scope.lengths as readonly number[]).includes(a.regionCode.length))
      errors.push({ path: 'regionCode', message: `该角色的账号范围须是一个${lengths}区划` });
    if (!scope.acting) none('actingPartyOrgId', '代行的党委');
    else if (a.actingPartyOrgId) {
      const committee = await tx
        .selectFrom('party_orgs')
        .select(['kind', 'region_code'])
        .where('id', '=', a.actingPartyOrgId)
        .executeTakeFirst();
      if (committee?.kind !== scope.acting || committee.region_code !== a.regionCode) {
        errors.push({
          path: 'actingPartyOrgId',
          message: `只能代行本${scope.acting === 'county_committee' ? '县县委' : '乡镇党委'}`,
        });
      }
    }
  } else {
    const { secretary } = scope;
    none('regionCode', '区划范围');
    none('actingPartyOrgId', '代行的党委');
    if (!org || org.status === 'dissolved') errors.push({ path: 'orgId', message: '须属一个存续的临时党组织' });
    else if (secretary && org.level !== 'branch' && org.level !== 'general_branch') {
      errors.push({ path: 'orgId', message: '书记的账号须属临时党支部或党总支，不能是党委或党小组' });
    }
    if (!a.memberId) errors.push({ path: 'memberId', message: '须对应一名人员' });
    else if (org && a.orgId) {
      const orgId = a.orgId;
      let held = tx
        .selectFrom('memberships as m')
        .innerJoin('temporary_orgs as t', 't.id', 'm.org_id')
        .select('m.id')
        .where('m.member_id', '=', a.memberId)
        .where(activeOn('m', todayInShanghai()));
      // A secretary holds the post in the organization itself; a member may sit in one of its party groups.
      held = secretary
        ? held.where('t.id', '=', orgId).where('m.role', 'in', SECRETARY_POSTS)
        : held.where((eb) =>
            eb.or([eb('t.id', '=', orgId), eb.and([eb('t.parent_id', '=', orgId), eb('t.level', '=', 'group')])]),
          );
      if (!(await held.executeTakeFirst())) {
        errors.push({
          path: 'memberId',
          message: secretary ? '该人员现不是这个组织的书记或副书记' : '该人员现不在这个组织或其党小组中',
        });
      }
    }
  }
  if (errors.length)
    throw new Problem(
      400,
      'account_scope_invalid',
      `账号的范围不符合其角色：${errors.map((e) => e.message).join('；')}`,
      errors,
    );
  return {
    // A region account's shape holds its region, an organization account's its organization: one of the two is set.
    region: known(a.regionCode || org?.region_code, 'the account’s region'),
    orgName: org?.name ?? null,
    coverage: orgRows.flatMap((r) => (r.covered === null ? [] : [r.covered])),
  };
}

/** An account whose role and scope disagree, with the fields at fault. */
export interface AccountOutOfShape {
  id: string;
  username: string;
  role: string;
  errors: { path: string; message: string }[];
}

/**
 * Every account whose role and scope disagree (`lianjian check-accounts`): made before the shape was checked, by an
 * older `create-user`, or left behind since (an organization dissolved, a post ended). Checked by the rule every
 * create and change passes.
 */
export async function accountsOutOfShape(db: Executor): Promise<AccountOutOfShape[]> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'scope_region_code', 'scope_org_id', 'acting_party_org_id', 'member_id'])
    .orderBy('username')
    .execute();
  const out: AccountOutOfShape[] = [];
  for (const u of users) {
    const shape = {
      role: u.role,
      regionCode: u.scope_region_code,
      orgId: u.scope_org_id,
      actingPartyOrgId: u.acting_party_org_id,
      memberId: u.member_id,
    };
    const errors = await checkAccountShape(db, shape).then(
      () => null,
      (e: unknown) => {
        if (!(e instanceof Problem)) throw e;
        return e.errors ?? [{ path: '', message: e.message }];
      },
    );
    if (errors) out.push({ id: u.id, username: u.username, role: u.role, errors });
  }
  return out;
}

/**
 * What the account form offers the security administrator, inside its region: the county and township committees,
 * and up to 20 live organizations (by name, or the one asked for) with the people in them today. Ids and names
 * only: the security administrator reads no organization, member or household records (三权分立).
 */
export async function scopeOptions(
  db: Executor,
  actor: Actor,
  q: { orgQuery?: string | undefined; orgId?: string | undefined },
): Promise<ScopeOptionsView> {
  if (actor.regionCode === null) return { committees: [], orgs: [] };
  const inRegion = (column: string) => underRegion(column, known(actor.regionCode, 'the actor’s region'));
  const committees = await db
    .selectFrom('party_orgs')
    .select(['id', 'name', 'kind', 'region_code'])
    .where('kind', 'in', ['county_committee', 'township_committee'])
    .where(inRegion('region_code'))
    .orderBy('region_code')
    .orderBy('name')
    .limit(500)
    .execute();
  let orgQuery = db
    .selectFrom('temporary_orgs')
    .select(['id', 'name', 'level'])
    .where('status', '!=', 'dissolved')
    .where('level', '!=', 'group')
    .where(inRegion('region_code'));
  if (q.orgId) orgQuery = orgQuery.where('id', '=', q.orgId);
  else if (q.orgQuery) orgQuery = orgQuery.where(contains('name', q.orgQuery));
  const orgs = await orgQuery.orderBy('name').orderBy('id').limit(20).execute();
  const ids = orgs.map((o) => o.id);
  const people = ids.length
    ? await db
        .selectFrom('memberships as m')
        .innerJoin('temporary_orgs as t', 't.id', 'm.org_id')
        .innerJoin('members as p', 'p.id', 'm.member_id')
        .select(['t.id as org_id', 't.parent_id', 't.level', 'm.role', 'm.member_id', 'p.name'])
        .where(activeOn('m', todayInShanghai()))
        .where((eb) =>
          eb.or([eb('t.id', 'in', ids), eb.and([eb('t.parent_id', 'in', ids), eb('t.level', '=', 'group')])]),
        )
        .orderBy('p.name')
        .orderBy('m.member_id')
        .execute()
    : [];
  const covered = ids.length
    ? await db
        .selectFrom('org_regions')
        .select(['org_id', 'region_code'])
        .where('org_id', 'in', ids)
        .orderBy('region_code')
        .execute()
    : [];
  return {
    committees: committees.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind as 'county_committee' | 'township_committee',
      regionCode: c.region_code,
    })),
    orgs: orgs.map((o) => {
      const candidates = new Map<string, { memberId: string; name: string; secretary: boolean }>();
      for (const p of people) {
        const direct = p.org_id === o.id;
        if (!direct && p.parent_id !== o.id) continue;
        const secretary = direct && (SECRETARY_POSTS as readonly string[]).includes(p.role);
        const seen = candidates.get(p.member_id);
        candidates.set(p.member_id, {
          memberId: p.member_id,
          name: p.name,
          secretary: secretary || (seen?.secretary ?? false),
        });
      }
      const coverage = covered.filter((c) => c.org_id === o.id).map((c) => c.region_code);
      return { id: o.id, name: o.name, level: o.level, coverage, candidates: [...candidates.values()] };
    }),
  };
}
