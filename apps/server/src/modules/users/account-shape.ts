import { ACCOUNT_SCOPES, type GrantingField, type UserRole, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, notFound } from '../../lib/problem.ts';
import { partyOrgSeat } from '../orgs/orgs.repository.ts';
import * as repo from './account-shape.repository.ts';
import { SECRETARY_POSTS } from './account-shape.repository.ts';
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
  if (a.regionCode && !(a.regionCode.startsWith(within) && (await repo.regionExists(tx, a.regionCode)))) {
    throw notFound('区划');
  }
  // The organization and what it covers, in one read.
  const orgRows = a.orgId ? await repo.orgWithCoverage(tx, a.orgId) : [];
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
      const committee = await partyOrgSeat(tx, a.actingPartyOrgId);
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
      // A secretary holds the post in the organization itself; a member may sit in one of its party groups.
      if (!(await repo.holdsPlace(tx, a.memberId, a.orgId, Boolean(secretary), todayInShanghai()))) {
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
  const users = await repo.accountShapes(db);
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
  const region = known(actor.regionCode, 'the actor’s region');
  const committees = await repo.committeesIn(db, region);
  const orgs = await repo.liveOrgsIn(db, region, q);
  const ids = orgs.map((o) => o.id);
  const [people, covered] = await Promise.all([
    repo.peopleIn(db, ids, todayInShanghai()),
    repo.coverageOfOrgs(db, ids),
  ]);
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
