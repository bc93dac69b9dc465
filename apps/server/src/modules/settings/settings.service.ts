import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './settings.policy.ts';
import {
  SETTING_DEFAULTS,
  SETTING_KEYS,
  type SettingKey,
  keysSetFor,
  putSetting,
  setting,
} from './settings.repository.ts';

/** A county's yearly thresholds (DOMAIN §6, §7, §9a): poverty line, monitoring line, notice days, rigid spending, the resident's reopening window. */
export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  async get(actor: Actor, year: number) {
    const county = await countyOf(this.db, actor);
    const values = {} as Record<SettingKey, number>;
    for (const key of SETTING_KEYS) values[key] = await setting(this.db, county, year, key);
    return {
      countyCode: county,
      year,
      values,
      setThisYear: await keysSetFor(this.db, county, year),
      defaults: SETTING_DEFAULTS,
      abilities: { set: policy.canSet(actor) },
    };
  }

  async put(actor: Actor, year: number, values: Partial<Record<SettingKey, number>>) {
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
      await this.audit.record(tx, actor, {
        action: 'settings.update',
        entityType: 'county',
        entityId: county,
        before: { year, ...before },
        after: { year, ...values },
      });
    });
    return this.get(actor, year);
  }
}
