import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import {
  Chain,
  CreateChain,
  CreateProject,
  LandContract,
  NewParticipation,
  Placement,
  Project,
} from './chains.schemas.ts';
import type { ChainService } from './chains.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const Created = z.object({ id: z.string() });

export function chainRoutes(service: ChainService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/chains', {
      config: { permission: 'items:read' },
      schema: {
        tags: ['chains'],
        summary: '产业链',
        querystring: z.strictObject({ orgId: z.string().uuid().optional(), ...pageQuery }),
        response: { 200: page(Chain), ...problemReplies },
      },
      handler: (req) => service.listChains(requireActor(req), req.query),
    });
    app.get('/chains/:id', {
      config: { permission: 'items:read' },
      schema: {
        tags: ['chains'],
        summary: '产业链：环节、人员与堵点',
        params: IdParams,
        response: { 200: Chain, ...problemReplies },
      },
      handler: (req) => service.getChain(requireActor(req), req.params.id),
    });
    app.post('/chains', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['chains'],
        summary: '建立产业链及其环节',
        body: CreateChain,
        response: { 201: Created, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.createChain(requireActor(req), req.body) }),
    });
    app.post('/chains/:id/stages/:stageId/placements', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['chains'],
        summary: '把党员或单位放到产业链环节上',
        params: z.object({ id: z.string().uuid(), stageId: z.string().uuid() }),
        body: Placement,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.place(requireActor(req), req.params.id, req.params.stageId, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/chains/:id/participations', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['chains'],
        summary: '登记参与产业链的农户（务工、流转、订单）及增收',
        params: IdParams,
        body: NewParticipation,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.addParticipation(requireActor(req), { chainId: req.params.id }, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/projects/:id/participations', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['projects'],
        summary: '登记参与项目的农户及增收',
        params: IdParams,
        body: NewParticipation,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.addParticipation(requireActor(req), { projectId: req.params.id }, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/projects', {
      config: { permission: 'items:read' },
      schema: {
        tags: ['projects'],
        summary: '项目',
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: page(Project), ...problemReplies },
      },
      handler: (req) => service.listProjects(requireActor(req), req.query),
    });
    app.get('/projects/:id', {
      config: { permission: 'items:read' },
      schema: {
        tags: ['projects'],
        summary: '项目：投资、面积、土地流转合同与相关事项',
        params: IdParams,
        response: { 200: Project, ...problemReplies },
      },
      handler: (req) => service.getProject(requireActor(req), req.params.id),
    });
    app.post('/projects', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['projects'],
        summary: '登记项目',
        body: CreateProject,
        response: { 201: Created, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.createProject(requireActor(req), req.body) }),
    });
    app.post('/projects/:id/land-contracts', {
      config: { permission: 'chains:write' },
      schema: {
        tags: ['projects'],
        summary: '登记土地流转合同',
        params: IdParams,
        body: LandContract,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.addContract(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
