import Dexie, { type Table } from 'dexie';

/**
 * The device's field store (IndexedDB `lianjian-field`): the queue of records made in the field, and the copies kept
 * for work with no connection (the account, the households the branch helps). Every record's content is sealed with
 * AES-GCM under a key made for this sign-in and kept as a non-extractable CryptoKey; only a record's id, kind and
 * state lie in the clear, to order and show the queue. Signing out deletes the whole store, key included.
 * This module is loaded only when field work is used (dynamic imports), so the app's first load does not carry Dexie.
 */
export const FIELD_DB = 'lianjian-field';

/** 未同步, 同步中, 已同步, 需处理 (refused or in conflict, with the server's reason). */
export type FieldState = 'pending' | 'sending' | 'synced' | 'attention';
/** meeting: a meeting with its attendance; progress: a progress entry on an open item; itemEdit: an item edited offline. */
export type FieldKind = 'visit' | 'report' | 'meeting' | 'progress' | 'itemEdit';

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}
interface KeyRow {
  id: 'vault';
  key: CryptoKey;
  /** The account the store belongs to: another account signing in on the device starts from an empty store. */
  owner: string;
}
export interface QueueRow {
  /** UUIDv7 made on the device: the queue is sent in this order. */
  clientId: string;
  idempotencyKey: string;
  kind: FieldKind;
  state: FieldState;
  createdAt: string;
  sealed: Sealed;
}
interface SealedRow {
  name: string;
  savedAt: string;
  sealed: Sealed;
}

class FieldDb extends Dexie {
  keys!: Table<KeyRow, string>;
  queue!: Table<QueueRow, string>;
  copies!: Table<SealedRow, string>;
  constructor() {
    super(FIELD_DB);
    this.version(1).stores({ keys: 'id', queue: 'clientId, state', copies: 'name' });
  }
}

let opened: FieldDb | null = null;
export const fieldDb = (): FieldDb => {
  opened ??= new FieldDb();
  return opened;
};

async function vaultKey(): Promise<CryptoKey> {
  const row = await fieldDb().keys.get('vault');
  if (!row) throw new Error('field store not opened for an account');
  return row.key;
}

/** Opens the store for an account: a store left by another account is deleted first, and a key made if none. */
export async function openFor(owner: string): Promise<void> {
  const row = await fieldDb().keys.get('vault');
  if (row && row.owner === owner) return;
  if (row) await wipeFieldStore();
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await fieldDb().keys.put({ id: 'vault', key, owner });
}

export async function seal(value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await vaultKey(),
    new TextEncoder().encode(JSON.stringify(value)),
  );
  return { iv, data };
}

export async function unseal<T>(sealed: Sealed): Promise<T> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, await vaultKey(), sealed.data);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

/** Keeps a sealed copy under a name (the account, the branch's households). */
export async function keepCopy(name: string, value: unknown): Promise<void> {
  await fieldDb().copies.put({ name, savedAt: new Date().toISOString(), sealed: await seal(value) });
}

export async function readCopy<T>(name: string): Promise<{ value: T; savedAt: string } | null> {
  const row = await fieldDb().copies.get(name);
  if (!row || !(await fieldDb().keys.get('vault'))) return null;
  return { value: await unseal<T>(row.sealed), savedAt: row.savedAt };
}

/** Deletes the store and its key (sign-out). */
export async function wipeFieldStore(): Promise<void> {
  const db = fieldDb();
  db.close();
  opened = null;
  await Dexie.delete(FIELD_DB);
}
