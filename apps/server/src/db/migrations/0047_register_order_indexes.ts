import { type Kysely, sql } from 'kysely';
import { analyzeAllRows } from './analyze.ts';

// The register in its default order (the head's pinyin) within one county or one township, read from an index: a
// page of twenty is the index's next twenty entries instead of a sort of every household of the county (issue 27).
// The list states its county or township as `substr(region_code, 1, n) = …` (lib/scope.ts `confinedTo`), the
// expression of these indexes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index households_county_pinyin on households (substr(region_code, 1, 6), head_pinyin, id)`.execute(
    db,
  );
  await sql`create index households_township_pinyin on households (substr(region_code, 1, 9), head_pinyin, id)`.execute(
    db,
  );
  await analyzeAllRows(db, 'households');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('households_township_pinyin').execute();
  await db.schema.dropIndex('households_county_pinyin').execute();
}
