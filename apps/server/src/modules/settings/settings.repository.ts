import { DEADLINE_TARGET_DEFAULTS, type ReportCategory } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';

/** Used where a county has set no value for the year; every threshold stays configurable (DOMAIN §6, §7). */
export const SETTING_DEFAULTS = {
  exit_notice_days: '7',
  poverty_line: '4000',
  monitoring_line: '6000',
  monitoring_notice_days: '5',
  rigid_spending_ratio: '1',
  reopen_window_days: '5',
} as const satisfies Record<string, `${number}`>;

/** A county's yearly threshold: each is a number (yuan, days or a ratio), stored as text. */
export type SettingKey = keyof typeof SETTING_DEFAULTS;

export const SETTING_KEYS = [
  'poverty_line',
  'monitoring_line',
  'exit_notice_days',
  'monitoring_notice_days',
  'rigid_spending_ratio',
  'reopen_window_days',
] as const satisfies readonly SettingKey[];

/** The county's value for the year: the latest year set at or before it, else the default. */
export async function setting(db: Executor, countyCode: string, year: number, key: SettingKey): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('county_code', '=', countyCode)
    .where('key', '=', key)
    .where('year', '<=', year)
    .orderBy('year', 'desc')
    .executeTakeFirst();
  return Number(row?.value ?? SETTING_DEFAULTS[key]);
}

/** The keys the county set for exactly this year. */
export const keysSetFor = async (db: Executor, countyCode: string, year: number): Promise<SettingKey[]> =>
  (
    await db
      .selectFrom('settings')
      .select('key')
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .execute()
  ).flatMap((r) => (r.key in SETTING_DEFAULTS ? [r.key as SettingKey] : []));

/** Sets the county's value for the year, replacing any value set before for that year. */
export async function putSetting(tx: Executor, countyCode: string, year: number, key: SettingKey, value: number) {
  await tx
    .deleteFrom('settings')
    .where('county_code', '=', countyCode)
    .where('year', '=', year)
    .where('key', '=', key)
    .execute();
  await tx
    .insertInto('settings')
    .values({ county_code: countyCode, year, key, value: String(value) })
    .execute();
}

export type DeadlineTargets = Record<ReportCategory, { response: number; resolution: number }>;
const TARGET_KEY = { response: 'response_days:', resolution: 'resolution_days:' } as const;

/**
 * The county's working-day targets per category for the year (DOMAIN §9a): for each, the latest year set at or
 * before it, else the default.
 */
export async function deadlineTargets(db: Executor, countyCode: string, year: number): Promise<DeadlineTargets> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value', 'year'])
    .where('county_code', '=', countyCode)
    .where('year', '<=', year)
    .where((eb) =>
      eb.or([eb('key', 'like', `${TARGET_KEY.response}%`), eb('key', 'like', `${TARGET_KEY.resolution}%`)]),
    )
    .orderBy('year', 'desc')
    .execute();
  return foldTargets(rows);
}

/**
 * The targets of a county's target settings for a year, newest year first (as `deadlineTargets` reads them, or as a
 * list's page carries them with each item): the latest year set for each, else the default.
 */
export function foldTargets(rows: readonly { key: string; value: string; year: number }[]): DeadlineTargets {
  const targets = structuredClone(DEADLINE_TARGET_DEFAULTS);
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    const [kind, category] = r.key.split(':') as [string, ReportCategory];
    if (!Object.hasOwn(targets, category)) continue;
    if (kind === 'response_days') targets[category].response = Number(r.value);
    if (kind === 'resolution_days') targets[category].resolution = Number(r.value);
  }
  return targets;
}

/** The target keys (`response_days:<category>`, `resolution_days:<category>`) the county set for exactly this year. */
export const targetKeysSetFor = async (db: Executor, countyCode: string, year: number): Promise<string[]> =>
  (
    await db
      .selectFrom('settings')
      .select('key')
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .where((eb) =>
        eb.or([eb('key', 'like', `${TARGET_KEY.response}%`), eb('key', 'like', `${TARGET_KEY.resolution}%`)]),
      )
      .orderBy('key')
      .execute()
  ).map((r) => r.key);

/** Sets a category's target for the year, replacing any value set before for that year. */
export async function putTarget(
  tx: Executor,
  countyCode: string,
  year: number,
  category: ReportCategory,
  kind: 'response' | 'resolution',
  days: number,
) {
  const key = `${TARGET_KEY[kind]}${category}`;
  await tx
    .deleteFrom('settings')
    .where('county_code', '=', countyCode)
    .where('year', '=', year)
    .where('key', '=', key)
    .execute();
  await tx
    .insertInto('settings')
    .values({ county_code: countyCode, year, key, value: String(days) })
    .execute();
}
