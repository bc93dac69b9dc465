import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/index.ts';
import { newId } from '../lib/ids.ts';

type Status = 'open' | 'in_progress' | 'awaiting_confirmation' | 'closed';

/** The 15-item list of 19 May 2020 at 白河新村 (DOMAIN §2, case 2). */
const LIST: { problem: string; category: string; group: string; status: Status; measures: string; due: string; reopened?: boolean }[] = [
  { problem: '部分楼栋楼道灯不亮', category: 'electricity', group: '基础建设党小组', status: 'closed', measures: '逐栋排查更换灯具', due: '2020-05-31' },
  { problem: '安置点垃圾清运不及时', category: 'sanitation', group: '卫生保洁党小组', status: 'closed', measures: '增设垃圾桶，每日清运两次', due: '2020-05-31' },
  { problem: '断路器频繁跳闸', category: 'electricity', group: '基础建设党小组', status: 'closed', measures: '联结供电所排查线路，查明原因后整改', due: '2020-06-15' },
  { problem: '两户邻里因占用公共过道发生纠纷', category: 'disputes', group: '矛盾调解党小组', status: 'closed', measures: '上门调解，明确公共过道使用', due: '2020-06-10' },
  { problem: '夜间有外来车辆乱停乱放', category: 'public_order', group: '维护治安党小组', status: 'closed', measures: '派出所联合巡查，划定停车区', due: '2020-06-10' },
  { problem: '自来水水压不足', category: 'water', group: '基础建设党小组', status: 'closed', measures: '水利站检修加压泵', due: '2020-06-20' },
  { problem: '部分搬迁户孩子转学手续未办', category: 'education', group: '结对帮扶党小组', status: 'closed', measures: '对接中心学校集中办理', due: '2020-06-30' },
  { problem: '老人就医不便', category: 'health', group: '结对帮扶党小组', status: 'closed', measures: '卫生院每周上门巡诊', due: '2020-06-30' },
  { problem: '安置点缺少就业信息', category: 'employment', group: '结对帮扶党小组', status: 'closed', measures: '设立就业信息栏，每周更新', due: '2020-06-15' },
  { problem: '排水沟堵塞', category: 'sanitation', group: '卫生保洁党小组', status: 'closed', measures: '组织清淤', due: '2020-05-31' },
  { problem: '新村道路照明不足', category: 'roads', group: '基础建设党小组', status: 'in_progress', measures: '申请加装路灯', due: '2020-07-31' },
  { problem: '扶贫车间招工信息不公开', category: 'employment', group: '结对帮扶党小组', status: 'closed', measures: '招工信息上墙公示', due: '2020-06-15' },
  { problem: '部分住户未领到产业奖补', category: 'industry', group: '结对帮扶党小组', status: 'awaiting_confirmation', measures: '逐户核对奖补名单', due: '2020-08-31' },
  { problem: '小区门口缺少减速带', category: 'roads', group: '维护治安党小组', status: 'closed', measures: '安装减速带和警示牌', due: '2020-06-30', reopened: true },
  { problem: '公共活动室未开放', category: 'other', group: '卫生保洁党小组', status: 'open', measures: '明确管理人，定时开放', due: '2020-09-30' },
];

const at = (day: string, hour = 9) => `${day}T${String(hour - 8).padStart(2, '0')}:00:00.000Z`;
const plus = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Replays case 2: residents' reports combed into the numbered list of 2020-05-19; item 3 (tripping breakers)
 * goes to the infrastructure group, the township power-station chief is linked in for it, finds the nails
 * driven into concealed wiring, the wiring is marked for every household, the item is closed and residents
 * confirm. The rest of the list is a realistic spread of closed, open, overdue and reopened items.
 */
