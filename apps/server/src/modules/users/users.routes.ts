import { USER_ROLES } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../plugins/auth.ts';
import { id, problemReplies, regionCode, text, version } from '../../lib/schemas.ts';
import { User } from './users.schemas.ts';
import type { UserService } from './users.service.ts';


const CreateUserBody = z
  .strictObject({
    username: z.string().trim().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$/, '用户名为 3–32 位字母、数字、点、下划线或连字符，以字母开头'),
    displayName: text(40),
    role: z.enum(USER_ROLES),
    regionCode: regionCode.nullish(),
    orgId: id.nullish(),
    actingPartyOrgId: id.nullish(),
    memberId: id.nullish(),
  })
  .meta({ id: 'CreateUser' });

const UpdateUserBody = z
  .strictObject({
    displayName: text(40).optional(),
    role: z.enum(USER_ROLES).optional(),
    active: z.boolean().optional(),
    regionCode: regionCode.nullish(),
    orgId: id.nullish(),
    version,
  })
  .meta({ id: 'UpdateUser' });

const Reason = z.strictObject({ reason: text(200) }).meta({ id: 'ResetReason' });
const OneTime = z.object({ oneTimePassword: z.string() }).meta({ id: 'OneTimePassword' });

export function userRoutes(users: UserService): FastifyPluginAsyncZod {
  return async (app) => {
    const params = z.strictObject({ id });
    app.get('/users', {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: '账号列表（安全管理员）',
        querystring: z.strictObject({ q: z.string().trim().max(40).optional(), role: z.enum(USER_ROLES).optional() }),
        response: { 200: z.object({ items: z.array(User) }), ...problemReplies },
      },
      handler: async (req) => ({ items: await users.list(requireActor(req), req.query) }),
    });
    app.get('/users/:id', {
      config: { permission: 'users:read' },
      schema: { tags: ['users'], summary: '账号', params, response: { 200: User, ...problemReplies } },
      handler: (req) => users.get(requireActor(req), req.params.id),
    });
    app.post('/users', {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: '开设账号：返回一次性密码，首次登录须修改',
        body: CreateUserBody,
        response: { 201: z.object({ user: User, oneTimePassword: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send(await users.create(requireActor(req), req.body)),
    });
    app.patch('/users/:id', {
      config: { permission: 'users:write' },
      schema: { tags: ['users'], summary: '修改账号的角色、范围或状态（记入审计）', params, body: UpdateUserBody, response: { 200: User, ...problemReplies } },
      handler: (req) => users.update(requireActor(req), req.params.id, req.body),
    });
    app.post('/users/:id/reset-password', {
      config: { permission: 'users:write' },
      schema: { tags: ['users'], summary: '重置密码：一次性密码，动态验证码不变', params, body: Reason, response: { 200: OneTime, ...problemReplies } },
      handler: (req) => users.resetPassword(requireActor(req), req.params.id, req.body.reason),
    });
    app.post('/users/:id/reset-totp', {
      config: { permission: 'users:write' },
      schema: { tags: ['users'], summary: '重置动态验证码（遗失手机时）', params, body: Reason, response: { 200: User, ...problemReplies } },
      handler: (req) => users.resetTotp(requireActor(req), req.params.id, req.body.reason),
    });
  };
}
