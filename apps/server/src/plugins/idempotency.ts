import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import { idempotencyClaims } from '../lib/idempotency-claims.ts';
import { Problem } from '../lib/problem.ts';

const HEADER = 'idempotency-key';
const RETAIN_MS = 24 * 60 * 60 * 1000;
/** A claim older than this without its reply: the reply was lost (a crash between the change and its record). */
const STALE_CLAIM_MS = 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string; hash: string } | null;
  }
}

const requestHash = (req: FastifyRequest) =>
  createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');

type ReplyRow = { scope: string; key: string; request_hash: string; created_at: string; status: number; content_type: string; body: string };

/**
 * Replies are recorded by group commit: those that arrive while a commit is being prepared share one transaction
 * (one fsync), and each request still waits until its reply is durable before it is sent.
 */
function groupCommit(db: Db) {
  let queue: { row: ReplyRow; done: (e?: unknown) => void }[] = [];
  let scheduled = false;
  const flush = async () => {
    const batch = queue;
    queue = [];
    scheduled = false;
    try {
      await db.transaction().execute(async (tx) => {
        for (const { row } of batch) {
          const { status, content_type, body } = row;
          await tx
            .insertInto('idempotency_keys')
            .values(row)
            .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ status, content_type, body }).where('idempotency_keys.status', '=', 0))
            .execute();
        }
      });
      for (const b of batch) b.done();
    } catch (e) {
      for (const b of batch) b.done(e);
    }
  };
  return {
    write(row: ReplyRow): Promise<void> {
      return new Promise((resolve, reject) => {
        queue.push({ row, done: (e) => (e ? reject(e) : resolve()) });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/**
 * POSTs accept an `Idempotency-Key` header: the first request claims the key, later ones with the same key
 * and the same request get the first response replayed; the same key with a different request is refused.
 * Server errors release the claim so that the client may retry.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest('idempotency', null);
  const replies = groupCommit(db);

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
    const prior = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!prior) {
      // The claim is written inside the business transaction (with its audit row), not on its own: one commit
      // fewer, and no claim can outlive a change that did not happen.
      req.idempotency = { scope, key, hash };
      idempotencyClaims.open(req.id, { scope, key, hash, createdAt: new Date(now).toISOString() });
      return;
    }
    if (prior.request_hash !== hash) {
      throw new Problem(422, 'idempotency_key_reused', '该 Idempotency-Key 已用于另一个请求');
    }
    if (prior.status === 0) {
      // The change committed with its claim and the reply is being recorded (or was lost in a crash): the work is
      // done and is never done twice.
      const stale = Date.parse(prior.created_at) + STALE_CLAIM_MS < now;
      throw stale
        ? new Problem(409, 'idempotency_reply_lost', '该请求已处理完成，但回执未能保存；请勿重复提交')
        : new Problem(409, 'idempotency_in_progress', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
    }
    reply.header('idempotent-replayed', 'true');
    reply.code(prior.status).type(prior.content_type ?? 'application/json');
    return reply.send(prior.body ?? '');
  });

  // Whatever happens to the reply, the request's pending claim is forgotten with it.
  app.addHook('onResponse', async (req) => idempotencyClaims.close(req.id));

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) return payload;
    idempotencyClaims.close(req.id);
    // A server error stores nothing, so that the client may retry; anything else is kept to be replayed. The
    // claim row exists when the change committed; a refusal before any change inserts it here.
    if (reply.statusCode < 500) {
      const response = {
        status: reply.statusCode,
        content_type: String(reply.getHeader('content-type') ?? 'application/json'),
        body: typeof payload === 'string' ? payload : payload == null ? '' : String(payload),
      };
      await replies.write({ scope: claim.scope, key: claim.key, request_hash: claim.hash, created_at: new Date().toISOString(), ...response });
    }
    return payload;
  });
}