export async function seedBaiheList(
  tx: Executor,
  ctx: { baiheId: string; regionCode: string; powerChiefId: string; closerUserId: string; closerLabel: string },
) {
  const listedOn = '2020-05-19';
  const groups = await tx.selectFrom('temporary_orgs').select(['id', 'name']).where('parent_id', '=', ctx.baiheId).execute();
  const leaders = await tx
    .selectFrom('memberships')
    .select(['org_id', 'member_id'])
    .where('org_id', 'in', groups.map((g) => g.id))
    .where('role', '=', 'group_leader')
    .execute();
  const listId = newId();
  await tx
    .insertInto('problem_lists')
    .values({
      id: listId,
      org_id: ctx.baiheId,
      no: 1,
      title: '白河新村群众反映问题清单（2020年5月19日）',
      listed_on: listedOn,
      created_by: ctx.closerUserId,
      version: 1,
      created_at: at(listedOn),
      updated_at: at(listedOn),
    })
    .execute();
  const event = (itemId: string, day: string, hour: number, actor: string, kind: string, text: string, pub: boolean, from: Status | null, to: Status | null) =>
    tx
      .insertInto('item_events')
      .values({
        id: newId(),
        item_id: itemId,
        at: at(day, hour),
        user_id: actor === ctx.closerLabel ? ctx.closerUserId : null,
        actor_label: actor,
        kind: kind as 'progress',
        text,
        public: pub ? 1 : 0,
        from_status: from,
        to_status: to,
      })
      .execute();

  for (const [n, spec] of LIST.entries()) {
    const no = n + 1;
    const itemId = newId();
    const group = groups.find((g) => g.name === spec.group);
    const leader = leaders.find((l) => l.org_id === group?.id)?.member_id;
    const reportedOn = plus(listedOn, -1 - (n % 4));
    const reportId = newId();
    await tx
      .insertInto('reports')
      .values({
        id: reportId,
        tracking_hash: createHash('sha256').update(randomBytes(20)).digest('hex'),
        source: n % 3 === 0 ? 'visit' : 'resident',
        region_code: ctx.regionCode,
        org_id: ctx.baiheId,
        category: spec.category,
        description: `${spec.problem}，希望尽快解决。`,
        reporter_name: null,
        phone: null,
        status: 'listed',
        created_by: null,
        reported_at: at(reportedOn, 10),
        version: 2,
        created_at: at(reportedOn, 10),
        updated_at: at(listedOn),
      })
      .execute();
    const worked = spec.status !== 'open';
    const done = spec.status === 'closed' || spec.status === 'awaiting_confirmation';
    const workDays = no === 3 ? 17 : 5 + (n % 9);
    const closedOn = plus(listedOn, workDays + 1);
    await tx
      .insertInto('items')
      .values({
        id: itemId,
        list_id: listId,
        org_id: ctx.baiheId,
        no,
        kind: spec.category === 'disputes' ? 'dispute' : 'problem',
        problem: spec.problem,
        category: spec.category,
        region_code: ctx.regionCode,
        responsible_group_id: group?.id ?? null,
        measures: spec.measures,
        due_on: spec.due,
        needed_skill: { electricity: 'electricity', water: 'water', roads: 'roads', public_order: 'security', disputes: 'mediation', sanitation: 'sanitation', health: 'medicine', education: 'education', industry: 'agronomy' }[spec.category] ?? null,
        status: spec.status,
        reopened_count: spec.reopened ? 1 : 0,
        submitted_by: null,
        closed_at: spec.status === 'closed' ? at(closedOn, 16) : null,
        closed_by: spec.status === 'closed' ? ctx.closerUserId : null,
        close_evidence: spec.status === 'closed' ? (no === 3 ? '已为每户标注暗线走向，连续观察一周未再跳闸' : '现场核实已整改到位') : null,
        resident_confirmed_at: spec.status === 'closed' && n % 2 === 0 ? at(plus(closedOn, 2), 11) : null,
        escalated_to_org_id: null,
        escalated_at: null,
        escalation_reason: null,
        handed_over_to_org_id: null,
        version: 1,
        created_at: at(listedOn),
        updated_at: at(listedOn),
      })
      .execute();
    await tx.insertInto('item_reports').values({ item_id: itemId, report_id: reportId }).execute();
    if (leader) {
      await tx.insertInto('item_members').values({ item_id: itemId, member_id: leader, role: 'responsible', membership_id: null, added_on: listedOn, reason: null }).execute();
    }
    await event(itemId, listedOn, 9, ctx.closerLabel, 'transition', `列入第1号问题清单第${no}项`, true, null, 'open');
    if (!worked) continue;
    await event(itemId, plus(listedOn, 1), 9, spec.group, 'transition', '正在办理', true, 'open', 'in_progress');
    if (no === 3) {
      const membershipId = newId();
      await tx
        .insertInto('memberships')
        .values({
          id: membershipId,
          org_id: group?.id as string,
          member_id: ctx.powerChiefId,
          role: 'member',
          start_on: '2020-05-20',
          end_on: closedOn,
          end_reason: '清单事项第3项已销号',
          link_reason: '因需而联：第1号清单第3项，排查线路跳闸',
          designated_by_party_org_id: null,
          designated_by_org_id: null,
          version: 2,
          created_at: at('2020-05-20'),
          updated_at: at(closedOn, 16),
        })
        .execute();
      await tx
        .insertInto('item_members')
        .values({ item_id: itemId, member_id: ctx.powerChiefId, role: 'linked', membership_id: membershipId, added_on: '2020-05-20', reason: '因需而联：第1号清单第3项，排查线路跳闸' })
        .execute();
      await event(itemId, '2020-05-20', 10, ctx.closerLabel, 'link', '联结乔端镇供电所所长进入基础建设党小组（因需而联：第1号清单第3项）', false, null, null);
      await event(itemId, '2020-05-21', 15, '乔端镇供电所所长', 'progress', '带两名电工入户排查，发现跳闸由住户在暗线位置钉钉子挂物引起', true, null, null);
      await event(itemId, '2020-06-02', 17, '乔端镇供电所所长', 'progress', '已为每户标注暗线走向，提醒住户不在标注处钉钉', true, null, null);
    } else {
      await event(itemId, plus(listedOn, 3), 16, spec.group, 'progress', `${spec.measures}，正在推进`, true, null, null);
    }
    if (spec.reopened) {
      await event(itemId, plus(listedOn, 4), 10, spec.group, 'transition', '已办结，等待确认', true, 'in_progress', 'awaiting_confirmation');
      await event(itemId, plus(listedOn, 6), 11, '群众', 'feedback', '群众反馈未解决：只装了警示牌，还没有减速带', true, 'awaiting_confirmation', 'in_progress');
    }
    if (!done) continue;
    await event(itemId, plus(listedOn, workDays), 17, spec.group, 'transition', '已办结，等待确认', true, 'in_progress', 'awaiting_confirmation');
    if (spec.status !== 'closed') continue;
    await event(itemId, closedOn, 16, ctx.closerLabel, 'transition', `已销号；销号依据：${no === 3 ? '已为每户标注暗线走向，连续观察一周未再跳闸' : '现场核实已整改到位'}`, true, 'awaiting_confirmation', 'closed');
    if (n % 2 === 0) await event(itemId, plus(closedOn, 2), 11, '群众', 'feedback', '群众确认已解决', true, null, null);
  }
  return listId;
}
