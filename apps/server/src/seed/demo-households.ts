import type { HelperRole } from '@lianjian/shared';
import type { Executor } from '../db/index.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { newId } from '../lib/ids.ts';
import { idCheckChar } from '../lib/identity.ts';
import { nameInitials, namePinyin } from '../lib/pinyin.ts';

const at = (day: string) => `${day}T02:00:00.000Z`;
const id18 = (first17: string) => first17 + idCheckChar(first17);

/**
 * Case 3 of DOMAIN §2: a relocated household of six at 白河新村 — mother and wife seriously ill, two children
 * in school, income from herbs and odd jobs. It applied to exit in 2019 and was not approved (income not
 * stable); in April 2020 a health-centre doctor, a teacher, a party member of the branch and the local police
 * officer were stacked on top of the existing helper: the coverage rules' gap it had (illness, schooling) closes.
 */
export async function seedCase3(
  tx: Executor,
  cipher: DataCipher,
  ctx: {
    regionCode: string;
    primaryHelperId: string;
    stacked: { memberId: string; role: HelperRole; reason: string }[];
    policeId: string;
    userId: string;
  },
) {
  const householdId = newId();
  const people = [
    {
      name: '杨德厚',
      relationship: '户主',
      gender: 'male' as const,
      id: id18('41132119750412153'),
      health: 'healthy',
      labour: 'normal' as const,
      school: 0,
    },
    {
      name: '刘桂兰',
      relationship: '母亲',
      gender: 'female' as const,
      id: id18('41132119480923152'),
      health: 'serious',
      labour: 'none' as const,
      school: 0,
    },
    {
      name: '张秀梅',
      relationship: '配偶',
      gender: 'female' as const,
      id: id18('41132119780305154'),
      health: 'serious',
      labour: 'lost' as const,
      school: 0,
    },
    {
      name: '杨文博',
      relationship: '长子',
      gender: 'male' as const,
      id: id18('41132120040117151'),
      health: 'healthy',
      labour: 'none' as const,
      school: 1,
    },
    {
      name: '杨文静',
      relationship: '长女',
      gender: 'female' as const,
      id: id18('41132120080826152'),
      health: 'healthy',
      labour: 'none' as const,
      school: 1,
    },
    {
      name: '杨德山',
      relationship: '弟弟',
      gender: 'male' as const,
      id: id18('41132119800602151'),
      health: 'chronic',
      labour: 'normal' as const,
      school: 0,
    },
  ];
  const income = { wages: 9600, business: 6200, transfer: 5800, property: 0 };
  await tx
    .insertInto('households')
    .values({
      id: householdId,
      region_code: ctx.regionCode,
      head_name: '杨德厚',
      head_initials: nameInitials('杨德厚'),
      head_pinyin: namePinyin('杨德厚'),
      address: '白河新村易地搬迁安置点（二期）6号楼',
      attribute: 'general',
      standard: 'national',
      status: 'registered',
      exit_year: null,
      primary_cause: 'illness',
      secondary_causes: JSON.stringify(['schooling', 'lack_of_labour']),
      income_wages: income.wages,
      income_business: income.business,
      income_transfer: income.transfer,
      income_property: income.property,
      per_capita_income: Math.round((income.wages + income.business + income.transfer) / people.length),
      housing_area: 100,
      danger_rating: null,
      water_safe: 1,
      relocated_to: '白河新村易地搬迁安置点',
      version: 1,
      created_at: at('2016-05-10'),
      updated_at: at('2020-04-10'),
    })
    .execute();
  for (const p of people) {
    await tx
      .insertInto('household_people')
      .values({
        id: newId(),
        household_id: householdId,
        name: p.name,
        relationship: p.relationship,
        gender: p.gender,
        birth_year: Number(p.id.slice(6, 10)),
        in_school: p.school,
        labour: p.labour,
        health_enc: cipher.encrypt(p.health),
        id_number_enc: cipher.encrypt(p.id),
        id_number_index: cipher.blindIndex(p.id),
        phone_enc: p.relationship === '户主' ? cipher.encrypt('13903771234') : null,
        phone_index: p.relationship === '户主' ? cipher.blindIndex('13903771234') : null,
        created_at: at('2016-05-10'),
      })
      .execute();
  }
  const helper = (memberId: string, role: HelperRole, primary: boolean, reason: string, start: string) =>
    tx
      .insertInto('helpers')
      .values({
        id: newId(),
        household_id: householdId,
        member_id: memberId,
        role,
        is_primary: primary ? 1 : 0,
        reason,
        start_on: start,
        end_on: null,
        end_reason: null,
        version: 1,
        created_at: at(start),
      })
      .execute();
  await helper(ctx.primaryHelperId, 'cadre', true, '建档立卡结对帮扶', '2018-03-01');
  for (const m of ctx.stacked) await helper(m.memberId, m.role, false, m.reason, '2020-04-10');
  await helper(ctx.policeId, 'police', false, '叠加帮扶：片区民警，协助办理户籍和就业', '2020-04-10');

  const appId = newId();
  await tx
    .insertInto('exit_applications')
    .values({
      id: appId,
      household_id: householdId,
      source: 'household',
      status: 'rejected',
      applied_on: '2019-10-08',
      reviewed_on: '2019-10-20',
      verified_on: null,
      criteria_json: null,
      acknowledged_on: null,
      notice_start_on: null,
      notice_days: null,
      notice_published_on: null,
      announced_on: null,
      rejected_on: '2019-11-05',
      reject_reason: '收入不稳定：母亲和妻子重病，医疗支出大，收入主要靠采药和零工',
      version: 3,
      created_at: at('2019-10-08'),
      updated_at: at('2019-11-05'),
    })
    .execute();
  const events: [string, string | null, string, string][] = [
    ['2019-10-08', null, 'applied', '农户申请'],
    ['2019-10-20', 'applied', 'reviewed', '民主评议通过'],
    ['2019-11-05', 'reviewed', 'rejected', '不予退出：收入不稳定：母亲和妻子重病，医疗支出大，收入主要靠采药和零工'],
  ];
  for (const [on, from, to, text] of events) {
    await tx
      .insertInto('exit_events')
      .values({
        id: newId(),
        application_id: appId,
        on,
        kind: 'transition',
        from_status: from,
        to_status: to,
        text,
        user_id: ctx.userId,
        created_at: at(on),
      })
      .execute();
  }
  const visitId = newId();
  await tx
    .insertInto('visits')
    .values({
      id: visitId,
      household_id: householdId,
      visited_on: '2020-04-12',
      checks_json: JSON.stringify(['food', 'clothing', 'education', 'medical', 'housing', 'water', 'income']),
      findings: '两名重病患者需长期用药；两个孩子在校；采药收入受季节影响大',
      measures_agreed: '办理慢病卡；推荐户主到扶贫车间务工；孩子申请教育资助',
      report_id: null,
      risks_json: JSON.stringify({ seriousIllness: false, disaster: false, rigidSpending: 18000 }),
      created_by: ctx.userId,
      created_at: at('2020-04-12'),
    })
    .execute();
  for (const m of [ctx.primaryHelperId, ctx.policeId])
    await tx.insertInto('visit_helpers').values({ visit_id: visitId, member_id: m }).execute();
  for (const [category, content, cost, start] of [
    ['health', '为母亲和妻子办理慢性病卡，家庭医生签约', 0, '2020-04-20'],
    ['employment', '户主到白河新村扶贫车间务工', 0, '2020-05-06'],
    ['education', '两个孩子享受教育资助', 2500, '2020-09-01'],
  ] as const) {
    await tx
      .insertInto('measures')
      .values({
        id: newId(),
        household_id: householdId,
        category,
        unit_id: null,
        content,
        cost_yuan: cost,
        start_on: start,
        end_on: null,
        acknowledged_on: start,
        version: 1,
        created_at: at(start),
      })
      .execute();
  }
  return householdId;
}
