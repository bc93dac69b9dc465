import { unreachableTrackingHash } from '../../lib/tracking.ts';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { cleanPhotos, photoIds, storePhotos } from '../../lib/photos.ts';
import { maskNumbersInText } from '../../lib/mask.ts';
import { conflict, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { factDay } from '../../lib/step-dates.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { insertReport, responsibleOrgFor } from '../reports/reports.repository.ts';
import * as repo from './assistance.repository.ts';
import type { Acknowledge, NewMeasure, NewVisit } from './assistance.schemas.ts';
import { readableHousehold, servedHousehold } from './households.repository.ts';

/** Visits to a household and the assistance measures agreed with it. */
export class AssistanceService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  async visits(actor: Actor, householdId: string) {
    await readableHousehold(this.db, actor, householdId);
    const rows = await repo.visitsOf(this.db, householdId);
    const ids = rows.map((r) => r.id);
    const [helpers, photos] = await Promise.all([repo.visitHelpers(this.db, ids), photoIds(this.db, 'visit', ids)]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        visitedOn: r.visited_on,
        helpers: helpers.filter((h) => h.visit_id === r.id).map((h) => h.name),
        checks: JSON.parse(r.checks_json) as 'food'[],
        findings: r.findings,
        measuresAgreed: r.measures_agreed,
        reportId: r.report_id,
        risks: r.risks_json
          ? (JSON.parse(r.risks_json) as { seriousIllness: boolean; disaster: boolean; rigidSpending: number })
          : null,
        photoIds: photos.get(r.id) ?? [],
      })),
    };
  }

  /** Records a visit by the household's helpers, with its photos; a problem found becomes a report for the branch. */
  async addVisit(actor: Actor, householdId: string, input: z.infer<typeof NewVisit>) {
    // Decoded and encoded again before the transaction, which then only writes.
    const cleaned = await cleanPhotos(input.photos);
    return this.db.transaction().execute(async (tx) => {
      const h = await servedHousehold(tx, actor, householdId);
      factDay(input.visitedOn, 'body.visitedOn', '走访日期');
      const helpers = await repo.helpersOn(tx, householdId, input.helperIds, input.visitedOn);
      const missing = input.helperIds.filter((m) => !helpers.some((x) => x.member_id === m));
      if (missing.length)
        throw invalid('走访人须是该户当时的帮扶人', [{ path: 'body.helperIds', message: missing.join(',') }]);
      const now = nowIso();
      let reportId: string | null = null;
      if (input.problem) {
        const org = await responsibleOrgFor(tx, h.region_code);
        reportId = newId();
        await insertReport(tx, {
          id: reportId,
          tracking_hash: unreachableTrackingHash(),
          source: 'visit',
          region_code: h.region_code,
          org_id: org?.id ?? null,
          category: input.problem.category,
          // A number written into the note is masked like a resident's (the household's own phone is in the register).
          description: maskNumbersInText(input.problem.description).text,
          reporter_name: null,
          phone_enc: null,
          status: 'new',
          created_by: actor.userId,
          reported_at: now,
          version: 1,
          created_at: now,
          updated_at: now,
        });
      }
      const row = {
        id: newId(),
        household_id: householdId,
        visited_on: input.visitedOn,
        checks_json: JSON.stringify(input.checks),
        findings: input.findings ? maskNumbersInText(input.findings).text : null,
        measures_agreed: input.measuresAgreed ? maskNumbersInText(input.measuresAgreed).text : null,
        report_id: reportId,
        risks_json:
          input.risks && (input.risks.seriousIllness || input.risks.disaster || input.risks.rigidSpending > 0)
            ? JSON.stringify(input.risks)
            : null,
        created_by: actor.userId,
        created_at: now,
      };
      await repo.insertVisit(tx, row, input.helperIds);
      const photos = await storePhotos(tx, 'visit', row.id, cleaned);
      await recordReply(tx, actor.requestId, 201, { id: row.id, reportId });
      await this.audit.record(tx, actor, {
        action: 'household.visit',
        entityType: 'household',
        entityId: householdId,
        after: { ...row, helperIds: input.helperIds, photoIds: photos },
      });
      return { id: row.id, reportId };
    });
  }

  async measures(actor: Actor, householdId: string) {
    await readableHousehold(this.db, actor, householdId);
    const rows = await repo.measuresOf(this.db, householdId);
    return {
      items: rows.map((r) => ({
        id: r.id,
        category: r.category as 'industry',
        unitName: r.unit_name,
        content: r.content,
        costYuan: Number(r.cost_yuan),
        startOn: r.start_on,
        endOn: r.end_on,
        acknowledgedOn: r.acknowledged_on,
        version: r.version,
      })),
    };
  }

  async addMeasure(actor: Actor, householdId: string, input: z.infer<typeof NewMeasure>) {
    factDay(input.startOn, 'body.startOn', '措施开始日期');
    if (input.endOn && input.endOn < input.startOn)
      throw invalid('结束日期早于开始日期', [{ path: 'body.endOn', message: 'before startOn' }]);
    return this.db.transaction().execute(async (tx) => {
      await servedHousehold(tx, actor, householdId);
      if (input.unitId && !(await repo.unitExists(tx, input.unitId))) {
        throw invalid('单位不存在', [{ path: 'body.unitId', message: input.unitId }]);
      }
      const row = {
        id: newId(),
        household_id: householdId,
        category: input.category,
        unit_id: input.unitId ?? null,
        content: input.content,
        cost_yuan: input.costYuan,
        start_on: input.startOn,
        end_on: input.endOn ?? null,
        acknowledged_on: null,
        version: 1,
        created_at: nowIso(),
      };
      await repo.insertMeasure(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'household.measure',
        entityType: 'household',
        entityId: householdId,
        after: row,
      });
      return row.id;
    });
  }

  /** The household's acknowledgement that the measure reached it (户签字确认). */
  async acknowledge(actor: Actor, householdId: string, measureId: string, input: z.infer<typeof Acknowledge>) {
    await this.db.transaction().execute(async (tx) => {
      await servedHousehold(tx, actor, householdId);
      const m = await repo.measureOf(tx, householdId, measureId);
      if (!m) throw notFound('帮扶措施');
      if (m.acknowledged_on) throw conflict('already_acknowledged', '该措施已确认');
      factDay(input.acknowledgedOn, 'body.acknowledgedOn', '确认日期', { on: m.start_on, what: '措施开始日期' });
      if (!(await repo.acknowledgeMeasure(tx, measureId, input.version, input.acknowledgedOn))) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'household.measure_acknowledged',
        entityType: 'household',
        entityId: householdId,
        after: { measureId, ...input },
      });
    });
  }
}
