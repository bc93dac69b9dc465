import type { ProblemCode } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../plugins/auth.ts';
import { Problem } from '../../lib/problem.ts';
import { noContent, problemReplies } from '../../lib/schemas.ts';
import {
  CreateMembership,
  CreateOrg,
  DissolveOrg,
  EndMembership,
  LinkUnit,
  MembershipList,
  MembershipQuery,
  OrgDetail,
  OrgList,
  OrgListQuery,
  OrgTransition,
  UpdateOrg,
} from './orgs.schemas.ts';
import type { OrgService } from './orgs.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const Created = z.object({ id: z.string() });
const tags = ['orgs'];

/**
 * Actions a regular branch has and a temporary organization must not (2018 regulations): answered with a
 * stable refusal so that callers learn why, and left out of the OpenAPI document.
 */
const FORBIDDEN_ACTIONS: Record<string, [ProblemCode, string]> = {
  recruitments: ['temporary_org_cannot_recruit', '临时党组织不能发展党员'],
  'disciplinary-actions': ['temporary_org_cannot_discipline', '临时党组织不能处分处置党员，可向其所在党组织提出建议'],
  dues: ['temporary_org_cannot_collect_dues', '临时党组织不收缴党费，党员在所在党组织交纳党费'],
  elections: [
    'temporary_org_cannot_hold_elections',
    '临时党组织不选举代表、不进行换届选举，负责人由批准成立的党组织指定',
  ],
};

export function orgRoutes(service: OrgService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/orgs', {
      config: { permission: 'orgs:read' },
      schema: {
        tags,
        summary: '临时党组织列表',
        querystring: OrgListQuery,
        response: { 200: OrgList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });

    app.post('/orgs', {
      config: { permission: 'orgs:write' },
      schema: { tags, summary: '设立临时党组织', body: CreateOrg, response: { 201: Created, ...problemReplies } },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });

    app.get('/orgs/:id', {
      config: { permission: 'orgs:read' },
      schema: { tags, summary: '临时党组织详情', params: IdParams, response: { 200: OrgDetail, ...problemReplies } },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });

    app.patch('/orgs/:id', {
      config: { permission: 'orgs:write' },
      schema: { tags, summary: '修改临时党组织', params: IdParams, body: UpdateOrg, response: noContent },
      handler: async (req, reply) => {
        await service.update(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });

    app.post('/orgs/:id/transitions', {
      config: { permission: 'orgs:write' },
      schema: {
        tags,
        summary: '变更组织状态（启用、挂牌整顿）',
        params: IdParams,
        body: OrgTransition,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.transition(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });

    app.post('/orgs/:id/dissolve', {
      config: { permission: 'orgs:write' },
      schema: { tags, summary: '撤销临时党组织', params: IdParams, body: DissolveOrg, response: noContent },
      handler: async (req, reply) => {
        await service.dissolve(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });

    app.post('/orgs/:id/units', {
      config: { permission: 'orgs:write' },
      schema: { tags, summary: '联结单位', params: IdParams, body: LinkUnit, response: noContent },
      handler: async (req, reply) => {
        await service.linkUnit(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });

    app.get('/orgs/:id/memberships', {
      config: { permission: 'orgs:read' },
      schema: {
        tags,
        summary: '组织成员（可按日期回溯）',
        params: IdParams,
        querystring: MembershipQuery,
        response: { 200: MembershipList, ...problemReplies },
      },
      handler: (req) => service.memberships(requireActor(req), req.params.id, req.query),
    });

    app.post('/orgs/:id/memberships', {
      config: { permission: 'memberships:write' },
      schema: {
        tags,
        summary: '联结党员（因需而联）',
        params: IdParams,
        body: CreateMembership,
        response: { 201: Created, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.link(requireActor(req), req.params.id, req.body) }),
    });

    app.post('/orgs/:id/memberships/:membershipId/end', {
      config: { permission: 'memberships:write' },
      schema: {
        tags,
        summary: '结束成员记录',
        params: z.object({ id: z.string().uuid(), membershipId: z.string().uuid() }),
        body: EndMembership,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.endMembership(requireActor(req), req.params.id, req.params.membershipId, req.body);
        return reply.code(204).send();
      },
    });

    app.post('/orgs/:id/:action', {
      config: { permission: 'orgs:read' },
      schema: { hide: true, params: z.object({ id: z.string().uuid(), action: z.string().max(50) }) },
      handler: async (req) => {
        const refusal = FORBIDDEN_ACTIONS[req.params.action];
        // Existence is checked first: out-of-scope organizations still answer 404.
        await service.get(requireActor(req), req.params.id);
        if (!refusal) throw new Problem(404, 'not_found', '请求的资源不存在');
        throw new Problem(403, refusal[0], refusal[1]);
      },
    });
  };
}
