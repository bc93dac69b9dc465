import { createHash, createHmac } from 'node:crypto';
import type { Executor } from '../../db/index.ts';
import type { CryptoProfile, DataCipher } from '../../lib/crypto.ts';
import { keyRegistered } from '../../lib/data-key.ts';
import { writeClaim } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { ActSigner } from '../../lib/signatures.ts';
import * as repo from './audit.repository.ts';
import { clientRequestIdFor } from './client-request-ids.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export interface HashedFields {
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
  client_request_id?: string | null;
}

/**
 * Keyed links say their algorithm and key version: `h<n>:` is HMAC-SHA-256 under version n of the standard chain key,
 * `g<n>:` HMAC-SM3 under version n of the gm one. A link is verified by the key it names, so a chain goes on across a
 * rotation or a change of profile; no other mark is a link of this chain.
 */
const LINK_LETTER = { standard: 'h', gm: 'g' } as const satisfies Record<CryptoProfile, string>;
/** What every keyed link begins with (a plain link is hex, which neither letter is): `like` patterns of the repository. */
const KEYED_MARKS = Object.values(LINK_LETTER);
const LINK_MARK = /^([hg])(\d+):/;
/** The head's seal says its algorithm and key version too: `s<n>:` HMAC-SHA-256, `gs<n>:` HMAC-SM3. */
const SEAL_LETTERS = { standard: 's', gm: 'gs' } as const satisfies Record<CryptoProfile, string>;
const SEAL_MARK = /^(s|gs)(\d+):/;
/** A chain key: its profile and version (the `audit` purpose of the data key ring). */
type ChainKey = { profile: CryptoProfile; version: number };
/** The plain SHA-256 links written before the chain was keyed. */
const LEGACY_LINK = /^[0-9a-f]{64}$/;
/** Written by migration 0021 on a head from before seals: it waits for the first start with the key (setup.ts). */
export const SEAL_PENDING = 'pending';
/** Carried on by every change once the head was found not to be as it was sealed. It never verifies. */
const SEAL_BROKEN = 'broken';
/**
 * The event of the start that recorded the data key (setup.ts `openDataKey`): once per database. A second one means
 * the key's record was deleted and made again; any one means the chain was sealed at that start.
 */
export const KEY_RECORDED = 'data_key.record';

function canonicalOf(prevHash: string, e: HashedFields): string {
  const fields: unknown[] = [
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
  ];
  // The client's request id came later: an event without one hashes as before, so the older keyed links still verify.
  if (e.client_request_id != null) fields.push(e.client_request_id);
  return JSON.stringify(fields);
}

function legacyLink(prevHash: string, e: HashedFields): string {
  return createHash('sha256').update(canonicalOf(prevHash, e)).digest('hex');
}

export interface ChainReport {
  ok: boolean;
  /** Events verified. */
  count: number;
  /** The first event that cannot be vouched for. */
  brokenAt: number | null;
  /**
   * `link`: an event's hash does not follow (edited, reordered, or not keyed); `missing`: events are gone; `head`: the
   * head disagrees with the events or its seal is not the key's; `unsealed`: the head has not been sealed under the key.
   */
  reason: 'link' | 'missing' | 'head' | 'unsealed' | null;
}

const broken = (count: number, brokenAt: number, reason: NonNullable<ChainReport['reason']>): ChainReport => ({
  ok: false,
  count,
  brokenAt,
  reason,
});

interface Walk {
  count: number;
  last: string;
  /** Leading plain SHA-256 links (when they are allowed). */
  legacy: number;
  failure: ChainReport | null;
}

/**
 * Whether the database holds accounts or business records. Each is made with an audit event, so a database that
 * holds any and has no trail lost it.
 */
export function holdsRecords(db: Executor): Promise<boolean> {
  return repo.anyRowIn(db, [
    'users',
    'temporary_orgs',
    'party_orgs',
    'units',
    'members',
    'households',
    'reports',
    'items',
  ]);
}

/** Whether the head waits for its first seal. */
export async function headPending(db: Executor): Promise<boolean> {
  return (await repo.readHead(db))?.seal === SEAL_PENDING;
}

/**
 * The audit chain of one database, keyed with the keys derived from its data key: it appends events inside the
 * caller's transaction and verifies the chain. Each app (and each command) makes its own from the data key it opened
 * and hands it to the services that write: nothing keys the chain from a module global, so two apps in one process
 * (a test, a restore beside a running county) each keep their own chain under their own key. Without the key nobody
 * can forge a chain or a head that verifies, even someone who can write to the database; there is no default key: a
 * chain keyed with a constant from the source code could be rewritten by anyone who reads it.
 */
