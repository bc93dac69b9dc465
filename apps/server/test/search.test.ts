import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { registerHousehold } from './households-fixture.ts';
import type { Client } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/** Where each searchable list keeps the text its `q` looks in, and who may list it. */
const SEARCHED: Record<
  string,
  { user: 'admin' | 'security' | 'qiaoduan'; table: string; column: string; key: string }
> = {
  '/api/v1/units': { user: 'admin', table: 'units', column: 'name', key: 'id' },
  '/api/v1/party-orgs': { user: 'admin', table: 'party_orgs', column: 'name', key: 'id' },
  '/api/v1/orgs': { user: 'admin', table: 'temporary_orgs', column: 'name', key: 'id' },
  '/api/v1/members': { user: 'admin', table: 'members', column: 'name', key: 'id' },
  '/api/v1/households': { user: 'admin', table: 'households', column: 'head_name', key: 'id' },
  '/api/v1/reports': { user: 'admin', table: 'reports', column: 'description', key: 'id' },
  '/api/v1/regions': { user: 'admin', table: 'regions', column: 'name', key: 'code' },
  '/api/v1/users': { user: 'security', table: 'users', column: 'display_name', key: 'id' },
  '/api/v1/problem-lists': { user: 'qiaoduan', table: 'problem_lists', column: 'title', key: 'id' },
  // Searched with the terms in the body (the ID number never travels in a URL).
  'POST /api/v1/households/search': { user: 'admin', table: 'households', column: 'head_name', key: 'id' },
};

describe('search terms', () => {
  const ctx = useCounty();

  it('a search term is taken literally: `%`, `_` and `\\` match only themselves in every list that searches (q)', async () => {
    // Every list route whose query has a `q`, read from the API description: a new one fails here until listed.
    type Schema = { $ref?: string; properties?: Record<string, unknown> };
    const doc = (await ctx.t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<
        string,
        {
          get?: { parameters?: { name: string; in: string }[] };
          post?: { requestBody?: { content?: Record<string, { schema?: Schema }> } };
        }
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    const resolve = (x: Schema | undefined) =>
      x?.$ref ? doc.components?.schemas?.[x.$ref.split('/').pop() as string] : x;
    const full = (path: string) => `/api/v1${path.replace(/^\/api\/v1/, '')}`;
    const searching = [
      ...Object.entries(doc.paths)
        .filter(([, p]) => p.get?.parameters?.some((x) => x.in === 'query' && x.name === 'q'))
        .map(([path]) => full(path)),
      ...Object.entries(doc.paths)
        .filter(
          ([, p]) => 'q' in (resolve(p.post?.requestBody?.content?.['application/json']?.schema)?.properties ?? {}),
        )
        .map(([path]) => `POST ${full(path)}`),
    ].sort();
    expect(searching).toEqual(Object.keys(SEARCHED).sort());

    const admin = await ctx.user('admin');
    await registerHousehold(admin);
    await registerHousehold(admin);
    for (const description of ['村口路灯一半以上不亮，需要维修', '村口水管漏水，需要维修']) {
      const res = await ctx.t.app.inject({
        method: 'POST',
        url: '/api/v1/public/reports',
        payload: { regionCode: '411321106200', category: 'roads', description },
      });
      expect(res.statusCode).toBe(201);
    }
    for (const title of ['安置点问题清单', '产业路问题清单']) {
      const res = await (await ctx.user('qiaoduan')).post('/problem-lists', {
        orgId: ctx.county.orgs.qiaoBranch.id,
        title,
        listedOn: '2020-05-19',
        items: [{ problem: '路灯不亮', category: 'roads', regionCode: '411321106200', dueOn: '2020-06-01' }],
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const wrong: string[] = [];
    for (const [route, s] of Object.entries(SEARCHED)) {
      // Two records of the list: one whose text holds "50%", one that a wildcard reading of "50%" would also find;
      // `%` then finds only the first, `_` and `\` only the second.
      const rows = (
        await sql<{
          k: string;
        }>`select ${sql.ref(s.key)} as k from ${sql.table(s.table)} order by ${sql.ref(s.key)} desc limit 2`.execute(
          ctx.t.db.db,
        )
      ).rows;
      expect([route, rows.length]).toEqual([route, 2]);
      const [hit, decoy] = rows.map((r) => r.k) as [string, string];
      const set = (k: string, text: string) =>
        sql`update ${sql.table(s.table)} set ${sql.ref(s.column)} = ${text} where ${sql.ref(s.key)} = ${k}`.execute(
          ctx.t.db.db,
        );
      await set(hit, '张庄50%股份合作');
      await set(decoy, '张庄50元互助_基金\\会');
      const client = (await ctx.user(s.user)) as Client;
      const search = async (q: string) => {
        const res = route.startsWith('POST ')
          ? await client.post(route.replace('POST /api/v1', ''), { q })
          : await client.get(`${route.replace('/api/v1', '')}?q=${encodeURIComponent(q)}`);
        if (res.statusCode !== 200) {
          wrong.push(`${route} q=${q} → ${res.statusCode}`);
          return [];
        }
        return (res.json().items as Record<string, string>[]).map((i) => i[s.key === 'code' ? 'code' : 'id']);
      };
      const found = {
        '50%': await search('50%'),
        '%': await search('%'),
        _: await search('_'),
        '\\': await search('\\'),
        '50_': await search('50_'),
        张庄: await search('张庄'),
      };
      const expected = { '50%': [hit], '%': [hit], _: [decoy], '\\': [decoy], '50_': [], 张庄: [hit, decoy].sort() };
      const got = { ...found, 张庄: [...found['张庄']].sort() };
      if (JSON.stringify(got) !== JSON.stringify(expected))
        wrong.push(`${route}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('an audit action family is taken literally: `%.` and `aut_.` are no families and match nothing', async () => {
    const auditor = await ctx.user('auditor');
    const family = (await auditor.get('/audit-events?action=auth.&limit=50')).json();
    expect(family.items.length).toBeGreaterThan(0);
    const wildcard = await auditor.get(`/audit-events?action=${encodeURIComponent('%.')}`);
    expect(wildcard.statusCode).toBe(200);
    expect(wildcard.json().items).toEqual([]);
    const underscore = await auditor.get(`/audit-events?action=${encodeURIComponent('aut_.')}`);
    expect(underscore.json().items).toEqual([]);
  });
});
