import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { COLUMNS, type ColumnKey } from '../src/modules/households/import.layout.ts';
import { PASSWORD, addNeighbourCounty, addUser } from './factories.ts';
import { type Client, as, login, sessionHeaders } from './helpers.ts';
import { newIdNumber } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

type Row = Record<ColumnKey, string>;

/** One household of three in the registration layout; the head's row carries the household's columns. */
function household(no: string, village = '411321106200'): Row[] {
  return [0, 1, 2].map((i) => {
    const head = i === 0;
    const h = (v: string) => (head ? v : '');
    return {
      householdNo: no,
      regionCode: village,
      relationship: head ? '户主' : i === 1 ? '配偶' : '长子',
      name: head ? '赵铁柱' : i === 1 ? '钱桂花' : '赵小虎',
      gender: i === 1 ? '女' : '男',
      idNumber: newIdNumber(head ? 1968 : i === 1 ? 1970 : 2006),
      phone: h('13912345678'),
      health: '健康',
      labour: i === 2 ? '无劳动力' : '普通劳动力',
      inSchool: i === 2 ? '是' : '否',
      address: h('穆老庄村二组'),
      attribute: h('一般贫困户'),
      standard: h('国家标准'),
      primaryCause: h('因病'),
      secondaryCauses: '',
      wages: h('8000'),
      business: h('2000'),
      transfer: h('1200'),
      property: h('0'),
      housingArea: h('80'),
      dangerRating: '',
      waterSafe: h('是'),
      relocatedTo: '',
      exitStatus: '',
      exitYear: '',
    };
  });
}

/**
 * A CSV whose headings are the layout's, some renamed as a county's own file names them (`{ idNumber: '身份号' }`),
 * with extra columns after them (heading and value per row).
 */
function file(rows: Row[], renamed: Partial<Record<ColumnKey, string>> = {}, extra: [string, string][] = []): string {
  const headings = [...COLUMNS.map((c) => renamed[c.key] ?? c.header), ...extra.map(([h]) => h)];
  const lines = rows.map((r) => [...COLUMNS.map((c) => r[c.key]), ...extra.map(([, v]) => v)].join(','));
  return `${[headings.join(','), ...lines].join('\r\n')}\r\n`;
}

type View = {
  id: string;
  status: string;
  message: string | null;
  households: number;
  ignoredColumns: { column: number; header: string }[];
  mapping: {
    headings: { column: number; heading: string }[];
    columns: { column: number; field: ColumnKey | null }[];
    fields: { key: string; label: string; required: boolean }[];
    preview: string[][];
  } | null;
};

/** The column of a heading in the view's headings. */
const columnOf = (v: View, heading: string) => v.mapping?.headings.find((h) => h.heading === heading)?.column as number;

/** The proposed mapping with some headings set to a field (or to not imported). */
function mappingWith(v: View, set: Record<string, ColumnKey | null>) {
  return (v.mapping?.columns ?? []).map((c) => {
    const heading = v.mapping?.headings.find((h) => h.column === c.column)?.heading as string;
    return { column: c.column, field: heading in set ? (set[heading] ?? null) : c.field };
  });
}

