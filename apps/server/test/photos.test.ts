import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

// A real 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('photos on reports and progress entries', () => {
  const ctx = useCounty();
  const submit = (photos: { dataBase64: string }[]) =>
    ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: { regionCode: '411321106200', category: 'roads', description: '路面塌陷', photos },
    });

  it('accepts up to three photos, typed by their content, and shows them to the resident and to staff in scope', async () => {
    const res = await submit([{ dataBase64: PNG }]);
    expect(res.statusCode).toBe(201);
    const code = res.json().trackingCode;
    const view = (await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` })).json();
    expect(view.photoIds).toHaveLength(1);
    const photo = await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}/photos/${view.photoIds[0]}` });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    const staff = (await (await ctx.user('qiaoduan')).get('/reports')).json();
    expect(staff.items[0].photoIds).toEqual(view.photoIds);
    expect((await (await ctx.user('qiaoduan')).get(`/photos/${view.photoIds[0]}`)).statusCode).toBe(200);
    expect((await (await ctx.user('chengjiao')).get(`/photos/${view.photoIds[0]}`)).statusCode).toBe(404);
  });

  it('refuses a file that is not an image whatever it claims, too many photos, and too large a photo, storing nothing', async () => {
    const fake = await submit([{ dataBase64: Buffer.from('<script>alert(1)</script>').toString('base64') }]);
    expect(fake.statusCode).toBe(415);
    expect(fake.json().code).toBe('unsupported_media_type');
    const four = await submit([1, 2, 3, 4].map(() => ({ dataBase64: PNG })));
    expect(four.statusCode).toBe(400);
    const big = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(2 * 1024 * 1024)]).toString('base64');
    const large = await submit([{ dataBase64: big }]);
    expect([400, 413]).toContain(large.statusCode);
    const n = await ctx.t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
    const p = await ctx.t.db.db.selectFrom('photos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(p.n)).toBe(0);
  });

  it('a progress entry carries photos', async () => {
    const qiao = await ctx.user('qiaoduan');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路面塌陷', category: 'roads' }],
    });
    const itemId = list.json().itemIds[0];
    expect((await qiao.post(`/items/${itemId}/events`, { text: '已回填', public: true, photos: [{ dataBase64: PNG }] })).statusCode).toBe(204);
    const item = (await qiao.get(`/items/${itemId}`)).json();
    const withPhoto = item.events.find((e: { text: string }) => e.text === '已回填');
    expect(withPhoto.photoIds).toHaveLength(1);
    expect((await qiao.get(`/photos/${withPhoto.photoIds[0]}`)).headers['content-type']).toBe('image/png');
  });
});
