import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../plugins/auth.ts';
import { problemReplies } from '../../lib/schemas.ts';
import { CreateMember, Member, MemberList, MemberListQuery } from './members.schemas.ts';
import type { MemberService } from './members.service.ts';

const tags = ['members'];

export function memberRoutes(service: MemberService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/members', {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: '党员检索（姓名、拼音首字母、单位、专长）',
        querystring: MemberListQuery,
        response: { 200: MemberList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/members/:id', {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: '党员详情',
        params: z.object({ id: z.string().uuid() }),
        response: { 200: Member, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/members', {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: '登记党员或参与人员',
        body: CreateMember,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });
  };
}
