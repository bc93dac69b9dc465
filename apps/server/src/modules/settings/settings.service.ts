import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden } from '../../lib/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { countyOf } from '../households/coverage.service.ts';
import * as policy from './settings.policy.ts';
import { SETTING_DEFAULTS, keysSetFor, putSetting, setting } from './settings.repository.ts';

export const SETTING_KEYS = [
  'poverty_line',
  'monitoring_line',
  'exit_notice_days',
  'monitoring_notice_days',
  'rigid_spending_ratio',
  'reopen_window_days',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** A county's yearly thresholds (DOMAIN §6, §7, §9a): poverty line, monitoring line, notice days, rigid spending, the resident's reopening window. */
export class SettingsService {
  constructor(private readonly db: Db) {}

  async get(actor: Actor, year: number) {
    const county = await countyOf(this.db, actor);
    const values: Record<string, number> = {};
    const explicit = await keysSetFor(this.db, county, year);
    for (const key of SETTING_KEYS) values[key] = Number(await setting(this.db, county, year, key));
    return {
      countyCode: county,
      year,
      values: values as Record<SettingKey, number>,
      setThisYear: explicit.map((e) => e.key as SettingKey),
      defaults: SETTING_DEFAULTS,
      abilities: { set: policy.canSet(actor) },
    };
  }

  async put(actor: Actor, year: number, values: Partial<Record<SettingKey, number>>) {
    if (!policy.canSet(actor)) throw forbidden('permission_denied', '无权设定本县阈值');
    const county = await countyOf(this.db, actor);
    await this.db.transaction().execute(async (tx) => {
      // The monitoring line is never below the poverty line of the same year (DOMAIN §7: about 1.5× it).
      const poverty = values.poverty_line ?? Number(await setting(tx, county, year, 'poverty_line'));
      const monitoring = values.monitoring_line ?? Number(await setting(tx, county, year, 'monitoring_line'));
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
      for (const [key, value] of Object.entries(values)) {
        before[key] = await setting(tx, county, year, key);
        await putSetting(tx, county, year, key, String(value));
      }
      await recordAudit(tx, actor, {
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
