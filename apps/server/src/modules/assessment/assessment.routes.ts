import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { id, noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import {
  Answer,
  AssessorScore,
  ComputeCountyLedgers,
  ComputeLedger,
  ComputedLedgers,
  Delist,
  FollowUp,
  Ledger,
  LedgerQuery,
  LedgerSummary,
  NewRecommendation,
  NewRectification,
  NewSupervision,
  NewTilt,
  Recommendation,
  Rectification,
  SchemeInput,
  SchemeList,
  Supervision,
  TaskUpdate,
  Tilt,
} from './assessment.schemas.ts';
import type { AssessmentService } from './assessment.service.ts';
import { ledgerWorkbook } from './ledger.export.ts';

const tags = ['assessment'];
const Created = { 201: z.object({ id: z.string() }), ...problemReplies };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function assessmentRoutes(service: AssessmentService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/assessment-schemes', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '考核方案（按年度、层级）',
        querystring: z.strictObject({ year: z.coerce.number().int().min(2015).max(2100), ...pageQuery }),
        response: { 200: SchemeList, ...problemReplies },
      },
      handler: (req) => service.schemes.list(requireActor(req), req.query),
    });
    app.put('/assessment-schemes', {
      config: { permission: 'assessment:write' },
      schema: {
        tags,
        summary: '设定考核方案（指标权重合计 100）',
        body: SchemeInput,
        response: { 200: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req) => ({ id: await service.schemes.put(requireActor(req), req.body) }),
    });
    app.post('/assessor-scores', {
      config: { permission: 'assessment:write' },
      schema: { tags, summary: '考核人对评分类指标打分（附依据）', body: AssessorScore, response: noContent },
      handler: async (req, reply) => {
        await service.ledgers.score(requireActor(req), req.body);
        return reply.code(204).send();
      },
    });
    app.get('/ledgers', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '考核台账（各版本）',
        querystring: LedgerQuery,
        response: { 200: page(LedgerSummary), ...problemReplies },
      },
      handler: (req) => service.ledgers.list(requireActor(req), req.query),
    });
    app.post('/ledgers', {
      config: { permission: 'assessment:write' },
      schema: { tags, summary: '计算考核台账（保存所用数据；重算为新版本）', body: ComputeLedger, response: Created },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.ledgers.compute(requireActor(req), req.body) }),
    });
    app.post('/ledgers/county', {
      config: { permission: 'assessment:write' },
      schema: {
        tags,
        summary: '一次计算全县台账（县级及各乡镇，各为新版本）',
        body: ComputeCountyLedgers,
        response: { 201: ComputedLedgers, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ ids: await service.ledgers.computeCounty(requireActor(req), req.body) }),
    });
    app.get('/ledgers/:id', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '考核台账详情（每项得分附依据）',
        params: z.object({ id }),
        response: { 200: Ledger, ...problemReplies },
      },
      handler: (req) => service.ledgers.get(requireActor(req), req.params.id),
    });
    app.get('/ledgers/:id/reproduce', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '用台账保存的数据重新计分（结果应与保存的一致）',
        params: z.object({ id }),
        response: { 200: z.object({ identical: z.boolean(), items: Ledger.shape.items }), ...problemReplies },
      },
      handler: (req) => service.ledgers.reproduce(requireActor(req), req.params.id),
    });
    app.get('/ledgers/:id/export.xlsx', {
      config: { permission: 'assessment:read' },
      schema: { tags, summary: '导出考核台账（XLSX，A4 横向）', params: z.object({ id }), produces: [XLSX] },
      handler: async (req, reply) => {
        const l = await service.ledgers.get(requireActor(req), req.params.id);
        const title = `${l.scopeName}${l.tier === 'county' ? '县级' : '乡镇'}临时党组织考核台账（${l.periodFrom} 至 ${l.periodTo}）`;
        const body = await ledgerWorkbook(
          title,
          `第 ${l.version} 版 · ${l.computedBy} · ${l.computedAt.slice(0, 10)}${l.verificationCode ? ` · 签名核验码 ${l.verificationCode}` : ''}`,
          { ...l.scheme, tier: l.tier },
          l.items,
        );
        return reply
          .header('content-type', XLSX)
          .header(
            'content-disposition',
            `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(`${title}.xlsx`)}`,
          )
          .send(body);
      },
    });
    app.get('/supervision-records', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '督查记录',
        querystring: z.strictObject({ orgId: id.optional(), ...pageQuery }),
        response: { 200: page(Supervision), ...problemReplies },
      },
      handler: (req) => service.supervision.list(requireActor(req), req.query),
    });
    app.post('/supervision-records', {
      config: { permission: 'supervision:write' },
      schema: { tags, summary: '记录纪律、组织或行业督查', body: NewSupervision, response: Created },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.supervision.add(requireActor(req), req.body) }),
    });
    app.post('/supervision-records/:id/follow-up', {
      config: { permission: 'supervision:write' },
      schema: { tags, summary: '督查整改跟进或办结', params: z.object({ id }), body: FollowUp, response: noContent },
      handler: async (req, reply) => {
        await service.supervision.followUp(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/tilts', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '政策和资金倾斜',
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: page(Tilt), ...problemReplies },
      },
      handler: (req) => service.supervision.tilts(requireActor(req), req.query),
    });
    app.post('/tilts', {
      config: { permission: 'assessment:write' },
      schema: { tags, summary: '记录对考核好、较好组织的倾斜', body: NewTilt, response: Created },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.supervision.addTilt(requireActor(req), req.body) }),
    });
    app.get('/rectifications', {
      config: { permission: 'assessment:read' },
      schema: {
        tags,
        summary: '挂牌整顿',
        querystring: z.strictObject({ status: z.enum(['listed', 'delisted']).optional(), ...pageQuery }),
        response: { 200: page(Rectification), ...problemReplies },
      },
      handler: (req) => service.rectification.list(requireActor(req), req.query),
    });
    app.post('/rectifications', {
      config: { permission: 'assessment:write' },
      schema: { tags, summary: '挂牌整顿（组织状态变为整顿中）', body: NewRectification, response: Created },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.rectification.listOrg(requireActor(req), req.body) }),
    });
    app.post('/rectifications/:id/tasks/:index', {
      config: { permission: 'assessment:write' },
      schema: {
        tags,
        summary: '整改任务完成情况',
        params: z.object({ id, index: z.coerce.number().int().min(0).max(29) }),
        body: TaskUpdate,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.rectification.setTask(requireActor(req), req.params.id, req.params.index, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/rectifications/:id/delist', {
      config: { permission: 'assessment:write' },
      schema: {
        tags,
        summary: '复查摘牌（任务全部完成，组织恢复运行）',
        params: z.object({ id }),
        body: Delist,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.rectification.delist(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/recommendations', {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: '向党员所在党组织的建议（收到的或发出的）',
        querystring: z.strictObject({
          box: z.enum(['received', 'sent']).default('received'),
          open: z.enum(['true', 'false']).optional().describe('Only those not yet answered (true) or answered (false)'),
          ...pageQuery,
        }),
        response: { 200: page(Recommendation), ...problemReplies },
      },
      handler: (req) => service.recommendations.list(requireActor(req), req.query),
    });
    app.post('/recommendations', {
      config: { permission: 'feedback:write' },
      schema: {
        tags,
        summary: '就党员履职或负责人组织处理向其所在党组织提出建议（临时党组织不处分）',
        body: NewRecommendation,
        response: Created,
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.recommendations.file(requireActor(req), req.body) }),
    });
    app.post('/recommendations/:id/answer', {
      config: { permission: 'feedback:acknowledge' },
      schema: {
        tags,
        summary: '所在党组织答复建议（采纳并说明处理，或不采纳并说明理由）',
        params: z.object({ id }),
        body: Answer,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.recommendations.answer(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
  };
}
