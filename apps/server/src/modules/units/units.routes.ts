import { PARTY_ORG_KINDS, UNIT_TYPES } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { page, problemReplies, regionCode, text } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import type { UnitService } from './units.service.ts';

export const Unit = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(UNIT_TYPES),
    regionCode: z.string(),
    regionName: z.string(),
    memberCount: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Unit' });

export const UnitListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(50).optional().describe('Name or pinyin initials'),
  type: z.enum(UNIT_TYPES).optional(),
  regionCode: regionCode.optional(),
});

export const CreateUnit = z.strictObject({ name: text(100), type: z.enum(UNIT_TYPES), regionCode }).meta({ id: 'CreateUnit' });

export const PartyOrg = z
  .object({ id: z.string(), name: z.string(), kind: z.string(), regionCode: z.string() })
  .meta({ id: 'PartyOrg' });

export const CreatePartyOrg = z
  .strictObject({
    name: text(100),
    kind: z.enum(PARTY_ORG_KINDS),
    regionCode,
    unitId: z.string().uuid().nullable().default(null),
  })
  .meta({ id: 'CreatePartyOrg' });

const tags = ['units'];

export function unitRoutes(service: UnitService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/units', {
      config: { permission: 'units:read' },
      schema: { tags, summary: '单位列表', querystring: UnitListQuery, response: { 200: page(Unit).meta({ id: 'UnitList' }), ...problemReplies } },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.post('/units', {
      config: { permission: 'units:write' },
      schema: { tags, summary: '登记单位', body: CreateUnit, response: { 201: z.object({ id: z.string() }), ...problemReplies } },
      handler: async (req, reply) => reply.code(201).send({ id: await service.create(requireActor(req), req.body) }),
    });
    app.get('/party-orgs', {
      config: { permission: 'units:read' },
      schema: {
        tags,
        summary: '正式党组织（所在党组织、批准成立的党组织）',
        querystring: z.strictObject({ q: z.string().trim().max(50).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
        response: { 200: z.object({ items: z.array(PartyOrg) }), ...problemReplies },
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
      handler: async (req, reply) => reply.code(201).send({ id: await service.createPartyOrg(requireActor(req), req.body) }),
    });
  };
}
