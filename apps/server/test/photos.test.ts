import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PASSWORD, addUser } from './factories.ts';
import { as, login } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
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
    expect(await sharp(photo.rawPayload).metadata()).toMatchObject({ format: 'png', width: 1, height: 1 });
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
    const n = await ctx.t.db.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
    const p = await ctx.t.db.db
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
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
    expect(
      (await qiao.post(`/items/${itemId}/events`, { text: '已回填', public: true, photos: [{ dataBase64: PNG }] }))
        .statusCode,
    ).toBe(204);
    const item = (await qiao.get(`/items/${itemId}`)).json();
    const withPhoto = item.events.find((e: { text: string }) => e.text === '已回填');
    expect(withPhoto.photoIds).toHaveLength(1);
    expect((await qiao.get(`/photos/${withPhoto.photoIds[0]}`)).headers['content-type']).toBe('image/png');
  });

  /** A phone photo as it leaves the phone: EXIF with the place it was taken, turned by its orientation tag. */
  const phonePhoto = () =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .jpeg({ quality: 95 })
      .withExif({
        IFD0: { Make: 'SpyPhone', Model: 'X1' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '33/1 29/1 4411/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '112/1 26/1 0/1',
        },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
  const TRAILER = Buffer.from('<?php system($_GET["c"]); ?> hidden after the image');

  it('a photo is re-encoded before it is stored: no EXIF (GPS, camera) and no bytes after the image, through every door that takes one', async () => {
    const original = await phonePhoto();
    // The control: what was sent does carry the place and the trailer.
    const sentMeta = await sharp(original).metadata();
    expect([
      sentMeta.exif?.includes(Buffer.from('SpyPhone')),
      sentMeta.exif?.includes(Buffer.from('33/1')) || sentMeta.exif?.includes(Buffer.from([0x25, 0x88])),
      sentMeta.orientation,
    ]).toEqual([true, true, 6]);
    const sent = Buffer.concat([original, TRAILER]).toString('base64');
    const photos = [{ dataBase64: sent }];

    // Every route whose body takes a photo, read from the API description: a new door fails here until tried below.
    const doc = (await ctx.t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    // A body takes photos when its schema reaches the photo upload, through any named schema in between.
    const reaches = (node: unknown, seen = new Set<string>()): boolean => {
      const refs = [...JSON.stringify(node ?? {}).matchAll(/#\/components\/schemas\/([\w.-]+)/g)].map(
        (m) => m[1] as string,
      );
      return refs.some((name) => {
        if (name.startsWith('PhotoUpload')) return true;
        if (seen.has(name)) return false;
        seen.add(name);
        return reaches(doc.components.schemas[name], seen);
      });
    };
    const doors = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => reaches(op.requestBody))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(doors.sort()).toEqual([
      'POST /api/v1/activities',
      'POST /api/v1/households/{id}/visits',
      'POST /api/v1/items/{id}/events',
      'POST /api/v1/public/reports',
      'POST /api/v1/reports',
    ]);

    const qiao = await ctx.user('qiaoduan');
    const resident = await submit(photos);
    const staff = await qiao.post('/reports', {
      source: 'visit',
      regionCode: '411321106200',
      category: 'roads',
      description: '路面塌陷',
      photos,
    });
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路面塌陷', category: 'roads' }],
    });
    const progress = await qiao.post(`/items/${list.json().itemIds[0]}/events`, {
      text: '已回填',
      public: true,
      photos,
    });
    const meeting = await qiao.post('/activities', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      kind: 'branch_meeting',
      heldOn: '2020-06-01',
      place: '村部',
      topic: '学习',
      photos,
    });
    const householdId = await registerHousehold(qiao);
    await qiao.post(`/households/${householdId}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2020-04-01',
    });
    const visit = await qiao.post(`/households/${householdId}/visits`, {
      visitedOn: '2020-06-02',
      helperIds: [ctx.county.members.qiaoOther],
      photos,
    });
    expect(
      [resident, staff, progress, meeting, visit].map((r) => [r.statusCode, r.statusCode < 300 ? '' : r.body]),
    ).toEqual([
      [201, ''],
      [201, ''],
      [204, ''],
      [201, ''],
      [201, ''],
    ]);

    const stored = await ctx.t.db.db
      .selectFrom('photos')
      .select(['owner_type', 'mime', 'size', 'sha256', 'data'])
      .orderBy('owner_type')
      .execute();
    expect(stored.map((p) => p.owner_type)).toEqual(['activity', 'item_event', 'report', 'report', 'visit']);
    for (const p of stored) {
      const bytes = Buffer.from(p.data, 'base64');
      const meta = await sharp(bytes).metadata();
      // The type is kept (a JPEG stays a JPEG), upright by its orientation, and nothing else travels with it.
      expect([
        p.owner_type,
        p.mime,
        meta.format,
        meta.width,
        meta.height,
        Boolean(meta.exif),
        meta.orientation,
      ]).toEqual([p.owner_type, 'image/jpeg', 'jpeg', 48, 64, false, undefined]);
      expect(bytes.includes(Buffer.from('SpyPhone'))).toBe(false);
      expect(bytes.includes(TRAILER)).toBe(false);
      expect(bytes.includes(Buffer.from('GPS'))).toBe(false);
      // The image ends where JPEG ends it.
      expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
      expect(p.size).toBe(bytes.length);
    }
    // Staff read what was stored.
    const served = await qiao.get(
      `/photos/${(await ctx.t.db.db.selectFrom('photos').select('id').where('owner_type', '=', 'report').executeTakeFirstOrThrow()).id}`,
    );
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.rawPayload.includes(TRAILER)).toBe(false);
  });

  it('a stored photo is never larger than an upload may be (2 MB) nor longer than 4,000 px, however the upload was compressed', async () => {
    // Noise at the lowest JPEG quality: small to send, several times larger when encoded again at a normal quality.
    const upload = await sharp({
      create: {
        width: 6300,
        height: 6300,
        channels: 3,
        background: { r: 0, g: 0, b: 0 },
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .jpeg({ quality: 1 })
      .toBuffer();
    expect(upload.length).toBeLessThan(2 * 1024 * 1024);
    const res = await submit([{ dataBase64: upload.toString('base64') }]);
    expect(res.statusCode).toBe(201);
    const stored = await ctx.t.db.db.selectFrom('photos').select(['size', 'data']).executeTakeFirstOrThrow();
    expect(Number(stored.size)).toBeLessThanOrEqual(2 * 1024 * 1024);
    const meta = await sharp(Buffer.from(stored.data, 'base64')).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(4000);
  }, 60_000);

  it('a photo that is not base64 is refused as such (400 photo_not_base64), not as too large, and nothing is stored', async () => {
    for (const dataBase64 of [
      '!!!!',
      `data:image/png;base64,${PNG}`,
      `${PNG.slice(0, 20)} ${PNG.slice(20)}`,
      PNG.slice(0, -1),
    ]) {
      const res = await submit([{ dataBase64 }]);
      expect([dataBase64.slice(0, 24), res.statusCode, res.json().code, res.json().detail]).toEqual([
        dataBase64.slice(0, 24),
        400,
        'photo_not_base64',
        '照片编码无效：须为标准 Base64 文本',
      ]);
      expect(res.json().errors).toEqual([{ path: 'body.photos.0.dataBase64', message: 'base64' }]);
    }
    const n = await ctx.t.db.db
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });

  it('a decompression bomb is refused by its pixel count (413), and a damaged image is refused as unreadable (400)', async () => {
    // 8000 × 8000 of one colour: a few hundred kilobytes that would decode to 192 MB.
    const bomb = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const big = await submit([{ dataBase64: bomb.toString('base64') }]);
    expect([big.statusCode, big.json().code, big.json().errors]).toEqual([
      413,
      'payload_too_large',
      [{ path: 'body.photos.0', message: 'pixels' }],
    ]);
    // A JPEG's first bytes, then nothing an image decoder can read.
    const damaged = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const bad = await submit([{ dataBase64: damaged.toString('base64') }]);
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'photo_unreadable']);
    const n = await ctx.t.db.db
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  }, 30_000);

  it('a photo is seen with the permission of what it belongs to: a member reads no report photo, the auditor and the security administrator none at all', async () => {
    const res = await submit([{ dataBase64: PNG }]);
    expect(res.statusCode).toBe(201);
    const id = (await ctx.t.db.db.selectFrom('photos').select('id').executeTakeFirstOrThrow()).id;
    // The secretary of the branch the report went to reads it; the member with the same organizations reads no reports.
    await addUser(ctx.t.db.db, 'zhangwei', 'member', { member: ctx.county.members.qiaoSecretary });
    const member = as(ctx.t.app, await login(ctx.t.app, 'zhangwei', PASSWORD));
    expect((await (await ctx.user('baihe')).get(`/photos/${id}`)).statusCode).toBe(200);
    expect((await member.get('/reports')).statusCode).toBe(403);
    expect((await member.get(`/photos/${id}`)).statusCode).toBe(404);
    for (const u of ['security', 'auditor'] as const)
      expect([u, (await (await ctx.user(u)).get(`/photos/${id}`)).statusCode]).toEqual([u, 403]);
  });
});
