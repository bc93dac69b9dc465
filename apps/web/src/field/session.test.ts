import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REMEMBERED_DAYS,
  forgetDevice,
  keepCodes,
  keptCodes,
  rememberMe,
  rememberedMe,
  sessionRefused,
  signOut,
  takeCode,
} from './session';
import { type VisitBody, queueVisit, readRecord } from './queue';
import { FIELD_DB, fieldDb, openFor } from './store';

const day = 86_400_000;
const me = { id: 'user-1', permissions: ['households:write', 'reports:write'], pending: null } as unknown as Parameters<
  typeof rememberMe
>[0];

describe('reserved codes keep their expiry on the device: an expired code is never handed out', () => {
  beforeEach(async () => {
    await openFor('user-1');
  });
  afterEach(async () => {
    await forgetDevice();
  });

  it('a code past its expiresAt is dropped; the live ones are taken in turn, then none', async () => {
    const now = Date.parse('2026-12-07T08:00:00Z');
    await keepCodes([
      { trackingCode: 'OLD0-OLD0-OLD0', expiresAt: new Date(now - 1000).toISOString() },
      { trackingCode: 'LIVE-0001-AAAA', expiresAt: new Date(now + day).toISOString() },
      { trackingCode: 'LIVE-0002-BBBB', expiresAt: new Date(now + 2 * day).toISOString() },
    ]);
    expect(await keptCodes(now)).toBe(2);
    expect(await takeCode(now)).toBe('LIVE-0001-AAAA');
    // A day and a bit later the second has expired too.
    expect(await takeCode(now + 2 * day + 1)).toBeNull();
    expect(await keptCodes(now)).toBe(0);
  });
});

describe('the device forgets the account: on sign-out, on a refused session, and when the kept account is too old', () => {
  afterEach(async () => {
    await forgetDevice();
  });

  it('signing out with no connection still deletes the store and its key', async () => {
    await rememberMe(me);
    expect((await rememberedMe())?.id).toBe('user-1');
    await signOut(() => Promise.reject(new TypeError('Failed to fetch')));
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(FIELD_DB);
    expect(await rememberedMe()).toBeNull();
  });

  it('a session the server refuses (401) deletes the store and its key', async () => {
    await rememberMe(me);
    await sessionRefused();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(FIELD_DB);
    expect(await rememberedMe()).toBeNull();
  });

  it('a 401 with records not yet sent keeps them for the same account, but the app no longer opens offline', async () => {
    await rememberMe(me);
    const id = await queueVisit('household-1', '走访', { visitedOn: '2026-12-07' } as VisitBody);
    await sessionRefused();
    expect(await rememberedMe()).toBeNull();
    // The same account signs in again: its record is still there, to be sent.
    await openFor('user-1');
    expect(await readRecord(id)).not.toBeNull();
  });

  it(`the account kept on the device opens the app offline for ${REMEMBERED_DAYS} days after it was last confirmed online`, async () => {
    await rememberMe(me);
    const savedAt = Date.parse((await fieldDb().copies.get('me'))?.savedAt as string);
    expect((await rememberedMe(savedAt + (REMEMBERED_DAYS - 1) * day))?.id).toBe('user-1');
    expect(await rememberedMe(savedAt + REMEMBERED_DAYS * day + 1)).toBeNull();
  });
});
