import { sql } from 'kysely';
import type { DbHandle } from '../src/db/index.ts';
import { cryptoProfileFromEnv } from '../src/lib/crypto.ts';

/** A keyed link as the running profile writes it: `h1:` HMAC-SHA-256, or `g1:` HMAC-SM3 under `gm`. */
export const KEYED_LINK = cryptoProfileFromEnv() === 'gm' ? /^g1:[0-9a-f]{64}$/ : /^h1:[0-9a-f]{64}$/;

export type ChainRow = Record<string, unknown> & { seq: number; prev_hash: string; hash: string };

/** What someone who has the code but not the key can compute: the event's fields and the previous hash, as the chain hashes them. */
export const canonical = (prev: string, r: Record<string, unknown>) =>
  JSON.stringify([
    prev,
    r.seq,
    r.id,
    r.at,
    r.user_id,
    r.request_id,
    r.action,
    r.entity_type,
    r.entity_id,
    r.before_json,
    r.after_json,
  ]);

/** The database owner's way round the append-only trigger. */
export async function dropAppendOnly(handle: DbHandle): Promise<void> {
  if (handle.dialect === 'postgres')
    await sql`drop trigger audit_events_append_only on audit_events`.execute(handle.db);
  else {
    await sql`drop trigger audit_events_no_update`.execute(handle.db);
    await sql`drop trigger audit_events_no_delete`.execute(handle.db);
  }
}
