import DysmsapiModule, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { Config } from '@alicloud/openapi-client';
import type { Selectable } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { NoticePurpose, NoticeTable } from '../db/types.ts';
import type { DataCipher } from './crypto.ts';

// Node's own loader hands a CommonJS module's exports object over as the default import; bundlers and vitest unwrap
// its `default`. Either way, the client class.
const Dysmsapi = (DysmsapiModule as unknown as { default?: typeof DysmsapiModule }).default ?? DysmsapiModule;

/** What a provider made of one try: sent (with its reference), worth trying again later, or never going to work. */
export interface SendResult {
  outcome: 'sent' | 'retry' | 'failed';
  code?: string;
  message?: string;
  ref?: string;
}

export interface OutgoingNotice {
  /** The notice's id: Aliyun's `OutId`, to find the message in the provider's records. */
  id: string;
  purpose: NoticePurpose;
  to: string | null;
  params: Record<string, string>;
}

/** The provider a notice goes through, found when it is due. */
export interface NoticeRoute {
  provider: 'aliyun' | 'gateway' | 'wecom';
  send(n: OutgoingNotice): Promise<SendResult>;
}

export interface NoticeProviders {
  /** null: nothing is configured that could send this notice (it is kept, marked 未配置短信通道). */
  route(db: Executor, n: Selectable<NoticeTable>): Promise<NoticeRoute | null>;
}

/** The template variables of each kind of message, as the county registers its templates with Aliyun. */
export const TEMPLATE_VARIABLES: Record<NoticePurpose, string[]> = {
  phone_code: ['code', 'region', 'minutes'],
  report_accepted: ['trackingCode', 'region'],
  item_listed: ['org', 'no'],
  item_done: ['no'],
  follow_up: ['link'],
  staff_assigned: ['text'],
};

/** The message as text, for the county's HTTP gateway and the WeCom robot (Aliyun takes the template instead). */
export function noticeText(purpose: NoticePurpose, p: Record<string, string>): string {
  switch (purpose) {
    case 'phone_code':
      return `【联建】您反映的问题（${p.region}）已办结。确认或评价的验证码：${p.code}，${p.minutes}分钟内有效。如非本人操作请忽略。`;
    case 'report_accepted':
      return `【联建】您反映的问题（${p.region}）已受理，查询码${p.trackingCode}，凭码可查看进展。`;
    case 'item_listed':
      return `【联建】您反映的问题已列入${p.org}问题清单第${p.no}项，正在办理。`;
    case 'item_done':
      return `【联建】您反映的问题（清单第${p.no}项）已办结。已解决请回复1，未解决请回复2，也可凭查询码确认或申请重办。回复TD退订。`;
    case 'follow_up':
      return `【联建】问题是否仍然解决？仍然解决请回复1，未解决请回复2，或点击 ${p.link} 告诉我们。回复TD退订。`;
    case 'staff_assigned':
      return p.text ?? '';
  }
}

/** Aliyun answer codes worth trying again later: throttling and the platform's own trouble. */
const ALIYUN_RETRY = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isp.SYSTEM_ERROR',
  'isp.GATEWAY_ERROR',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
  'InternalError',
]);

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** `dysmsapi.aliyuncs.com` unless set (a local fake in tests): a host, or an http(s) address. */
  endpoint: string;
}

/** Aliyun's SendSms through its SDK, with the county's sign name and the template of the message's kind. */
export function aliyunSender(config: AliyunSmsConfig) {
  const address = /^https?:\/\//.test(config.endpoint) ? new URL(config.endpoint) : null;
  const client = new Dysmsapi(
    new Config({
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      endpoint: address ? address.host : config.endpoint,
      protocol: address ? address.protocol.replace(':', '') : 'https',
      connectTimeout: 5_000,
      readTimeout: 10_000,
    }),
  );
  return async (n: OutgoingNotice, sign: { signName: string; templateCode: string }): Promise<SendResult> => {
    const vars: Record<string, string> = {};
    for (const v of TEMPLATE_VARIABLES[n.purpose]) if (n.params[v] !== undefined) vars[v] = n.params[v] as string;
    try {
      const r = await client.sendSms(
        new SendSmsRequest({
          phoneNumbers: n.to ?? '',
          signName: sign.signName,
          templateCode: sign.templateCode,
          templateParam: JSON.stringify(vars),
          outId: n.id,
        }),
      );
      const answer = r.body?.code ?? 'unknown';
      const message = r.body?.message ?? '';
      if (answer === 'OK')
        return { outcome: 'sent', code: answer, message, ...(r.body?.bizId ? { ref: r.body.bizId } : {}) };
      return { outcome: ALIYUN_RETRY.has(answer) ? 'retry' : 'failed', code: answer, message };
    } catch (err) {
      // The SDK throws for an HTTP error answer (with Aliyun's code) and for a network failure (without one).
      const e = err as { code?: string; message?: string; statusCode?: number; data?: { statusCode?: number } };
      const status = e.statusCode ?? e.data?.statusCode;
      const answer = typeof e.code === 'string' ? e.code : 'network';
      const retry = ALIYUN_RETRY.has(answer) || status === undefined || status >= 500 || status === 429;
      return { outcome: retry ? 'retry' : 'failed', code: answer, message: String(e.message ?? '').slice(0, 300) };
    }
  };
}

/** The county's own SMS platform: an HTTP endpoint taking `{ "to": phone, "text": text }` as JSON. */
export interface SmsGateway {
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
}

