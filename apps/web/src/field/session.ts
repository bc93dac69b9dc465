import { type Schemas, api, unwrap } from '../api/client';
import { keepCopy, openFor, readCopy, wipeFieldStore } from './store';

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

/** The account kept on the device, for a start with no connection; null when none (signed out, another device). */
export async function rememberedMe(): Promise<Me | null> {
  try {
    return (await readCopy<Me>('me'))?.value ?? null;
  } catch {
    return null;
  }
}

/** Signing out: the device forgets everything the field store held. */
export async function forgetDevice(): Promise<void> {
  await wipeFieldStore();
}

const MAX_HOUSEHOLDS = 200;

/**
 * Refreshes the copy of the households in the account's scope that have helpers, with their helpers in force: the
 * offline visit form picks from it. Only names kept, as the register's list shows them to staff.
 */
export async function refreshHouseholds(): Promise<number> {
  // The first pages of the register in scope (a branch's households are a few dozen), never a township's thousands.
  const helped: Schemas['Household'][] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5 && helped.length < MAX_HOUSEHOLDS; page++) {
    const got: Schemas['HouseholdList'] = await unwrap(
      api.GET('/api/v1/households', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
    );
    helped.push(...got.items.filter((h) => h.activeHelpers > 0));
    cursor = got.nextCursor;
    if (!cursor) break;
  }
  helped.splice(MAX_HOUSEHOLDS);
  const kept: FieldHousehold[] = [];
  for (let i = 0; i < helped.length; i += 4) {
    const details = await Promise.all(
      helped.slice(i, i + 4).map((h) => unwrap(api.GET('/api/v1/households/{id}', { params: { path: { id: h.id } } }))),
    );
    for (const d of details) {
      kept.push({
        id: d.id,
        headName: d.headName,
        regionCode: d.regionCode,
        regionName: d.regionName,
        helpers: d.helpers
          .filter((x) => !x.endOn)
          .map((x) => ({ memberId: x.memberId, memberName: x.memberName, primary: x.primary })),
      });
    }
  }
  await keepCopy('households', kept);
  return kept.length;
}

const POOL = 5;

/**
 * Tops up the device's pool of tracking codes reserved on the server (while online), so that a resident's report
 * entered with no connection hands her the code at once. Answers how many the device holds.
 */
export async function refreshCodes(): Promise<number> {
  const kept = (await readCopy<string[]>('codes'))?.value ?? [];
  if (kept.length >= POOL) return kept.length;
  const got = await unwrap(
    api.POST('/api/v1/reports/tracking-codes', {
      headers: { 'Idempotency-Key': crypto.randomUUID() },
      body: { count: POOL - kept.length },
    }),
  );
  const codes = [...kept, ...got.codes.map((c) => c.trackingCode)];
  await keepCopy('codes', codes);
  return codes.length;
}

/** Takes one reserved code from the device's pool; null when none is left. */
export async function takeCode(): Promise<string | null> {
  const kept = (await readCopy<string[]>('codes'))?.value ?? [];
  const [code, ...rest] = kept;
  if (!code) return null;
  await keepCopy('codes', rest);
  return code;
}

export async function keptCodes(): Promise<number> {
  return (await readCopy<string[]>('codes'))?.value.length ?? 0;
}

export async function keptHouseholds(): Promise<{ value: FieldHousehold[]; savedAt: string } | null> {
  return readCopy<FieldHousehold[]>('households');
}
