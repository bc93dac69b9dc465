import { type Insertable, type RawBuilder, type SqlBool, type Updateable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { AccountRequestTable, UserTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { underRegion } from '../../lib/scope.ts';

/** All SQL of accounts and of the requests that change administrator accounts (双人控制). */

/** Accounts the security administrator answers for: scoped to a region, or to an organization in that region. */
function userInScope(actor: Actor): RawBuilder<SqlBool> {
  if (actor.regionCode === null) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${underRegion('u.scope_region_code', actor.regionCode)} or exists (select 1 from temporary_orgs so where so.id = u.scope_org_id and ${underRegion('so.region_code', actor.regionCode)}))`;
}

/** Accounts in the actor's scope, with their organization's name and seat. */
export const accountsInScope = (db: Executor, actor: Actor) =>
  db
    .selectFrom('users as u')
    .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.scope_region_code',
      'u.scope_org_id',
      'o.name as org_name',
      'o.region_code as org_region_code',
      'u.acting_party_org_id',
      'u.member_id',
      'u.active',
      'u.locked_until',
      'u.totp_enabled',
      'u.must_change_password',
      'u.version',
      'u.created_at',
    ])
    .where(userInScope(actor));

/** The regions these organizations cover, by region code. */
export const coveredRegions = (db: Executor, orgIds: string[]) =>
  orgIds.length
    ? db
        .selectFrom('org_regions')
        .select(['org_id', 'region_code'])
        .where('org_id', 'in', orgIds)
        .orderBy('region_code')
        .execute()
    : Promise.resolve([]);

/** A new account; the unique index on the username refuses a name taken (the caller answers 409). */
export const insertUser = (tx: Executor, row: Insertable<UserTable>) => tx.insertInto('users').values(row).execute();

export const usernameTaken = async (db: Executor, username: string) =>
  Boolean(await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst());

/** Changes the account if it is still at `version`; false when someone changed it meanwhile. */
export const updateUserAtVersion = (tx: Executor, id: string, version: number, set: Updateable<UserTable>) =>
  updateAtVersion(tx, 'users', id, version, set);

/** Changes credentials or factors, whatever the version (the password, the second factor, the lockout). */
export const updateUser = (tx: Executor, id: string, set: Updateable<UserTable>) =>
  tx.updateTable('users').set(set).where('id', '=', id).execute();

/** Every session of the account ends (a new role or scope, a disabled account, new credentials take effect at once). */
export const endSessions = (tx: Executor, userId: string) =>
  tx.deleteFrom('sessions').where('user_id', '=', userId).execute();

export const removeRecoveryCodes = (tx: Executor, userId: string) =>
  tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();

/** Requests about accounts in the actor's region, with the names of who filed and who decided. */
export const requestsInScope = (db: Executor, actor: Actor) =>
  db
    .selectFrom('account_requests as ar')
    .innerJoin('users as rq', 'rq.id', 'ar.requested_by')
    .leftJoin('users as dc', 'dc.id', 'ar.decided_by')
    .selectAll('ar')
    .select(['rq.display_name as requested_by_name', 'dc.display_name as decided_by_name'])
    .where(actor.regionCode === null ? sql<SqlBool>`1 = 0` : underRegion('ar.region_code', actor.regionCode));

/** Names of the regions, organizations, committees and people requests name: four queries at most. */
export async function namesOf(
  db: Executor,
  ids: { regions: string[]; orgs: string[]; committees: string[]; members: string[] },
) {
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  // One after another: the caller may pass its transaction.
  const region = ids.regions.length
    ? await db.selectFrom('regions').select(['code as id', 'name']).where('code', 'in', ids.regions).execute()
    : [];
  const org = ids.orgs.length
    ? await db.selectFrom('temporary_orgs').select(['id', 'name']).where('id', 'in', ids.orgs).execute()
    : [];
  const committee = ids.committees.length
    ? await db.selectFrom('party_orgs').select(['id', 'name']).where('id', 'in', ids.committees).execute()
    : [];
  const member = ids.members.length
    ? await db.selectFrom('members').select(['id', 'name']).where('id', 'in', ids.members).execute()
    : [];
  return { region: map(region), org: map(org), committee: map(committee), member: map(member) };
}

/** A request; the unique indexes refuse a second pending one for the same name or account (the caller answers 409). */
export const insertRequest = (tx: Executor, row: Insertable<AccountRequestTable>) =>
  tx.insertInto('account_requests').values(row).execute();

/** Decides a request still pending at `version`; false when it was decided or changed meanwhile. */
export async function decideRequest(tx: Executor, id: string, version: number, set: Updateable<AccountRequestTable>) {
  const r = await tx
    .updateTable('account_requests')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const requestStatus = async (tx: Executor, id: string) =>
  (await tx.selectFrom('account_requests').select('status').where('id', '=', id).executeTakeFirst())?.status;

/** The account an approved opening request made. */
export const linkRequestToUser = (tx: Executor, requestId: string, userId: string) =>
  tx.updateTable('account_requests').set({ user_id: userId }).where('id', '=', requestId).execute();
