import {
  ITEM_KINDS,
  ITEM_STATUSES,
  NOTICE_STATUSES,
  PAUSE_REASONS,
  REPORT_CATEGORIES,
  SKILLS,
  SMS_PURPOSES,
} from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { PhotoUpload } from '../../lib/photos.ts';
import { id, isoDate, page, regionCode, text, version } from '../../lib/schemas.ts';

export const ItemStatus = z.enum(ITEM_STATUSES).meta({ id: 'ItemStatus' });

export const NewItem = z
  .strictObject({
    kind: z.enum(ITEM_KINDS).default('problem'),
    problem: text(1000),
    category: z.enum(REPORT_CATEGORIES),
    regionCode: regionCode.optional(),
    reportIds: z.array(id).max(50).default([]),
    responsibleGroupId: id.optional(),
    responsibleMemberIds: z.array(id).max(20).default([]),
    unitIds: z.array(id).max(20).default([]),
    measures: text(2000).optional(),
    dueOn: isoDate
      .optional()
      .describe('完成时限 staff set: the deadline only when earlier than the working-day resolution target'),
    neededSkill: z.enum(SKILLS).optional(),
    stageId: id.optional().describe('For a blockage: the stage of the industry chain it sits on'),
    projectId: id.optional().describe('The project the item belongs to (land transfer, say)'),
  })
  .meta({ id: 'NewItem' });

export const CreateProblemList = z
  .strictObject({
    orgId: id.describe('The branch (or general branch) that owns the list'),
    title: text(200),
    listedOn: isoDate,
    items: z.array(NewItem).min(1).max(100),
  })
  .meta({ id: 'CreateProblemList' });

export const ProblemList = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    no: z.number().int(),
    title: z.string(),
    listedOn: z.string(),
    itemCount: z.number().int(),
    closedCount: z.number().int(),
    overdueCount: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'ProblemList' });

export const ProblemListDetail = ProblemList.extend({
  abilities: z.object({ addItem: z.boolean().describe('Add an item to the list (staff of its live organization)') }),
}).meta({ id: 'ProblemListDetail' });

export const ProblemListQuery = z.strictObject({
  ...pageQuery,
  orgId: id.optional(),
  q: z.string().trim().max(50).optional().describe('Words of the title'),
  from: isoDate.optional().describe('Listed on or after this day'),
  to: isoDate.optional().describe('Listed on or before this day'),
});

export const ItemSummary = z
  .object({
    id: z.string(),
    listId: z.string(),
    listNo: z.number().int(),
    listTitle: z.string(),
    listedOn: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    no: z.number().int(),
    kind: z.enum(ITEM_KINDS),
    problem: z.string(),
    category: z.enum(REPORT_CATEGORIES),
    status: ItemStatus,
    overdue: z
      .boolean()
      .describe(
        'Derived: not closed, and more working days used than the target (pauses deducted) or past the date staff set',
      ),
    dueOn: z
      .string()
      .nullable()
      .describe(
        'The one deadline: the day the working-day resolution target runs out (pauses so far counted), or the date staff set when earlier',
      ),
    dueOnSet: z
      .string()
      .nullable()
      .describe('The completion date staff set (完成时限), for editing; the deadline is `dueOn`'),
    measures: z.string().nullable(),
    responsibleGroup: z.object({ id: z.string(), name: z.string() }).nullable(),
    responsibleMembers: z.array(z.string()),
    participants: z.array(z.string()).describe('Those who assist and are not Party members: "name（role）"'),
    latestProgress: z.string().nullable(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    reopenedCount: z.number().int(),
    escalatedTo: z.object({ id: z.string(), name: z.string() }).nullable(),
    light: z
      .enum(['green', 'amber', 'red'])
      .nullable()
      .describe(
        'By the share of its working-day target used: green below 50 %, amber from 50 %, red from 100 %; null for a closed item, or when the calendar does not cover the days',
      ),
    version: z.number().int(),
  })
  .meta({ id: 'ItemSummary' });

export const ItemListQuery = z.strictObject({
  ...pageQuery,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  listId: id.optional(),
  orgId: id.optional(),
  status: ItemStatus.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  escalated: z.enum(['true']).optional().describe('Only items escalated to or from the caller'),
  asOf: isoDate.optional().describe('The items as they were at the end of that day: status from the dated transitions'),
});

export const ItemList = page(ItemSummary).meta({ id: 'ItemList' });

export const ItemEvent = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    kind: z.string(),
    text: z.string(),
    public: z.boolean(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    photoIds: z.array(z.string()),
  })
  .meta({ id: 'ItemEvent' });

export const ItemAbilities = z
  .object({
    progress: z.boolean(),
    transitions: z.array(ItemStatus).describe('Statuses the caller may move the item to now'),
    link: z.boolean(),
    escalate: z.boolean(),
    participants: z.boolean().describe('Add or end participants who are not Party members'),
    edit: z
      .boolean()
      .describe(
        'Edit the due date, party group and people, end links by need, add reports (staff of its organization)',
      ),
    recordResidentCall: z
      .boolean()
      .describe('Record a call back as the resident’s word (not the one who entered the report or worked the item)'),
    pause: z.boolean().describe('Stop the working-day clock while waiting on the resident or another unit'),
    resume: z.boolean().describe('Start the stopped clock again'),
  })
  .meta({ id: 'ItemAbilities' });