export class AuditTrail {
  private readonly chainKeyOf: (k: ChainKey) => Buffer | null;
  private readonly writeKey: () => ChainKey;
  private readonly sealKeys = new Map<string, Buffer>();

  /**
   * `key` keys the `h1:` links (HMAC-SHA-256); `gm` keys the `g1:` links (HMAC-SM3). New links and seals are written
   * under `profile`; links and seals of either are verified, each under its own key. `ring` (a data key's cipher)
   * replaces both: every version of the ring's chain keys verifies, and its active one writes.
   */
  constructor(
    key: Buffer,
    private readonly options: { gm?: Buffer; profile?: CryptoProfile; signer?: ActSigner; ring?: DataCipher } = {},
  ) {
    if (key.length < 32 || (options.gm && options.gm.length < 32))
      throw new Error('the audit chain key must be at least 32 bytes');
    if (options.profile === 'gm' && !options.gm && !options.ring)
      throw new Error('the gm profile needs a gm audit chain key');
    const ring = options.ring;
    if (ring) {
      this.chainKeyOf = (k) => ring.keyOf({ purpose: 'audit', ...k });
      this.writeKey = () => ring.activeKey('audit');
    } else {
      const v1 = { standard: key, gm: options.gm ?? null };
      this.chainKeyOf = (k) => (k.version === 1 ? v1[k.profile] : null);
      this.writeKey = () => ({ profile: options.profile ?? 'standard', version: 1 });
    }
  }

  /** The seal key of a chain key: an HMAC of it under a label of its own, made once. */
  private sealKeyOf(k: ChainKey): Buffer | null {
    const label = `${k.profile}/${k.version}`;
    const known = this.sealKeys.get(label);
    if (known) return known;
    const chain = this.chainKeyOf(k);
    if (!chain) return null;
    const made =
      k.profile === 'gm'
        ? createHmac('sm3', chain).update('lianjian audit head seal gm v1').digest()
        : createHmac('sha256', chain).update('lianjian audit head seal v1').digest();
    this.sealKeys.set(label, made);
    return made;
  }

  /**
   * The server's act signer (lib/signatures.ts), carried by the trail because every signed act is recorded by it in
   * the same transaction; `null` for a trail made from bare chain keys, which can sign nothing.
   */
  get signer(): ActSigner | null {
    return this.options.signer ?? null;
  }

  /** The trail keyed with a data key's audit keys, writing under the data key's profile, with its act signer. */
  static of(cipher: DataCipher): AuditTrail {
    return new AuditTrail(cipher.auditKey, { gm: cipher.auditKeyGm, ring: cipher, signer: ActSigner.of(cipher) });
  }

  /**
   * Appends one audit event inside the caller's transaction. Updating the single head row first takes its
   * row lock (PostgreSQL) or the write lock (SQLite), so concurrent writers append one after another.
   */
  async record(
    tx: Executor,
    actor: { userId: string | null; requestId: string | null },
    entry: AuditEntry,
  ): Promise<void> {
    // The request's Idempotency-Key, if any, commits with the change it guards. It is written before the chain's head
    // is taken: the head's row stays locked until the transaction commits, so every writer waits for it, and the
    // fewer statements run while it is held, the more changes commit per second.
    await writeClaim(tx, actor.requestId);
    let head = await repo.takeHead(tx);
    if (!head) {
      // The first event of a database. Two first writers at once: the second waits on the row and then takes it. A head
      // missing from a database that recorded its key, or that holds events, was deleted: the new one starts unsealed
      // for good.
      const fresh = !(await keyRegistered(tx)) && !(await repo.anyEvent(tx));
      await repo.insertHead(tx, {
        id: 1,
        count: 0,
        last_hash: GENESIS_HASH,
        legacy_upto: 0,
        seal: fresh ? this.sealOf(0, GENESIS_HASH, 0) : SEAL_BROKEN,
      });
      head = await repo.takeHead(tx);
      if (!head) throw new Error('the audit head could not be taken');
    }
    const seq = Number(head.count);
    const prevHash = head.last_hash;
    const legacyUpTo = Number(head.legacy_upto);
    // The head is carried on only as it was sealed: a head set back by hand (with the last events deleted) would
    // otherwise be sealed afresh by the next change and the deletion would no longer show. Once broken, it stays so.
    // A head from before seals keeps waiting: sealing it is the start-up's decision, taken with the whole chain checked.
    const pending = head.seal === SEAL_PENDING;
    const intact = pending || this.sealHolds(head.seal, seq - 1, prevHash, legacyUpTo);
    const row = {
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
      client_request_id: clientRequestIdFor(actor.requestId),
    };
    const hash = this.hash(prevHash, row);
    const seal = pending ? SEAL_PENDING : intact ? this.sealOf(seq, hash, legacyUpTo) : SEAL_BROKEN;
    await repo.appendEvent(tx, { ...row, prev_hash: prevHash, hash }, { last_hash: hash, seal });
  }

