import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A stand-in for the server, answering the queue's requests as the API does: each request is recorded with its
 * Idempotency-Key, and a key seen before is answered with the first answer (the idempotency machinery).
 */
interface Seen {
  method: string;
  path: string;
  key: string | null;
  body: { photos?: { dataBase64: string }[] } & Record<string, unknown>;
}
let seen: Seen[] = [];
let answer: (s: Seen) => Response | 'no connection' = () => new Response(null, { status: 204 });
const replays = new Map<string, { status: number; text: string }>();
const fakeFetch = async (request: Request): Promise<Response> => {
  const s: Seen = {
    method: request.method,
    path: new URL(request.url).pathname,
    key: request.headers.get('Idempotency-Key'),
    body: JSON.parse(await request.text()),
  };
  const kept = s.key ? replays.get(s.key) : undefined;
  if (kept)
    return new Response(kept.text || null, { status: kept.status, headers: { 'content-type': 'application/json' } });
  const got = answer(s);
  if (got === 'no connection') throw new TypeError('Failed to fetch');
  seen.push(s);
  const text = got.status === 204 ? '' : await got.clone().text();
  if (s.key) replays.set(s.key, { status: got.status, text });
  return got;
};
// The page's globals the API client takes at its creation: a same-origin base, the CSRF cookie, fetch.
vi.stubGlobal('document', { cookie: 'lj_csrf=token' });
vi.stubGlobal(
  'Request',
  class extends Request {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === 'string' && input.startsWith('/') ? `http://field.test${input}` : input, init);
    }
  },
);
vi.stubGlobal('fetch', (r: Request) => fakeFetch(r));

const { queueMeeting, queueProgress, queueVisit, readRecord, syncQueue, editRecord } = await import('./queue');
const { fieldDb, openFor, wipeFieldStore } = await import('./store');

const PHOTO = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const meeting = {
  orgId: 'org-1',
  kind: 'branch_meeting' as const,
  heldOn: '2026-12-01',
  place: '村委会',
  topic: '道路修缮',
  attendance: [
    { memberId: 'm-1', status: 'present' as const },
    { memberId: 'm-2', status: 'excused' as const, reason: '外出务工' },
  ],
  decisions: [],
  photos: [{ dataBase64: PHOTO }],
};
const progress = { text: '已回填路面', public: true, photos: [{ dataBase64: PHOTO }] };
const visit = { visitedOn: '2026-12-01', helperIds: ['m-1'], checks: [], photos: [{ dataBase64: PHOTO }] };
const stateOf = async (clientId: string) => (await fieldDb().queue.get(clientId))?.state;

describe('meetings, item progress and visits with photos go through the field queue in order, each once', () => {
  beforeEach(async () => {
    seen = [];
    replays.clear();
    answer = (s) =>
      s.path.endsWith('/events') ? new Response(null, { status: 204 }) : json(201, { id: `srv-${seen.length}` });
    await openFor('user-1');
  });
  afterEach(async () => {
    await wipeFieldStore();
  });

  it('each kind goes to its own endpoint, in the order recorded, with its key and its photos, and is 已同步', async () => {
    const v = await queueVisit('h-1', '走访', visit);
    const m = await queueMeeting('会议', meeting);
    const p = await queueProgress('item-1', '进展', progress);
    expect(await syncQueue()).toBe(3);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api/v1/households/h-1/visits',
      'POST /api/v1/activities',
      'POST /api/v1/items/item-1/events',
    ]);
    const keys = await Promise.all([v, m, p].map(async (id) => (await fieldDb().queue.get(id))?.idempotencyKey));
    expect(seen.map((s) => s.key)).toEqual(keys);
    expect(seen.map((s) => s.body.photos?.[0]?.dataBase64)).toEqual([PHOTO, PHOTO, PHOTO]);
    expect(seen[1]?.body.attendance).toEqual(meeting.attendance);
    expect(await Promise.all([v, m, p].map(stateOf))).toEqual(['synced', 'synced', 'synced']);
    // Sent again (a second sync, a reopened page): nothing more reaches the server.
    expect(await syncQueue()).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it('photos lie on the device sealed with the record: the stored row does not hold them in the clear', async () => {
    const id = await queueProgress('item-1', '进展', progress);
    const row = await fieldDb().queue.get(id);
    const stored = new TextDecoder('latin1').decode(row?.sealed.data);
    expect(stored).not.toContain(PHOTO.slice(0, 24));
    expect(stored).not.toContain('已回填');
    expect((await readRecord(id))?.body).toEqual(progress);
  });

  it('a connection lost mid-queue: what was sent stays sent, the rest waits in order and goes later with its key', async () => {
    const m = await queueMeeting('会议', meeting);
    const p = await queueProgress('item-1', '进展', progress);
    const v = await queueVisit('h-1', '走访', visit);
    answer = (s) => (s.path.endsWith('/events') ? 'no connection' : json(201, { id: 'srv' }));
    expect(await syncQueue()).toBe(1);
    expect(await Promise.all([m, p, v].map(stateOf))).toEqual(['synced', 'pending', 'pending']);
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/activities']);
    answer = (s) => (s.path.endsWith('/events') ? new Response(null, { status: 204 }) : json(201, { id: 'srv' }));
    expect(await syncQueue()).toBe(2);
    expect(seen.map((s) => s.path)).toEqual([
      '/api/v1/activities',
      '/api/v1/items/item-1/events',
      '/api/v1/households/h-1/visits',
    ]);
    expect(new Set(seen.map((s) => s.key)).size).toBe(3);
  });

  it('an item closed meanwhile, a membership ended: 需处理 with the server’s reason; the queue goes on; edit sends anew', async () => {
    const p = await queueProgress('item-1', '进展', progress);
    const m = await queueMeeting('会议', meeting);
    answer = (s) =>
      s.path.endsWith('/events')
        ? json(409, { code: 'illegal_transition', detail: '事项已办结，不能再填写进展' })
        : json(400, { code: 'validation_failed', detail: '出席人员须是会议当日的组织成员' });
    expect(await syncQueue()).toBe(0);
    expect(await Promise.all([p, m].map(stateOf))).toEqual(['attention', 'attention']);
    expect((await readRecord(p))?.reason).toBe('事项已办结，不能再填写进展');
    expect((await readRecord(m))?.reason).toBe('出席人员须是会议当日的组织成员');
    // The secretary rewrites the entry: a new request under a new key, which the server now takes.
    answer = () => new Response(null, { status: 204 });
    await editRecord(p, '进展（改）', { ...progress, text: '路面已修好' });
    expect(await syncQueue()).toBe(1);
    expect(await stateOf(p)).toBe('synced');
    const [first, second] = seen.filter((s) => s.path.endsWith('/events'));
    expect(second?.body.text).toBe('路面已修好');
    expect(second?.key).not.toBe(first?.key);
    expect(await stateOf(m)).toBe('attention');
  });
});
