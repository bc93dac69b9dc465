import { randomUUID } from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { type Permission, ROLE_PERMISSIONS, type UserRole } from '@lianjian/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../src/modules/households/import.layout.ts';
import type { Db } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { type Client, type TestApp, as, login, testApp } from './helpers.ts';

const PASSWORD = 'Matrix-Password-2020';
const NONE = '00000000-0000-4000-8000-000000000000';
const IMPORT_HEADER = COLUMNS.map((c) => c.header).join(',');
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * One record outside 乔端镇 for every kind of path parameter, found in the demo county: the target of every
 * out-of-scope request below. A route whose parameter has no entry here fails the test, so a new route cannot
 * slip past the matrix.
 */
async function foreignRecords(
  db: Db,
  township: string,
  other: string,
  otherUserClient: Client,
  securityClient: Client,
) {
  const one = async (q: ReturnType<typeof sql<{ id: string }>>) => (await q.execute(db)).rows[0]?.id ?? NONE;
  const o = `${other}%`;
  const org = await one(
    sql`select id from temporary_orgs where region_code like ${o} and level = 'branch' and status = 'active' order by id limit 1`,
  );
  // The demo keeps its organizational life, chains, exits and feedback in 乔端镇: the other township's are made here,
  // by its own administrator, through the API.
  const memberOfOrg = await one(
    sql`select member_id as id from memberships where org_id = ${org} and end_on is null order by id limit 1`,
  );
  const registered = await one(
    sql`select id from households where region_code like ${o} and status = 'registered' order by id limit 1`,
  );
  const village = await one(
    sql`select code as id from regions where level = 'village' and code like ${o} order by code limit 1`,
  );
  const made = [
    await otherUserClient.post('/activities', {
      orgId: org,
      kind: 'branch_meeting',
      heldOn: '2026-06-01',
      place: '村部',
      topic: '学习',
      photos: [{ dataBase64: PNG }],
    }),
    await otherUserClient.post('/chains', {
      orgId: org,
      name: '茶叶产业链',
      product: '茶叶',
      stages: ['种植', '加工'],
    }),
    await otherUserClient.post('/exit-applications', { householdId: registered, source: 'village' }),
    await otherUserClient.post('/feedback-to-home', {
      orgId: org,
      memberId: memberOfOrg,
      period: '2026年上半年',
      kind: 'good_work',
      text: '表现积极',
    }),
    await otherUserClient.post('/recommendations', {
      kind: 'duty_failure',
      orgId: org,
      memberId: memberOfOrg,
      text: '履职不到位',
    }),
    await otherUserClient.post(`/household-imports?fileName=m.csv`, Buffer.from(`${IMPORT_HEADER}\r\n`), {
      'content-type': 'application/octet-stream',
    }),
  ];
  expect(made.map((r) => [r.statusCode < 300, r.statusCode < 300 ? '' : r.body])).toEqual(made.map(() => [true, '']));
  void village;
  const household = await one(
    sql`select h.id from households h where h.region_code like ${o} and exists (select 1 from helpers x where x.household_id = h.id) and exists (select 1 from measures m where m.household_id = h.id) order by h.id limit 1`,
  );
  const chain = await one(
    sql`select c.id from chains c join temporary_orgs t on t.id = c.org_id where t.region_code like ${o} order by c.id limit 1`,
  );
  const list = await one(
    sql`select l.id from problem_lists l join temporary_orgs t on t.id = l.org_id where t.region_code like ${o} order by l.id limit 1`,
  );
  // The demo's rectifications are of county-tier organizations: outside any township all the same.
  const rect = await one(
    sql`select r.id from rectifications r join temporary_orgs t on t.id = r.org_id where t.region_code not like ${`${township}%`} order by r.id limit 1`,
  );
  // A township administrator's account asked for in the other township, waiting for its second person.
  const accountRequest = await securityClient.post('/account-requests', {
    kind: 'create',
    account: { username: 'matrixtown', displayName: '乡镇管理员', role: 'township_admin', regionCode: other },
    reason: '核查',
  });
  expect([accountRequest.statusCode, accountRequest.body]).toEqual([201, expect.any(String)]);
  // Another user's export link, for a record of their own township.
  const grant = await otherUserClient.post('/exports', { kind: 'problem_list', params: { id: list }, reason: '核查' });
  // A chase (催办) of an item of the other township, to that township's committee.
  const chasedItem = await one(
    sql`select i.id from items i join temporary_orgs t on t.id = i.org_id where t.region_code like ${o} order by i.id limit 1`,
  );
  const chase = randomUUID();
  await db
    .insertInto('item_chases')
    .values({
      id: chase,
      item_id: chasedItem,
      step: 3,
      target: 'resolution',
      used_days: 30,
      target_days: 20,
      receiver_kind: 'township',
      receiver_member_id: null,
      receiver_party_org_id: await one(
        sql`select id from party_orgs where kind = 'township_committee' and region_code = ${other}`,
      ),
      text: '催办',
      on_day: '2026-06-01',
      created_at: '2026-06-01T00:00:00.000Z',
      acknowledged_at: null,
      acknowledged_by: null,
    })
    .execute();
  return {
    id: {
      '/orgs/': org,
      '/account-requests/': accountRequest.json().request.id as string,
      '/activities/': await one(
        sql`select a.id from activities a join temporary_orgs t on t.id = a.org_id where t.region_code like ${o} order by a.id limit 1`,
      ),
      '/chains/': chain,
      '/exit-applications/': await one(
        sql`select e.id from exit_applications e join households h on h.id = e.household_id where h.region_code like ${o} order by e.id limit 1`,
      ),
      '/exports/': grant.json().id as string,
      // The audit administrator's door to an export: refused by permission to everyone else, whatever the id.
      '/audit/exports/': grant.json().id as string,
      '/feedback-to-home/': await one(
        sql`select f.id from feedback_to_home f join temporary_orgs t on t.id = f.org_id where t.region_code like ${o} order by f.id limit 1`,
      ),
      '/household-imports/': await one(sql`select id from household_imports order by id limit 1`),
      '/households/': household,
      '/item-chases/': chase,
      '/items/': await one(
        sql`select i.id from items i join temporary_orgs t on t.id = i.org_id where t.region_code like ${o} order by i.id limit 1`,
      ),
      '/ledgers/': await one(sql`select id from ledgers where scope_code like ${o} order by id limit 1`),
      '/members/': await one(
        sql`select m.id from members m where m.region_code like ${o} and not exists (select 1 from memberships s join temporary_orgs t on t.id = s.org_id where s.member_id = m.id and t.region_code like ${`${township}%`}) order by m.id limit 1`,
      ),
      '/monitoring-cases/': await one(
        sql`select c.id from monitoring_cases c join households h on h.id = c.household_id where h.region_code like ${o} order by c.id limit 1`,
      ),
      '/photos/': await one(
        sql`select p.id from photos p join activities a on a.id = p.owner_id join temporary_orgs t on t.id = a.org_id where t.region_code like ${o} order by p.id limit 1`,
      ),
      '/problem-lists/': list,
      '/projects/': await one(
        sql`select p.id from projects p join temporary_orgs t on t.id = p.org_id where t.region_code like ${o} order by p.id limit 1`,
      ),
      '/recommendations/': await one(
        sql`select r.id from recommendations r join temporary_orgs t on t.id = r.org_id where t.region_code like ${o} order by r.id limit 1`,
      ),
      '/rectifications/': rect,
      '/reports/': await one(sql`select r.id from reports r where r.region_code like ${o} order by r.id limit 1`),
      '/supervision-records/': await one(
        sql`select s.id from supervision_records s join temporary_orgs t on t.id = s.org_id where t.region_code like ${o} order by s.id limit 1`,
      ),
      '/units/': await one(sql`select id from units where region_code like ${o} order by id limit 1`),
      '/users/': await one(sql`select id from users where username = 'chengjiao'`),
    } as Record<string, string>,
    membershipId: await one(sql`select id from memberships where org_id = ${org} order by id limit 1`),
    /** A member of the other township's branch (for the routes of an item's member). */
    memberId: memberOfOrg,
    stageId: await one(sql`select id from chain_stages where chain_id = ${chain} order by id limit 1`),
    helperId: await one(sql`select id from helpers where household_id = ${household} order by id limit 1`),
    measureId: await one(sql`select id from measures where household_id = ${household} order by id limit 1`),
    villageCode: await one(
      sql`select code as id from regions where level = 'village' and code like ${o} order by code limit 1`,
    ),
  };
}

