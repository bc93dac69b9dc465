import { ACCOUNT_SCOPES, type UserRole, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { contains } from '../../lib/like.ts';
import { Problem } from '../../lib/problem.ts';
import { underRegion } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';
import type { ScopeOptionsView } from './users.schemas.ts';

/** What an account is tied to, besides its role. */
export interface AccountShape {
  role: UserRole;
  regionCode?: string | null;
  orgId?: string | null;
  actingPartyOrgId?: string | null;
  memberId?: string | null;
}

type Field = 'regionCode' | 'orgId' | 'actingPartyOrgId' | 'memberId';

const ROLE_NAMES: Record<UserRole, string> = {
  county_admin: '系统管理员',
  township_admin: '乡镇党委管理员',
  org_secretary: '临时党组织书记',
  member: '党员',
  supervisor: '督查员',
  security_admin: '安全管理员',
  auditor: '审计管理员',
};

const SECRETARY_POSTS = ['secretary', 'deputy_secretary'] as const;

/**
 * An account's role and scope agree (400 `account_scope_invalid`, with the fields at fault), or the account would
 * reach what its role should not: a township administrator over the whole county, a branch account over a
 * committee's tree, anyone's account in someone else's name. Checked on every create, change and approved request;
 * the shapes are `ACCOUNT_SCOPES`, shared with the account form:
 * - county, security and audit administrators: a county; the county administrator may act for that county's committee;
 * - a township administrator: a township, acting (if at all) for that township's committee;
 * - a supervisor: a county or a township;
 * - a branch secretary: a live general branch or branch, and the person who holds its secretary or deputy post today;
 * - a member: an organization, and a person in it or one of its party groups today.
 */
export async function checkAccountShape(tx: Executor, a: AccountShape): Promise<void> {
  const errors: { path: Field; message: string }[] = [];
  const role = ROLE_NAMES[a.role];
  const none = (path: Field, what: string) => {
    if (a[path]) errors.push({ path, message: `${role}账号不设${what}` });
  };
  const scope = ACCOUNT_SCOPES[a.role];
  if (scope.kind === 'region') {
    none('orgId', '组织范围');
    none('memberId', '对应人员');
    const lengths = scope.lengths.map((l) => (l === 6 ? '县（6 位）' : '乡镇（9 位）')).join('或');
    if (!a.regionCode || !(scope.lengths as readonly number[]).includes(a.regionCode.length)) errors.push({ path: 'regionCode', message: `${role}账号的范围须是一个${lengths}区划` });
    if (!scope.acting) none('actingPartyOrgId', '代行的党委');
    else if (a.actingPartyOrgId) {
      const committee = await tx.selectFrom('party_orgs').select(['kind', 'region_code']).where('id', '=', a.actingPartyOrgId).executeTakeFirst();
      if (committee?.kind !== scope.acting || committee.region_code !== a.regionCode) {
        errors.push({ path: 'actingPartyOrgId', message: `${role}只能代行本${scope.acting === 'county_committee' ? '县县委' : '乡镇党委'}` });
      }
    }
  } else {
    const { secretary } = scope;
    none('regionCode', '区划范围');
    none('actingPartyOrgId', '代行的党委');
    const org = a.orgId ? await tx.selectFrom('temporary_orgs').select(['level', 'status']).where('id', '=', a.orgId).executeTakeFirst() : undefined;
    if (!org || org.status === 'dissolved') errors.push({ path: 'orgId', message: `${role}账号须属一个存续的临时党组织` });
    else if (secretary && org.level !== 'branch' && org.level !== 'general_branch') {
      errors.push({ path: 'orgId', message: '书记账号须属临时党支部或党总支，不能是党委或党小组' });
    }
    if (!a.memberId) errors.push({ path: 'memberId', message: `${role}账号须对应一名人员` });
    else if (org && a.orgId) {
      const today = todayInShanghai();
      const orgId = a.orgId;
      let held = tx
        .selectFrom('memberships as m')
        .innerJoin('temporary_orgs as t', 't.id', 'm.org_id')
        .select('m.id')
        .where('m.member_id', '=', a.memberId)
        .where(activeOn('m', today));
      // A secretary holds the post in the organization itself; a member may sit in one of its party groups.
      held = secretary
        ? held.where('t.id', '=', orgId).where('m.role', 'in', SECRETARY_POSTS)
        : held.where((eb) => eb.or([eb('t.id', '=', orgId), eb.and([eb('t.parent_id', '=', orgId), eb('t.level', '=', 'group')])]));
      if (!(await held.executeTakeFirst())) {
        errors.push({ path: 'memberId', message: secretary ? '该人员现不是这个组织的书记或副书记' : '该人员现不在这个组织或其党小组中' });
      }
    }
  }
  if (errors.length) throw new Problem(400, 'account_scope_invalid', `${role}账号的范围不符合其角色：${errors.map((e) => e.message).join('；')}`, errors);
}

/**
 * What the account form offers the security administrator, inside its region: the county and township committees,
 * and up to 20 live organizations (by name, or the one asked for) with the people in them today. Ids and names
 * only: the security administrator reads no organization, member or household records (三权分立).
 */
export async function scopeOptions(db: Executor, actor: Actor, q: { orgQuery?: string | undefined; orgId?: string | undefined }): Promise<ScopeOptionsView> {
  if (actor.regionCode === null) return { committees: [], orgs: [] };
  const inRegion = (column: string) => underRegion(column, actor.regionCode as string);
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
        .where((eb) => eb.or([eb('t.id', 'in', ids), eb.and([eb('t.parent_id', 'in', ids), eb('t.level', '=', 'group')])]))
        .orderBy('p.name')
        .orderBy('m.member_id')
        .execute()
    : [];
  const covered = ids.length ? await db.selectFrom('org_regions').select(['org_id', 'region_code']).where('org_id', 'in', ids).orderBy('region_code').execute() : [];
  return {
    committees: committees.map((c) => ({ id: c.id, name: c.name, kind: c.kind as 'county_committee' | 'township_committee', regionCode: c.region_code })),
    orgs: orgs.map((o) => {
      const candidates = new Map<string, { memberId: string; name: string; secretary: boolean }>();
      for (const p of people) {
        const direct = p.org_id === o.id;
        if (!direct && p.parent_id !== o.id) continue;
        const secretary = direct && (SECRETARY_POSTS as readonly string[]).includes(p.role);
        const seen = candidates.get(p.member_id);
        candidates.set(p.member_id, { memberId: p.member_id, name: p.name, secretary: secretary || (seen?.secretary ?? false) });
      }
      const coverage = covered.filter((c) => c.org_id === o.id).map((c) => c.region_code);
      return { id: o.id, name: o.name, level: o.level, coverage, candidates: [...candidates.values()] };
    }),
  };
}

