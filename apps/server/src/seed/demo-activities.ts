import { addDays } from '@lianjian/shared';
import type { Executor } from '../db/index.ts';
import { newId } from '../lib/ids.ts';
import { addMonths } from '../modules/activities/activities.service.ts';
import { activeOn } from '../modules/orgs/orgs.repository.ts';
import { type Row, insertRows } from '../db/bulk.ts';
import type { Rng } from './random.ts';

const at = (day: string) => `${day}T08:00:00.000Z`;
const EXCUSES = ['入户走访', '外出抢修', '参加镇里培训', '生病请假', '值班'];
const GROUP_TOPICS: Record<string, string[]> = {
  结对帮扶党小组: ['结对户收入核查', '就业岗位对接', '慢病户用药情况', '孩子入学资助'],
  维护治安党小组: ['安置点夜间巡逻排班', '防诈骗宣传', '电动车充电安全', '重点人员走访'],
  矛盾调解党小组: ['邻里纠纷排查', '物业费争议调处', '宅基地边界调解回访', '调解员轮值'],
  卫生保洁党小组: ['楼道垃圾清理', '垃圾分类宣传', '保洁员考勤', '环境卫生评比'],
  基础建设党小组: ['线路安全排查', '供水管网检修', '道路照明维修', '暗线标识'],
};

/**
 * Organizational life at 白河新村 in 2020 (DOMAIN §4): monthly meetings of the five party groups — the
 * sanitation group skipped July and August and was reminded twice — monthly branch committee meetings, the
 * meeting of 19 May whose decisions are the 15 items of that day's list, study sessions, the themed party day
 * of 1 July and a joint activity with the linked units; attendance from the memberships of each day; and
 * observations sent to members' home organizations, one of them still waiting for acknowledgement.
 */
