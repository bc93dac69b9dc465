import { REGION_LEVELS } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { problemReplies, regionCode } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { contains, startsWith } from '../../lib/like.ts';
import { reachOf, underRegion } from '../../lib/scope.ts';

export const Region = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(REGION_LEVELS),
    kind: z.string(),
    parentCode: z.string().nullable(),
  })
  .meta({ id: 'Region' });

const RegionQuery = z.strictObject({
  parentCode: regionCode.optional(),
  level: z.enum(REGION_LEVELS).optional(),
  q: z.string().trim().max(50).optional(),
});

/** The county → township → village tree. A caller sees its own region, everything below it, and the ancestors. */
export function regionRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/regions', {
      config: { permission: 'regions:read' },
      schema: {
        tags: ['regions'],
        summary: '行政区划（县—乡镇—村）',
        querystring: RegionQuery,
        response: { 200: z.object({ items: z.array(Region) }), ...problemReplies },
      },
      handler: async (req) => {
        // The places the account reaches (its region, or what its organization covers), below and above them.
        const reach = reachOf(requireActor(req)) ?? [''];
        if (!reach.length) return { items: [] };
        let q = db
          .selectFrom('regions')
          .select(['code', 'name', 'level', 'kind', 'parent_code'])
          // Below an area by index range; above it, its ancestors by their codes (a region code's prefixes of 2, 4, 6
          // and 9 digits), not by matching every region against a pattern.
          .where((eb) =>
            eb.or([
              ...reach.map((area) => underRegion('code', area)),
              eb('code', 'in', ['', ...new Set(reach.flatMap((area) => [2, 4, 6, 9].filter((n) => n < area.length).map((n) => area.slice(0, n))))]),
            ]),
          );
        if (req.query.parentCode) q = q.where('parent_code', '=', req.query.parentCode);
        if (req.query.level) q = q.where('level', '=', req.query.level);
        if (req.query.q) {
          const t = req.query.q;
          q = q.where((eb) => eb.or([contains('name', t), startsWith('name_initials', t.toLowerCase())]));
        }
        const rows = await q.orderBy('code').limit(2000).execute();
        return {
          items: rows.map((r) => ({ code: r.code, name: r.name, level: r.level, kind: r.kind, parentCode: r.parent_code })),
        };
      },
    });

    app.get('/public/regions', {
      config: { permission: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众页面：乡镇和村（社区）',
        querystring: z.strictObject({ parentCode: regionCode.optional() }),
        response: { 200: z.object({ items: z.array(Region) }), ...problemReplies },
      },
      handler: async (req) => {
        // Without a parent: the townships of every county served here; with one: its villages.
        let q = db.selectFrom('regions').select(['code', 'name', 'level', 'kind', 'parent_code']);
        q = req.query.parentCode ? q.where('parent_code', '=', req.query.parentCode) : q.where('level', '=', 'township');
        const rows = await q.orderBy('code').limit(1000).execute();
        return {
          items: rows.map((r) => ({ code: r.code, name: r.name, level: r.level, kind: r.kind, parentCode: r.parent_code })),
        };
      },
    });
  };
}
