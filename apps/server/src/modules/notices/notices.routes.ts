import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { NoticeEntry, NoticeListQuery, NoticeSettings, NoticeSettingsUpdate } from './notices.schemas.ts';
import type { NoticeService } from './notices.service.ts';

const tags = ['notices'];

export function noticeRoutes(notices: NoticeService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/notices', {
      config: { permission: 'settings:write' },
      schema: {
        tags,
        summary: '本县通知发送记录（短信、群机器人）：状态与每次尝试，电话打码',
        querystring: NoticeListQuery,
        response: { 200: page(NoticeEntry), ...problemReplies },
      },
      handler: (req) => notices.list(requireActor(req), req.query),
    });
    app.get('/notice-settings', {
      config: { permission: 'settings:write' },
      schema: {
        tags,
        summary: '本县短信签名、模板编号与各支部群机器人',
        response: { 200: NoticeSettings, ...problemReplies },
      },
      handler: (req) => notices.settings(requireActor(req)),
    });
    app.put('/notice-settings', {
      config: { permission: 'settings:write' },
      schema: {
        tags,
        summary: '设定本县短信签名、模板编号与各支部群机器人（留痕）',
        body: NoticeSettingsUpdate,
        response: { 200: NoticeSettings, ...problemReplies },
      },
      handler: (req) => notices.put(requireActor(req), req.body),
    });
  };
}
