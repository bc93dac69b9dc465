import { ACCOUNT_REQUEST_STATUSES, USER_ROLES } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../plugins/auth.ts';
import { pageQuery } from '../../lib/paging.ts';
import { id, page, problemReplies, text } from '../../lib/schemas.ts';
import {
  AccountRequest,
  AccountRequestOutcome,
  AccountRequestTransition,
  FileAccountRequest,
} from './account-requests.schemas.ts';
import type { AccountRequestService } from './account-requests.service.ts';
import { CreateUserBody, ScopeOptions, UpdateUserBody, User } from './users.schemas.ts';
import type { UserService } from './users.service.ts';

const Reason = z.strictObject({ reason: text(200) }).meta({ id: 'ResetReason' });
const OneTime = z.object({ oneTimePassword: z.string() }).meta({ id: 'OneTimePassword' });

export function userRoutes(users: UserService, requests: AccountRequestService): FastifyPluginAsyncZod {
  return async (app) => {
    const params = z.strictObject({ id });
    app.get('/users', {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: '账号列表（安全管理员）',
        querystring: z.strictObject({
          q: z.string().trim().max(40).optional(),
          role: z.enum(USER_ROLES).optional(),
          ...pageQuery,
        }),
        response: { 200: page(User), ...problemReplies },
      },
      handler: (req) => users.list(requireActor(req), req.query),
    });
    // Declared before /users/:id: the account form's choices, not an account.
    app.get('/users/scope-options', {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: '开设账号可选的范围：本区域的县乡党委，临时党组织及其现有人员（只有编号和名称）',
        querystring: z.strictObject({ orgQuery: z.string().trim().max(40).optional(), orgId: id.optional() }),
        response: { 200: ScopeOptions, ...problemReplies },
      },
      handler: (req) => users.scopeOptions(requireActor(req), req.query),
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
      schema: {
        tags: ['users'],
        summary: '修改账号的角色、范围或状态（记入审计）',
        params,
        body: UpdateUserBody,
        response: { 200: User, ...problemReplies },
      },
      handler: (req) => users.update(requireActor(req), req.params.id, req.body),
    });
    app.post('/users/:id/reset-password', {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: '重置密码：一次性密码，动态验证码不变',
        params,
        body: Reason,
        response: { 200: OneTime, ...problemReplies },
      },
      handler: (req) => users.resetPassword(requireActor(req), req.params.id, req.body.reason),
    });
    app.post('/users/:id/reset-totp', {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: '重置动态验证码（遗失手机时）',
        params,
        body: Reason,
        response: { 200: User, ...problemReplies },
      },
      handler: (req) => users.resetTotp(requireActor(req), req.params.id, req.body.reason),
    });

    // Dual control of administrator accounts: the security administrator files, a second person decides.
    app.get('/account-requests', {
      config: { permission: 'account_requests:read' },
      schema: {
        tags: ['users'],
        summary: '管理员账号申请（双人审批）：安全管理员提交的，与待本人审批的',
        querystring: z.strictObject({ status: z.enum(ACCOUNT_REQUEST_STATUSES).optional(), ...pageQuery }),
        response: { 200: page(AccountRequest), ...problemReplies },
      },
      handler: (req) => requests.list(requireActor(req), req.query),
    });
    app.get('/account-requests/:id', {
      config: { permission: 'account_requests:read' },
      schema: {
        tags: ['users'],
        summary: '管理员账号申请',
        params,
        response: { 200: AccountRequest, ...problemReplies },
      },
      handler: (req) => requests.get(requireActor(req), req.params.id),
    });
    app.post('/account-requests', {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary:
          '提交管理员账号申请：开设、角色或范围变更、重新启用、重置密码或动态验证码，须另一人审批；开设和重置密码时返回申请人保管的一半一次性密码',
        body: FileAccountRequest,
        response: { 201: AccountRequestOutcome, ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send(await requests.file(requireActor(req), req.body)),
    });
    app.post('/account-requests/:id/transitions', {
      config: { permission: 'account_requests:read' },
      schema: {
        tags: ['users'],
        summary:
          '审批（系统管理员或审计管理员，非申请人、非本人账号）、驳回或撤回（申请人）账号申请；批准开设或重置密码时返回审批人保管的另一半一次性密码',
        params,
        body: AccountRequestTransition,
        response: { 200: AccountRequestOutcome, ...problemReplies },
      },
      handler: (req) => requests.transition(requireActor(req), req.params.id, req.body),
    });
  };
}
