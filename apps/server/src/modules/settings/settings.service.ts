import type { ReportCategory } from '@lianjian/shared';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden } from '../../lib/problem.ts';
import { CALENDAR, knowsYear } from '../../lib/working-days.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './settings.policy.ts';
import {
  SETTING_DEFAULTS,
  SETTING_KEYS,
  type SettingKey,
  deadlineTargets,
  keysSetFor,
  putSetting,
  putTarget,
  setting,
  targetKeysSetFor,
} from './settings.repository.ts';

type TargetUpdate = { category: ReportCategory; response: number; resolution: number };

/**
 * A county's yearly thresholds (DOMAIN §6, §7, §9a): poverty line, monitoring line, notice days, rigid spending, the
 * resident's reopening window, and each category's working-day targets with the calendar they are counted on.
 */
export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  async get(actor: Actor, year: number) {
    const county = await countyOf(this.db, actor);
    const values = {} as Record<SettingKey, number>;
    for (const key of SETTING_KEYS) values[key] = await setting(this.db, county, year, key);
    const targets = await deadlineTargets(this.db, county, year);
    return {
      countyCode: county,
      year,
      values,
      targets: Object.entries(targets).map(([category, t]) => ({ category: category as ReportCategory, ...t })),
      // The calendar the county's working days are counted on; a year past its last is refused, never guessed.
      calendar: { ...CALENDAR, knowsYear: knowsYear(year) },
      setThisYear: [...(await keysSetFor(this.db, county, year)), ...(await targetKeysSetFor(this.db, county, year))],
      defaults: SETTING_DEFAULTS,
      abilities: { set: policy.canSet(actor) },
    };
  }

  async put(
    actor: Actor,
    year: number,
    { targets, ...values }: Partial<Record<SettingKey, number>> & { targets?: TargetUpdate[] },
  ) {
    if (!policy.canSet(actor)) throw forbidden('permission_denied', '无权设定本县阈值');
    const county = await countyOf(this.db, actor);
    await this.db.transaction().execute(async (tx) => {
      // The monitoring line is never below the poverty line of the same year (DOMAIN §7: about 1.5× it).
      const poverty = values.poverty_line ?? (await setting(tx, county, year, 'poverty_line'));
      const monitoring = values.monitoring_line ?? (await setting(tx, county, year, 'monitoring_line'));
      if (!policy.linesInOrder(poverty, monitoring)) {
        throw new Problem(
          400,
          'monitoring_line_below_poverty_line',
          `监测线（${monitoring} 元）不能低于当年贫困线（${poverty} 元）`,
          [
            {
              path: values.monitoring_line !== undefined ? 'body.monitoring_line' : 'body.poverty_line',
              message: 'monitoring line below poverty line',
            },
          ],
        );
      }
      const before: Record<string, string> = {};
      for (const key of SETTING_KEYS) {
        const value = values[key];
        if (value === undefined) continue;
        // As the trail has always kept them: the values as text.
        before[key] = String(await setting(tx, county, year, key));
        await putSetting(tx, county, year, key, value);
      }
      // A category's targets as text, `response/resolution` working days, on the calendar edition they count on.
      const current = await deadlineTargets(tx, county, year);
      for (const t of targets ?? []) {
        before[`targets.${t.category}`] = `${current[t.category].response}/${current[t.category].resolution}`;
        await putTarget(tx, county, year, t.category, 'response', t.response);
        await putTarget(tx, county, year, t.category, 'resolution', t.resolution);
      }
      const after: Record<string, string | number> = { ...values };
      for (const t of targets ?? []) after[`targets.${t.category}`] = `${t.response}/${t.resolution}`;
      if (targets?.length) after.calendar = `${CALENDAR.source} ${CALENDAR.version}`;
      await this.audit.record(tx, actor, {
        action: 'settings.update',
        entityType: 'county',
        entityId: county,
        before: { year, ...before },
        after: { year, ...after },
      });
    });
    return this.get(actor, year);
  }
}
