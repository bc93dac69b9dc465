import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemReplies } from '../../lib/schemas.ts';
import { CSRF_COOKIE, SESSION_COOKIE, requireActor } from '../../plugins/auth.ts';
import { Login, Me, PasswordChange, RecoveryCodes, TotpEnable, TotpSetup, TotpStart } from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';

export interface AuthRouteOptions {
  secureCookies: boolean;
}

/** Signing in and out and the account's own credentials: HTTP and cookies here, the rules in AuthService. */
export function authRoutes(service: AuthService, opts: AuthRouteOptions): FastifyPluginAsyncZod {
  const cookieOptions = { path: '/', sameSite: 'strict' as const, secure: opts.secureCookies, maxAge: 8 * 60 * 60 };
  const credentials = {
    permission: 'authenticated',
    allowPending: true,
    rateLimit: { max: 10, timeWindow: '1 minute' },
    idempotency: false,
  } as const;
  return async (app) => {
    // Session and credential routes ignore Idempotency-Key: what they give is a cookie or a secret on this device,
    // which a stored reply could not give again; a repeat is harmless or refused (a second session, a password
    // already changed).
    app.post('/auth/login', {
      config: { permission: 'public', rateLimit: { max: 20, timeWindow: '1 minute' }, idempotency: false },
      schema: { tags: ['auth'], summary: '登录', body: Login, response: { 200: Me, ...problemReplies } },
      handler: async (req, reply) => {
        const { session, me } = await service.login(req.body, req.id, req.cookies[SESSION_COOKIE]);
        reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, httpOnly: true });
        // Readable by the page, which sends it back in X-CSRF-Token; useless to another site, which cannot read it.
        reply.setCookie(CSRF_COOKIE, session.csrf, { ...cookieOptions, httpOnly: false });
        return me;
      },
    });

    app.post('/auth/logout', {
      config: { permission: 'public', idempotency: false },
      schema: { tags: ['auth'], summary: '退出登录', response: { 204: z.undefined() } },
      handler: async (req, reply) => {
        await service.logout(req.cookies[SESSION_COOKIE], req.actor ?? undefined);
        // Cleared with the attributes they were set with: Secure in production, like every cookie the server sends.
        reply.clearCookie(SESSION_COOKIE, { ...cookieOptions, httpOnly: true });
        reply.clearCookie(CSRF_COOKIE, { ...cookieOptions, httpOnly: false });
        return reply.code(204).send();
      },
    });

    app.get('/auth/me', {
      config: { permission: 'authenticated', allowPending: true },
      schema: { tags: ['auth'], summary: '当前用户、角色与范围', response: { 200: Me, ...problemReplies } },
      handler: (req) => service.me(requireActor(req).userId),
    });

    app.post('/auth/password', {
      config: credentials,
      schema: {
        tags: ['auth'],
        summary: '修改本人密码（首次登录、重置后、过期时必须修改）',
        body: PasswordChange,
        response: { 200: Me, ...problemReplies },
      },
      handler: (req) => service.changePassword(requireActor(req), req.body, req.cookies[SESSION_COOKIE]),
    });

    app.post('/auth/totp/setup', {
      config: credentials,
      schema: {
        tags: ['auth'],
        summary: '开始绑定动态验证码：再次输入密码，生成密钥与二维码（记入审计）',
        body: TotpStart,
        response: { 200: TotpSetup, ...problemReplies },
      },
      handler: (req) => service.startTotp(requireActor(req), req.body.password),
    });

    app.post('/auth/totp/enable', {
      config: credentials,
      schema: {
        tags: ['auth'],
        summary: '以一个动态验证码确认绑定，返回十个恢复码（只显示这一次）',
        body: TotpEnable,
        response: { 200: RecoveryCodes, ...problemReplies },
      },
      handler: (req) => service.enableTotp(requireActor(req), req.body.code),
    });
  };
}
