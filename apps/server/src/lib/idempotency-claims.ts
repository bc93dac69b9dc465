import { type Executor, isUniqueViolation } from '../db/index.ts';
import { Problem } from './problem.ts';

/** The reply as it is stored and replayed. */
export interface StoredReply {
  status: number;
  contentType: string | null;
  body: string;
}

/**
 * A request that carries an Idempotency-Key, from its pre-handler to its reply. `open`: nothing written yet;
 * `claimed`: the key's row is written in the business transaction, its reply not yet; `replied`: the reply is in
 * that transaction too; `lost`: another request holds the key.
 */
export interface PendingClaim {
  scope: string;
  key: string;
  hash: string;
  createdAt: string;
  /** Random, per request: the row's `claimed_by`. */
  token: string;
  /** A reply the route's schema fixes in advance (204, no body): written with the claim. */
  fixed: StoredReply | null;
  /** The route's own serializer for a status, so that what is stored is byte for byte what is sent. */
  serialize: (status: number, body: unknown) => string;
  /** Replies may hold tracking codes or one-time secrets: they are stored encrypted. */
  seal: (body: string) => string;
  state: 'open' | 'claimed' | 'replied' | 'lost';
  /** The transaction that wrote the claim. */
  tx: Executor | null;
  /** The body recorded in the transaction, to check it against what the route then sends. */
  recorded: string | null;
}

const pending = new Map<string, PendingClaim>();

/**
 * Registered by the idempotency plugin for the length of one request, by its id: the server makes every request
 * id (a client's X-Request-Id only goes to the log), so two running requests never share a claim.
 */
export const idempotencyClaims = {
  open(requestId: string, claim: Omit<PendingClaim, 'state' | 'recorded' | 'tx'>): PendingClaim {
    const opened: PendingClaim = { ...claim, state: 'open', recorded: null, tx: null };
    pending.set(requestId, opened);
    return opened;
  },
  close(requestId: string) {
    pending.delete(requestId);
  },
};

async function insertClaim(tx: Executor, claim: PendingClaim, reply: StoredReply | null): Promise<void> {
  try {
    await tx
      .insertInto('idempotency_keys')
      .values({
        scope: claim.scope,
        key: claim.key,
        request_hash: claim.hash,
        status: reply?.status ?? 0,
        content_type: reply?.contentType ?? null,
        body: reply ? claim.seal(reply.body) : null,
        created_at: claim.createdAt,
        claimed_by: claim.token,
      })
      .execute();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // Another request with this key committed first (PostgreSQL made this insert wait for it; SQLite ran it before
    // this transaction). This change is rolled back; the plugin answers with that request's reply.
    claim.state = 'lost';
    throw new Problem(409, 'idempotency_in_progress', '相同 Idempotency-Key 的请求已在处理，请稍后重试');
  }
}

/**
 * Writes the request's idempotency claim inside the business transaction (called where the transaction writes
 * its audit row): the claim commits with the change or not at all. A second request with the same key that
 * got this far finds the claim taken, and its transaction is rolled back. When the route's reply is known in
 * advance (no body), it is the claim's reply from the start.
 */
export async function writeClaim(tx: Executor, requestId: string | null): Promise<void> {
  const claim = requestId ? pending.get(requestId) : undefined;
  if (!claim || claim.state === 'lost' || claim.tx === tx) return;
  if (claim.state !== 'open') {
    // An earlier transaction of this request wrote the claim: it stands if that transaction committed. One that
    // rolled back (a service that tries again) took its claim with it, and this one must write it anew.
    if (await heldBy(tx, claim)) return;
    claim.state = 'open';
    claim.recorded = null;
  }
  await insertClaim(tx, claim, claim.fixed);
  claim.tx = tx;
  claim.state = claim.fixed ? 'replied' : 'claimed';
  if (claim.fixed) claim.recorded = claim.fixed.body;
}

/**
 * The reply another request recorded for this claim's scope, key and request: what a request that does not hold the
 * key answers with, as a replay would. Null while that request's reply is not recorded, when the key went to another
 * request, or when this request holds it.
 */
export async function heldReply(
  db: Executor,
  claim: PendingClaim,
): Promise<{ status: number; contentType: string | null; body: string | null } | null> {
  const holder = await db
    .selectFrom('idempotency_keys')
    .select(['status', 'content_type', 'body', 'request_hash', 'claimed_by'])
    .where('scope', '=', claim.scope)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  if (!holder || holder.claimed_by === claim.token || holder.request_hash !== claim.hash || holder.status === 0)
    return null;
  return { status: holder.status, contentType: holder.content_type, body: holder.body };
}

const heldBy = async (tx: Executor, claim: PendingClaim) =>
  Boolean(
    await tx
      .selectFrom('idempotency_keys')
      .select('status')
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .where('claimed_by', '=', claim.token)
      .executeTakeFirst(),
  );

/**
 * Whether the request holds an Idempotency-Key whose reply it has yet to record or may still record: a service whose
 * reply costs reads to make makes it inside its transaction only then, and after the commit otherwise.
 */
export function hasClaim(requestId: string | null): boolean {
  const claim = requestId ? pending.get(requestId) : undefined;
  return claim !== undefined && claim.state !== 'lost';
}

/**
 * Records, inside the business transaction, the reply the route is about to send for this change: a change that
 * commits always has its reply, so a retry after a crash between the commit and the answer gets that reply
 * (a resident's tracking code) instead of nothing. `body` is exactly what the route sends with `status`.
 * Without an Idempotency-Key on the request it does nothing.
 *
 * Called before the change's audit row wherever the reply is known by then (a new row's id, a receipt, a view made
 * from the request): the key's claim is then written once, with its reply, before `AuditTrail.record` takes the chain's
 * head (its `writeClaim` finds the claim written), and nothing of it runs while the head is held. Called after the
 * audit row, it updates the claim `writeClaim` wrote there: one statement more while every other writer waits for
 * the head, so only for a reply made from what the change wrote after its audit row (a resident's feedback view).
 */
export async function recordReply(
  tx: Executor,
  requestId: string | null,
  status: number,
  body: unknown,
): Promise<void> {
  const claim = requestId ? pending.get(requestId) : undefined;
  if (!claim || claim.state === 'lost') return;
  const reply: StoredReply = {
    status,
    contentType: 'application/json; charset=utf-8',
    body: claim.serialize(status, body),
  };
  const done =
    claim.state === 'open'
      ? null
      : await tx
          .updateTable('idempotency_keys')
          .set({ status: reply.status, content_type: reply.contentType, body: claim.seal(reply.body) })
          .where('scope', '=', claim.scope)
          .where('key', '=', claim.key)
          .where('claimed_by', '=', claim.token)
          .executeTakeFirst();
  // No claim yet, or the one written was rolled back with an earlier transaction of this request.
  if (!done || Number(done.numUpdatedRows) === 0) await insertClaim(tx, claim, reply);
  claim.tx = tx;
  claim.state = 'replied';
  claim.recorded = reply.body;
}