const Measure = z.object({
  targetDays: z.number().int(),
  usedDays: z.number().int(),
  dueOn: z
    .string()
    .nullable()
    .describe('The day the target runs out: its working days after the listing, moved on by the days paused so far'),
  share: z.number(),
  light: z.enum(['green', 'amber', 'red']),
  metOn: z.string().nullable().describe('The day of the first response, or of closure; null while the clock runs'),
});

export const DeadlineClock = z
  .object({
    known: z.boolean().describe('False when the official calendar does not cover the days needed'),
    listedOn: z.string(),
    response: Measure.optional(),
    resolution: Measure.optional(),
    leading: z.enum(['response', 'resolution']).optional(),
    light: z.enum(['green', 'amber', 'red']).nullable(),
    pausedDays: z.number().int().optional(),
    paused: z
      .object({ reason: z.enum(PAUSE_REASONS), note: z.string(), since: z.string() })
      .nullable()
      .optional(),
  })
  .meta({ id: 'DeadlineClock' });

export const ItemChase = z
  .object({
    id: z.string(),
    step: z.number().int(),
    target: z.enum(['response', 'resolution']),
    usedDays: z.number().int(),
    targetDays: z.number().int(),
    receiverKind: z.enum(['group_leader', 'branch_secretary', 'township', 'approving_org']),
    text: z.string(),
    onDay: z.string(),
    acknowledgedAt: z.string().nullable(),
  })
  .meta({ id: 'ItemChase' });

export const PauseItem = z
  .strictObject({
    reason: z.enum(PAUSE_REASONS),
    note: text(500).describe('What the item waits for, in words'),
  })
  .meta({ id: 'PauseItem' });

export const ItemDetail = ItemSummary.extend({
  regionCode: z.string().nullable(),
  regionName: z.string().nullable(),
  neededSkill: z.string().nullable(),
  closeEvidence: z.string().nullable(),
  residentConfirmedAt: z.string().nullable(),
  participantRecords: z.array(
    z.object({
      id: z.string(),
      memberId: z.string().nullable(),
      name: z.string(),
      unitName: z.string(),
      role: z.string(),
      startOn: z.string(),
      endOn: z.string().nullable(),
      version: z.number().int(),
    }),
  ),
  residentConfirmation: z
    .object({
      channel: z.enum(['code', 'phone', 'call', 'sms']),
      text: z.string().describe('How it came, in words'),
      at: z.string(),
      recordedBy: z.string().nullable().describe('For a call back: who recorded it'),
      callAt: z.string().nullable(),
      words: z.string().nullable().describe('The resident’s words on the call (numbers masked)'),
    })
    .nullable(),
  residentRating: z
    .object({
      stars: z.number().int().min(1).max(5),
      comment: z.string().nullable().describe('The resident’s word with the rating (numbers masked)'),
      at: z.string(),
    })
    .nullable()
    .describe('The rating the resident gave the closed item by tracking code (the latest stands)'),
  escalatedAt: z.string().nullable(),
  escalationReason: z.string().nullable(),
  resolution: z
    .object({
      hops: z
        .number()
        .int()
        .describe('Organizations the item passed before reaching the one that solved it (0: its own branch)'),
      daysFromReport: z.number().nullable().describe('From the first report to close-out'),
      daysToResolver: z.number().nullable().describe('From the first report to the organization that solved it'),
    })
    .describe('The flattening: how directly the item reached whoever solved it'),
  members: z.array(
    z.object({
      memberId: z.string(),
      name: z.string(),
      unitName: z.string(),
      role: z.enum(['responsible', 'linked']),
      addedOn: z.string(),
      reason: z.string().nullable(),
    }),
  ),
  units: z.array(z.object({ id: z.string(), name: z.string() })),
  reports: z.array(z.object({ id: z.string(), source: z.string(), description: z.string(), reportedAt: z.string() })),
  events: z.array(ItemEvent),
  residentMessages: z
    .array(
      z.object({
        id: z.string(),
        purpose: z.enum(SMS_PURPOSES),
        status: z.enum(NOTICE_STATUSES),
        queuedAt: z.string(),
        dueAt: z.string().describe('Not sent before then (the follow-up: four weeks after closing)'),
        sentAt: z.string().nullable(),
        phone: z.string().nullable().describe('Masked; null once the outbox has let the phone go'),
        tries: z.number().int(),
        lastMessage: z.string().nullable().describe('The provider’s last answer, or 未配置短信通道'),
      }),
    )
    .describe('The text messages to the residents who reported it: what, when, and what became of them'),
  clock: DeadlineClock,
  chases: z.array(ItemChase).describe('The chases (催办) written for the item, by step'),
  abilities: ItemAbilities,
}).meta({ id: 'ItemDetail' });

