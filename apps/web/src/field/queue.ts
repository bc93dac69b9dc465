import { liveQuery } from 'dexie';
import type { Schemas } from '../api/client';
import { api, screenLanguage } from '../api/client';
import { type FieldKind, type FieldState, type QueueRow, fieldDb, seal, unseal } from './store';
import { uuidv7 } from './uuidv7';

export type VisitBody = Schemas['NewVisitInput'];
export type ReportBody = Schemas['CreateReport'];
export type MeetingBody = Schemas['NewActivity'];
export type ProgressBody = Schemas['AddItemEvent'];
/** What any queued record sends. */
export type FieldBody = VisitBody | ReportBody | MeetingBody | ProgressBody;
/** What a queued record holds, sealed: what the server is sent, and a line naming it in the queue. */
interface Content {
  label: string;
  householdId?: string;
  /** The open item a progress entry belongs to. */
  itemId?: string;
  /** Photos travel inside the body (base64), so they are sealed with the rest of the record. */
  body: FieldBody;
  /** The server's reason when it refused the record (its own words, in the screen's language). */
  reason?: string;
  serverId?: string;
}
export interface QueuedRecord {
  clientId: string;
  idempotencyKey: string;
  kind: FieldKind;
  state: FieldState;
  createdAt: string;
  label: string;
  reason: string | null;
}

/** Queues a home visit made in the field: its client id and Idempotency-Key are made now, once. */
export async function queueVisit(householdId: string, label: string, body: VisitBody): Promise<string> {
  return queue('visit', { label, householdId, body });
}

/** Queues a resident's report entered in the field, with the tracking code already handed to the resident. */
export async function queueReport(label: string, body: ReportBody): Promise<string> {
  return queue('report', { label, body });
}

/** Queues a meeting recorded in the field, with the attendance of the branch's members as kept on the device. */
export async function queueMeeting(label: string, body: MeetingBody): Promise<string> {
  return queue('meeting', { label, body });
}

/** Queues a progress entry (text and photos) on an open item of the branch. */
export async function queueProgress(itemId: string, label: string, body: ProgressBody): Promise<string> {
  return queue('progress', { label, itemId, body });
}

async function queue(kind: FieldKind, content: Content): Promise<string> {
  const clientId = uuidv7();
  const row: QueueRow = {
    clientId,
    idempotencyKey: crypto.randomUUID(),
    kind,
    state: 'pending',
    createdAt: new Date().toISOString(),
    sealed: await seal(content),
  };
  await fieldDb().queue.add(row);
  return clientId;
}

async function open(row: QueueRow): Promise<QueuedRecord> {
  const c = await unseal<Content>(row.sealed);
  const { clientId, idempotencyKey, kind, state, createdAt } = row;
  return { clientId, idempotencyKey, kind, state, createdAt, label: c.label, reason: c.reason ?? null };
}

/** The queue as it changes, oldest first. */
export function watchQueue(onChange: (records: QueuedRecord[]) => void): () => void {
  const sub = liveQuery(async () =>
    Promise.all((await fieldDb().queue.orderBy('clientId').toArray()).map(open)),
  ).subscribe({ next: onChange, error: () => onChange([]) });
  return () => sub.unsubscribe();
}

export async function discard(clientId: string): Promise<void> {
  await fieldDb().queue.delete(clientId);
}

/**
 * Sends a refused record again, unchanged (after the obstacle was removed on the server). The server keeps its refusal
 * under the record's Idempotency-Key and would answer the same key with it again, so the record takes a new one: the
 * refusal made nothing on the server, so nothing can be made twice. A record that got no answer keeps its key.
 */
export async function retry(clientId: string): Promise<void> {
  await fieldDb().transaction('rw', fieldDb().queue, async () => {
    const row = await fieldDb().queue.get(clientId);
    if (row?.state !== 'attention') return;
    await fieldDb().queue.update(clientId, { state: 'pending', idempotencyKey: crypto.randomUUID() });
  });
}

/** What a queued record holds (its label, what the server is sent, the server's reason if it refused it). */
export async function readRecord(
  clientId: string,
): Promise<{ label: string; body: FieldBody; reason?: string; itemId?: string } | null> {
  const row = await fieldDb().queue.get(clientId);
  if (!row) return null;
  const { label, body, reason, itemId } = await unseal<Content>(row.sealed);
  return { label, body, reason, ...(itemId ? { itemId } : {}) };
}

/**
 * The secretary edits a refused record: its new content is another request, sent with a new Idempotency-Key (the old
 * key stands for the refused content, and the server answers it with its refusal).
 */
