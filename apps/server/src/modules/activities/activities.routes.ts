import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_BODY_LIMIT } from '../../lib/photos.ts';
import { pageQuery } from '../../lib/paging.ts';
import { id, isoDate, noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { Activity, ActivityListQuery, ActivitySummary, NewActivity, Reminder, Roster } from './activities.schemas.ts';
import type { ActivityService } from './activities.service.ts';

const tags = ['activities'];

export function activityRoutes(service: ActivityService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/activities', {
      config: { permission: 'activities:read' },
      schema: {
        tags,
        summary: '组织生活：会议和学习（按组织、日期）',
        querystring: ActivityListQuery,
        response: { 200: page(ActivitySummary), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/activities/roster', {
      config: { permission: 'activities:read' },
      schema: {
        tags,
        summary: '某日的应到人员（按当日的组织成员）',
        querystring: z.strictObject({ orgId: id, on: isoDate }),
        response: { 200: Roster, ...problemReplies },
      },
      handler: (req) => service.roster(requireActor(req), req.query.orgId, req.query.on),
    });
    app.get('/activities/:id', {
      config: { permission: 'activities:read' },
      schema: { tags, summary: '会议记录', params: z.object({ id }), response: { 200: Activity, ...problemReplies } },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/activities', {
      bodyLimit: PHOTO_BODY_LIMIT,
      config: { permission: 'activities:write' },
      schema: {
        tags,
        summary: '记录会议：出席（按当日成员）、决定（可列入问题清单）、照片',
        body: NewActivity,
        response: {
          201: z.object({ id: z.string(), listId: z.string().nullable(), itemIds: z.array(z.string()) }),
          ...problemReplies,
        },
      },
      handler: async (req, reply) => reply.code(201).send(await service.create(requireActor(req), req.body)),
    });
    app.get('/meeting-reminders', {
      config: { permission: 'activities:read' },
      schema: {
        tags,
        summary: '党小组未按期开会的提醒',
        querystring: z.strictObject({
          all: z.enum(['true', 'false']).optional(),
          orgId: id.optional().describe('This organization and its party groups'),
          ...pageQuery,
        }),
        response: { 200: page(Reminder), ...problemReplies },
      },
      handler: (req) => service.reminders(requireActor(req), { ...req.query, all: req.query.all === 'true' }),
    });
    app.put('/orgs/:id/meeting-period', {
      config: { permission: 'activities:write' },
      schema: {
        tags,
        summary: '设定党小组会议周期（月）',
        params: z.object({ id }),
        body: z.strictObject({ months: z.number().int().min(1).max(6) }),
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.setMeetingPeriod(requireActor(req), req.params.id, req.body.months);
        return reply.code(204).send();
      },
    });
  };
}