/** Everything but the trail, the sessions and the idempotency keys: what no refused request may change. */
async function snapshot(db: Db): Promise<Record<string, string>> {
  const skip = new Set([
    'audit_events',
    'audit_head',
    'sessions',
    'idempotency_keys',
    'export_grants',
    'users',
    'kysely_migration',
    'kysely_migration_lock',
  ]);
  const tables = (
    await sql<{
      name: string;
    }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
      .execute(db)
      .catch(async () =>
        sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          db,
        ),
      )
  ).rows
    .map((r) => r.name)
    .filter((t) => !skip.has(t));
  const out: Record<string, string> = {};
  for (const t of tables.sort()) {
    const rows = (await sql`select * from ${sql.table(t)}`.execute(db)).rows.map((r) => JSON.stringify(r)).sort();
    out[t] = createHash('sha256').update(rows.join('\n')).digest('hex');
  }
  return out;
}

describe('authorization matrix, generated from the route table (roles × routes × methods × scope)', () => {
  let t: TestApp;
  let clients: Record<string, Client>;
  let foreign: Awaited<ReturnType<typeof foreignRecords>>;
  let township = '';
  beforeAll(async () => {
    const cipher = new DataCipher(randomBytes(32));
    t = await testApp(undefined, cipher);
    await seedDemo(t.db.db, await hashPassword(PASSWORD), cipher);
    clients = {};
    for (const u of ['admin', 'qiaoduan', 'chengjiao', 'baihe', 'supervisor', 'security', 'auditor'])
      clients[u] = as(t.app, await login(t.app, u, PASSWORD));
    const scopes = await t.db.db.selectFrom('users').select(['username', 'scope_region_code']).execute();
    township = scopes.find((s) => s.username === 'qiaoduan')?.scope_region_code as string;
    const other = scopes.find((s) => s.username === 'chengjiao')?.scope_region_code as string;
    foreign = await foreignRecords(t.db.db, township, other, clients.chengjiao as Client, clients.security as Client);
    await t.app.householdImports.settled(foreign.id['/household-imports/'] as string);
  }, 120_000);
  afterAll(async () => t?.close());

  const urlFor = (url: string): string | null => {
    const path = url.replace('/api/v1', '');
    const prefix = Object.keys(foreign.id).find((p) => path.startsWith(p));
    if (!prefix) return null;
    return path
      .replace(':id', foreign.id[prefix] as string)
      .replace(':membershipId', foreign.membershipId)
      .replace(':memberId', foreign.memberId)
      .replace(':stageId', foreign.stageId)
      .replace(':helperId', foreign.helperId)
      .replace(':measureId', foreign.measureId)
      .replace(':index', '0')
      .replace(':action', 'recruit');
  };

  it('every record a township or branch account reaches by id outside its scope answers 404 (or 403 without the permission), and nothing changes', async () => {
    const before = await snapshot(t.db.db);
    const routes = t.app.routeTable.filter((r) => r.url.includes('/:') && r.permission !== 'public');
    expect(routes.length).toBeGreaterThan(60);
    const unmapped: string[] = [];
    const wrong: string[] = [];
    for (const user of ['qiaoduan', 'baihe'] as const) {
      const role: UserRole = user === 'qiaoduan' ? 'township_admin' : 'org_secretary';
      const client = clients[user] as Client;
      for (const r of routes) {
        const url = r.url.includes(':villageCode')
          ? r.url.replace('/api/v1', '').replace(':villageCode', foreign.villageCode)
          : urlFor(r.url);
        if (!url) {
          unmapped.push(`${r.method} ${r.url}`);
          continue;
        }
        const res =
          r.method === 'GET'
            ? await client.get(url)
            : r.method === 'PATCH'
              ? await client.patch(url, {})
              : r.method === 'PUT'
                ? await client.put(url, {})
                : await client.post(url, {});
        const may = r.permission === 'authenticated' || ROLE_PERMISSIONS[role].includes(r.permission as Permission);
        // Reads: exactly 404 (403 when the role lacks the permission). Writes: refused before any change —
        // 404, 403, or 400 when the empty body is refused first (which says nothing about the record).
        const allowed = !may ? [403] : r.method === 'GET' ? [404] : [400, 403, 404];
        if (!allowed.includes(res.statusCode)) wrong.push(`${user} ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(unmapped).toEqual([]);
    expect(wrong).toEqual([]);
    // Every target is a real record of the other township.
    expect(
      Object.entries(foreign.id)
        .filter(([, v]) => v === NONE)
        .map(([k]) => k),
    ).toEqual([]);
    expect([
      foreign.membershipId,
      foreign.stageId,
      foreign.helperId,
      foreign.measureId,
      foreign.villageCode,
    ]).not.toContain(NONE);
    expect(await snapshot(t.db.db)).toEqual(before);
  }, 120_000);

  it('lists, counts, search and stats of a township account show nothing of another township', async () => {
    // Searches whose terms travel in a body (an ID number never goes in a URL) are lists too.
    const lists = t.app.routeTable.filter(
      (r) =>
        ((r.method === 'GET' && !r.url.includes('/:')) || (r.method === 'POST' && r.url.endsWith('/search'))) &&
        r.permission !== 'public' &&
        !r.url.endsWith('/openapi.json'),
    );
    const markers = [...Object.values(foreign.id), foreign.membershipId, foreign.helperId, foreign.measureId].filter(
      (id) => id !== NONE,
    );
    const otherName = (
      await t.db.db
        .selectFrom('regions')
        .select('name')
        .where(
          'code',
          '=',
          (
            await t.db.db
              .selectFrom('users')
              .select('scope_region_code')
              .where('username', '=', 'chengjiao')
              .executeTakeFirstOrThrow()
          ).scope_region_code as string,
        )
        .executeTakeFirstOrThrow()
    ).name;
    const leaks: string[] = [];
    let answered = 0;
    for (const r of lists) {
      const url = r.url.replace('/api/v1', '');
      const res =
        r.method === 'POST'
          ? await (clients.qiaoduan as Client).post(url, { limit: 200 })
          : await (clients.qiaoduan as Client).get(
              url.includes('?')
                ? url
                : `${url}${url === '/members' || url === '/orgs' || url === '/households' || url === '/items' || url === '/reports' ? '?limit=200' : ''}`,
            );
      if (res.statusCode !== 200) continue;
      answered++;
      const body = res.body;
      for (const m of markers) if (body.includes(m)) leaks.push(`${r.url} shows ${m}`);
      // Reference data names every township (regions, the assessment tiers); the rest must not.
      if (
        !['/api/v1/regions', '/api/v1/escalation-targets', '/api/v1/party-orgs'].includes(r.url) &&
        body.includes(otherName)
      )
        leaks.push(`${r.url} names ${otherName}`);
    }
    expect(leaks).toEqual([]);
    // A control: the lists did answer, and with the township's own records.
    expect(answered).toBeGreaterThan(25);
    const own = (await (clients.qiaoduan as Client).get('/orgs?limit=200')).json().items as { regionCode: string }[];
    expect(own.length).toBeGreaterThan(3);
    expect(own.every((o) => o.regionCode.startsWith(township))).toBe(true);
  }, 120_000);

  it('no state changes on GET: every readable route, called by every role, leaves the data as it was', async () => {
    const before = await snapshot(t.db.db);
    let calls = 0;
    for (const user of Object.keys(clients)) {
      for (const r of t.app.routeTable.filter((x) => x.method === 'GET' && x.permission !== 'public')) {
        const url = (
          r.url.includes('/:') ? (urlFor(r.url) ?? r.url.replace(/:[a-zA-Z]+/g, NONE)) : r.url.replace('/api/v1', '')
        ).replace('/api/v1', '');
        await (clients[user] as Client).get(url);
        calls++;
      }
    }
    expect(calls).toBeGreaterThan(300);
    expect(await snapshot(t.db.db)).toEqual(before);
  }, 120_000);

  it('separation of duties (三权分立): the security and audit administrators reach their own account, accounts or the trail, and nothing else (403 on every other route)', async () => {
    // What each may reach beyond its own domain (accounts for the security administrator; the trail and the
    // approval of account requests for the auditor), route by route. Anything else a new route offers them fails
    // here until it is justified.
    const OWN_ACCOUNT = [
      'GET /api/v1/auth/me',
      'POST /api/v1/auth/password',
      'POST /api/v1/auth/totp/setup',
      'POST /api/v1/auth/totp/enable',
    ];
    const BEYOND_DOMAIN: Record<'security' | 'auditor', string[]> = {
      // The scope picker of a new account: the official division names, which the resident page shows anyone.
      security: [...OWN_ACCOUNT, 'GET /api/v1/regions'],
      auditor: OWN_ACCOUNT,
    };
    // Accounts and the trail: the account requests (dual control) belong to both.
    const domains = { security: ['users:', 'account_requests:'], auditor: ['audit:', 'account_requests:'] } as const;
    const inDomain = (user: 'security' | 'auditor', permission: string) =>
      domains[user].some((d) => permission.startsWith(d));
    const role = { security: 'security_admin', auditor: 'auditor' } as const;
    const routes = t.app.routeTable.filter((r) => r.permission !== 'public');
    const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
    for (const listed of Object.values(BEYOND_DOMAIN).flat()) expect(routes.map(key)).toContain(listed);
    const wrong: string[] = [];
    for (const user of ['security', 'auditor'] as const) {
      const perms = ROLE_PERMISSIONS[role[user]];
      // The role's permissions are its domain's, and regions for the security administrator's picker.
      expect.soft(perms.filter((p) => !inDomain(user, p))).toEqual(user === 'security' ? ['regions:read'] : []);
      const reachable = routes.filter(
        (r) => r.permission === 'authenticated' || perms.includes(r.permission as Permission),
      );
      expect
        .soft(
          reachable
            .filter((r) => !inDomain(user, r.permission))
            .map(key)
            .sort(),
        )
        .toEqual([...BEYOND_DOMAIN[user]].sort());
      const c = clients[user] as Client;
      const allowed = (x: { method: string; url: string; permission: string }) =>
        inDomain(user, x.permission) || BEYOND_DOMAIN[user].includes(key(x));
      const refused = routes.filter((x) => !allowed(x));
      expect(refused.length).toBeGreaterThan(100);
      for (const r of refused) {
        // Real records where the matrix knows one (a refusal must not depend on a missing id), else a blank id.
        const path = r.url.replace('/api/v1', '');
        const url =
          (r.url.includes(':villageCode') ? path.replace(':villageCode', foreign.villageCode) : urlFor(r.url)) ??
          path.replace(/:[a-zA-Z]+/g, NONE);
        const res =
          r.method === 'GET'
            ? await c.get(url)
            : r.method === 'PATCH'
              ? await c.patch(url, {})
              : r.method === 'PUT'
                ? await c.put(url, {})
                : await c.post(url, {});
        if (res.statusCode !== 403 || res.json().code !== 'permission_denied')
          wrong.push(`${user} ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('the permission half of the matrix: every role gets 403 exactly on the routes its permissions do not cover', async () => {
    const roles: Record<string, UserRole> = {
      admin: 'county_admin',
      qiaoduan: 'township_admin',
      baihe: 'org_secretary',
      supervisor: 'supervisor',
      security: 'security_admin',
      auditor: 'auditor',
    };
    const mismatches: string[] = [];
    for (const [user, role] of Object.entries(roles)) {
      for (const r of t.app.routeTable.filter((x) => x.permission !== 'public' && x.permission !== 'authenticated')) {
        const url = r.url.replace('/api/v1', '').replace(/:[a-zA-Z]+/g, NONE);
        const c = clients[user] as Client;
        const res =
          r.method === 'GET'
            ? await c.get(url)
            : r.method === 'PATCH'
              ? await c.patch(url, {})
              : r.method === 'PUT'
                ? await c.put(url, {})
                : await c.post(url, {});
        const may = ROLE_PERMISSIONS[role].includes(r.permission as Permission);
        if ((res.statusCode === 403 && res.json().code === 'permission_denied') === may)
          mismatches.push(`${role} ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
