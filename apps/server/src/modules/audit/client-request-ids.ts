import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { holdsPersonalNumber } from '../../lib/mask.ts';

/**
 * A client may send `X-Request-Id` to find its own calls again in the trail and the logs. It is never the request's
 * id: a client could then give two requests one id (the idempotency claims are kept by request id) or make its
 * calls look like someone else's in the trail. It is kept beside the server's id, in `client_request_id`.
 */
const FORM = /^[\w-]{8,64}$/;
// A request id is a tag, not a place for a phone or ID number (it is kept for good in the trail and the log): a long
// run of digits, or a number written with separators, is not kept.
const NUMBER_RUN = /\d{11,}/;

export function clientRequestIdOf(headers: IncomingHttpHeaders): string | null {
  const given = headers['x-request-id'];
  return typeof given === 'string' && FORM.test(given) && !NUMBER_RUN.test(given) && !holdsPersonalNumber(given)
    ? given
    : null;
}

// The service layer receives the server's request id (in the actor); the client's is found from it while the request lasts.
const byRequest = new Map<string, string>();

/** Keeps each request's client id, by the server's request id, until its reply is sent or the client goes away. */
export function registerClientRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const given = clientRequestIdOf(req.headers);
    if (given) byRequest.set(req.id, given);
  });
  const forget = async (req: { id: string }) => {
    byRequest.delete(req.id);
  };
  app.addHook('onResponse', forget);
  app.addHook('onRequestAbort', forget);
}

/** The client's X-Request-Id of the request the server knows by `requestId`, if it sent a valid one. */
export function clientRequestIdFor(requestId: string | null): string | null {
  return requestId ? (byRequest.get(requestId) ?? null) : null;
}