export async function editRecord(clientId: string, label: string, body: FieldBody): Promise<void> {
  const row = await fieldDb().queue.get(clientId);
  if (row?.state !== 'attention') return;
  const content = await unseal<Content>(row.sealed);
  await fieldDb().queue.update(clientId, {
    state: 'pending',
    idempotencyKey: crypto.randomUUID(),
    sealed: await seal({ ...content, label, body, reason: undefined }),
  });
}

type Outcome = { kind: 'sent'; serverId: string } | { kind: 'refused'; reason: string } | { kind: 'later' };

/**
 * What a failed send means for the record. Not a refusal of the record, so it waits and is sent again with the same
 * key: the server is down or busy, the session ended (sign in again), the CSRF token is stale, or the first send is
 * still running. Anything else is the server refusing this record: 需处理, with its reason.
 */
export function answerOf(status: number, problem: { code?: string; detail?: string }, statusText = ''): Outcome {
  if (status >= 500 || status === 401 || status === 429) return { kind: 'later' };
  if (problem.code === 'idempotency_in_progress' || problem.code === 'csrf_failed') return { kind: 'later' };
  return { kind: 'refused', reason: problem.detail ?? statusText };
}

async function send(row: QueueRow, content: Content): Promise<Outcome> {
  let response: Response;
  let data: unknown;
  let error: unknown;
  try {
    const headers = { 'Idempotency-Key': row.idempotencyKey, 'Accept-Language': screenLanguage() };
    if (row.kind === 'meeting' || row.kind === 'progress') {
      ({ response, data, error } = await sendFieldWork(row.kind, content, headers));
    } else if (row.kind === 'visit') {
      ({ response, data, error } = await api.POST('/api/v1/households/{id}/visits', {
        params: { path: { id: content.householdId as string } },
        headers,
        body: content.body as VisitBody,
      }));
    } else {
      ({ response, data, error } = await api.POST('/api/v1/reports', { headers, body: content.body as ReportBody }));
    }
  } catch {
    return { kind: 'later' }; // no connection: the record waits, with the same key
  }
  // A progress entry is answered 204 with no body: the item it was written on names it.
  if (response.ok) return { kind: 'sent', serverId: (data as { id?: string } | undefined)?.id ?? content.itemId ?? '' };
  return answerOf(response.status, (error ?? {}) as { code?: string; detail?: string }, response.statusText);
}

/** The requests of the kinds recorded from the branch's kept copy: a meeting, a progress entry on an item. */
function sendFieldWork(kind: 'meeting' | 'progress', content: Content, headers: Record<string, string>) {
  if (kind === 'meeting') return api.POST('/api/v1/activities', { headers, body: content.body as MeetingBody });
  return api.POST('/api/v1/items/{id}/events', {
    params: { path: { id: content.itemId as string } },
    headers,
    body: content.body as ProgressBody,
  });
}

let running: Promise<number> | null = null;

/**
 * Sends the queue in order, one record at a time, each with the key it was made with: a record sent twice (a reply
 * lost on the way) is answered by the server's replay of the first, never recorded again. Stops at the first record
 * that must wait for a connection, so that the order holds. Answers how many were sent.
 */
export function syncQueue(): Promise<number> {
  running ??= (async () => {
    let sent = 0;
    try {
      // A record left 同步中 by a closed page is sent again with its key: the server replays it if it had arrived.
      const rows = await fieldDb().queue.where('state').anyOf('pending', 'sending').toArray();
      rows.sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
      for (const row of rows) {
        await fieldDb().queue.update(row.clientId, { state: 'sending' });
        const content = await unseal<Content>(row.sealed);
        const outcome = await send(row, content);
        if (outcome.kind === 'later') {
          await fieldDb().queue.update(row.clientId, { state: 'pending' });
          break;
        }
        if (outcome.kind === 'sent') {
          sent++;
          await fieldDb().queue.update(row.clientId, {
            state: 'synced',
            sealed: await seal({ ...content, serverId: outcome.serverId, reason: undefined }),
          });
        } else {
          await fieldDb().queue.update(row.clientId, {
            state: 'attention',
            sealed: await seal({ ...content, reason: outcome.reason }),
          });
        }
      }
    } finally {
      running = null;
    }
    return sent;
  })();
  return running;
}

/** How many records wait to be sent or need the secretary's attention. */
export async function openCount(): Promise<number> {
  return fieldDb().queue.where('state').anyOf('pending', 'sending', 'attention').count();
}
