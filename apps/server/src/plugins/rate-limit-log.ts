import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** How long refusals of one route are gathered into one line. */
const WINDOW_MS = 60_000;
/** Distinct clients remembered per window: a flood from many addresses must not grow memory without bound. */
const MAX_CLIENTS = 10_000;

const limited = (req: FastifyRequest) => Boolean(req.routeOptions?.config?.rateLimit);

/**
 * Fastify logs each request twice, on arrival and on completion. A flood on a rate-limited route then writes two
 * lines per refused request (1.2 million refusals wrote 607 MB). On those routes a request is logged once, when it
 * completes, with the request in the line; a refusal (429) is not logged on its own but counted by `RefusalLog`.
 * Other routes log as Fastify does.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (!limited(request)) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (!limited(request)) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    if (this.isLogDisabled(request) || (!error && reply.statusCode === 429)) return;
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

interface Window {
  started: number;
  refused: number;
  clients: Map<string, number>;
  timer: NodeJS.Timeout;
}

/**
 * Refusals by rate limits, one summary line per route and window (how many, from how many clients, the busiest),
 * written when the window ends or the server stops: the log grows with time, not with the flood.
 */
export class RefusalLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** One refused request of `route` from `client` (the rate limit's key: the client's address). */
  count(route: string, client: string): void {
    let w = this.windows.get(route);
    if (!w) {
      const timer = setTimeout(() => this.flush(route), this.windowMs);
      timer.unref();
      w = { started: Date.now(), refused: 0, clients: new Map(), timer };
      this.windows.set(route, w);
    }
    w.refused++;
    const seen = w.clients.get(client);
    if (seen !== undefined || w.clients.size < MAX_CLIENTS) w.clients.set(client, (seen ?? 0) + 1);
  }

  /** Writes every open window (at shutdown). */
  close(): void {
    for (const route of [...this.windows.keys()]) this.flush(route);
  }

  private flush(route: string): void {
    const w = this.windows.get(route);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(route);
    let busiest: { client: string; refused: number } | null = null;
    for (const [client, refused] of w.clients) if (!busiest || refused > busiest.refused) busiest = { client, refused };
    this.log.warn(
      {
        route,
        refused: w.refused,
        clients: w.clients.size,
        ...(w.clients.size >= MAX_CLIENTS ? { clientsCapped: true } : {}),
        busiest,
        from: new Date(w.started).toISOString(),
        seconds: Math.round((Date.now() - w.started) / 1000),
      },
      'requests refused by a rate limit',
    );
  }
}