  /**
   * Verifies the whole chain against its sealed head; the one verifier behind `verify-audit`, `GET /audit/verify` and
   * `lianjian verify`. Reports the first event that cannot be vouched for.
   */
  async verify(db: Executor): Promise<ChainReport> {
    // The head first: events appended while the walk runs come after it and are left to the next verification.
    const head = await repo.readHead(db);
    if (!head || Number(head.count) === 0) {
      const w = await this.walk(db, null, 0);
      if (w.failure) return w.failure;
      if (w.count > 0) return broken(w.count, w.count + 1, 'head');
      // An empty trail belongs only to a database nothing was ever done in: one whose key was recorded had its first
      // event then, and every account and record is made with an event (the demo county, `create-user` and imports too).
      if ((await keyRegistered(db)) || (await holdsRecords(db))) return broken(0, 1, 'missing');
      return { ok: true, count: 0, brokenAt: null, reason: null };
    }
    const count = Number(head.count);
    // A backup from before migration 0021 has neither column: it reads as not sealed.
    const seal = head.seal ?? null;
    const sealed = seal !== null && seal !== SEAL_PENDING;
    const legacyUpTo = Number(head.legacy_upto ?? 0);
    const w = await this.walk(db, count, sealed ? legacyUpTo : 'leading');
    if (w.failure) return w.failure;
    if (w.count < count) return broken(w.count, w.count + 1, 'missing');
    if (w.last !== head.last_hash) return broken(count, count + 1, 'head');
    // The key is recorded once per database, in the transaction of its event. An event without its record, or a second
    // event: the record was deleted, and with it, perhaps, the newest events (a start that records the key again seals
    // nothing, see sealPendingHead).
    const records = await repo.firstEventsOf(db, 'data_key', KEY_RECORDED, count);
    const again = records[1] ? Number(records[1].seq) : null;
    if (again !== null) return broken(again - 1, again, 'missing');
    const first = records[0] ? Number(records[0].seq) : null;
    if (first !== null && !(await keyRegistered(db))) return broken(first - 1, first, 'missing');
    if (!sealed) return broken(count, w.legacy > 0 ? 1 : count + 1, 'unsealed');
    if (!this.sealHolds(seal, count, head.last_hash, legacyUpTo)) return broken(count, count + 1, 'head');
    // Nothing may sit outside 1..head: an event added after the last without the key, or below the first, is forged.
    const range = await repo.seqRange(db);
    const now = await repo.readHead(db);
    if (Number(range.lo) < 1 || Number(range.hi) > Number(now?.count ?? count)) return broken(count, count + 1, 'head');
    return { ok: true, count, brokenAt: null, reason: null };
  }

  /**
   * Whether the chain was keyed with the current key: a database written with another key shows it here, even one that
   * holds no encrypted field. The newest few keyed links are tried, so that one edited event does not pass for a wrong
   * key; under another key none of them verifies.
   */
  async keyedWithCurrentKey(db: Executor): Promise<boolean> {
    const newest = await repo.newestMarked(db, KEYED_MARKS, 8);
    return newest.length === 0 || newest.some((e) => this.linkHolds(e.prev_hash, e, e.hash));
  }

  /**
   * Seals a head left waiting by migration 0021, inside the caller's transaction: the chain is walked under the rules it
   * was written by (plain SHA-256 links only before the first keyed one), and the number of plain links is sealed with
   * the head, so that no later rewrite can add to them. Returns that number, `null` when there was nothing to seal, or
   * the reason it stays unsealed.
   *
   * Only a chain from before keying is sealed: plain links only, no key ever recorded. A chain holding a keyed link or a
   * `data_key.record` event was written by this version, which sealed it at its first start; a head waiting there
   * again was set back by someone without the key (with the newest events cut and the key's record deleted, it would
   * otherwise be sealed as it was left). Nor is an empty chain sealed on a database holding accounts or records: every
   * version recorded its first event with the head (count 1), so its trail was deleted.
   */
  async sealPendingHead(tx: Executor): Promise<{ legacy: number } | ChainReport | null> {
    const head = await repo.lockHead(tx);
    if (!head || head.seal !== SEAL_PENDING) return null;
    const count = Number(head.count);
    const keyed = await repo.firstMarkedOrAction(tx, KEYED_MARKS, KEY_RECORDED);
    if (keyed) return broken(count, Number(keyed.seq), 'unsealed');
    if (count === 0 && (await holdsRecords(tx))) return broken(0, 1, 'missing');
    const w = await this.walk(tx, count, 'leading');
    if (w.failure) return w.failure;
    if (w.count < count) return broken(w.count, w.count + 1, 'missing');
    if (w.last !== head.last_hash) return broken(count, count + 1, 'head');
    await repo.setHeadSeal(tx, w.legacy, this.sealOf(count, head.last_hash, w.legacy));
    return { legacy: w.legacy };
  }

