import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { nowIso } from '../../lib/ids.ts';
import { maskPhone } from '../../lib/mask.ts';
import type { ProviderConfig } from '../../lib/notice-providers.ts';
import { keysetPage } from '../../lib/paging.ts';
import { forbidden, invalid } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './notices.policy.ts';
import * as repo from './notices.repository.ts';
import type { NoticeListQuery, NoticeSettingsUpdate } from './notices.schemas.ts';

/** A robot's address with its key hidden: `…/send?key=1a2b****`. */
const maskRobot = (url: string) => url.replace(/(key=)([^&]{0,4})[^&]*/, '$1$2****');

/** The county's outbox and its SMS and robot settings, for the county administrator. */
export class NoticeService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly cipher: DataCipher,
    /** What this server sends through, for the settings screen to say. */
    private readonly providers: ProviderConfig = { aliyun: null, gateway: null },
  ) {}

  /** The county's notices, newest first, with every try; phones masked. */
  async list(actor: Actor, q: z.infer<typeof NoticeListQuery>) {
    if (!policy.canRead(actor)) throw forbidden('permission_denied', '无权查看本县通知发送记录');
    const county = await countyOf(this.db, actor);
    return keysetPage(
      repo.countyNotices(this.db, county, q.status),
      { sort: 'n.created_at', id: 'n.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      async (rows) => {
        const attempts = await repo.attemptsOf(
          this.db,
          rows.map((r) => r.id),
        );
        return rows.map((r) => ({
          id: r.id,
          channel: r.channel,
          purpose: r.purpose,
          status: r.status,
          queuedAt: r.created_at,
          dueAt: r.not_before,
          sentAt: r.sent_at,
          to: r.to_enc ? maskPhone(this.cipher.decrypt(r.to_enc)) : r.org_name,
          itemId: r.item_id,
          tries: r.tries,
          lastCode: r.last_code,
          lastMessage: r.last_message,
          attempts: attempts
            .filter((a) => a.notice_id === r.id)
            .map((a) => ({
              at: a.at,
              result: a.result,
              provider: a.provider,
              code: a.provider_code,
              message: a.provider_message,
            })),
        }));
      },
      (n) => n.queuedAt,
    );
  }

  async settings(actor: Actor) {
    if (!policy.canRead(actor)) throw forbidden('permission_denied', '无权查看本县短信设置');
    const county = await countyOf(this.db, actor);
    const s = await repo.smsSettings(this.db, county);
    const robots = await repo.countyRobots(this.db, county);
    return {
      countyCode: county,
      signName: s?.sign_name ?? null,
      templates: s ? (JSON.parse(s.templates) as Record<string, string>) : {},
      robots: robots.map((r) => ({
        orgId: r.org_id,
        orgName: r.org_name,
        url: maskRobot(this.cipher.decrypt(r.url_enc)),
      })),
      provider: this.providers.aliyun
        ? ('aliyun' as const)
        : this.providers.gateway
          ? ('gateway' as const)
          : ('none' as const),
      abilities: { set: policy.canSet(actor) },
    };
  }

  /** Sets the county's sign name and template codes, and adds, changes or removes branches' robots (audited). */
  async put(actor: Actor, input: z.infer<typeof NoticeSettingsUpdate>) {
    if (!policy.canSet(actor)) throw forbidden('permission_denied', '无权设定本县短信通道');
    const county = await countyOf(this.db, actor);
    await this.db.transaction().execute(async (tx) => {
      const now = nowIso();
      const before = await repo.smsSettings(tx, county);
      // A robot is saved on its own: the SMS settings change only when a sign name or templates are given.
      const sms =
        input.signName !== undefined || input.templates !== undefined
          ? {
              signName: input.signName ?? before?.sign_name,
              templates: input.templates ? JSON.stringify(input.templates) : (before?.templates ?? JSON.stringify({})),
            }
          : null;
      if (sms && !sms.signName)
        throw invalid('须先填写短信签名', [{ path: 'body.signName', message: 'required with templates' }]);
      if (sms?.signName)
        await repo.putSmsSettings(tx, {
          county_code: county,
          sign_name: sms.signName,
          templates: sms.templates,
          updated_by: actor.userId,
          updated_at: now,
        });
      const robots: { orgId: string; set: boolean }[] = [];
      for (const [i, r] of input.robots.entries()) {
        // An organization of another county is refused as if it did not exist.
        if (!(await repo.countyOrg(tx, county, r.orgId)))
          throw invalid('组织不在本县', [{ path: `body.robots.${i}.orgId`, message: 'not in the county' }]);
        await repo.putRobot(tx, {
          org_id: r.orgId,
          url_enc: r.url === null ? null : this.cipher.encrypt(r.url),
          updated_by: actor.userId,
          updated_at: now,
        });
        robots.push({ orgId: r.orgId, set: r.url !== null });
      }
      // What waited for a channel may have one now: the dispatcher looks at it on its next run, not minutes later.
      await repo.wakeNotConfigured(tx, county, now);
      await this.audit.record(tx, actor, {
        action: 'notices.settings',
        entityType: 'county',
        entityId: county,
        before: before ? { signName: before.sign_name, templates: before.templates } : null,
        // The robots' addresses hold their keys: the trail says which were set, not the addresses.
        after: { ...(sms ? { signName: sms.signName, templates: sms.templates } : {}), robots },
      });
    });
    return this.settings(actor);
  }
}
