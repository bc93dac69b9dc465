import { SKILLS } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_BODY_LIMIT } from '../../lib/photos.ts';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import {
  AddEvent,
  AddItemReports,
  EditItem,
  EndLink,
  CreateProblemList,
  EndParticipant,
  Escalate,
  EscalationTarget,
  EscalationTargetQuery,
  InboxEntry,
  InboxQuery,
  ItemDetail,
  ItemList,
  ItemListQuery,
  ItemTransition,
  LinkByNeed,
  NewItem,
  NewParticipant,
  PauseItem,
  ProblemList,
  ProblemListDetail,
  ProblemListQuery,
  ResidentCall,
  Suggestions,
} from './items.schemas.ts';
import type { ItemService } from './items.service.ts';
import type { InboxSource } from './notifications.service.ts';

const IdParams = z.object({ id: z.string().uuid() });
const tags = ['items'];

export function itemRoutes(service: ItemService, more: InboxSource[] = []): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/problem-lists', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '问题清单',
        querystring: ProblemListQuery,
        response: { 200: page(ProblemList), ...problemReplies },
      },
      handler: (req) => service.lists.lists(requireActor(req), req.query),
    });
    app.get('/problem-lists/:id', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '问题清单详情',
        params: IdParams,
        response: { 200: ProblemListDetail, ...problemReplies },
      },
      handler: (req) => service.lists.getList(requireActor(req), req.params.id),
    });
    app.post('/problem-lists', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '梳理群众反映，建立编号问题清单',
        body: CreateProblemList,
        response: { 201: z.object({ id: z.string(), itemIds: z.array(z.string()) }), ...problemReplies },
      },
      handler: async (req, reply) => reply.code(201).send(await service.lists.createList(requireActor(req), req.body)),
    });
    app.post('/problem-lists/:id/items', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '向清单增加事项',
        params: IdParams,
        body: NewItem,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.lists.addItem(requireActor(req), req.params.id, req.body) }),
    });
    app.get('/items', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '清单事项（台账）',
        querystring: ItemListQuery,
        response: { 200: ItemList, ...problemReplies },
      },
      handler: (req) => service.lists.list(requireActor(req), req.query),
    });
    app.get('/items/:id', {
      config: { permission: 'items:read' },
      schema: { tags, summary: '事项详情', params: IdParams, response: { 200: ItemDetail, ...problemReplies } },
      handler: (req) => service.lists.get(requireActor(req), req.params.id),
    });
    app.patch('/items/:id', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '修改事项的完成时限、责任党小组和责任人',
        params: IdParams,
        body: EditItem,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.editing.edit(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/reports', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '把相同问题的群众反映并入事项',
        params: IdParams,
        body: AddItemReports,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.editing.addReports(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/items/:id/events', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '事项进展',
        params: IdParams,
        response: { 200: z.object({ items: ItemDetail.shape.events }), ...problemReplies },
      },
      handler: async (req) => ({ items: (await service.lists.get(requireActor(req), req.params.id)).events }),
    });
    app.post('/items/:id/events', {
      bodyLimit: PHOTO_BODY_LIMIT,
      config: { permission: 'items:write' },
      schema: { tags, summary: '填写进展情况', params: IdParams, body: AddEvent, response: noContent },
      handler: async (req, reply) => {
        await service.workflow.addEvent(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/transitions', {
      // Reopening a closed item is a supervisor's right without items:write: the service decides per status.
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '事项状态流转（办理、办结、销号、退回）',
        params: IdParams,
        body: ItemTransition,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.workflow.transition(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/participants', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '登记非党员参与人员（协助办理，不进入党组织）',
        params: IdParams,
        body: NewParticipant,
        response: { 201: z.object({ id: z.string() }), ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(201).send({ id: await service.linking.addParticipant(requireActor(req), req.params.id, req.body) }),
    });
    app.post('/items/:id/participants/:participantId/end', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '结束非党员参与人员的协助',
        params: z.object({ id: z.string().uuid(), participantId: z.string().uuid() }),
        body: EndParticipant,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.linking.endParticipant(requireActor(req), req.params.id, req.params.participantId, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/resident-call', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '电话回访群众，记录群众确认或未解决（登记反映、办理事项的人员除外）',
        params: IdParams,
        body: ResidentCall,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.workflow.recordResidentCall(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.get('/items/:id/suggestions', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '因需而联：按所需能力推荐党员和单位',
        params: IdParams,
        querystring: z.strictObject({ skill: z.enum(SKILLS).optional() }),
        response: { 200: Suggestions, ...problemReplies },
      },
      handler: (req) => service.linking.suggestions(requireActor(req), req.params.id, req.query.skill),
    });
    app.post('/items/:id/links', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '因需而联：把党员联结进责任党小组办理本事项',
        params: IdParams,
        body: LinkByNeed,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.linking.linkByNeed(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/links/:memberId/end', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '结束因需联结（连同其在责任党小组的成员关系和对事项的访问）',
        params: z.object({ id: z.string().uuid(), memberId: z.string().uuid() }),
        body: EndLink,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.editing.endLink(requireActor(req), req.params.id, req.params.memberId, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/escalate', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '直接上交县属专项支部或临时党总支',
        params: IdParams,
        body: Escalate,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.escalation.escalate(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/pause', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '暂停计时（等待群众或其他单位），写明原因',
        params: IdParams,
        body: PauseItem,
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.deadlines.pause(requireActor(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    });
    app.post('/items/:id/resume', {
      config: { permission: 'items:write' },
      schema: { tags, summary: '恢复计时', params: IdParams, response: noContent },
      handler: async (req, reply) => {
        await service.deadlines.resume(requireActor(req), req.params.id);
        return reply.code(204).send();
      },
    });
    app.post('/item-chases/:id/acknowledge', {
      config: { permission: 'items:read' },
      schema: { tags, summary: '签收催办（仅接收人）', params: IdParams, response: noContent },
      handler: async (req, reply) => {
        await service.deadlines.acknowledge(requireActor(req), req.params.id);
        return reply.code(204).send();
      },
    });
    app.get('/escalation-targets', {
      config: { permission: 'items:write' },
      schema: {
        tags,
        summary: '可直接上交的组织',
        querystring: EscalationTargetQuery,
        response: { 200: page(EscalationTarget), ...problemReplies },
      },
      handler: (req) => service.escalation.targets(requireActor(req), req.query),
    });
    app.get('/inbox', {
      config: { permission: 'items:read' },
      schema: {
        tags,
        summary: '我的待办提醒',
        querystring: InboxQuery,
        response: { 200: page(InboxEntry), ...problemReplies },
      },
      handler: (req) =>
        service.notifications.inbox(requireActor(req), req.query, [
          (actor) => service.deadlines.inboxEntries(actor),
          ...more,
        ]),
    });
  };
}
