import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { databaseRateLimitStore } from './plugins/rate-limit-store.ts';
import { RefusalLog, RequestLogController } from './plugins/rate-limit-log.ts';
import { type TrustProxy, parseTrustProxy } from './lib/config.ts';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type ZodTypeProvider,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DbHandle } from './db/index.ts';
import { newId } from './lib/ids.ts';
import { requestLogLine } from './lib/log-redact.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { AuditTrail } from './modules/audit/audit.trail.ts';
import { signatureRoutes } from './modules/signatures/signatures.routes.ts';
import { known } from './lib/known.ts';
import { clientRequestIdOf, registerClientRequestIds } from './modules/audit/client-request-ids.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { randomBytes } from 'node:crypto';
import { DataCipher } from './lib/crypto.ts';
import { chainRoutes } from './modules/chains/chains.routes.ts';
import { exitRoutes } from './modules/exits/exits.routes.ts';
import { ExitService } from './modules/exits/exits.service.ts';
import { AssistanceService } from './modules/households/assistance.service.ts';
import { monitoringRoutes } from './modules/monitoring/monitoring.routes.ts';
import { MonitoringService } from './modules/monitoring/monitoring.service.ts';
import { householdRoutes } from './modules/households/households.routes.ts';
import { CoverageService } from './modules/households/coverage.service.ts';
import { HouseholdService } from './modules/households/households.service.ts';
import { activityRoutes } from './modules/activities/activities.routes.ts';
import { ActivityService } from './modules/activities/activities.service.ts';
import type { DeadlineService } from './modules/items/deadlines.service.ts';
import { recordRoutes } from './modules/records/records.routes.ts';
import { assessmentRoutes } from './modules/assessment/assessment.routes.ts';
import { boardRoutes } from './modules/board/board.routes.ts';
import { BoardService } from './modules/board/board.service.ts';
import { AssessmentService } from './modules/assessment/assessment.service.ts';
import { RecordService } from './modules/records/records.service.ts';
import { settingsRoutes } from './modules/settings/settings.routes.ts';
import { noticeRoutes } from './modules/notices/notices.routes.ts';
import { NoticeService } from './modules/notices/notices.service.ts';
import type { ProviderConfig } from './lib/notice-providers.ts';
import { SettingsService } from './modules/settings/settings.service.ts';
import type { Lockout } from './modules/auth/auth.policy.ts';
import { householdImportRoutes } from './modules/households/import.routes.ts';
import { type ImportJobs, type ImportLimits, HouseholdImportService } from './modules/households/import.service.ts';
import { ScratchSpace } from './lib/scratch.ts';
import { ChainService } from './modules/chains/chains.service.ts';
import { disputeRoutes } from './modules/disputes/disputes.routes.ts';
import { DisputeService } from './modules/disputes/disputes.service.ts';
import { itemRoutes } from './modules/items/items.routes.ts';
import { ItemService } from './modules/items/items.service.ts';
import { memberRoutes } from './modules/members/members.routes.ts';
import { MemberService } from './modules/members/members.service.ts';
import { orgRoutes } from './modules/orgs/orgs.routes.ts';
import { OrgService } from './modules/orgs/orgs.service.ts';
import { regionRoutes } from './modules/regions/regions.routes.ts';
import { RegionService } from './modules/regions/regions.service.ts';
import { ReportService } from './modules/reports/reports.service.ts';
import { publicReportRoutes, reportRoutes } from './modules/reports/reports.routes.ts';
import { smsReplyRoutes } from './modules/reports/sms-replies.routes.ts';
import { SmsReplyService } from './modules/reports/sms-replies.service.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { StatsService } from './modules/stats/stats.service.ts';
import { unitRoutes } from './modules/units/units.routes.ts';
import { UnitService } from './modules/units/units.service.ts';
import { type AuthPolicy, registerAuth } from './plugins/auth.ts';
import type { PasswordPolicy } from './modules/auth/password-policy.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { exportRoutes } from './modules/exports/exports.routes.ts';
import { ExportService } from './modules/exports/exports.service.ts';
import { UserService } from './modules/users/users.service.ts';
import { AccountRequestService } from './modules/users/account-requests.service.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerIdempotency } from './plugins/idempotency.ts';

export const VERSION = '0.1.0';

declare module 'fastify' {
  interface FastifyInstance {
    /** The register import jobs (progress lives on their rows; tests await them). */
    householdImports: HouseholdImportService;
    /** Organizational life; its reminder job runs on a timer in the server and directly in tests. */
    activities: ActivityService;
    /** Deadlines in working days: the chase (催办) sweep the server runs on a timer. */
    deadlines: DeadlineService;
    /** This app's audit chain, keyed with its data key (verification in tests and operations). */
    auditTrail: AuditTrail;
  }
}

