import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import { Problem } from '../lib/problem.ts';

const HEADER = 'idempotency-key';
const RETAIN_MS = 24 * 60 * 60 * 1000;
/** A claim older than this whose request never finished (a crash) may be taken over by a retry. */
const STALE_CLAIM_MS = 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const requestHash = (req: FastifyRequest) =>
  createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');

/**
 * POSTs accept an `Idempotency-Key` header: the first request claims the key, later ones with the same key
 * and the same request get the first response replayed; the same key with a different request is refused.
 * Server errors release the claim so that the client may retry.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers[HEADER];
    if (req.method !== 'POST' || typeof key !== 'string' || !req.url.startsWith('/api/v1/')) return;
    // Streamed uploads (imports) are idempotent by the file's own hash instead.
    if (req.body !== null && typeof req.body === 'object' && typeof (req.body as { pipe?: unknown }).pipe === 'function') return;
    if (!/^[\w.:-]{8,128}$/.test(key)) {
      throw new Problem(400, 'validation_failed', 'Idempotency-Key 须为 8–128 位字母、数字或 ._:-', [
        { path: 'headers.idempotency-key', message: 'invalid' },
      ]);
    }
    const scope = req.actor?.userId ?? 'public';
    const hash = requestHash(req);
    const now = Date.now();
    if (Math.random() < 0.01) {
      await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(now - RETAIN_MS).toISOString()).execute();
    }
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: hash, status: 0, content_type: null, body: null, created_at: new Date(now).toISOString() })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 1) {
      req.idempotency = { scope, key };
      return;
    }
    const prior = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!prior) throw new Problem(409, 'idempotency_in_progress', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
    if (prior.request_hash !== hash) {
      throw new Problem(422, 'idempotency_key_reused', '该 Idempotency-Key 已用于另一个请求');
    }
    if (prior.status === 0) {
      const stale = Date.parse(prior.created_at) + STALE_CLAIM_MS < now;
      const taken = stale
        ? await db
            .updateTable('idempotency_keys')
            .set({ created_at: new Date(now).toISOString() })
            .where('scope', '=', scope)
            .where('key', '=', key)
            .where('status', '=', 0)
            .where('created_at', '=', prior.created_at)
            .executeTakeFirst()
        : null;
      if (taken && Number(taken.numUpdatedRows) === 1) {
        req.idempotency = { scope, key };
        return;
      }
      throw new Problem(409, 'idempotency_in_progress', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
    }
    reply.header('idempotent-replayed', 'true');
    reply.code(prior.status).type(prior.content_type ?? 'application/json');
    return reply.send(prior.body ?? '');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) return payload;
    const where = db.deleteFrom('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key);
    if (reply.statusCode >= 500) {
      await where.execute();
    } else {
      await db
        .updateTable('idempotency_keys')
        .set({
          status: reply.statusCode,
          content_type: String(reply.getHeader('content-type') ?? 'application/json'),
          body: typeof payload === 'string' ? payload : payload == null ? '' : String(payload),
        })
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .execute();
    }
    return payload;
  });
}
