import { type Schemas, api, unwrap } from '../api/client';
import { formatDay } from '../components/format';
import { fieldDb, keepCopy, openFor, readCopy, wipeFieldStore } from './store';

type Me = Schemas['Me'];
/** What the device keeps of a household for a visit with no connection: no ID number, phone or health data. */
export interface FieldHousehold {
  id: string;
  headName: string;
  regionCode: string;
  regionName: string;
  helpers: { memberId: string; memberName: string; primary: boolean }[];
}

/** Whether an account does field work (records visits): only such an account keeps anything on the device. */
export const doesFieldWork = (me: Me) => me.permissions.includes('households:write');

/** Keeps the signed-in account on the device, sealed, so that the app opens with no connection. */
export async function rememberMe(me: Me): Promise<void> {
  if (!doesFieldWork(me) || me.pending) return;
  await openFor(me.id);
  await keepCopy('me', me);
}

/**
 * Days the account kept on the device opens the app with no connection after the server last confirmed it: a device
 * left unused longer asks for the password again (its queue stays sealed until the same account signs in).
 */
export const REMEMBERED_DAYS = 7;

/**
 * The account kept on the device, for a start with no connection; null when none (signed out, another device) or
 * when the server last confirmed it more than REMEMBERED_DAYS ago.
 */
export async function rememberedMe(now = Date.now()): Promise<Me | null> {
  try {
    const kept = await readCopy<Me>('me');
    if (!kept || now - Date.parse(kept.savedAt) > REMEMBERED_DAYS * 86_400_000) return null;
    return kept.value;
  } catch {
    return null;
  }
}

/** The device forgets everything the field store held, its key included. */
export async function forgetDevice(): Promise<void> {
  await wipeFieldStore();
}

/**
 * Signing out: the server is told if it can be reached, and the device forgets its store whether or not it was (a
 * sign-out with no connection wipes as much as one online).
 */
export async function signOut(tellServer: () => Promise<unknown>): Promise<void> {
  try {
    await tellServer();
  } catch {
    // No connection: the session ends on the server by its own timers.
  }
  await forgetDevice();
}

/**
 * The server refused the session (401: ended, expired or revoked): the device forgets the account. Records made in the
 * field and not yet sent are the one thing kept (sealed, for the same account's next sign-in): a session ends after
 * 30 idle minutes, so every return from a day with no signal answers 401, and wiping then would lose the day's work.
 * The account's copy goes, so the app no longer opens without signing in; with nothing unsent the store goes whole.
 */
export async function sessionRefused(): Promise<void> {
  const unsent = await fieldDb().queue.where('state').anyOf('pending', 'sending', 'attention').count();
  if (unsent === 0) {
    await forgetDevice();
    return;
  }
  await fieldDb().copies.clear();
}

const MAX_HOUSEHOLDS = 200;

/**
 * Refreshes the copy of the households in the account's scope that have helpers, with their helpers in force: the
 * offline visit form picks from it. Only names kept, as the register's list shows them to staff. The list's pages
 * carry the helpers (`helpers=true`): a handful of requests, never one per household.
 */
export async function refreshHouseholds(): Promise<number> {
  // The first pages of the register in scope (a branch's households are a few dozen), never a township's thousands.
  const kept: FieldHousehold[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5 && kept.length < MAX_HOUSEHOLDS; page++) {
    const got: Schemas['HouseholdList'] = await unwrap(
      api.GET('/api/v1/households', {
        params: { query: { limit: 100, helpers: 'true', ...(cursor ? { cursor } : {}) } },
      }),
    );
    for (const h of got.items) {
      if (h.activeHelpers === 0 || !h.helpersInForce?.length) continue;
      kept.push({
        id: h.id,
        headName: h.headName,
        regionCode: h.regionCode,
        regionName: h.regionName,
        helpers: h.helpersInForce,
      });
    }
    cursor = got.nextCursor;
    if (!cursor) break;
  }
  kept.splice(MAX_HOUSEHOLDS);
  await keepCopy('households', kept);
  return kept.length;
}

const POOL = 5;

/** A tracking code reserved on the server, with the moment the server stops accepting it. */
export interface ReservedCode {
  trackingCode: string;
  expiresAt: string;
}

