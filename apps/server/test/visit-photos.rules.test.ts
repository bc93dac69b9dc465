import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

// A real 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('visit photos: a home visit carries up to three photos, under the rules of report and progress photos', () => {
  const ctx = useCounty();

  /** A household of 穆老庄村 helped by 王芳 of 乔端镇's branch since 2020-04-01. */
  const helpedHousehold = async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await registerHousehold(qiao);
    const helper = await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2020-04-01',
    });
    expect(helper.statusCode, helper.body).toBe(201);
    return id;
  };
  const count = async (table: 'visits' | 'photos') =>
    Number(
      (
        await ctx.t.db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("a visit's photos are stored cleaned, listed on the household's visits and read by staff in scope only", async () => {
    const householdId = await helpedHousehold();
    const baihe = await ctx.user('baihe');
    const posted = await baihe.post(`/households/${householdId}/visits`, {
      visitedOn: '2020-05-02',
      helperIds: [ctx.county.members.qiaoOther],
      findings: '屋顶漏雨',
      photos: [{ dataBase64: PNG }, { dataBase64: PNG }],
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const visits = (await baihe.get(`/households/${householdId}/visits`)).json().items;
    expect(visits).toHaveLength(1);
    expect(visits[0].photoIds).toHaveLength(2);
    const photo = await baihe.get(`/photos/${visits[0].photoIds[0]}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(await sharp(photo.rawPayload).metadata()).toMatchObject({ format: 'png', width: 1, height: 1 });
    expect((await (await ctx.user('qiaoduan')).get(`/photos/${visits[0].photoIds[0]}`)).statusCode).toBe(200);
    // Another township does not learn the photo exists; the auditor reads no register at all.
    expect((await (await ctx.user('chengjiao')).get(`/photos/${visits[0].photoIds[0]}`)).statusCode).toBe(404);
    expect((await (await ctx.user('auditor')).get(`/photos/${visits[0].photoIds[0]}`)).statusCode).toBe(403);
  });

  it('refuses a fourth photo and a file that is not an image, recording neither the visit nor any photo', async () => {
    const householdId = await helpedHousehold();
    const baihe = await ctx.user('baihe');
    const visit = (photos: { dataBase64: string }[]) =>
      baihe.post(`/households/${householdId}/visits`, {
        visitedOn: '2020-05-02',
        helperIds: [ctx.county.members.qiaoOther],
        photos,
      });
    const four = await visit([1, 2, 3, 4].map(() => ({ dataBase64: PNG })));
    expect(four.statusCode).toBe(400);
    const fake = await visit([{ dataBase64: PNG }, { dataBase64: Buffer.from('<svg onload=x>').toString('base64') }]);
    expect([fake.statusCode, fake.json().code]).toEqual([415, 'unsupported_media_type']);
    expect([await count('visits'), await count('photos')]).toEqual([0, 0]);
  });

  it('a visit sent twice with one Idempotency-Key (a reply lost in the field) is recorded once, photos once', async () => {
    const householdId = await helpedHousehold();
    const baihe = await ctx.user('baihe');
    const body = { visitedOn: '2020-05-02', helperIds: [ctx.county.members.qiaoOther], photos: [{ dataBase64: PNG }] };
    const headers = { 'Idempotency-Key': '0190a7d4-6f1e-7c3a-9b2d-3f4e5a6b7c8d' };
    const first = await baihe.post(`/households/${householdId}/visits`, body, headers);
    const again = await baihe.post(`/households/${householdId}/visits`, body, headers);
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(again.json().id).toBe(first.json().id);
    expect([await count('visits'), await count('photos')]).toEqual([1, 1]);
  });
});
