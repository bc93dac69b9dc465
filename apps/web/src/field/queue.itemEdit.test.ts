import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A small stand-in for the server's item (its `version` and the three fields `PATCH /items/{id}` changes), answering
 * as the server does: 204 at the current version, 409 `version_conflict` at any other. The browser test
 * (e2e/pwa-conflict) runs the same story against the real server.
 */
const server = {
  item: { version: 4, dueOn: '2026-12-20' as string | null, group: 'g-infra' as string | null, people: ['m-1'] },
  patches: [] as { body: Record<string, unknown>; key: string | null }[],
  online: true,
};
function answer(request: Request, body: string): Response {
  if (!server.online) throw new TypeError('Failed to fetch');
  const json = (status: number, v: unknown) =>
    new Response(status === 204 ? null : JSON.stringify(v), {
      status,
      headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' },
    });
  if (request.method === 'GET') {
    const i = server.item;
    return json(200, {
      id: 'item-3',
      no: 3,
      problem: '线路跳闸',
      status: 'in_progress',
      version: i.version,
      // The date staff set, which an edit changes; the deadline (`dueOn`) is earlier here, decided by the item's
      // working-day target, and must never be taken for the date the secretary edited.
      dueOnSet: i.dueOn,
      dueOn: '2026-12-10',
      responsibleGroup: i.group
        ? { id: i.group, name: i.group === 'g-infra' ? '基础建设党小组' : '维护治安党小组' }
        : null,
      members: i.people.map((m) => ({ memberId: m, name: `党员${m}`, role: 'responsible', unitName: '供电所' })),
    });
  }
  const patch = JSON.parse(body) as Record<string, unknown>;
  server.patches.push({ body: patch, key: request.headers.get('Idempotency-Key') });
  if (patch.version !== server.item.version)
    return json(409, { status: 409, code: 'version_conflict', detail: '记录已被他人修改，请刷新后重试' });
  if ('dueOn' in patch) server.item.dueOn = patch.dueOn as string | null;
  if ('responsibleGroupId' in patch) server.item.group = patch.responsibleGroupId as string | null;
  if ('responsibleMemberIds' in patch) server.item.people = patch.responsibleMemberIds as string[];
  server.item.version++;
  return json(204, null);
}

// The client is made with the page's fetch and Request, relative to the page's address: stubbed before it is loaded.
vi.stubGlobal('document', { cookie: '' });
const Base = globalThis.Request;
vi.stubGlobal(
  'Request',
  class extends Base {
    constructor(input: string | URL | Request, init?: RequestInit) {
      super(typeof input === 'string' ? new URL(input, 'http://lianjian.test') : input, init);
    }
  },
);
vi.stubGlobal('fetch', async (request: Request) => answer(request, await request.text()));

const { keptItemEdits, queueItemEdit, readItemConflict, resolveItemConflict, syncQueue, watchQueue } = await import(
  './queue'
);
const { fieldDb, openFor, wipeFieldStore } = await import('./store');

const stateOf = async (id: string) => (await fieldDb().queue.get(id))?.state;
const keyOf = async (id: string) => (await fieldDb().queue.get(id))?.idempotencyKey;
const names = { 'g-infra': '基础建设党小组', 'g-order': '维护治安党小组', 'm-1': '党员m-1' };

/** The secretary's page loaded the item at version 4 with due date 2026-12-20; she moves it to 2026-12-31 offline. */
async function keepEdit(changes: Record<string, unknown> = { dueOn: '2026-12-31' }) {
  const base = Object.fromEntries(
    Object.keys(changes).map((k) => [
      k,
      { dueOn: '2026-12-20', responsibleGroupId: 'g-infra', responsibleMemberIds: ['m-1'] }[k],
    ]),
  );
  return queueItemEdit({ label: '修改事项 第3项', itemId: 'item-3', version: 4, base, changes, names });
}

