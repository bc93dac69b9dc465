import { type Kysely, sql } from 'kysely';

// What a unit is responsible for (DOMAIN §8, link by need): the power station for electricity, the police station for
// security, the health centre for medicine. Suggestions for an item rank a unit's people by it. Units registered
// before this get their duties from what their names say; a county corrects them with PUT /units/:id/duties.
// A frozen copy of the words `dutiesByName` (packages/shared) held when this migration was written: a migration must
// place the same rows whenever it runs, so it does not follow later changes to that list.
const BY_NAME: [string, string[]][] = [
  ['供电', ['electricity']],
  ['电力', ['electricity']],
  ['派出所', ['security', 'law']],
  ['公安', ['security', 'law']],
  ['司法', ['law', 'mediation']],
  ['法庭', ['law', 'mediation']],
  ['水利', ['water']],
  ['水务', ['water']],
  ['林业', ['forestry']],
  ['林场', ['forestry']],
  ['卫生', ['medicine']],
  ['医院', ['medicine']],
  ['学校', ['education']],
  ['教育', ['education']],
  ['交通', ['roads']],
  ['公路', ['roads']],
  ['住房', ['construction']],
  ['建设', ['construction']],
  ['农业', ['agronomy']],
  ['乡村振兴', ['agronomy', 'finance']],
  ['财政', ['finance']],
  ['人力资源', ['finance']],
  ['市场监督', ['commerce']],
  ['商务', ['commerce']],
  ['人民政府', ['agronomy', 'finance', 'roads']],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('unit_duties')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('skill', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_duties_pk', ['unit_id', 'skill'])
    .execute();
  await db.schema.createIndex('unit_duties_skill').on('unit_duties').columns(['skill', 'unit_id']).execute();
  for (const [word, skills] of BY_NAME) {
    for (const skill of skills) {
      await sql`insert into unit_duties (unit_id, skill)
        select u.id, ${skill} from units u where u.name like ${`%${word}%`}
        and not exists (select 1 from unit_duties d where d.unit_id = u.id and d.skill = ${skill})`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('unit_duties').execute();
}