export async function seedBaiheActivities(
  tx: Executor,
  ctx: { r: Rng; baiheId: string; listId: string; userId: string },
) {
  const { r } = ctx;
  const groups = await tx
    .selectFrom('temporary_orgs')
    .select(['id', 'name'])
    .where('parent_id', '=', ctx.baiheId)
    .orderBy('name')
    .execute();
  const activities: Row<'activities'>[] = [];
  const attendance: Row<'activity_attendance'>[] = [];
  const decisions: Row<'activity_decisions'>[] = [];
  const reminders: Row<'meeting_reminders'>[] = [];

  const roster = (orgId: string, day: string) =>
    tx
      .selectFrom('memberships as m')
      .select(['m.id', 'm.member_id', 'm.role'])
      .where('m.org_id', '=', orgId)
      .where(activeOn('m', day))
      .execute();

  const hold = async (
    orgId: string,
    kind: Row<'activities'>['kind'],
    day: string,
    place: string,
    topic: string,
    extra: Partial<Row<'activities'>> = {},
    guests: string[] = [],
  ) => {
    const members = await roster(orgId, day);
    const id = newId();
    const host = members.find((m) => m.role === 'secretary' || m.role === 'group_leader') ?? members[0];
    activities.push({
      id,
      org_id: orgId,
      kind,
      held_on: day,
      place,
      topic,
      host_member_id: host?.member_id ?? null,
      agenda: null,
      minutes: `${topic}。与会人员逐项讨论，形成意见。`,
      list_id: null,
      created_by: ctx.userId,
      version: 1,
      created_at: at(day),
      updated_at: at(day),
      ...extra,
    });
    for (const m of members) {
      const x = r.next();
      const status = m === host || x < 0.86 ? 'present' : x < 0.95 ? 'excused' : 'absent';
      attendance.push({
        activity_id: id,
        member_id: m.member_id,
        status,
        reason: status === 'excused' ? r.pick(EXCUSES) : null,
        membership_id: m.id,
      });
    }
    for (const g of guests)
      attendance.push({ activity_id: id, member_id: g, status: 'present', reason: null, membership_id: null });
    return id;
  };

  // Monthly party-group meetings; the sanitation group skipped July and August.
  for (const [gi, g] of groups.entries()) {
    const topics = GROUP_TOPICS[g.name] ?? ['本月工作安排'];
    let lastMet: string | null = null;
    for (let month = 1; month <= 11; month++) {
      const day = `2020-${String(month).padStart(2, '0')}-${String(8 + gi).padStart(2, '0')}`;
      if (g.name === '卫生保洁党小组' && (month === 7 || month === 8)) continue;
      const id = await hold(
        g.id,
        'group_meeting',
        day,
        '白河新村党群服务中心',
        `${g.name}${month}月例会：${topics[month % topics.length]}`,
      );
      if (g.name === '卫生保洁党小组' && month === 9 && lastMet) {
        // Reminded once a period while it did not meet; both settled by the September meeting.
        for (const [due, raised] of [
          [addMonths(lastMet, 1), addDays(addMonths(lastMet, 1), 1)],
          [addMonths(lastMet, 2), addDays(addMonths(lastMet, 2), 1)],
        ] as const) {
          reminders.push({
            id: newId(),
            org_id: g.id,
            last_met_on: lastMet,
            due_on: due,
            raised_on: raised,
            resolved_on: day,
            resolved_by_activity_id: id,
          });
        }
      }
      lastMet = day;
    }
  }

  // Branch committee meetings; on 19 May the meeting that combed residents' reports into the 15-item list.
  for (let month = 1; month <= 11; month++) {
    if (month === 5) continue;
    await hold(
      ctx.baiheId,
      'branch_meeting',
      `2020-${String(month).padStart(2, '0')}-25`,
      '白河新村党群服务中心',
      `${month}月支部委员会：研究安置点重点工作`,
    );
  }
  const may = await hold(
    ctx.baiheId,
    'branch_meeting',
    '2020-05-19',
    '白河新村党群服务中心',
    '梳理群众反映问题，形成问题清单',
    {
      agenda: '一、汇总近期群众反映的问题；二、逐项研究责任党小组和完成时限；三、形成问题清单并公开',
      list_id: ctx.listId,
    },
  );
  const items = await tx
    .selectFrom('items as i')
    .leftJoin('temporary_orgs as g', 'g.id', 'i.responsible_group_id')
    .select(['i.id', 'i.no', 'i.problem', 'g.name as group_name'])
    .where('i.list_id', '=', ctx.listId)
    .orderBy('i.no')
    .execute();
  for (const it of items) {
    decisions.push({
      id: newId(),
      activity_id: may,
      no: it.no,
      text: `${it.problem}，由${it.group_name ?? '支部'}负责`,
      item_id: it.id,
    });
  }

  // Study sessions, the themed party day and a joint activity with the linked units.
  for (const [day, kind, topic] of [
    ['2020-03-20', 'study_session', '学习习近平总书记关于扶贫工作的重要论述'],
    ['2020-06-28', 'study_session', '学习《中国共产党支部工作条例（试行）》'],
    ['2020-07-01', 'themed_party_day', '主题党日：重温入党誓词，为搬迁群众办实事'],
    ['2020-09-18', 'study_session', '学习防止返贫动态监测和帮扶政策'],
  ] as const) {
    await hold(ctx.baiheId, kind, day, '白河新村党群服务中心', topic);
  }
  const linkedStaff = await tx
    .selectFrom('org_units as ou')
    .innerJoin('members as p', 'p.unit_id', 'ou.unit_id')
    .select('p.id')
    .where('ou.org_id', '=', ctx.baiheId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('memberships as m')
            .select('m.id')
            .whereRef('m.member_id', '=', 'p.id')
            .where('m.org_id', '=', ctx.baiheId),
        ),
      ),
    )
    .orderBy('p.id')
    .limit(6)
    .execute();
  await hold(
    ctx.baiheId,
    'joint_activity',
    '2020-08-12',
    '白河新村安置点广场',
    '联建单位进社区：安全用电、法律咨询、义诊',
    {},
    linkedStaff.map((s) => s.id),
  );

  await insertRows(tx, 'activities', activities);
  await insertRows(tx, 'activity_attendance', attendance, 300);
  await insertRows(tx, 'activity_decisions', decisions);
  await insertRows(tx, 'meeting_reminders', reminders);

  // Observations sent to home organizations: acknowledged, and one still open.
  const leaders = await tx
    .selectFrom('memberships as m')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['p.id', 'p.home_party_org_id'])
    .where(
      'm.org_id',
      'in',
      groups.map((g) => g.id),
    )
    .where('m.role', '=', 'group_leader')
    .where('p.home_party_org_id', 'is not', null)
    .orderBy('p.id')
    .execute();
  const notes: [Row<'feedback_to_home'>['kind'], string, string | null][] = [
    ['good_work', '带领党小组按月入户，结对户收入台账清楚，群众满意。', '2020-07-20'],
    ['commendation', '断路器跳闸问题排查中带头加班，连夜为各户标注暗线走向。', '2020-07-22'],
    ['shortcoming', '七、八月未按期组织党小组会，经提醒后于九月补开，今后须按月召开。', null],
  ];
  for (const [i, l] of leaders.slice(0, notes.length).entries()) {
    const [kind, text, ack] = notes[i] as (typeof notes)[number];
    await tx
      .insertInto('feedback_to_home')
      .values({
        id: newId(),
        org_id: ctx.baiheId,
        member_id: l.id,
        home_party_org_id: l.home_party_org_id as string,
        period: '2020年上半年',
        kind,
        text,
        sent_on: '2020-07-10',
        sent_by: ctx.userId,
        acknowledged_on: ack,
        acknowledged_by: ack ? ctx.userId : null,
        ack_note: ack ? '已转本单位党支部，作为年度评议参考' : null,
        version: ack ? 2 : 1,
        created_at: at('2020-07-10'),
      })
      .execute();
  }
  return { activities: activities.length, attendance: attendance.length, reminders: reminders.length };
}
