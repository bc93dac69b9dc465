import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_BODY_LIMIT } from '../../lib/photos.ts';
import { noContent, problemReplies } from '../../lib/schemas.ts';
import { requireActor, requireSession } from '../../plugins/auth.ts';
import {
  CreateReport,
  ReserveTrackingCodes,
  ReservedTrackingCodes,
  DismissReport,
  PhoneCodeSent,
  PublicCreateReport,
  PublicFeedback,
  PublicRating,
  PublicReportView,
  Report,
  ReportList,
  ReportListQuery,
  ReportPhone,
  ReportReceipt,
  UnmaskReportPhone,
} from './reports.schemas.ts';
import type { ReportService } from './reports.service.ts';

const publicReplies = { ...problemReplies, 422: problemReplies[400], 429: problemReplies[400] };

export function reportRoutes(service: ReportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/reports', {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: '群众反映（工作人员）',
        querystring: ReportListQuery,
        response: { 200: ReportList, ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/reports/:id', {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: '群众反映详情',
        params: z.object({ id: z.string().uuid() }),
        response: { 200: Report, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
    app.post('/reports/:id/unmask', {
      config: { permission: 'reports:write', idempotency: false },
      schema: {
        tags: ['reports'],
        summary: '查看反映人的完整电话以便回访（须说明理由，留痕）',
        params: z.object({ id: z.string().uuid() }),
        body: UnmaskReportPhone,
        response: { 200: ReportPhone, ...problemReplies },
      },
      handler: (req) => service.unmaskPhone(requireActor(req), req.params.id, req.body.reason),
    });
    app.post('/reports/:id/dismiss', {
      config: { permission: 'reports:write' },
      schema: {
        tags: ['reports'],
        summary: '不予受理（重复、无效或骚扰、不属于本组织职责），理由群众可见',
        params: z.object({ id: z.string().uuid() }),
        body: DismissReport,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.dismiss(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/photos/:id', {
      config: { permission: 'photos:read' },
      schema: { tags: ['reports'], summary: '照片（反映或办理进展）', params: z.object({ id: z.string().uuid() }) },
      handler: async (req, reply) => {
        const p = await service.staffPhoto(requireActor(req), req.params.id);
        return reply
          .type(p.mime)
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(p.bytes);
      },
    });
    app.post('/reports', {
      bodyLimit: PHOTO_BODY_LIMIT,
      config: { permission: 'reports:write' },
      schema: {
        tags: ['reports'],
        summary: '登记走访、热线或会议中收到的反映',
        body: CreateReport,
        response: { 201: ReportReceipt.extend({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send(await service.create(requireActor(req), req.body)),
    });
    app.post('/reports/tracking-codes', {
      config: { permission: 'reports:write' },
      schema: {
        tags: ['reports'],
        summary: '为离线登记预留查询码（每个账号最多同时保留10个，30天内有效）',
        body: ReserveTrackingCodes,
        response: { 201: ReservedTrackingCodes, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await service.reserveCodes(requireActor(req), req.body.count, requireSession(req))),
    });
  };
}

/** The resident page: no account. Submissions are rate-limited per client; codes are unguessable. */
export function publicReportRoutes(service: ReportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/public/reports', {
      bodyLimit: PHOTO_BODY_LIMIT,
      config: { permission: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众提交反映（无需账号），返回查询码',
        body: PublicCreateReport,
        response: { 201: ReportReceipt, ...publicReplies },
      },
      handler: async (req, reply) => {
        const { trackingCode, reportedAt, orgName } = await service.submitPublic(req.body, req.id);
        return reply.code(201).send({ trackingCode, reportedAt, orgName });
      },
    });
    app.get('/public/reports/:trackingCode', {
      config: { permission: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '凭查询码查看办理进展',
        params: z.object({ trackingCode: z.string().max(64) }),
        response: { 200: PublicReportView, ...publicReplies },
      },
      handler: (req) => service.follow(req.params.trackingCode),
    });
    app.get('/public/reports/:trackingCode/photos/:photoId', {
      config: { permission: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众查看自己上传的照片',
        params: z.object({ trackingCode: z.string().max(64), photoId: z.string().uuid() }),
      },
      handler: async (req, reply) => {
        const p = await service.publicPhoto(req.params.trackingCode, req.params.photoId);
        return reply
          .type(p.mime)
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(p.bytes);
      },
    });
    app.post('/public/reports/:trackingCode/feedback', {
      config: { permission: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众确认已解决，或说明未解决',
        params: z.object({ trackingCode: z.string().max(64) }),
        body: PublicFeedback,
        response: { 200: PublicReportView, ...publicReplies },
      },
      handler: (req) =>
        service.feedback(req.params.trackingCode, req.body.solved, req.body.reason, req.id, req.body.phoneCode),
    });
    app.post('/public/reports/:trackingCode/phone-code', {
      // A text message costs the county and reaches a person: few per client, and per report the service's own limits.
      config: { permission: 'public', rateLimit: { max: 5, timeWindow: '10 minutes' } },
      schema: {
        tags: ['public'],
        summary: '向工作人员代登记反映时留下的手机发送验证码（确认已解决或评价时使用）',
        params: z.object({ trackingCode: z.string().max(64) }),
        response: { 200: PhoneCodeSent, ...publicReplies },
      },
      handler: (req) => service.sendPhoneCode(req.params.trackingCode, req.id),
    });
    app.post('/public/reports/:trackingCode/sms-opt-out', {
      config: { permission: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '退订短信：此后不再向反映时留下的手机发送办理进展短信',
        params: z.object({ trackingCode: z.string().max(64) }),
        response: { 204: z.undefined(), ...publicReplies },
      },
      handler: async (req, reply) => {
        await service.optOut(req.params.trackingCode, req.id);
        return reply.code(204).send();
      },
    });
    app.post('/public/reports/:trackingCode/rating', {
      config: { permission: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '群众对已销号事项评价（1–5 星）并留言',
        params: z.object({ trackingCode: z.string().max(64) }),
        body: PublicRating,
        response: { 200: PublicReportView, ...publicReplies },
      },
      handler: (req) =>
        service.rate(req.params.trackingCode, req.body.stars, req.body.comment, req.id, req.body.phoneCode),
    });
  };
}
