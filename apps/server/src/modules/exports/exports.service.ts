import type { Readable } from 'node:stream';
import { ORG_STATUSES, PARTY_STATUSES, REPORT_CATEGORIES, REPORT_SOURCES } from '@lianjian/shared';
import { z } from 'zod';
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
import { auditActionWord, auditEntityWord, auditFieldWord, auditValueWord } from '@lianjian/shared';
import { type TableColumn, tableWorkbook } from '../../lib/table-workbook.ts';
import { AuditQuery } from '../audit/audit.schemas.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { HIDDEN } from '../audit/audit.view.ts';
import type { MemberService } from '../members/members.service.ts';
import type { OrgService, RosterRow } from '../orgs/orgs.service.ts';
import type { ReportService } from '../reports/reports.service.ts';
import * as words from './exports.words.ts';
import * as policy from './exports.policy.ts';
import * as repo from './exports.repository.ts';
import type { ExportKind } from './exports.schemas.ts';
import { codesOf, signAct } from '../signatures/signatures.service.ts';

/** The most rows a register export holds (a county's organizations, members or reports fit many times over). */
const MAX_ROWS = 50_000;
/** The most events an export of the trail holds: a longer period is exported in parts. */
const MAX_AUDIT_ROWS = 100_000;

const RosterFilter = z.strictObject({ status: z.enum(ORG_STATUSES).optional() });
const MemberFilter = z.strictObject({ partyStatus: z.enum(PARTY_STATUSES).optional() });
const ReportFilter = z.strictObject({
  status: z.enum(['new', 'listed', 'dismissed']).optional(),
  source: z.enum(REPORT_SOURCES).optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
});

/** The export's parameters by their schema, or 400 naming the field. */
function pick<S extends z.ZodType>(schema: S, params: Record<string, unknown>): Record<string, unknown> {
  const parsed = schema.safeParse(params);
  if (!parsed.success)
    throw new Problem(
      400,
      'validation_failed',
      '导出条件无效',
      parsed.error.issues.map((i) => ({ path: `params.${i.path.join('.')}`, message: i.message })),
    );
  return parsed.data as Record<string, unknown>;
}

/** Every page of a scoped list, up to the export's bound. */
async function readAll<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null; total: number }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    if (p.total > MAX_ROWS)
      throw new Problem(413, 'export_too_large', `共 ${p.total} 行，超过 ${MAX_ROWS} 行，请缩小范围后导出`);
    out.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const word = (map: Record<string, string>, v: string | null | undefined) => (v ? (map[v] ?? v) : '');

const ROSTER: TableColumn<RosterRow>[] = [
  { header: '组织名称', width: 30, value: (r) => r.name },
  { header: '层级', width: 12, value: (r) => word(words.ORG_LEVEL, r.level) },
  { header: '类别', width: 12, value: (r) => word(words.ORG_KIND, r.kind) },
  { header: '上级组织', width: 26, value: (r) => r.parentName },
  { header: '所在地', width: 14, value: (r) => r.regionName },
  {
    header: '负责人',
    width: 26,
    value: (r) => r.leaders.map((l) => `${word(words.MEMBERSHIP_ROLE, l.role)}：${l.name}`).join('\n'),
  },
  { header: '成员人数', width: 10, value: (r) => r.memberCount },
  { header: '批准日期', width: 12, value: (r) => r.approvedOn },
  { header: '批准文号', width: 18, value: (r) => r.approvalDocNo },
  { header: '成立日期', width: 12, value: (r) => r.establishedOn },
  { header: '状态', width: 10, value: (r) => word(words.ORG_STATUS, r.status) },
  { header: '撤销日期', width: 12, value: (r) => r.dissolvedOn },
];

type MemberRow = Awaited<ReturnType<MemberService['list']>>['items'][number];
const MEMBERS: TableColumn<MemberRow>[] = [
  { header: '姓名', width: 12, value: (m) => m.name },
  { header: '性别', width: 6, value: (m) => word(words.GENDER, m.gender) },
  { header: '政治面貌', width: 12, value: (m) => word(words.PARTY_STATUS, m.partyStatus) },
  { header: '职务', width: 16, value: (m) => m.title },
  { header: '工作单位', width: 28, value: (m) => m.unitName },
  { header: '组织关系所在党组织', width: 28, value: (m) => m.homeOrgName },
  { header: '在临时党组织任职数', width: 10, value: (m) => m.activeMemberships },
];

type ReportRow = Awaited<ReturnType<ReportService['list']>>['items'][number];
const shanghaiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
const REPORTS: TableColumn<ReportRow>[] = [
  { header: '反映日期', width: 12, value: (r) => shanghaiDay.format(new Date(r.reportedAt)) },
  { header: '来源', width: 10, value: (r) => word(words.REPORT_SOURCE, r.source) },
  { header: '村（社区）', width: 14, value: (r) => r.regionName },
  { header: '类别', width: 10, value: (r) => word(words.REPORT_CATEGORY, r.category) },
  { header: '反映内容', width: 44, value: (r) => r.description },
  { header: '反映人', width: 10, value: (r) => r.reporterName },
  { header: '联系电话', width: 14, value: (r) => r.phone },
  { header: '办理组织', width: 24, value: (r) => r.orgName },
  { header: '状态', width: 12, value: (r) => word(words.REPORT_STATUS, r.status) },
];

type TrailRow = Awaited<ReturnType<AuditService['exportRows']>>[number];
const auditValue = (v: unknown, names: Record<string, string>) =>
  typeof v === 'string' && names[v] ? names[v] : v === HIDDEN ? HIDDEN : auditValueWord(v, 'zh-CN');
