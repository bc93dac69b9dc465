import type { Executor } from '../db/index.ts';
import { Problem } from './problem.ts';

/** A request that carries an Idempotency-Key and has not yet written its business transaction. */
interface PendingClaim {
  scope: string;
  key: string;
  hash: string;
  createdAt: string;
  written: boolean;
}

const pending = new Map<string, PendingClaim>();

/** Registered by the idempotency plugin for the length of one request. */
export const idempotencyClaims = {
  open(requestId: string, claim: Omit<PendingClaim, 'written'>) {
    pending.set(requestId, { ...claim, written: false });
  },
  close(requestId: string) {
    pending.delete(requestId);
  },
};

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || String(err?.code ?? '').startsWith('SQLITE_CONSTRAINT') || /UNIQUE constraint failed/.test(String(err?.message));
};

/**
 * Writes the request's idempotency claim inside the business transaction (called where the transaction writes
 * its audit row): the claim commits with the change or not at all. A second request with the same key that
 * got this far finds the claim taken, and its transaction is rolled back.
 */
export async function writeClaim(tx: Executor, requestId: string | null): Promise<void> {
  const claim = requestId ? pending.get(requestId) : undefined;
  if (!claim || claim.written) return;
  try {
    await tx
      .insertInto('idempotency_keys')
      .values({ scope: claim.scope, key: claim.key, request_hash: claim.hash, status: 0, content_type: null, body: null, created_at: claim.createdAt })
      .execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new Problem(409, 'idempotency_in_progress', '相同 Idempotency-Key 的请求已在处理，请稍后重试');
    throw e;
  }
  claim.written = true;
}
