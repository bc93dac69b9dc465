import { createHash, createHmac } from 'node:crypto';
import { PostgresAdapter } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { writeClaim } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

interface HashedFields {
  seq: number;
  id: string;
  at: string;
  user_id: string | null;
  request_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
}

// The chain's key, derived from the data key at start-up: without it nobody can forge a chain that verifies,
// even someone who can write to the database. Unset only in code paths that never reach a server (a fixed key).
let chainKey: Buffer = Buffer.from('lianjian audit chain: no key configured');
export function setAuditKey(key: Buffer): void {
  chainKey = key;
}

/** Keyed hashes are marked `h1:`; hashes without the mark are plain SHA-256 from before the chain was keyed. */
const KEYED = 'h1:';

/**
 * HMAC-SHA-256 over every stored field and the previous hash, so any edit or deletion breaks the chain, and
 * rewriting the chain after it needs the key.
 */
export function auditHash(prevHash: string, e: HashedFields, keyed = true): string {
  const canonical = canonicalOf(prevHash, e);
  return keyed ? KEYED + createHmac('sha256', chainKey).update(canonical).digest('hex') : createHash('sha256').update(canonical).digest('hex');
}

function canonicalOf(prevHash: string, e: HashedFields): string {
  return JSON.stringify([
    prevHash,
    e.seq,
    e.id,
    e.at,
    e.user_id,
    e.request_id,
    e.action,
    e.entity_type,
    e.entity_id,
    e.before_json,
    e.after_json,
  ]);
}

/**
 * Appends one audit event inside the caller's transaction. Updating the single head row first takes its
 * row lock (PostgreSQL) or the write lock (SQLite), so concurrent writers append one after another.
 */
export async function recordAudit(
  tx: Executor,
  actor: { userId: string | null; requestId: string | null },
  entry: AuditEntry,
): Promise<void> {
  // The request's Idempotency-Key, if any, commits with the change it guards. It is written before the chain's head
  // is taken: the head's row stays locked until the transaction commits, so every writer waits for it, and the
  // fewer statements run while it is held, the more changes commit per second.
  await writeClaim(tx, actor.requestId);
  const head = await tx
    .updateTable('audit_head')
    .set((eb) => ({ count: eb('count', '+', 1) }))
    .where('id', '=', 1)
    .returning(['count', 'last_hash'])
    .executeTakeFirst();
  let seq: number;
  let prevHash: string;
  if (head) {
    seq = Number(head.count);
    prevHash = head.last_hash;
  } else {
    await tx.insertInto('audit_head').values({ id: 1, count: 1, last_hash: GENESIS_HASH }).execute();
    seq = 1;
    prevHash = GENESIS_HASH;
  }
  const row: HashedFields = {
    seq,
    id: newId(),
    at: nowIso(),
    user_id: actor.userId,
    request_id: actor.requestId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
  };
  const hash = auditHash(prevHash, row);
  const event = { ...row, prev_hash: prevHash, hash };
  if (tx.getExecutor().adapter instanceof PostgresAdapter) {
    // One round trip instead of two while the head is held: the event and the head's new hash in one statement.
    await tx
      .with('event', (db) => db.insertInto('audit_events').values(event))
      .updateTable('audit_head')
      .set({ last_hash: hash })
      .where('id', '=', 1)
      .execute();
    return;
  }
  await tx.insertInto('audit_events').values(event).execute();
  await tx.updateTable('audit_head').set({ last_hash: hash }).where('id', '=', 1).execute();
}

/** Walks the whole chain in order; reports the first event whose hash does not follow. */
export async function verifyAuditChain(db: Executor): Promise<{ ok: boolean; count: number; brokenAt: number | null }> {
  let prev = GENESIS_HASH;
  let count = 0;
  let lastSeq = 0;
  // Unkeyed events may only come before the first keyed one (a database from before the chain was keyed).
  let keyedSeen = false;
  const batch = 2000;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', lastSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    for (const r of rows) {
      const keyed = r.hash.startsWith(KEYED);
      if (r.seq !== lastSeq + 1 || r.prev_hash !== prev || (keyedSeen && !keyed) || auditHash(prev, r, keyed) !== r.hash) {
        return { ok: false, count, brokenAt: r.seq };
      }
      keyedSeen ||= keyed;
      prev = r.hash;
      lastSeq = r.seq;
      count++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.selectFrom('audit_head').select(['count', 'last_hash']).where('id', '=', 1).executeTakeFirst();
  if (head && (Number(head.count) !== count || head.last_hash !== prev)) return { ok: false, count, brokenAt: count + 1 };
  return { ok: true, count, brokenAt: null };
}
