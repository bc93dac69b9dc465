import { type Kysely, sql } from 'kysely';
import { namePinyin } from '../../lib/pinyin.ts';

// The head of household's name in full pinyin (`白丙刚` → `baibinggang`), beside the initials (`bbg`): people type
// either to find a household, as they already do for members (name_pinyin). Filled here for the households already
// registered, from the same function that fills it for new ones.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('households')
    .addColumn('head_pinyin', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const rows = (await sql<{ id: string; head_name: string }>`select id, head_name from households`.execute(db)).rows;
  for (const r of rows) {
    await sql`update households set head_pinyin = ${namePinyin(r.head_name)} where id = ${r.id}`.execute(db);
  }
  await sql`create index households_head_pinyin on households (head_pinyin)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index households_head_pinyin`.execute(db);
  await db.schema.alterTable('households').dropColumn('head_pinyin').execute();
}