export interface AppOptions {
  db: DbHandle;
  /** Field encryption for sensitive personal data; a random key when absent (tests, document export). */
  cipher?: DataCipher;
  /** What text messages go through (Aliyun, a county gateway, none), for the settings screen to say. */
  noticeProviders?: ProviderConfig;
  /** Failed logins before an account locks, and for how long. */
  lockout?: Lockout;
  /** Second factor required of every account, password age. Defaults: TOTP off, no expiry (tests, demo). */
  authPolicy?: AuthPolicy;
  passwordPolicy?: PasswordPolicy;
  /** Size, row and decompressed-size bounds of register imports. */
  importLimits?: ImportLimits;
  /** Heartbeat of running imports and the silence after which one counts as interrupted. */
  importJobs?: ImportJobs;
  /**
   * Where imports keep their upload and working files (personal data in transit): the data directory's `scratch`
   * folder (default `./data/scratch`, made when first needed). Tests give a temporary one.
   */
  scratch?: ScratchSpace;
  /** Folder of the built web app; served at / with SPA fallback when present. */
  webDist?: string;
  /** Interactive API docs at /api/docs. */
  apiDocs?: boolean;
  secureCookies?: boolean;
  /**
   * Rate-limit counters: `shared` in the database (every server of a pool counts together), `local` in the process.
   * Default: shared on PostgreSQL, where several servers may run; local on the embedded SQLite (one server).
   */
  rateLimits?: 'shared' | 'local';
  /** Whose X-Forwarded-For gives the client's address; default: TRUST_PROXY from the environment. */
  trustProxy?: TrustProxy;
  logger?: boolean;
}

/**
 * Fastify takes a list of addresses as it is, but ignores a bare number (it trusts no hop at all), so a hop count
 * is given as the function it stands for: the socket's peer and the hops after it, counted from the server.
 */
