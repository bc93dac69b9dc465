import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../lib/problem.ts';
import { problemReplies } from '../../lib/schemas.ts';
import type { InboundSms, SmsReplyService } from './sms-replies.service.ts';
import { type AliyunSmsUp, SmsRepliesPush, SmsRepliesTaken } from './sms-replies.schemas.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The secret in the address, compared in constant time (both hashed first: the lengths say nothing either). */
export function tokenMatches(expected: string | null | undefined, given: string): boolean {
  return !!expected && timingSafeEqual(digest(expected), digest(given));
}

function inbound(body: z.infer<typeof SmsRepliesPush>): InboundSms[] {
  const list = Array.isArray(body) ? body : [body];
  return list.map((m) =>
    'phone_number' in m
      ? {
          provider: 'aliyun' as const,
          messageId: String((m as z.infer<typeof AliyunSmsUp>[number]).sequence_id),
          phone: m.phone_number,
          content: m.content,
          sentAt: m.send_time ?? null,
        }
      : {
          provider: 'gateway' as const,
          messageId: String(m.id),
          phone: m.from,
          content: m.text,
          sentAt: m.sentAt ?? null,
        },
  );
}

/**
 * Residents' text replies, pushed by the SMS provider: no session, so the address carries a secret
 * (`LIANJIAN_SMS_REPLY_TOKEN`). Without one configured, or with another, the route answers 404 as if it were not
 * there, before the body is read.
 */
export function smsReplyRoutes(service: SmsReplyService, token: string | null): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/public/sms/replies/:token', {
      config: { permission: 'public', idempotency: false, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '短信服务商推送群众回复的短信（上行短信），地址中带密钥',
        params: z.object({ token: z.string().max(200) }),
        body: SmsRepliesPush,
        response: { 200: SmsRepliesTaken, ...problemReplies },
      },
      preValidation: async (req) => {
        const given = (req.params as { token?: string }).token ?? '';
        if (!tokenMatches(token, given)) throw notFound();
      },
      handler: async (req, reply) => {
        const outcomes = await service.receive(inbound(req.body), req.id);
        // The provider pushing again what was taken before (its retry after a lost answer) changes nothing: said as
        // the replay of an Idempotency-Key is.
        if (outcomes.every((o) => o === 'duplicate')) reply.header('idempotent-replayed', 'true');
        return { code: 0 as const, msg: '接收成功' };
      },
    });
  };
}
