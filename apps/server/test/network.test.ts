import { describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { useCounty } from './setup-county.ts';

describe('DOMAIN §1: the link network and the flattening', () => {
  const ctx = useCounty();

  it('shows units lending members, members in several organizations, members linked by need; hops and days for closed items', async () => {
    const db = ctx.t.db.db;
    const { qiaoBranch, chengBranch } = ctx.county.orgs;
    const { qiaoOther, qiaoPowerChief } = ctx.county.members;
    // 王芳 (乔端镇供电所) also sits in 城郊乡's branch.
    await db
      .insertInto('memberships')
      .values({
        id: newId(),
        org_id: chengBranch.id,
        member_id: qiaoOther,
        role: 'member',
        start_on: '2020-01-01',
        end_on: null,
        end_reason: null,
        link_reason: '跨乡联建',
        designated_by_party_org_id: null,
        designated_by_org_id: null,
        version: 1,
        created_at: 'x',
        updated_at: 'x',
      })
      .execute();
    // An item reported on 17 May, listed on 19 May, the power-station chief linked in by need on 22 May, closed on 6 June.
    const baihe = await ctx.user('baihe');
    const list = await baihe.post('/problem-lists', {
      orgId: qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '断路器频繁跳闸', category: 'electricity' }],
    });
    const itemId = list.json().itemIds[0] as string;
    const reportId = newId();
    await db
      .insertInto('reports')
      .values({
        id: reportId,
        tracking_hash: newId(),
        source: 'resident',
        region_code: '411321106200',
        org_id: qiaoBranch.id,
        category: 'electricity',
        description: '跳闸',
        reporter_name: null,
        phone_enc: null,
        status: 'listed',
        created_by: null,
        reported_at: '2020-05-17T02:00:00.000Z',
        version: 1,
        created_at: 'x',
        updated_at: 'x',
      })
      .execute();
    await db.insertInto('item_reports').values({ item_id: itemId, report_id: reportId }).execute();
    await db
      .insertInto('item_members')
      .values({
        item_id: itemId,
        member_id: qiaoPowerChief,
        role: 'linked',
        membership_id: null,
        added_on: '2020-05-22',
        reason: '电力',
      })
      .execute();
    await db
      .updateTable('items')
      .set({ status: 'closed', closed_at: '2020-06-06T08:00:00.000Z', created_at: '2020-05-19T02:00:00.000Z' })
      .where('id', '=', itemId)
      .execute();

    const admin = await ctx.user('admin');
    const net = (await admin.get('/stats/network?asOf=2020-07-01')).json();
    const name = (id: string) => net.nodes.find((n: { id: string }) => n.id === id)?.name;
    const links = (kind: string) =>
      net.links
        .filter((l: { kind: string }) => l.kind === kind)
        .map((l: { source: string; target: string }) => [name(l.source), name(l.target)]);
    expect(links('lends')).toContainEqual(['乔端镇供电所', '白河新村易地搬迁临时党支部']);
    expect(links('lends')).toContainEqual(['乔端镇供电所', '国储林基地临时党支部']);
    expect(links('member').sort()).toEqual([
      ['王芳', '国储林基地临时党支部'],
      ['王芳', '白河新村易地搬迁临时党支部'],
    ]);
    expect(links('linked_by_need')).toEqual([['李电明', '白河新村易地搬迁临时党支部']]);
    expect(net.flattening.items).toEqual([
      {
        itemId,
        problem: '断路器频繁跳闸',
        orgName: '白河新村易地搬迁临时党支部',
        hops: 2,
        daysToSolver: 5.08,
        daysToClose: 20.25,
        solver: '李电明',
      },
    ]);
    expect(net.flattening).toMatchObject({ medianHops: 2, medianDaysToSolver: 5.08 });
    // Before the link existed; and filtered to one township, the other township's branch is gone.
    expect(
      (await admin.get('/stats/network?asOf=2019-12-31'))
        .json()
        .links.filter((l: { kind: string }) => l.kind === 'member'),
    ).toEqual([]);
    const qiaoOnly = (await admin.get('/stats/network?asOf=2020-07-01&regionCode=411321106')).json();
    expect(qiaoOnly.nodes.map((n: { name: string }) => n.name)).not.toContain('国储林基地临时党支部');
    // Scope: 城郊乡 never sees 乔端镇's organizations.
    const cheng = (await (await ctx.user('chengjiao')).get('/stats/network?asOf=2020-07-01')).json();
    expect(cheng.nodes.map((n: { name: string }) => n.name)).not.toContain('白河新村易地搬迁临时党支部');
  });
});