export const NewParticipant = z
  .strictObject({
    memberId: id.optional().describe('A person of the register who is not a Party member'),
    name: text(50).optional().describe('Without memberId: the person’s name'),
    unitId: id.optional(),
    unitName: text(100).optional().describe('Without memberId or unitId: the unit as the branch knows it'),
    role: text(100).describe('What they do (电工，协助排查线路)'),
    startOn: isoDate,
  })
  .refine((p) => p.memberId || (p.name && (p.unitId || p.unitName)), {
    message: '请选择名册中的人员，或填写姓名和单位',
    path: ['name'],
  })
  .meta({ id: 'NewParticipant' });

export const EndParticipant = z.strictObject({ endOn: isoDate, version }).meta({ id: 'EndParticipant' });

export const ResidentCall = z
  .strictObject({
    solved: z.boolean().describe('What the resident said: solved, or not solved (the item goes back to work)'),
    calledAt: z.iso.datetime({ offset: true, message: '请填写回访时间' }).describe('When the call took place'),
    residentWords: text(500).describe('What the resident said, in their words'),
    version,
  })
  .meta({ id: 'ResidentCall' });

export const AddEvent = z
  .strictObject({
    text: text(2000),
    public: z.boolean().default(false),
    photos: z.array(PhotoUpload).max(3).default([]),
  })
  .meta({ id: 'AddItemEvent' });

export const ItemTransition = z
  .strictObject({
    to: ItemStatus,
    reason: text(500).optional(),
    evidence: text(2000).optional().describe('Close-out evidence (销号依据), required when closing'),
    version,
  })
  .meta({ id: 'ItemTransition' });

export const Suggestion = z
  .object({
    memberId: z.string(),
    name: z.string(),
    title: z.string().nullable().describe('Job title (所长, 副镇长…)'),
    unitName: z.string(),
    regionName: z.string(),
    skills: z.array(z.string()),
    nearness: z.enum(['village', 'township', 'county', 'elsewhere']),
    load: z.number().int().describe('Active memberships plus open items'),
    reasons: z
      .array(z.enum(['skill', 'unit_duty', 'heads_unit', 'deputy_head', 'branch_leader', 'in_branch']))
      .describe(
        'Why suggested, in ranking weight: has the skill, the unit is responsible for it, heads or deputy-heads the unit, a designated leader of the branch, already in the branch',
      ),
  })
  .meta({ id: 'Suggestion' });

export const Suggestions = z
  .object({
    skill: z.string().nullable(),
    members: z.array(Suggestion),
    units: z.array(
      z.object({
        unitId: z.string(),
        name: z.string(),
        regionName: z.string(),
        membersWithSkill: z.number().int(),
        responsible: z.boolean().describe('The unit is responsible for this line of work'),
      }),
    ),
  })
  .meta({ id: 'Suggestions' });

export const EditItem = z
  .strictObject({
    dueOn: isoDate
      .nullable()
      .optional()
      .describe(
        'No earlier than the list’s date; null clears it. The deadline only when earlier than the working-day target',
      ),
    responsibleGroupId: id.nullable().optional().describe('A party group of the item’s organization; null clears it'),
    responsibleMemberIds: z
      .array(id)
      .max(20)
      .optional()
      .describe('Members of the organization or its groups; the whole set'),
    version,
  })
  .meta({ id: 'EditItem' });

export const EndLink = z
  .strictObject({ reason: text(500).describe('Why the link ends (linked by mistake, say)') })
  .meta({ id: 'EndLink' });

export const AddItemReports = z
  .strictObject({
    reportIds: z.array(id).min(1).max(50).describe('New reports of the item’s organization, of the same problem'),
    version,
  })
  .meta({ id: 'AddItemReports' });

export const LinkByNeed = z.strictObject({ memberId: id, reason: text(500).optional() }).meta({ id: 'LinkByNeed' });

export const Escalate = z.strictObject({ toOrgId: id, reason: text(500), version }).meta({ id: 'Escalate' });

export const EscalationTarget = z
  .object({ id: z.string(), name: z.string(), level: z.string(), kind: z.string(), membersWithSkill: z.number().int() })
  .meta({ id: 'EscalationTarget' });

export const InboxEntry = z
  .object({
    /** The item the entry is about; null for a meeting that is due (then `orgId`). */
    itemId: z.string().nullable(),
    orgId: z.string().nullable().describe('The party group or branch overdue for a meeting'),
    kind: z.enum(['chase', 'assigned', 'reopened', 'escalated', 'linked', 'due_soon', 'overdue', 'meeting_due']),
    chaseId: z.string().nullable().optional().describe('For a chase (催办) waiting for the caller to acknowledge it'),
    text: z.string(),
    at: z.string(),
    read: z.boolean(),
  })
  .meta({ id: 'InboxEntry' });

export const EscalationTargetQuery = z.strictObject({ ...pageQuery, skill: z.enum(SKILLS).optional() });

export const InboxQuery = z.strictObject({ ...pageQuery });