const TRAIL: TableColumn<TrailRow>[] = [
  { header: '序号', width: 8, value: (e) => e.seq },
  { header: '时间', width: 20, value: (e) => shanghai(new Date(e.at)) },
  { header: '操作人', width: 12, value: (e) => e.username ?? '系统' },
  { header: '操作', width: 16, value: (e) => auditActionWord(e.action, 'zh-CN') },
  { header: '对象类型', width: 12, value: (e) => auditEntityWord(e.entityType, 'zh-CN') },
  { header: '对象', width: 28, value: (e) => e.entityName ?? e.entityId },
  {
    header: '变更内容',
    width: 60,
    value: (e) =>
      e.changes
        .map((c) => {
          const label = auditFieldWord(c.field.split('.').at(-1) ?? c.field, 'zh-CN');
          const after = auditValue(c.after, e.names);
          return c.before === null ? `${label}：${after}` : `${label}：${auditValue(c.before, e.names)} → ${after}`;
        })
        .join('\n'),
  },
  { header: '请求编号', width: 20, value: (e) => e.requestId },
];

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
    private readonly registers: {
      orgs: OrgService;
      members: MemberService;
      reports: ReportService;
      trail: AuditService;
    },
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
    const base = input.kind === 'audit_log' ? '/api/v1/audit/exports' : '/api/v1/exports';
    return this.db.transaction().execute(async (tx) => {
      await repo.insertGrant(tx, grant);
      // An export of personal data is an act the county may have to prove: who, what, why, until when; signed here.
      const signed = await signAct(tx, this.audit.signer, 'export.granted', grant.id);
      const view = {
        id: grant.id,
        downloadUrl: `${base}/${grant.id}/file`,
        expiresAt: grant.expires_at,
        verificationCode: signed.code,
      };
      await recordReply(tx, actor.requestId, 201, view);
      await this.audit.record(tx, actor, {
        action: 'export.request',
        entityType: 'export',
        entityId: grant.id,
        after: { kind: input.kind, params, reason: input.reason, signed },
      });
      return view;
    });
  }

  private async probe(
    actor: Actor,
    kind: ExportKind,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (kind === 'households') {
      const parsed = HouseholdSearch.omit({ cursor: true, limit: true, page: true }).safeParse(params);
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
    if (kind === 'audit_log') return pick(AuditQuery.omit({ cursor: true, limit: true }), params);
    if (kind === 'org_roster') return pick(RosterFilter, params);
    if (kind === 'member_list') return pick(MemberFilter, params);
    if (kind === 'reports') return pick(ReportFilter, params);
    const id = typeof params.id === 'string' ? params.id : '';
    if (!/^[0-9a-f-]{36}$/i.test(id))
      throw new Problem(400, 'validation_failed', '导出条件无效', [{ path: 'params.id', message: '应为记录编号' }]);
    if (kind === 'problem_list') await this.items.lists.getList(actor, id);
    else await this.imports.get(actor, id);
    return { id };
  }

  /**
   * The file, for its owner, before the link expires; the stamp in it names who, when and why. `trail` says which
   * route asks: the audit administrator's downloads only the trail, the general one everything else.
   */
  async download(actor: Actor, id: string, trail = false): Promise<ExportFile> {
    const grant = await repo.ownGrant(this.db, id, actor.userId);
    if (!grant || (grant.kind === 'audit_log') !== trail) throw notFound('导出');
    if (!policy.canDownload(actor, grant)) throw new Problem(410, 'export_expired', '下载链接已过期，请重新导出');
    const kind = grant.kind as ExportKind;
    // The role may have changed since the link was made.
    this.check(actor, kind);
    const params = JSON.parse(grant.params_json) as Record<string, unknown>;
    // The grant's signature code goes into the file: a printed page leads back to the signed record of its export.
    const code = (await codesOf(this.db, 'export.granted', [grant.id])).get(grant.id);
    const stamp = `导出人：${actor.displayName}（${actor.username}）　导出时间：${shanghai(new Date())}　用途：${grant.reason}${code ? `　签名核验码：${code}` : ''}`;
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
    if (kind === 'import_errors') {
      const r = await this.imports.errorReport(actor, params.id as string, stamp);
      return { fileName: r.fileName, body: r.body };
    }
    const day = new Date().toISOString().slice(0, 10);
    if (kind === 'org_roster') {
      const rows = await this.registers.orgs.roster(actor, MAX_ROWS, params as z.infer<typeof RosterFilter>);
      const body = await tableWorkbook('组织花名册', '临时党组织花名册', stamp, ROSTER, rows);
      return { fileName: `临时党组织花名册-${day}.xlsx`, body };
    }
    if (kind === 'member_list') {
      const rows = await readAll((cursor) =>
        this.registers.members.list(actor, { limit: 200, ...(params as object), ...(cursor ? { cursor } : {}) }),
      );
      const body = await tableWorkbook('人员名册', '党员和参与人员名册', stamp, MEMBERS, rows);
      return { fileName: `人员名册-${day}.xlsx`, body };
    }
    if (kind === 'reports') {
      const rows = await readAll((cursor) =>
        this.registers.reports.list(actor, { limit: 200, ...(params as object), ...(cursor ? { cursor } : {}) }),
      );
      const body = await tableWorkbook('群众反映台账', '群众反映台账', stamp, REPORTS, rows);
      return { fileName: `群众反映台账-${day}.xlsx`, body };
    }
    const rows = await this.registers.trail.exportRows(actor, params, MAX_AUDIT_ROWS);
    const body = await tableWorkbook('审计日志', '审计日志（业务内容不显示）', stamp, TRAIL, rows);
    return { fileName: `审计日志-${day}.xlsx`, body };
  }
}