function fastifyTrust(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** Builds the application: plugins, error handling and every module. Never listens. */
/** A file the build named by its content's hash (`assets/index-B3xk9Qe1.js`): its content never changes. */
/** The resident's report and its progress (/r, /r/<code>) and the village board (/v, /v/<village>). */
const PUBLIC_PAGE = /^\/[rv](?:[/?#]|$)/;
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[\w-]{8,}(\.\w+)+$/;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // The request line keeps no ID number, phone, tracking code or personal search term (lib/log-redact.ts).
    logger: opts.logger
      ? { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.cookie'], serializers: { req: requestLogLine } }
      : false,
    // The request id goes into the audit trail and keys the request's idempotency claim: the server makes it, always.
    // A client's X-Request-Id is kept apart (client-request-ids.ts) and logged beside it.
    requestIdHeader: false,
    genReqId: () => newId(),
    childLoggerFactory: (logger, bindings, opts, raw) => {
      const clientRequestId = clientRequestIdOf(raw.headers);
      return logger.child(clientRequestId ? { ...bindings, clientRequestId } : bindings, opts);
    },
    bodyLimit: 1024 * 1024,
    trustProxy: fastifyTrust(opts.trustProxy ?? parseTrustProxy(process.env.TRUST_PROXY)),
    logController: new RequestLogController(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerClientRequestIds(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // antd writes its CSS-in-JS into <style> elements.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        // Nobody may frame Lianjian (clickjacking).
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
  });
  // API replies may carry personal data: never kept by a browser or a proxy, errors included.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
  const sharedLimits = (opts.rateLimits ?? (opts.db.dialect === 'postgres' ? 'shared' : 'local')) === 'shared';
  // Refusals are counted into one log line per route and minute, not logged one by one (a flood fills the disk).
  const refusals = new RefusalLog(app.log);
  app.addHook('onClose', async () => refusals.close());
  await app.register(rateLimit, {
    global: false,
    onExceeded: (req, key) => refusals.count(`${req.method} ${req.routeOptions.url}`, key),
    ...(sharedLimits ? { store: databaseRateLimitStore(opts.db.db) } : {}),
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Lianjian 联建 API', version: VERSION, description: '临时党组织管理系统接口' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'lj_session' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  if (opts.apiDocs) await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const authPolicy = opts.authPolicy ?? {
    requireTotp: false,
    passwordMaxAgeDays: opts.passwordPolicy?.maxAgeDays ?? 0,
  };
  const cipher = opts.cipher ?? new DataCipher(randomBytes(32));
  // The chain is keyed with this app's data key and handed to every service that writes (not a module global).
  const audit = AuditTrail.of(cipher);
  app.decorate('auditTrail', audit);
  registerAuth(app, opts.db.db, authPolicy, cipher);
  registerIdempotency(app, opts.db.db, cipher);

  const { db } = opts.db;
  await app.register(
    async (api) => {
      api.get('/health', {
        config: { permission: 'public' },
        schema: {
          tags: ['system'],
          summary: '健康检查',
          response: {
            200: z.object({ status: z.literal('ok'), db: z.enum(['sqlite', 'postgres']), version: z.string() }),
          },
        },
        handler: async () => {
          await sql`select 1`.execute(db);
          return { status: 'ok' as const, db: opts.db.dialect, version: VERSION };
        },
      });
      // The API description is part of the API docs: off in production unless API_DOCS=1.
      if (opts.apiDocs) {
        api.get('/openapi.json', {
          config: { permission: 'public' },
          schema: { hide: true },
          handler: async () => app.swagger(),
        });
      }
      await api.register(
        authRoutes(
          new AuthService(db, audit, {
            cipher,
            policy: authPolicy,
            ...(opts.lockout ? { lockout: opts.lockout } : {}),
            ...(opts.passwordPolicy ? { passwordPolicy: opts.passwordPolicy } : {}),
          }),
          { secureCookies: opts.secureCookies ?? false },
        ),
      );
      const users = new UserService(db, audit);
      await api.register(userRoutes(users, new AccountRequestService(db, audit, cipher, users)));
      await api.register(regionRoutes(new RegionService(db)));
      await api.register(unitRoutes(new UnitService(db, audit)));
      const members = new MemberService(db, audit);
      const orgs = new OrgService(db, audit);
      const trail = new AuditService(db, audit);
      await api.register(memberRoutes(members));
      await api.register(orgRoutes(orgs));
      await api.register(statsRoutes(new StatsService(db)));
      const items = new ItemService(db, audit, cipher, app.log);
      const reports = new ReportService(db, audit, items, cipher);
      const activities = new ActivityService(db, audit, items);
      await api.register(itemRoutes(items, [(actor) => activities.meetingsDue(actor)]));
      app.decorate('activities', activities);
      app.decorate('deadlines', items.deadlines);
      await api.register(activityRoutes(activities));
      await api.register(recordRoutes(new RecordService(db, audit)));
      await api.register(assessmentRoutes(new AssessmentService(db, audit)));
      await api.register(boardRoutes(new BoardService(db)));
      await api.register(reportRoutes(reports));
      await api.register(publicReportRoutes(reports));
      await api.register(
        smsReplyRoutes(new SmsReplyService(db, audit, items, cipher), opts.noticeProviders?.replyToken ?? null),
      );
      await api.register(disputeRoutes(new DisputeService(db, audit, items)));
      await api.register(chainRoutes(new ChainService(db, audit)));
      const households = new HouseholdService(db, audit, cipher);
      await api.register(householdRoutes(households, new AssistanceService(db, audit)));
      const imports = new HouseholdImportService(db, audit, cipher, {
        scratch: opts.scratch ?? new ScratchSpace(path.resolve('data', 'scratch')),
        limits: opts.importLimits,
        jobs: opts.importJobs,
      });
      app.decorate('householdImports', imports);
      app.addHook('onClose', () => imports.stop());
      await api.register(householdImportRoutes(imports));
      await api.register(
        exportRoutes(new ExportService(db, audit, households, items, imports, { orgs, members, reports, trail })),
      );
      await api.register(settingsRoutes(new SettingsService(db, audit), new CoverageService(db, audit)));
      await api.register(noticeRoutes(new NoticeService(db, audit, cipher, opts.noticeProviders)));
      await api.register(exitRoutes(new ExitService(db, audit)));
      await api.register(monitoringRoutes(new MonitoringService(db, audit)));
      await api.register(auditRoutes(trail));
      await api.register(signatureRoutes(known(audit.signer, 'the act signer')));
    },
    { prefix: '/api/v1' },
  );

  if (opts.webDist && fs.existsSync(path.join(opts.webDist, 'index.html'))) {
    // The build writes a brotli and a gzip copy beside each text file (`npm run build`), sent to a browser that
    // accepts one. Files under assets/ carry their content's hash in their names: a browser keeps them for a year and
    // never asks again; everything else (index.html names the current hashes) is revalidated on every load.
    await app.register(fastifyStatic, {
      root: path.resolve(opts.webDist),
      wildcard: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith('/api/')) {
        return reply.callNotFound();
      }
      // The public pages (a resident's report, the village board) are a light app of their own.
      return reply.sendFile(PUBLIC_PAGE.test(req.url) ? 'resident.html' : 'index.html');
    });
  }
  return app;
}
