import { NOTICE_CHANNELS, NOTICE_PURPOSES, NOTICE_STATUSES, SMS_PURPOSES } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';

export const NoticeListQuery = z.strictObject({
  status: z.enum(NOTICE_STATUSES).optional(),
  ...pageQuery,
});

export const NoticeEntry = z
  .object({
    id: z.string(),
    channel: z.enum(NOTICE_CHANNELS),
    purpose: z.enum(NOTICE_PURPOSES),
    status: z.enum(NOTICE_STATUSES),
    queuedAt: z.string(),
    dueAt: z.string(),
    sentAt: z.string().nullable(),
    to: z.string().nullable().describe('The phone, masked; or the branch of a robot message'),
    itemId: z.string().nullable(),
    tries: z.number().int(),
    lastCode: z.string().nullable(),
    lastMessage: z.string().nullable(),
    attempts: z.array(
      z.object({
        at: z.string(),
        result: z.enum(['sent', 'retry', 'failed']),
        provider: z.string(),
        code: z.string().nullable(),
        message: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'NoticeEntry' });

const templateCode = z
  .string()
  .trim()
  .regex(/^SMS_\d{3,20}$/, '阿里云短信模板编号形如 SMS_123456');

export const NoticeSettingsUpdate = z
  .strictObject({
    signName: z
      .string()
      .trim()
      .min(2)
      .max(20)
      .optional()
      .describe('The SMS sign name (签名) approved by Aliyun; left as it is when absent'),
    templates: z
      .partialRecord(z.enum(SMS_PURPOSES), templateCode)
      .optional()
      .describe('The template codes; left as they are when absent'),
    robots: z
      .array(
        z.strictObject({
          orgId: z.string().uuid(),
          url: z
            .string()
            .url()
            .max(500)
            .refine((u) => u.startsWith('https://'), '群机器人地址须以 https:// 开头')
            .nullable()
            .describe('The robot webhook address; null removes it'),
        }),
      )
      .max(200)
      .default([]),
  })
  .meta({ id: 'NoticeSettingsUpdate' });

export const NoticeSettings = z
  .object({
    countyCode: z.string(),
    signName: z.string().nullable(),
    templates: z.partialRecord(z.enum(SMS_PURPOSES), z.string()),
    robots: z.array(z.object({ orgId: z.string(), orgName: z.string(), url: z.string().describe('Key masked') })),
    provider: z
      .enum(['aliyun', 'gateway', 'none'])
      .describe('What this server sends text messages through (keys and addresses come from its environment)'),
    abilities: z.object({ set: z.boolean() }),
  })
  .meta({ id: 'NoticeSettings' });
