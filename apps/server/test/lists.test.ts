import { describe, expect, it } from 'vitest';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[] };

/** One contract for lists: `items`, `nextCursor` and `total`, through lib/paging.ts; nothing stops silently. */
describe('every list pages the same way', () => {
  const ctx = useCounty();

  it('a list route answers items with nextCursor and total, and takes limit and cursor', async () => {
    const doc = (await ctx.t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const deref = (s: Schema): Schema =>
      s.$ref ? deref(doc.components.schemas[s.$ref.split('/').at(-1) as string]) : s;
    const lists: string[] = [];
    const unpaged: string[] = [];
    for (const [url, ops] of Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          {
            responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
            parameters?: { name: string; in: string }[];
          }
        >
      >,
    )) {
      const get = ops.get;
      const reply = get?.responses?.['200']?.content?.['application/json']?.schema;
      if (!get || !reply || url.includes('{')) continue;
      const body = deref(reply);
      if (body.properties?.items?.type !== 'array') continue;
      lists.push(url);
      const query = new Set((get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      const paged = Boolean(
        body.properties.nextCursor && body.properties.total && query.has('limit') && query.has('cursor'),
      );
      if (!paged) unpaged.push(url);
    }
    expect(lists.length).toBeGreaterThan(20);
    expect(unpaged.sort()).toEqual([]);
    for (const url of ['/api/v1/exit-applications', '/api/v1/monitoring-cases', '/api/v1/households', '/api/v1/items'])
      expect(lists).toContain(url);
  });

  it('the exit applications of a county page through all of them, each once, with the total', async () => {
    const qiao = await ctx.user('qiaoduan');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const h = await registerHousehold(qiao);
      const res = await qiao.post('/exit-applications', {
        householdId: h,
        source: 'household',
        appliedOn: `2020-10-0${i + 1}`,
        backdateReason: '补录纸质申请',
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await qiao.get(`/exit-applications?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.total).toBe(5);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    // Newest first.
    const first = (await qiao.get('/exit-applications?limit=5'))
      .json()
      .items.map((x: { appliedOn: string }) => x.appliedOn);
    expect(first).toEqual([...first].sort().reverse());
  });

  /** Pages through a list at `limit` a page, answering each page's items, the totals and the number of pages. */
  const pageThrough = async (
    get: (url: string) => Promise<{ statusCode: number; body: string; json(): unknown }>,
    url: string,
    limit: number,
  ) => {
    const items: Record<string, string>[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: Record<string, string>[]; nextCursor: string | null; total: number };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      totals.add(page.total);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { items, totals: [...totals], pages };
  };

  it('the region tree pages by code, each place once, for accounts and for the resident page', async () => {
    const admin = await ctx.user('admin');
    const whole = await pageThrough((u) => admin.get(u), '/regions', 3);
    const codes = whole.items.map((r) => r.code as string);
    expect(whole.totals).toEqual([codes.length]);
    expect(whole.pages).toBe(Math.ceil(codes.length / 3));
    expect(codes).toEqual([...new Set(codes)].sort());
    const townships = await pageThrough((u) => admin.get(u), '/regions?level=township', 1);
    expect(townships.items.every((r) => r.level === 'township')).toBe(true);
    expect(townships.items.length).toBeGreaterThan(1);
    // The resident page, without an account: townships, then a township's villages, each in code order.
    const anyone = (url: string) => ctx.t.app.inject({ url: `/api/v1${url}` });
    const open = await pageThrough(anyone, '/public/regions', 1);
    expect(open.items.map((r) => r.code)).toEqual(townships.items.map((r) => r.code));
    expect(open.totals).toEqual([townships.items.length]);
    const villages = await pageThrough(anyone, '/public/regions?parentCode=411321106', 1);
    expect(villages.items.length).toBeGreaterThan(1);
    expect(villages.items.every((r) => r.parentCode === '411321106')).toBe(true);
    expect((await anyone('/public/regions?cursor=nonsense')).statusCode).toBe(400);
  });

  it('the formal party organizations page by region then name, each once, with the total', async () => {
    const admin = await ctx.user('admin');
    const all = await pageThrough((u) => admin.get(u), '/party-orgs', 200);
    expect(all.items.length).toBeGreaterThan(2);
    const paged = await pageThrough((u) => admin.get(u), '/party-orgs', 2);
    expect(paged.items.map((p) => p.id)).toEqual(all.items.map((p) => p.id));
    expect(paged.totals).toEqual([all.items.length]);
    expect(paged.pages).toBe(Math.ceil(all.items.length / 2));
    // The county's own before its townships', a township's together.
    const regions = paged.items.map((p) => p.regionCode as string);
    const padded = regions.map((r) => r.padEnd(12, '0'));
    expect(padded).toEqual([...padded].sort());
  });
});
