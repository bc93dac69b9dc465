import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import { DataCipher } from '../lib/crypto.ts';
import { type PendingClaim, type StoredReply, heldReply, idempotencyClaims } from '../lib/idempotency-claims.ts';
import { Problem } from '../lib/problem.ts';

const HEADER = 'idempotency-key';
const RETAIN_MS = 24 * 60 * 60 * 1000;
/** A claim older than this without its reply: the reply was lost (a crash between the change and its record). */
const STALE_CLAIM_MS = 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: PendingClaim | null;
  }
  interface FastifyContextConfig {
    /** `false`: the route ignores Idempotency-Key (sessions, credentials, reads sent as POST); the route says why. */
    idempotency?: false;
  }
  interface FastifyInstance {
    /** The POST routes that take an Idempotency-Key, with the success statuses their schemas allow. */
    idempotentRoutes: { url: string; success: string[] }[];
  }
}

/** What a request's fingerprint is the digest of: the same key must come back with the same request. */
const requestMaterial = (req: FastifyRequest) => `${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`;

type ReplyRow = {
  scope: string;
  key: string;
  request_hash: string;
  created_at: string;
  status: number;
  content_type: string;
  body: string;
  claimed_by: string;
};

/**
 * Replies recorded after the business transaction (refusals that changed nothing, and claims whose service did not
 * record its reply) are written by group commit: those that arrive while a commit is being prepared share one
 * transaction (one fsync), and each request still waits until its reply is durable before it is sent. A request
 * completes only its own claim; without one it takes the key only if no other request holds it, so a request
 * that lost the key can never write over the holder's reply.
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
          const own = await tx
            .updateTable('idempotency_keys')
            .set({ status, content_type, body })
            .where('scope', '=', row.scope)
            .where('key', '=', row.key)
            .where('claimed_by', '=', row.claimed_by)
            .where('status', '=', 0)
            .executeTakeFirst();
          if (Number(own.numUpdatedRows) === 0) {
            await tx
              .insertInto('idempotency_keys')
              .values(row)
              .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
              .execute();
          }
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

/** The reply a route gives on success when its schema leaves nothing to choose: a single 2xx status without a body. */
function fixedReply(req: FastifyRequest): StoredReply | null {
  const response = (req.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
  const success = Object.keys(response).filter((s) => /^2\d\d$/.test(s));
  return success.length === 1 && success[0] === '204' ? { status: 204, contentType: null, body: '' } : null;
}

/** The route's own serializer for a status: the stored reply is exactly the one sent. */
function serializerOf(reply: FastifyReply) {
  return (status: number, body: unknown): string => {
    try {
      return String(reply.serializeInput(body as Record<string, unknown>, String(status)));
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_ERR_MISSING_SERIALIZATION_FN') return JSON.stringify(body);
      throw e;
    }
  };
}

/**
 * POSTs accept an `Idempotency-Key` header: the first request claims the key, later ones with the same key
 * and the same request get the first response replayed; the same key with a different request is refused.
 * The key belongs to the account, or without one to the client's address: nobody else's replay returns
 * someone's reply. The claim and, for every route that creates or changes something, the reply are written in
 * the business transaction (`writeClaim`, `recordReply`): a committed change always has its reply. Server
 * errors release the claim so that the client may retry.
 */
export function registerIdempotency(app: FastifyInstance, db: Db, cipher: DataCipher): void {
  app.decorateRequest('idempotency', null);
  const routes: FastifyInstance['idempotentRoutes'] = [];
  app.decorate('idempotentRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (
      !route.url.startsWith('/api/v1/') ||
      ![route.method].flat().includes('POST') ||
      route.config?.idempotency === false
    )
      return;
    const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
    routes.push({ url: route.url, success: Object.keys(response).filter((s) => /^2\d\d$/.test(s)) });
  });
  const replies = groupCommit(db);
  const seal = (body: string) => cipher.encrypt(body);
  // Rows from before replies were encrypted hold the JSON itself.
  const unseal = (body: string | null) => (body && DataCipher.isCiphertext(body) ? cipher.decrypt(body) : (body ?? ''));

  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers[HEADER];
    if (
      req.method !== 'POST' ||
      typeof key !== 'string' ||
      !req.url.startsWith('/api/v1/') ||
      req.routeOptions.config?.idempotency === false
    )
      return;
    // Streamed uploads (imports) are idempotent by the file's own hash instead.
    if (
      req.body !== null &&
      typeof req.body === 'object' &&
      typeof (req.body as { pipe?: unknown }).pipe === 'function'
    )
      return;
    if (!/^[\w.:-]{8,128}$/.test(key)) {
      throw new Problem(400, 'validation_failed', 'Idempotency-Key 须为 8–128 位字母、数字或 ._:-', [
        { path: 'headers.idempotency-key', message: 'invalid' },
      ]);
    }
    // Without an account the key is bound to the address (keyed hash: the table keeps no address): a key seen
    // elsewhere, replayed from another client, starts a request of its own instead of returning a tracking code.
    // Found under every index key of the ring: a key sent just before a key rotation still replays after it.
    const scopes = req.actor ? [req.actor.userId] : cipher.blindIndexes(req.ip).map((i) => `anon:${i}`);
    const scope = scopes[0] as string;
    const material = requestMaterial(req);
    const hash = cipher.digest(material);
    const now = Date.now();
    if (Math.random() < 0.01) {
      await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', new Date(now - RETAIN_MS).toISOString())
        .execute();
    }
    const prior = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', 'in', scopes)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!prior) {
      req.idempotency = idempotencyClaims.open(req.id, {
        scope,
        key,
        hash,
        createdAt: new Date(now).toISOString(),
        token: randomUUID(),
        fixed: fixedReply(req),
        serialize: serializerOf(reply),
        seal,
      });
      return;
    }
    // Checked under the algorithm the fingerprint names: a key first sent before a change of profile still matches.
    if (!cipher.digestMatches(prior.request_hash, material)) {
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
    return reply.send(unseal(prior.body));
  });

  // Whatever happens to the reply, the request's pending claim is forgotten with it (onSend also runs for a request
  // whose client went away, onResponse does not).
  app.addHook('onResponse', async (req) => idempotencyClaims.close(req.id));

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    try {
      if (!claim) return payload;
      const sent = typeof payload === 'string' ? payload : payload == null ? '' : String(payload);
      // A request that does not hold its key: it lost the claim to another request with the key (`lost`), or it was
      // refused before it reached the claim (`open`; or `claimed` or `replied` in a transaction rolled back since: a
      // reply is recorded before the audit row, and a check after it may still refuse) by a check that
      // the other request's change, committed meanwhile, made true: a double tap whose second request finds the
      // person registered or the member linked by the first. Either way it answers with the reply recorded for the
      // key, as a later replay would. Its own refusal is never stored: it is not this key's reply.
      if (claim.state === 'lost' || (reply.statusCode >= 400 && reply.statusCode < 500)) {
        const held = await heldReply(db, claim);
        if (held) {
          reply
            .code(held.status)
            .header('content-type', held.contentType ?? 'application/json')
            .header('idempotent-replayed', 'true');
          return unseal(held.body);
        }
        if (claim.state === 'lost') return payload;
      }
      // A server error stores nothing, so that the client may retry.
      if (reply.statusCode >= 500) return payload;
      if (claim.state === 'replied' && reply.statusCode < 300) {
        // Committed with the change. A service whose recorded reply is not what its route sends is a bug: the
        // replay would differ from the first answer.
        if (claim.recorded !== sent)
          req.log.error(
            { url: req.routeOptions.url },
            'idempotency: the reply recorded with the change differs from the reply sent',
          );
        return payload;
      }
      // A refusal before any change, or a claim whose service left the reply to be recorded here: every route that
      // changes something records its reply with the change, so the second is a bug that a crash would expose.
      if (claim.state === 'claimed' && reply.statusCode < 300)
        req.log.error({ url: req.routeOptions.url }, 'idempotency: a change committed without its reply');
      await replies.write({
        scope: claim.scope,
        key: claim.key,
        request_hash: claim.hash,
        created_at: new Date().toISOString(),
        status: reply.statusCode,
        content_type: String(reply.getHeader('content-type') ?? 'application/json'),
        body: seal(sent),
        claimed_by: claim.token,
      });
      return payload;
    } finally {
      if (claim) idempotencyClaims.close(req.id);
    }
  });
}
