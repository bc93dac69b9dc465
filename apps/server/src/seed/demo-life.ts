import type { Row } from '../db/bulk.ts';
import { newId } from '../lib/ids.ts';
import { type Rng, rng } from './random.ts';

const at = (day: string) => `${day}T08:00:00.000Z`;
const day = (month: number, d: number) => `2020-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const EXCUSES = ['入户走访', '外出办事', '参加培训', '生病请假', '值班'];
const STUDY = [
  '学习习近平总书记关于扶贫工作的重要论述',
  '学习《中国共产党支部工作条例（试行）》',
  '学习脱贫攻坚政策汇编',
  '学习党史',
];

/**
 * A year of organizational life (DOMAIN §4) for every branch and general branch of the demo county but 白河新村 (whose
 * year is written out in `seedBaiheActivities`), so that the 2020 ledgers grade as a real county's would: each
 * organization has a diligence of its own (how often it meets, how many of its members come), drawn from a generator
 * of its own so that the rest of the county stays as it was. The branches the article names are among the diligent;
 * a few others let their life slide. Branch meetings monthly, quarterly study sessions, the party day of 1 July, and
 * one meeting a quarter for each party group; attendance from the memberships of the day.
 */
export function countyLife(
  county: Rng,
  ctx: {
    orgs: Row<'temporary_orgs'>[];
    memberships: Row<'memberships'>[];
    userId: string;
    skip: Set<string>;
    /** Organizations the story names: their year is a good one. */
    diligent: Set<string>;
  },
): { activities: Row<'activities'>[]; attendance: Row<'activity_attendance'>[] } {
  const activities: Row<'activities'>[] = [];
  const attendance: Row<'activity_attendance'>[] = [];
  const byOrg = new Map<string, Row<'memberships'>[]>();
  for (const m of ctx.memberships) byOrg.set(m.org_id, [...(byOrg.get(m.org_id) ?? []), m]);
  const groupsOf = new Map<string, Row<'temporary_orgs'>[]>();
  for (const o of ctx.orgs)
    if (o.level === 'group' && o.parent_id) groupsOf.set(o.parent_id, [...(groupsOf.get(o.parent_id) ?? []), o]);

  // Each organization draws from a generator of its own, seeded from the county's in turn: what one organization's
  // year holds (a later founding, a longer roster) never moves another's.
  let r: Rng = county;
  const hold = (
    org: Row<'temporary_orgs'>,
    kind: Row<'activities'>['kind'],
    on: string,
    topic: string,
    turnout: number,
  ) => {
    if (on < org.established_on) return;
    const roster = (byOrg.get(org.id) ?? []).filter((m) => m.start_on <= on && (m.end_on === null || m.end_on > on));
    if (!roster.length) return;
    const id = newId();
    const host = roster.find((m) => m.role === 'secretary' || m.role === 'group_leader') ?? roster[0];
    activities.push({
      id,
      org_id: org.id,
      kind,
      held_on: on,
      place: `${org.anchor_name}党员活动室`,
      topic,
      host_member_id: host?.member_id ?? null,
      agenda: null,
      minutes: `${topic}。与会党员逐项讨论，形成意见。`,
      list_id: null,
      created_by: ctx.userId,
      version: 1,
      created_at: at(on),
      updated_at: at(on),
    });
    for (const m of roster) {
      const x = r.next();
      const status = m === host || x < turnout ? 'present' : x < turnout + (1 - turnout) * 0.6 ? 'excused' : 'absent';
      attendance.push({
        activity_id: id,
        member_id: m.member_id,
        status,
        reason: status === 'excused' ? r.pick(EXCUSES) : null,
        membership_id: m.id,
      });
    }
  };

  for (const org of ctx.orgs) {
    if ((org.level !== 'branch' && org.level !== 'general_branch') || ctx.skip.has(org.id)) continue;
    r = rng(Math.floor(county.next() * 4294967296));
    // How often it meets and how many come: most organizations keep up, some slide, a few barely meet.
    // One in a dozen let it slide almost entirely: the county's rectification cases.
    const slack = !ctx.diligent.has(org.id) && r.chance(0.08);
    const diligence = ctx.diligent.has(org.id)
      ? 0.97 + r.next() * 0.03
      : slack
        ? 0.04
        : Math.min(1, 0.05 + r.next() ** 0.45 * 0.97);
    const turnout = 0.45 + diligence * 0.53;
    for (let month = 1; month <= 12; month++) {
      if (r.chance(diligence))
        hold(
          org,
          'branch_meeting',
          day(month, 20 + (month % 7)),
          `${month}月支部委员会：研究${org.anchor_name}重点工作`,
          turnout,
        );
    }
    for (let q = 0; q < 4; q++) {
      if (r.chance(diligence)) hold(org, 'study_session', day(q * 3 + 2, 10), STUDY[q] as string, turnout);
      for (const g of groupsOf.get(org.id) ?? []) {
        if (r.chance(diligence))
          hold(g, 'group_meeting', day(q * 3 + 1 + (q % 2), 15), `${g.name}第${q + 1}季度会议`, turnout);
      }
    }
    if (r.chance(diligence)) hold(org, 'themed_party_day', day(7, 1), '“七一”主题党日：重温入党誓词', turnout);
  }
  return { activities, attendance };
}