describe('an item edited offline meets a change on the server: 需处理, 冲突, chosen field by field, sent once', () => {
  beforeEach(async () => {
    server.item = { version: 4, dueOn: '2026-12-20', group: 'g-infra', people: ['m-1'] };
    server.patches = [];
    server.online = true;
    await openFor('user-1');
  });
  afterEach(async () => {
    await wipeFieldStore();
  });

  it('an edit kept offline waits 未同步 with its base version, and is sent with it when the connection comes', async () => {
    server.online = false;
    const id = await keepEdit();
    await syncQueue();
    expect(await stateOf(id)).toBe('pending');
    server.online = true;
    expect(await syncQueue()).toBe(1);
    expect(server.patches.map((p) => p.body)).toEqual([{ version: 4, dueOn: '2026-12-31' }]);
    expect([await stateOf(id), server.item.dueOn, server.item.version]).toEqual(['synced', '2026-12-31', 5]);
  });

  it('the server changed the same field: 需处理 with the conflict, the server’s item kept sealed, nothing overwritten', async () => {
    const id = await keepEdit();
    server.item = { ...server.item, version: 5, dueOn: '2027-01-15' }; // another account, meanwhile
    await syncQueue();
    expect([await stateOf(id), server.item.dueOn]).toEqual(['attention', '2027-01-15']);
    const seen: { conflict: boolean }[] = [];
    const stop = watchQueue((r) => seen.splice(0, seen.length, ...r));
    await vi.waitFor(() => expect(seen.map((r) => r.conflict)).toEqual([true]));
    stop();
    const conflict = await readItemConflict(id);
    expect(conflict).toMatchObject({
      ask: ['dueOn'],
      base: { dueOn: '2026-12-20' },
      mine: { dueOn: '2026-12-31' },
      server: { version: 5, values: { dueOn: '2027-01-15', responsibleGroupId: 'g-infra' } },
    });
    // The copy of the server's item is sealed like the record: no value of it lies in the clear.
    const row = await fieldDb().queue.get(id);
    expect(new TextDecoder().decode(row?.sealed.data)).not.toContain('2027-01-15');
  });

  it('the device’s value chosen: sent again at the server’s version with a new key, once; the other field as edited', async () => {
    const id = await keepEdit({ dueOn: '2026-12-31', responsibleGroupId: 'g-order' });
    server.item = { ...server.item, version: 5, dueOn: '2027-01-15' };
    await syncQueue();
    const key = await keyOf(id);
    const conflict = await readItemConflict(id);
    expect(conflict?.ask).toEqual(['dueOn']); // the group, which the server did not change, is not asked about
    expect(await resolveItemConflict(id, { dueOn: 'mine' })).toBe('queued');
    expect([await stateOf(id), (await keyOf(id)) === key]).toEqual(['pending', false]);
    await syncQueue();
    await syncQueue();
    expect(server.patches.map((p) => p.body)).toEqual([
      { version: 4, dueOn: '2026-12-31', responsibleGroupId: 'g-order' },
      { version: 5, dueOn: '2026-12-31', responsibleGroupId: 'g-order' },
    ]);
    expect(server.patches[1]?.key).toBe(await keyOf(id));
    expect([await stateOf(id), server.item.dueOn, server.item.group, server.item.version]).toEqual([
      'synced',
      '2026-12-31',
      'g-order',
      6,
    ]);
  });

  it('the server’s value chosen for every field: the record is discarded and nothing is sent', async () => {
    const id = await keepEdit();
    server.item = { ...server.item, version: 5, dueOn: '2027-01-15' };
    await syncQueue();
    expect(await resolveItemConflict(id, { dueOn: 'server' })).toBe('discarded');
    expect(await fieldDb().queue.get(id)).toBeUndefined();
    await syncQueue();
    expect([server.patches.length, server.item.dueOn, server.item.version]).toEqual([1, '2027-01-15', 5]);
  });

  it('a second change on the server before the choice is sent: the conflict shows again, never overwritten', async () => {
    const id = await keepEdit();
    server.item = { ...server.item, version: 5, dueOn: '2027-01-15' };
    await syncQueue();
    await resolveItemConflict(id, { dueOn: 'mine' });
    server.item = { ...server.item, version: 6, dueOn: '2027-02-01' };
    await syncQueue();
    expect([await stateOf(id), server.item.dueOn]).toEqual(['attention', '2027-02-01']);
    expect((await readItemConflict(id))?.server).toMatchObject({ version: 6, values: { dueOn: '2027-02-01' } });
    expect((await readItemConflict(id))?.base).toEqual({ dueOn: '2027-01-15' });
  });

  it('the server moved on elsewhere (another field, a progress entry): the edit goes at the new version, unasked', async () => {
    const id = await keepEdit();
    server.item = { ...server.item, version: 6, people: ['m-2'] };
    await syncQueue();
    expect([await stateOf(id), server.item.dueOn, server.item.people, server.item.version]).toEqual([
      'synced',
      '2026-12-31',
      ['m-2'],
      7,
    ]);
    expect(server.patches.map((p) => p.body)).toEqual([
      { version: 4, dueOn: '2026-12-31' },
      { version: 6, dueOn: '2026-12-31' },
    ]);
  });

  it('a send whose reply was lost: sent again, the server already holds it, so it is 已同步 and not sent a third time', async () => {
    const id = await keepEdit();
    // The first send reached the server; the reply did not reach the device.
    server.item = { ...server.item, version: 5, dueOn: '2026-12-31' };
    await syncQueue();
    expect([await stateOf(id), server.patches.length, server.item.version]).toEqual(['synced', 1, 5]);
  });

  it('a second edit of the same item, based on the first: sent in order, the second at the version the first made', async () => {
    server.online = false;
    const first = await keepEdit();
    // The page shows the kept value; the second edit is based on it.
    const second = await queueItemEdit({
      label: '修改事项 第3项',
      itemId: 'item-3',
      version: 4,
      base: { dueOn: '2026-12-31' },
      changes: { dueOn: '2027-03-01' },
      names,
    });
    expect((await keptItemEdits('item-3')).map((e) => [e.clientId, e.changes])).toEqual([
      [first, { dueOn: '2026-12-31' }],
      [second, { dueOn: '2027-03-01' }],
    ]);
    server.online = true;
    await syncQueue();
    expect(server.patches.map((p) => p.body)).toEqual([
      { version: 4, dueOn: '2026-12-31' },
      { version: 4, dueOn: '2027-03-01' },
      { version: 5, dueOn: '2027-03-01' },
    ]);
    expect([await stateOf(first), await stateOf(second), server.item.dueOn]).toEqual([
      'synced',
      'synced',
      '2027-03-01',
    ]);
  });
});
