import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import { AuditExportRequest, ExportGrant, ExportParams, ExportRequest } from './exports.schemas.ts';
import type { ExportFile, ExportService } from './exports.service.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function exportRoutes(service: ExportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/exports', {
      config: { permission: 'exports:request' },
      schema: {
        tags: ['exports'],
        summary: '申请导出个人信息（须说明用途；返回 10 分钟内有效、仅本人可用的下载链接）',
        body: ExportRequest,
        response: { 201: ExportGrant, ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send(await service.request(requireActor(req), req.body)),
    });
    app.get('/exports/:id/file', {
      config: { permission: 'exports:request' },
      schema: {
        tags: ['exports'],
        summary: '下载导出文件（仅申请人，过期失效；留痕）',
        params: ExportParams,
        produces: [XLSX],
      },
      handler: async (req, reply) => {
        const file = await service.download(requireActor(req), req.params.id);
        return send(reply, file);
      },
    });
    // The audit administrator's export of the trail: the same grant, reason and stamp, under the trail's own
    // permission (三权分立: the auditor holds no other; every other role is refused).
    app.post('/audit/exports', {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['exports'],
        summary: '申请导出审计日志（审计管理员；须说明用途；业务内容不显示）',
        body: AuditExportRequest,
        response: { 201: ExportGrant, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await service.request(requireActor(req), { kind: 'audit_log', ...req.body })),
    });
    app.get('/audit/exports/:id/file', {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['exports'],
        summary: '下载审计日志导出文件（仅申请人，过期失效；留痕）',
        params: ExportParams,
        produces: [XLSX],
      },
      handler: async (req, reply) => send(reply, await service.download(requireActor(req), req.params.id, true)),
    });
  };
}

function send(reply: FastifyReply, file: ExportFile) {
  return reply
    .header('content-type', XLSX)
    .header(
      'content-disposition',
      `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    )
    .send(file.body);
}
