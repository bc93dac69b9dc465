import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import {
  CreatePartyOrg,
  CreateUnit,
  PartyOrg,
  PartyOrgListQuery,
  Unit,
  UnitDuties,
  UnitListQuery,
} from './units.schemas.ts';
import type { UnitService } from './units.service.ts';

const tags = ['units'];

export function unitRoutes(service: UnitService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/units', {
      config: { permission: 'units:read' },
      schema: {
        tags,
        summary: '单位列表',
        querystring: UnitListQuery,
        response: { 200: page(Unit).meta({ id: 'UnitList' }), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.post('/units', {
      config: { permission: 'units:write' },
      schema: {
        tags,
        summary: '登记单位',
        body: CreateUnit,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });
    app.put('/units/:id/duties', {
      config: { permission: 'units:write' },
      schema: {
        tags,
        summary: '设置单位分管的工作（因需而联按此推荐）',
        params: z.object({ id: z.string().uuid() }),
        body: UnitDuties,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.setDuties(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/party-orgs', {
      config: { permission: 'units:read' },
      schema: {
        tags,
        summary: '正式党组织（所在党组织、批准成立的党组织）',
        querystring: PartyOrgListQuery,
        response: { 200: page(PartyOrg), ...problemReplies },
      },
      handler: (req) => service.partyOrgs(requireActor(req), req.query),
    });
    app.post('/party-orgs', {
      config: { permission: 'units:write' },
      schema: {
        tags,
        summary: '登记正式党组织（党委、机关或村党支部）',
        body: CreatePartyOrg,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.createPartyOrg(requireActor(req), req.body) }),
    });
  };
}
