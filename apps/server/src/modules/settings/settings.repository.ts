import type { Executor } from '../../db/index.ts';

/** Used where a county has set no value for the year; every threshold stays configurable (DOMAIN §6, §7). */
export const SETTING_DEFAULTS: Record<string, string> = {
  exit_notice_days: '7',
  poverty_line: '4000',
  monitoring_line: '6000',
  monitoring_notice_days: '5',
  rigid_spending_ratio: '1',
  reopen_window_days: '5',
};

/** The county's value for the year: the latest year set at or before it, else the default. */
export async function setting(db: Executor, countyCode: string, year: number, key: string): Promise<string> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('county_code', '=', countyCode)
    .where('key', '=', key)
    .where('year', '<=', year)
    .orderBy('year', 'desc')
    .executeTakeFirst();
  return row?.value ?? (SETTING_DEFAULTS[key] as string);
}

/** The keys the county set for exactly this year. */
export const keysSetFor = (db: Executor, countyCode: string, year: number) =>
  db.selectFrom('settings').select('key').where('county_code', '=', countyCode).where('year', '=', year).execute();

/** Sets the county's value for the year, replacing any value set before for that year. */
export async function putSetting(tx: Executor, countyCode: string, year: number, key: string, value: string) {
  await tx
    .deleteFrom('settings')
    .where('county_code', '=', countyCode)
    .where('year', '=', year)
    .where('key', '=', key)
    .execute();
  await tx.insertInto('settings').values({ county_code: countyCode, year, key, value }).execute();
}
