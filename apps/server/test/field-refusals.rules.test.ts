import { describe, expect, it } from 'vitest';
import { useCounty } from './setup-county.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * What a record made offline meets when it arrives: the item it was written on may have been closed meanwhile. The
 * field queue shows the server's reason to the secretary as it is, so the reason has to name what happened.
 */
describe('progress on an item closed meanwhile is refused as closed (409 item_closed), storing nothing', () => {
  const ctx = useCounty();

  it('a progress entry sent after the item was closed out: 409 item_closed with a Chinese reason; no entry, no photo', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const list = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路面塌陷', category: 'roads' }],
    });
    const itemId = list.json().itemIds[0] as string;
    const move = async (who: typeof qiao, to: string, extra: object = {}) => {
      const { version } = (await who.get(`/items/${itemId}`)).json();
      const res = await who.post(`/items/${itemId}/transitions`, { to, version, ...extra });
      expect(res.statusCode, res.body).toBe(204);
    };
    // The secretary wrote an entry offline while the item was open; before it arrives the item is closed out.
    await move(baihe, 'in_progress');
    await move(baihe, 'awaiting_confirmation');
    await move(qiao, 'closed', { evidence: '已回填并压实' });
    const events = async () => (await baihe.get(`/items/${itemId}/events`)).json().items.length as number;
    const before = await events();

    const late = await baihe.post(`/items/${itemId}/events`, {
      text: '已回填',
      public: true,
      photos: [{ dataBase64: PNG }],
    });
    expect([late.statusCode, late.json().code]).toEqual([409, 'item_closed']);
    expect(late.json().detail).toMatch(/销号/);
    expect(await events()).toBe(before);
    const photos = await ctx.t.db.db
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(photos.n)).toBe(0);
  });
});