describe('DOMAIN §5: the column mapping of a register import', () => {
  const cipher = new DataCipher(randomBytes(32));
  const ctx = useCounty(cipher);

  async function upload(client: Client | string, body: string, fileName = 'register.csv'): Promise<View> {
    const c = typeof client === 'string' ? await ctx.user(client as 'qiaoduan') : client;
    const res = await c.post(`/household-imports?fileName=${encodeURIComponent(fileName)}`, Buffer.from(body), {
      'content-type': 'application/octet-stream',
    });
    expect([200, 202], res.body).toContain(res.statusCode);
    await ctx.t.app.householdImports.settled(res.json().id);
    return (await c.get(`/household-imports/${res.json().id}`)).json();
  }

  async function confirm(client: Client, id: string, columns: unknown, remember = true) {
    const res = await client.post(`/household-imports/${id}/mapping`, { columns, remember });
    if (res.statusCode === 202) await ctx.t.app.householdImports.settled(id);
    return res;
  }

  const count = async (table: 'households' | 'household_people') =>
    Number(
      (
        await ctx.t.db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a file with an unfamiliar heading waits for its mapping; its preview never shows a whole ID number or phone', async () => {
    const rows = [...household('1'), ...household('2')];
    // A wrong check digit is not an ID number to the mask of free text, and is masked all the same.
    const wrongCheck = `${(rows[0] as Row).idNumber.slice(0, 17)}${(rows[0] as Row).idNumber.endsWith('1') ? '2' : '1'}`;
    const body = file(rows, { idNumber: '身份号', phone: '手机' }, [
      ['帮扶责任人', '张干部'],
      ['户主证件', wrongCheck],
    ]);
    const v = await upload('qiaoduan', body);
    expect(v.status).toBe('awaiting_mapping');
    expect(v.message).toContain('请确认');
    expect(await count('households')).toBe(0);
    const m = v.mapping as NonNullable<View['mapping']>;
    // Every headed column, in the file's order, with what the layout proposes for it.
    expect(m.headings).toHaveLength(COLUMNS.length + 2);
    expect(m.columns.find((c) => c.column === columnOf(v, '身份号'))?.field).toBeNull();
    expect(m.columns.find((c) => c.column === columnOf(v, '手机'))?.field).toBeNull();
    expect(m.columns.find((c) => c.column === columnOf(v, '户编号'))?.field).toBe('householdNo');
    expect(m.fields.find((f) => f.key === 'idNumber')).toEqual({ key: 'idNumber', label: '身份证号', required: true });
    expect(v.ignoredColumns.map((c) => c.header)).toEqual(['身份号', '手机', '帮扶责任人', '户主证件']);
    // The first five data rows as the file has them, aligned with the headings.
    expect(m.preview).toHaveLength(5);
    expect(m.preview[0]?.[columnOf(v, '姓名') - 1]).toBe('赵铁柱');
    expect(m.preview[0]?.[columnOf(v, '村（社区）代码') - 1]).toBe('411321106200');
    const shown = JSON.stringify(v);
    for (const r of rows.slice(0, 5)) expect(shown).not.toContain(r.idNumber);
    expect(shown).not.toContain('13912345678');
    expect(shown).not.toContain(wrongCheck);
    expect(m.preview[0]?.[columnOf(v, '身份号') - 1]).toMatch(/^4113\*+\d{3}[\dX]$/);
    expect(m.preview[0]?.[columnOf(v, '手机') - 1]).toBe('139****5678');
  });

  it('a file whose headings are all the county’s own reaches the mapping step, its header found under its title', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    // Every heading renamed (栏1, 栏2, …): none is the layout's, so no row is a header the layout knows.
    const own = Object.fromEntries(COLUMNS.map((c, i) => [c.key, `栏${i + 1}`])) as Record<ColumnKey, string>;
    const body = `乔端镇建档立卡户花名册（2020年）\r\n填报单位：穆老庄村\r\n${file([...household('1'), ...household('2')], own)}`;
    const v = await upload(qiaoduan, body, 'own-headings.csv');
    expect(v.status, v.message ?? '').toBe('awaiting_mapping');
    const m = v.mapping as NonNullable<View['mapping']>;
    expect(m.headings.map((h) => h.heading)).toEqual(COLUMNS.map((_, i) => `栏${i + 1}`));
    expect(m.columns.every((c) => c.field === null)).toBe(true);
    // The preview starts with the first data row, under the header, not with the title.
    expect(m.preview).toHaveLength(5);
    expect(m.preview[0]?.[COLUMNS.findIndex((c) => c.key === 'name')]).toBe('赵铁柱');
    const columns = COLUMNS.map((c, i) => ({ column: i + 1, field: c.key }));
    const res = await confirm(qiaoduan, v.id, columns, false);
    expect(res.statusCode, res.body).toBe(202);
    const done: View = (await qiaoduan.get(`/household-imports/${v.id}`)).json();
    expect(done, done.message ?? '').toMatchObject({ status: 'completed', households: 2 });
    // A file of notes only (one text a row) is still refused: nothing there looks like a header.
    const notes = await upload(qiaoduan, '填表说明\r\n请使用系统提供的模板\r\n每户一行\r\n', 'notes.csv');
    expect(notes.status).toBe('failed');
    expect(notes.message).toContain('找不到表头');
  });

  it('confirming the mapping imports every household or none, and the errors name the clerk’s own headings', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const bad = household('2');
    (bad[1] as Row).idNumber = '411321197001011234';
    const refused = await upload(qiaoduan, file([...household('1'), ...bad], { idNumber: '身份号' }), 'bad.csv');
    const r1 = await confirm(qiaoduan, refused.id, mappingWith(refused, { 身份号: 'idNumber' }));
    expect(r1.statusCode, r1.body).toBe(202);
    expect(r1.json().status).toBe('running');
    const failed: View & { errorCount: number } = (await qiaoduan.get(`/household-imports/${refused.id}`)).json();
    expect(failed).toMatchObject({ status: 'failed', households: 0, errorCount: 1 });
    expect(await count('households')).toBe(0);
    const errors = await ctx.t.db.db
      .selectFrom('household_imports')
      .select('errors_json')
      .where('id', '=', refused.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(errors.errors_json as string)).toEqual([expect.objectContaining({ row: 6, column: '身份号' })]);

    const good = await upload(
      qiaoduan,
      file([...household('1'), ...household('2')], { idNumber: '身份号' }, [['备注', '']]),
    );
    const r2 = await confirm(qiaoduan, good.id, mappingWith(good, { 身份号: 'idNumber' }));
    expect(r2.statusCode, r2.body).toBe(202);
    const done: View = (await qiaoduan.get(`/household-imports/${good.id}`)).json();
    expect(done, done.message ?? '').toMatchObject({ status: 'completed', households: 2 });
    expect(done.message).toContain(`未读取的列：第 ${columnOf(good, '备注')} 列“备注”`);
    expect(await count('household_people')).toBe(6);
    // The decision is audited, naming each heading with its field.
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('entity_id', '=', good.id)
      .where('action', '=', 'household.import_mapped')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json as string).columns).toContainEqual({
      column: columnOf(good, '身份号'),
      heading: '身份号',
      field: 'idNumber',
    });
  });

  it('a mapping that leaves a required field without a column is refused with 422, naming the field', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    const res = await confirm(qiaoduan, v.id, mappingWith(v, { 姓名: null }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('import_mapping_incomplete');
    expect(res.json().detail).toContain('姓名、身份证号');
    expect((await qiaoduan.get(`/household-imports/${v.id}`)).json().status).toBe('awaiting_mapping');
  });

  it('a mapping that reads one field from two columns is refused with 422', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }, [['备用姓名', '赵']]));
    const res = await confirm(qiaoduan, v.id, mappingWith(v, { 身份号: 'idNumber', 备用姓名: 'name' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('import_mapping_repeated');
    expect(res.json().detail).toContain('“姓名”对应了多列');
    expect(await count('households')).toBe(0);
  });

  it("a remembered heading maps the county's next file, and no other county's", async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const first = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    expect((await confirm(qiaoduan, first.id, mappingWith(first, { 身份号: 'idNumber' }))).statusCode).toBe(202);
    // Another township of the same county: its file with the same heading goes straight on.
    const next = await upload('chengjiao', file(household('7', '411321300214'), { idNumber: '身 份 号' }), 'c.csv');
    expect(next, next.message ?? '').toMatchObject({ status: 'completed', households: 1 });
    // Said to the clerk, who did not choose it herself.
    expect(next.message).toContain('按本县记住的列名读取：“身 份 号”→身份证号');
    // The neighbouring county's clerks have not confirmed it.
    await addNeighbourCounty(ctx.t.db.db);
    await addUser(ctx.t.db.db, 'fangcheng', 'county_admin', { region: '411322' });
    const other = as(ctx.t.app, await login(ctx.t.app, 'fangcheng', PASSWORD));
    const there = await upload(other, file(household('1', '411322100200'), { idNumber: '身份号' }), 'f.csv');
    expect(there.status).toBe('awaiting_mapping');
    // Not remembered when the clerk says so.
    const once = await upload(qiaoduan, file(household('3'), { phone: '手机' }), 'once.csv');
    expect((await confirm(qiaoduan, once.id, mappingWith(once, { 手机: 'phone' }), false)).statusCode).toBe(202);
    expect((await upload(qiaoduan, file(household('4'), { phone: '手机' }), 'again.csv')).status).toBe(
      'awaiting_mapping',
    );
  });

  it("a county's remembered headings are listed to its clerks and can be forgotten, audited; its next file is asked again", async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const first = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    await confirm(qiaoduan, first.id, mappingWith(first, { 身份号: 'idNumber' }));
    const chengjiao = await ctx.user('chengjiao');
    const listed = (await chengjiao.get('/household-imports/headings')).json();
    expect(listed).toMatchObject({ total: 1, items: [{ heading: '身份号', field: 'idNumber', label: '身份证号' }] });
    // Another county's clerks see none of them and cannot forget them.
    await addNeighbourCounty(ctx.t.db.db);
    await addUser(ctx.t.db.db, 'fangcheng', 'county_admin', { region: '411322' });
    const other = as(ctx.t.app, await login(ctx.t.app, 'fangcheng', PASSWORD));
    expect((await other.get('/household-imports/headings')).json().total).toBe(0);
    expect((await other.post('/household-imports/headings/forget', { heading: '身份号' })).statusCode).toBe(404);
    // An account without a region imports nothing, and has no county's headings.
    expect((await (await ctx.user('baihe')).get('/household-imports/headings')).statusCode).toBe(403);

    expect((await chengjiao.post('/household-imports/headings/forget', { heading: ' 身份号 ' })).statusCode).toBe(204);
    expect((await chengjiao.get('/household-imports/headings')).json().total).toBe(0);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['entity_id', 'after_json'])
      .where('action', '=', 'household.import_heading_forgotten')
      .executeTakeFirstOrThrow();
    expect([audit.entity_id, JSON.parse(audit.after_json as string)]).toEqual(['411321', { heading: '身份号' }]);
    expect((await upload(qiaoduan, file(household('2'), { idNumber: '身份号' }), 'again.csv')).status).toBe(
      'awaiting_mapping',
    );
  });

  it('only the uploading account confirms a mapping: outside its scope the import is not found (404), another account in scope is refused (403)', async () => {
    const v = await upload('qiaoduan', file(household('1'), { idNumber: '身份号' }));
    const columns = mappingWith(v, { 身份号: 'idNumber' });
    const outside = await confirm(await ctx.user('chengjiao'), v.id, columns);
    expect([outside.statusCode, outside.json().code]).toEqual([404, 'not_found']);
    const county = await confirm(await ctx.user('admin'), v.id, columns);
    expect([county.statusCode, county.json().code]).toEqual([403, 'import_not_uploader']);
    expect(await count('households')).toBe(0);
    expect((await (await ctx.user('qiaoduan')).get(`/household-imports/${v.id}`)).json().status).toBe(
      'awaiting_mapping',
    );
  });

  it('a mapping is confirmed once, and only for an import waiting for it (409 otherwise)', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    const columns = mappingWith(v, { 身份号: 'idNumber' });
    const [a, b] = await Promise.all([confirm(qiaoduan, v.id, columns), confirm(qiaoduan, v.id, columns)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    expect([a, b].find((r) => r.statusCode === 409)?.json().code).toBe('illegal_transition');
    expect(await count('households')).toBe(1);
    const again = await confirm(qiaoduan, v.id, columns);
    expect([again.statusCode, again.json().code]).toEqual([409, 'illegal_transition']);
    // A file whose headings are all the layout's never waits, and has nothing to confirm.
    const plain = await upload(qiaoduan, file(household('5')), 'plain.csv');
    expect(plain).toMatchObject({ status: 'completed', mapping: null });
    expect((await confirm(qiaoduan, plain.id, [])).statusCode).toBe(409);
  });

  it('a new upload by the account supersedes its import waiting for a mapping, whose file is then gone', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    const next = await upload(qiaoduan, file(household('2'), { idNumber: '身份号' }), 'next.csv');
    expect(next.status).toBe('awaiting_mapping');
    const old: View = (await qiaoduan.get(`/household-imports/${v.id}`)).json();
    expect(old).toMatchObject({ status: 'failed', failure: 'interrupted' });
    expect(old.message).toContain('已由新上传的文件取代');
    const res = await confirm(qiaoduan, v.id, mappingWith(v, { 身份号: 'idNumber' }));
    expect([res.statusCode, res.json().code]).toEqual([409, 'illegal_transition']);
  });

  it('an import left waiting for its mapping past the limit is given up, its upload removed', async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    expect(await ctx.t.app.householdImports.expireWaiting(Date.now() + 2 * 3_600_000)).toBe(1);
    const gone: View = (await qiaoduan.get(`/household-imports/${v.id}`)).json();
    expect(gone).toMatchObject({ status: 'failed', failure: 'interrupted' });
    expect(gone.message).toContain('未确认列的对应关系');
    const scratch = path.join(ctx.t.dataDir, 'scratch');
    const files = (fs.readdirSync(scratch, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter(
      (e) => !e.isDirectory(),
    );
    expect(files.map((e) => e.name)).toEqual([]);
  });

  it("a mapping names only the file's columns and the register's fields (400 otherwise)", async () => {
    const qiaoduan = await ctx.user('qiaoduan');
    const v = await upload(qiaoduan, file(household('1'), { idNumber: '身份号' }));
    const unknown = await confirm(qiaoduan, v.id, [{ column: 999, field: 'name' }]);
    expect(unknown.statusCode).toBe(400);
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const wrongField = await ctx.t.app.inject({
      method: 'POST',
      url: `/api/v1/household-imports/${v.id}/mapping`,
      headers: sessionHeaders(cookie),
      payload: { columns: [{ column: 1, field: 'passwordHash' }] },
    });
    expect(wrongField.statusCode).toBe(400);
  });
});
