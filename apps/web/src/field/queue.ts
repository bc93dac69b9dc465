import { liveQuery } from 'dexie';
import type { Schemas } from '../api/client';
import { api, screenLanguage } from '../api/client';
import {
  type Choice,
  type ItemEditChange,
  type ItemEditField,
  type ItemEditValues,
  fieldsToAsk,
  itemEditValues,
  resolveEdit,
} from './itemConflict';
import { type FieldKind, type FieldState, type QueueRow, fieldDb, seal, unseal } from './store';
import { uuidv7 } from './uuidv7';

export type VisitBody = Schemas['NewVisitInput'];
export type ReportBody = Schemas['CreateReport'];
export type ItemEditBody = Schemas['EditItem'];
export type MeetingBody = Schemas['NewActivity'];
export type ProgressBody = Schemas['AddItemEvent'];
/** What any queued record sends. */
export type FieldBody = VisitBody | ReportBody | MeetingBody | ProgressBody | ItemEditBody;
/** What a queued record holds, sealed: what the server is sent, and a line naming it in the queue. */
interface Content {
  label: string;
  householdId?: string;
  /** The open item a progress entry belongs to. */
  itemId?: string;
  /** Photos travel inside the body (base64), so they are sealed with the rest of the record. */
  body: FieldBody;
  /** An item edited offline: `body` holds its changes at the version the edit was based on. */
  itemEdit?: ItemEdit;
  /** The server's reason when it refused the record (its own words, in the screen's language). */
  reason?: string;
  serverId?: string;
}
/** The server's item as fetched when an edit met its change: what the conflict screen shows, nothing more. */
export interface ServerItem {
  version: number;
  values: ItemEditValues;
  /** Names of the party group and people it holds, so that the screen names them. */
  names: Record<string, string>;
  fetchedAt: string;
}
interface ItemEdit {
  itemId: string;
  /** The values the edit was based on, for the fields it changed (`body` holds the new ones). */
  base: ItemEditChange;
  /** Names of the party groups and people the edit and its base name (the page's, when it was made). */
  names: Record<string, string>;
  /** Set when the server's item had changed meanwhile: 需处理, 冲突. */
  conflict?: ServerItem;
}
export interface QueuedRecord {
  clientId: string;
  idempotencyKey: string;
  kind: FieldKind;
  state: FieldState;
  createdAt: string;
  label: string;
  reason: string | null;
  /** An item edit that met a change on the server (需处理, 冲突), for 处理冲突. */
  conflict: boolean;
  /** The item an item edit is for. */
  itemId: string | null;
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
  return {
    clientId,
    idempotencyKey,
    kind,
    state,
    createdAt,
    label: c.label,
    reason: c.reason ?? null,
    conflict: Boolean(c.itemEdit?.conflict),
    itemId: c.itemEdit?.itemId ?? null,
  };
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
): Promise<{ label: string; body: FieldBody; reason?: string; itemId?: string; householdId?: string } | null> {
  const row = await fieldDb().queue.get(clientId);
  if (!row) return null;
  const { label, body, reason, itemId, householdId } = await unseal<Content>(row.sealed);
  return { label, body, reason, ...(itemId ? { itemId } : {}), ...(householdId ? { householdId } : {}) };
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

type Outcome =
  | { kind: 'sent'; serverId: string; content?: Content }
  | { kind: 'refused'; reason: string }
  | { kind: 'later' }
  | { kind: 'conflict'; content: Content };

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
    if (row.kind === 'itemEdit') return await sendItemEdit(content, headers);
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
            sealed: await seal({ ...(outcome.content ?? content), serverId: outcome.serverId, reason: undefined }),
          });
        } else if (outcome.kind === 'conflict') {
          await fieldDb().queue.update(row.clientId, { state: 'attention', sealed: await seal(outcome.content) });
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

// Items edited with no connection (DOMAIN §8: an item's due date, party group and people after its list was made).
// The server takes an edit only at the item's current `version`, so an edit is applied at most once: a send whose
// reply was lost meets its own change when sent again, and is 已同步.

const changesOf = (body: ItemEditBody): ItemEditChange => {
  const { version: _, ...changes } = body;
  return changes;
};

/**
 * Keeps an edit of an item made on the item page with no connection: the version the page loaded, the values the
 * edit was based on and the new ones (only the fields it changed), and the names the screen needs, all sealed.
 */
export async function queueItemEdit(edit: {
  label: string;
  itemId: string;
  version: number;
  base: ItemEditChange;
  changes: ItemEditChange;
  names: Record<string, string>;
}): Promise<string> {
  const { label, itemId, version, base, changes, names } = edit;
  return queue('itemEdit', { label, body: { version, ...changes }, itemEdit: { itemId, base, names } });
}

/** The item edits kept on this device for an item and not yet sent, oldest first, with what each changes. */
export async function keptItemEdits(
  itemId: string,
): Promise<{ clientId: string; state: FieldState; conflict: boolean; changes: ItemEditChange }[]> {
  const rows = await fieldDb().queue.where('state').anyOf('pending', 'sending', 'attention').toArray();
  rows.sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
  const out = [];
  for (const row of rows.filter((r) => r.kind === 'itemEdit')) {
    const c = await unseal<Content>(row.sealed);
    if (c.itemEdit?.itemId !== itemId) continue;
    const changes = changesOf(c.body as ItemEditBody);
    out.push({ clientId: row.clientId, state: row.state, conflict: Boolean(c.itemEdit.conflict), changes });
  }
  return out;
}

const serverItemOf = (item: Schemas['ItemDetail']): ServerItem => ({
  version: item.version,
  values: itemEditValues(item),
  names: Object.fromEntries([
    ...(item.responsibleGroup ? [[item.responsibleGroup.id, item.responsibleGroup.name]] : []),
    ...item.members.map((m) => [m.memberId, m.name]),
  ]),
  fetchedAt: new Date().toISOString(),
});

/**
 * Sends an item edit at the version it was based on. When the server's item moved meanwhile (409 version_conflict)
 * the item is read again: a field the secretary changed that the server changed to another value makes the record
 * 需处理 (冲突), with the server's item kept (sealed) for the choice; otherwise nothing of the server's is replaced,
 * and the edit goes at the server's version (or is already there).
 */
async function sendItemEdit(first: Content, headers: Record<string, string>): Promise<Outcome> {
  let content = first;
  const edit = content.itemEdit as ItemEdit;
  const path = { params: { path: { id: edit.itemId } } };
  for (let round = 0; round < 3; round++) {
    const body = content.body as ItemEditBody;
    const { response, error } = await api.PATCH('/api/v1/items/{id}', { ...path, headers, body });
    if (response.ok) return { kind: 'sent', serverId: edit.itemId, content };
    const problem = (error ?? {}) as { code?: string; detail?: string };
    if (response.status !== 409 || problem.code !== 'version_conflict')
      return answerOf(response.status, problem, response.statusText);
    const got = await api.GET('/api/v1/items/{id}', { ...path, headers: { 'Accept-Language': screenLanguage() } });
    if (!got.response.ok || !got.data)
      return answerOf(got.response.status, (got.error ?? {}) as { code?: string }, got.response.statusText);
    const server = serverItemOf(got.data);
    const itemEdit = content.itemEdit as ItemEdit;
    if (fieldsToAsk(itemEdit.base, changesOf(body), server.values).length) {
      return {
        kind: 'conflict',
        content: { ...content, reason: undefined, itemEdit: { ...itemEdit, conflict: server } },
      };
    }
    const next = resolveEdit({ base: itemEdit.base, changes: changesOf(body) }, server, {});
    if (next.kind === 'nothing') return { kind: 'sent', serverId: edit.itemId, content };
    content = {
      ...content,
      body: { version: next.version, ...next.changes },
      itemEdit: { ...itemEdit, base: next.base },
    };
  }
  return { kind: 'later' }; // the item keeps moving: the next sync tries again
}

/** An item edit in conflict, as the 处理冲突 screen shows it: each field asked about with the three values. */
export async function readItemConflict(clientId: string): Promise<{
  label: string;
  itemId: string;
  /** The values the edit was based on (the fields it changed). */
  base: ItemEditChange;
  /** The device's values (the fields it changed). */
  mine: ItemEditChange;
  server: ServerItem;
  ask: ItemEditField[];
  names: Record<string, string>;
} | null> {
  const row = await fieldDb().queue.get(clientId);
  if (row?.kind !== 'itemEdit' || row.state !== 'attention') return null;
  const c = await unseal<Content>(row.sealed);
  const server = c.itemEdit?.conflict;
  if (!c.itemEdit || !server) return null;
  const mine = changesOf(c.body as ItemEditBody);
  return {
    label: c.label,
    itemId: c.itemEdit.itemId,
    base: c.itemEdit.base,
    mine,
    server,
    ask: fieldsToAsk(c.itemEdit.base, mine, server.values),
    names: { ...c.itemEdit.names, ...server.names },
  };
}

/**
 * The secretary's choice, field by field: the record goes again based on the server's item as fetched (its version
 * and values), with the chosen values and a new Idempotency-Key, or is deleted when every value chosen is the
 * server's. If the server moved again before it is sent, the conflict shows again.
 */
export async function resolveItemConflict(
  clientId: string,
  choices: Partial<Record<ItemEditField, Choice>>,
): Promise<'queued' | 'discarded'> {
  const row = await fieldDb().queue.get(clientId);
  if (row?.kind !== 'itemEdit' || row.state !== 'attention') throw new Error('not an item edit in conflict');
  const c = await unseal<Content>(row.sealed);
  const edit = c.itemEdit as ItemEdit;
  if (!edit.conflict) throw new Error('not an item edit in conflict');
  const next = resolveEdit({ base: edit.base, changes: changesOf(c.body as ItemEditBody) }, edit.conflict, choices);
  if (next.kind === 'nothing') {
    await fieldDb().queue.delete(clientId);
    return 'discarded';
  }
  const { conflict, ...kept } = edit;
  await fieldDb().queue.update(clientId, {
    state: 'pending',
    idempotencyKey: crypto.randomUUID(),
    sealed: await seal({
      ...c,
      reason: undefined,
      body: { version: next.version, ...next.changes },
      itemEdit: { ...kept, base: next.base, names: { ...edit.names, ...conflict.names } },
    }),
  });
  return 'queued';
}