/** The device's reserved codes still good at `now` (an expired one would be refused when the report is sent). */
async function liveCodes(now: number): Promise<ReservedCode[]> {
  const kept = (await readCopy<unknown[]>('codes'))?.value ?? [];
  return kept.filter(
    (c): c is ReservedCode => typeof c === 'object' && c !== null && Date.parse((c as ReservedCode).expiresAt) > now,
  );
}

/** Keeps the device's pool of reserved codes, sealed. */
export async function keepCodes(codes: ReservedCode[]): Promise<void> {
  await keepCopy('codes', codes);
}

/**
 * Tops up the device's pool of tracking codes reserved on the server (while online), so that a resident's report
 * entered with no connection hands her the code at once; expired codes are dropped. Answers how many the device holds.
 */
export async function refreshCodes(): Promise<number> {
  const kept = await liveCodes(Date.now());
  if (kept.length >= POOL) {
    await keepCodes(kept);
    return kept.length;
  }
  const got = await unwrap(
    api.POST('/api/v1/reports/tracking-codes', {
      headers: { 'Idempotency-Key': crypto.randomUUID() },
      body: { count: POOL - kept.length },
    }),
  );
  const codes = [...kept, ...got.codes];
  await keepCodes(codes);
  return codes.length;
}

/** Takes one reserved code still good at `now` from the device's pool (expired ones are dropped); null when none. */
export async function takeCode(now = Date.now()): Promise<string | null> {
  const [code, ...rest] = await liveCodes(now);
  await keepCodes(rest);
  return code?.trackingCode ?? null;
}

/** How many reserved codes the device holds that are still good at `now`. */
export async function keptCodes(now = Date.now()): Promise<number> {
  return (await liveCodes(now)).length;
}

export async function keptHouseholds(): Promise<{ value: FieldHousehold[]; savedAt: string } | null> {
  return readCopy<FieldHousehold[]>('households');
}

/**
 * What the device keeps of the secretary's own branch for work with no connection: the organization, its party groups,
 * its members on the day (names and units only: no phone, no ID number) and its open items (the problem as listed).
 * Read through the endpoints the branch's screens use, each scoped on the server to the account.
 */
export interface FieldBranch {
  org: { id: string; name: string; level: string; regionName: string };
  groups: { id: string; name: string; level: string }[];
  members: { memberId: string; name: string; unitName: string; role: string }[];
  items: {
    id: string;
    orgId: string;
    listNo: number;
    no: number;
    problem: string;
    status: string;
    dueOn: string | null;
    groupName: string | null;
  }[];
}

/**
 * Refreshes the kept copy of the account's own branch (the organization its account is tied to). An account tied to
 * none (a township's staff) keeps none. Answers whether a copy is kept.
 */
export async function refreshBranch(me: Me): Promise<boolean> {
  const orgId = me.scope.orgId;
  if (!orgId) return false;
  const today = formatDay(new Date().toISOString());
  const [org, children, roster] = await Promise.all([
    unwrap(api.GET('/api/v1/orgs/{id}', { params: { path: { id: orgId } } })),
    unwrap(api.GET('/api/v1/orgs', { params: { query: { parentId: orgId, limit: 100 } } })),
    unwrap(api.GET('/api/v1/activities/roster', { params: { query: { orgId, on: today } } })),
  ]);
  const groups = children.items.filter((g) => g.status !== 'dissolved');
  const items: FieldBranch['items'] = [];
  // Open items of the branch and of its party groups: the progress form picks from them.
  for (const o of [org, ...groups]) {
    const got = await unwrap(api.GET('/api/v1/items', { params: { query: { orgId: o.id, limit: 200 } } }));
    for (const i of got.items) {
      if (i.status === 'closed' || items.some((x) => x.id === i.id)) continue;
      items.push({
        id: i.id,
        orgId: i.orgId,
        listNo: i.listNo,
        no: i.no,
        problem: i.problem,
        status: i.status,
        dueOn: i.dueOn,
        groupName: i.responsibleGroup?.name ?? null,
      });
    }
  }
  const branch: FieldBranch = {
    org: { id: org.id, name: org.name, level: org.level, regionName: org.regionName },
    groups: groups.map((g) => ({ id: g.id, name: g.name, level: g.level })),
    members: roster.members.map((m) => ({ memberId: m.memberId, name: m.name, unitName: m.unitName, role: m.role })),
    items,
  };
  await keepCopy('branch', branch);
  return true;
}

export async function keptBranch(): Promise<{ value: FieldBranch; savedAt: string } | null> {
  return readCopy<FieldBranch>('branch');
}
