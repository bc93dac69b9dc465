import type { Readable } from 'node:stream';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId } from '../../lib/ids.ts';
import { Problem, forbidden, notFound } from '../../lib/problem.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { HouseholdSearch, type SealedRegisterFilter } from '../households/households.schemas.ts';
import type { HouseholdService } from '../households/households.service.ts';
import type { HouseholdImportService } from '../households/import.service.ts';
import type { ItemService } from '../items/items.service.ts';
import * as policy from './exports.policy.ts';
import * as repo from './exports.repository.ts';
import type { ExportKind } from './exports.schemas.ts';

/** How long a download link stays good. */
export const EXPORT_TTL_MS = 10 * 60 * 1000;

export interface ExportFile {
  fileName: string;
  body: Buffer | Readable;
}

// Built once: every Intl formatter holds native memory the process keeps.
const shanghaiTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  dateStyle: 'medium',
  timeStyle: 'medium',
  hour12: false,
});
const shanghai = (d: Date) => shanghaiTime.format(d);

/**
 * Exports of personal data (PIPL): asked for with a reason, which is audited; fetched through a link that only
 * its owner can open and that expires; every file says who took it, when and why; ID numbers and phones stay
 * masked. Each download is audited too.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly households: HouseholdService,
    private readonly items: ItemService,
    private readonly imports: HouseholdImportService,
  ) {}

  private check(actor: Actor, kind: ExportKind) {
    if (!policy.canExport(actor, kind)) throw forbidden('permission_denied', '当前角色无权导出该数据');
  }

  /** Checks scope now (an out-of-scope record answers 404 here), then grants a short-lived link. */
  async request(actor: Actor, input: { kind: ExportKind; params: Record<string, unknown>; reason: string }) {
    this.check(actor, input.kind);
    const params = await this.probe(actor, input.kind, input.params);
    const now = new Date();
    const grant = {
      id: newId(),
      user_id: actor.userId,
      kind: input.kind,
      params_json: JSON.stringify(params),
      reason: input.reason,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + EXPORT_TTL_MS).toISOString(),
    };
    const view = { id: grant.id, downloadUrl: `/api/v1/exports/${grant.id}/file`, expiresAt: grant.expires_at };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertGrant(tx, grant);
      await recordReply(tx, actor.requestId, 201, view);
      await this.audit.record(tx, actor, {
        action: 'export.request',
        entityType: 'export',
        entityId: grant.id,
        after: { kind: input.kind, params, reason: input.reason },
      });
    });
    return view;
  }

  private async probe(
    actor: Actor,
    kind: ExportKind,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (kind === 'households') {
      const parsed = HouseholdSearch.omit({ cursor: true, limit: true }).safeParse(params);
      if (!parsed.success)
        throw new Problem(
          400,
          'validation_failed',
          '导出条件无效',
          parsed.error.issues.map((i) => ({ path: `params.${i.path.join('.')}`, message: i.message })),
        );
      // The link and the audit trail keep the filter; an ID number in it, only by its blind index.
      return this.households.sealFilter(parsed.data);
    }
    const id = typeof params.id === 'string' ? params.id : '';
    if (!/^[0-9a-f-]{36}$/i.test(id))
      throw new Problem(400, 'validation_failed', '导出条件无效', [{ path: 'params.id', message: '应为记录编号' }]);
    if (kind === 'problem_list') await this.items.lists.getList(actor, id);
    else await this.imports.get(actor, id);
    return { id };
  }

  /** The file, for its owner, before the link expires; the stamp in it names who, when and why. */
  async download(actor: Actor, id: string): Promise<ExportFile> {
    const grant = await repo.ownGrant(this.db, id, actor.userId);
    if (!grant) throw notFound('导出');
    if (!policy.canDownload(actor, grant)) throw new Problem(410, 'export_expired', '下载链接已过期，请重新导出');
    const kind = grant.kind as ExportKind;
    // The role may have changed since the link was made.
    this.check(actor, kind);
    const params = JSON.parse(grant.params_json) as Record<string, unknown>;
    const stamp = `导出人：${actor.displayName}（${actor.username}）　导出时间：${shanghai(new Date())}　用途：${grant.reason}`;
    // The file is made (or, for the register, its stream opened after its own checks) before the download is
    // audited: a link whose records have since left the account's reach answers 404 and leaves no download behind.
    const file = await this.build(actor, kind, params, stamp);
    await this.db.transaction().execute((tx) =>
      this.audit.record(tx, actor, {
        action: 'export.download',
        entityType: 'export',
        entityId: grant.id,
        after: { kind, reason: grant.reason },
      }),
    );
    return file;
  }

  private async build(
    actor: Actor,
    kind: ExportKind,
    params: Record<string, unknown>,
    stamp: string,
  ): Promise<ExportFile> {
    if (kind === 'households') {
      const { stream } = await this.households.registerExport.exportRegister(
        actor,
        params as SealedRegisterFilter,
        stamp,
      );
      return { fileName: `建档立卡户花名册-${new Date().toISOString().slice(0, 10)}.xlsx`, body: stream };
    }
    if (kind === 'problem_list') {
      const { file, filename } = await this.items.lists.exportList(actor, params.id as string, stamp);
      return { fileName: filename, body: file };
    }
    const r = await this.imports.errorReport(actor, params.id as string, stamp);
    return { fileName: r.fileName, body: r.body };
  }
}