  /**
   * Walks events 1..upTo in order. `legacy`: the number of leading events that are plain SHA-256 links (from the sealed
   * head), or `leading` for a head not yet sealed, where plain links may only come before the first keyed one.
   */
  private async walk(db: Executor, upTo: number | null, legacy: number | 'leading'): Promise<Walk> {
    let prev = GENESIS_HASH;
    let count = 0;
    let legacyRun = 0;
    const batch = 2000;
    for (;;) {
      const rows = await repo.eventsAfter(db, count, upTo, batch);
      for (const r of rows) {
        const seq = Number(r.seq);
        if (seq !== count + 1)
          return { count, last: prev, legacy: legacyRun, failure: broken(count, count + 1, 'missing') };
        const plain = legacy === 'leading' ? legacyRun === count && LEGACY_LINK.test(r.hash) : seq <= legacy;
        const holds = plain ? r.hash === legacyLink(prev, r) : this.linkHolds(prev, r, r.hash);
        if (r.prev_hash !== prev || !holds)
          return { count, last: prev, legacy: legacyRun, failure: broken(count, seq, 'link') };
        if (plain) legacyRun++;
        prev = r.hash;
        count++;
      }
      if (rows.length < batch) break;
    }
    return { count, last: prev, legacy: legacyRun, failure: null };
  }

  /**
   * The link of an event under the running profile: an HMAC over every stored field and the previous hash, so any edit
   * or deletion breaks the chain and rewriting it needs the key.
   */
  hash(prevHash: string, e: HashedFields): string {
    return this.linkUnder(this.writeKey(), prevHash, e) as string;
  }

  private linkUnder(k: ChainKey, prevHash: string, e: HashedFields): string | null {
    const key = this.chainKeyOf(k);
    if (!key) return null;
    const digest = k.profile === 'gm' ? 'sm3' : 'sha256';
    return `${LINK_LETTER[k.profile]}${k.version}:${createHmac(digest, key).update(canonicalOf(prevHash, e)).digest('hex')}`;
  }

  /** Whether `link` is the event's link under the key it names; a mark this chain does not know never holds. */
  private linkHolds(prevHash: string, e: HashedFields, link: string): boolean {
    const m = LINK_MARK.exec(link);
    if (!m) return false;
    const k: ChainKey = { profile: m[1] === 'g' ? 'gm' : 'standard', version: Number(m[2]) };
    return this.linkUnder(k, prevHash, e) === link;
  }

  /**
   * The head's seal under the active chain key: its count, last hash and legacy prefix under a key of its own. The
   * last events and the head can be deleted and set back together without any key; the seal cannot be.
   */
  sealOf(count: number, lastHash: string, legacyUpTo: number): string {
    return this.sealUnder(this.writeKey(), count, lastHash, legacyUpTo) as string;
  }

  private sealUnder(k: ChainKey, count: number, lastHash: string, legacyUpTo: number): string | null {
    const key = this.sealKeyOf(k);
    if (!key) return null;
    const digest = k.profile === 'gm' ? 'sm3' : 'sha256';
    return `${SEAL_LETTERS[k.profile]}${k.version}:${createHmac(digest, key)
      .update(JSON.stringify([count, lastHash, legacyUpTo]))
      .digest('hex')}`;
  }

  /** Whether `seal` seals this head under the key it names. */
  private sealHolds(seal: string | null, count: number, lastHash: string, legacyUpTo: number): boolean {
    const m = seal === null ? null : SEAL_MARK.exec(seal);
    if (!m) return false;
    const k: ChainKey = { profile: m[1] === 'gs' ? 'gm' : 'standard', version: Number(m[2]) };
    return this.sealUnder(k, count, lastHash, legacyUpTo) === seal;
  }
}