async function gatewaySend(gateway: SmsGateway, n: OutgoingNotice): Promise<SendResult> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(gateway.token ? { authorization: `Bearer ${gateway.token}` } : {}),
    },
    body: JSON.stringify({ to: n.to, text: noticeText(n.purpose, n.params) }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  if (res.ok) return { outcome: 'sent', code: String(res.status) };
  return { outcome: res.status >= 500 || res.status === 429 ? 'retry' : 'failed', code: String(res.status) };
}

/** WeCom error codes worth trying again: the robot's rate limit (20 a minute) and "system busy". */
const WECOM_RETRY = new Set([45009, -1]);

/** A WeCom group robot: a text message to its webhook address. */
export async function wecomSend(url: string, text: string): Promise<SendResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: text } }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok)
    return { outcome: res.status >= 500 || res.status === 429 ? 'retry' : 'failed', code: String(res.status) };
  const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
  const answer = String(body.errcode ?? 'unknown');
  if (body.errcode === 0) return { outcome: 'sent', code: answer, message: body.errmsg ?? 'ok' };
  return {
    outcome: WECOM_RETRY.has(body.errcode ?? -1) ? 'retry' : 'failed',
    code: answer,
    ...(body.errmsg ? { message: body.errmsg } : {}),
  };
}

export interface ProviderConfig {
  aliyun: AliyunSmsConfig | null;
  gateway: SmsGateway | null;
  /** The secret in the address residents' text replies are pushed to; without it, replies are not taken. */
  replyToken?: string | null;
}

/** A reply token shorter than this could be guessed: the server refuses to start with it. */
export const REPLY_TOKEN_MIN_LENGTH = 32;

/**
 * `LIANJIAN_ALIYUN_ACCESS_KEY_ID` and `LIANJIAN_ALIYUN_ACCESS_KEY_SECRET` (with `LIANJIAN_ALIYUN_SMS_ENDPOINT`) for
 * Aliyun; `LIANJIAN_SMS_URL` (and `LIANJIAN_SMS_TOKEN`) for a county platform. Aliyun first when both are set.
 * `LIANJIAN_SMS_REPLY_TOKEN`: the secret in the address replies are pushed to.
 */
export function providerConfigFromEnv(env: NodeJS.ProcessEnv): ProviderConfig {
  const id = env.LIANJIAN_ALIYUN_ACCESS_KEY_ID?.trim();
  const secret = env.LIANJIAN_ALIYUN_ACCESS_KEY_SECRET?.trim();
  if ((id && !secret) || (!id && secret))
    throw new Error('LIANJIAN_ALIYUN_ACCESS_KEY_ID and LIANJIAN_ALIYUN_ACCESS_KEY_SECRET are set together');
  const url = env.LIANJIAN_SMS_URL?.trim();
  if (url) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new Error(`LIANJIAN_SMS_URL=${url}: an http(s) address of the SMS platform`);
  }
  const replyToken = env.LIANJIAN_SMS_REPLY_TOKEN?.trim() || null;
  if (replyToken && (replyToken.length < REPLY_TOKEN_MIN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(replyToken)))
    throw new Error(
      `LIANJIAN_SMS_REPLY_TOKEN: at least ${REPLY_TOKEN_MIN_LENGTH} letters, digits, - or _ (e.g. openssl rand -hex 32)`,
    );
  return {
    replyToken,
    aliyun:
      id && secret
        ? {
            accessKeyId: id,
            accessKeySecret: secret,
            endpoint: env.LIANJIAN_ALIYUN_SMS_ENDPOINT?.trim() || 'dysmsapi.aliyuncs.com',
          }
        : null,
    gateway: url ? { url, ...(env.LIANJIAN_SMS_TOKEN ? { token: env.LIANJIAN_SMS_TOKEN } : {}) } : null,
  };
}

/**
 * The providers of this server: a text message goes to Aliyun when keys are set and the county has a sign name and
 * a template for its kind, else to the county's HTTP gateway when one is set; a staff message goes to the branch's
 * robot when it has one. Otherwise nothing can send it.
 */
export function noticeProviders(config: ProviderConfig, cipher: DataCipher): NoticeProviders {
  const aliyun = config.aliyun ? aliyunSender(config.aliyun) : null;
  const gateway = config.gateway;
  return {
    async route(db, n) {
      if (n.channel === 'wecom') {
        if (!n.org_id) return null;
        const robot = await db
          .selectFrom('wecom_robots')
          .select('url_enc')
          .where('org_id', '=', n.org_id)
          .executeTakeFirst();
        if (!robot) return null;
        const url = cipher.decrypt(robot.url_enc);
        return { provider: 'wecom', send: (m) => wecomSend(url, noticeText(m.purpose, m.params)) };
      }
      if (aliyun && n.county_code) {
        const s = await db
          .selectFrom('sms_settings')
          .select(['sign_name', 'templates'])
          .where('county_code', '=', n.county_code)
          .executeTakeFirst();
        const templateCode = s ? (JSON.parse(s.templates) as Record<string, string>)[n.purpose] : undefined;
        if (s && templateCode) {
          const sign = { signName: s.sign_name, templateCode };
          return { provider: 'aliyun', send: (m) => aliyun(m, sign) };
        }
      }
      if (gateway) return { provider: 'gateway', send: (m) => gatewaySend(gateway, m) };
      return null;
    },
  };
}
