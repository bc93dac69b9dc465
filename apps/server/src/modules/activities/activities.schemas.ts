import { ACTIVITY_KINDS, ATTENDANCE, REPORT_CATEGORIES } from '@lianjian/shared';
import { z } from 'zod';
import { PhotoUpload } from '../../lib/photos.ts';
import { pageQuery } from '../../lib/paging.ts';
import { id, isoDate, text } from '../../lib/schemas.ts';

export const Attendance = z
  .strictObject({
    memberId: id,
    status: z.enum(ATTENDANCE),
    reason: text(200).optional().describe('Required when excused'),
  })
  .meta({ id: 'AttendanceEntry' });

export const Decision = z
  .strictObject({
    text: text(1000),
    item: z
      .strictObject({
        problem: text(1000),
        category: z.enum(REPORT_CATEGORIES),
        responsibleGroupId: id.optional(),
        dueOn: isoDate.optional(),
        measures: text(2000).optional(),
      })
      .optional()
      .describe('A decision that puts an item on a problem list: the items of one meeting make one list'),
  })
  .meta({ id: 'ActivityDecisionInput' });

export const NewActivity = z
  .strictObject({
    orgId: id,
    kind: z.enum(ACTIVITY_KINDS),
    heldOn: isoDate,
    place: text(200),
    topic: text(200),
    hostMemberId: id.optional(),
    agenda: text(4000).optional(),
    minutes: text(20000).optional(),
    attendance: z.array(Attendance).max(500).default([]).describe('Members not listed are recorded absent'),
    decisions: z.array(Decision).max(100).default([]),
    listTitle: text(200)
      .optional()
      .describe("Title of the problem list the decisions create; default: the meeting's topic and date"),
    photos: z.array(PhotoUpload).max(3).default([]),
  })
  .meta({ id: 'NewActivity' });

export const ActivityListQuery = z.strictObject({
  orgId: id.optional().describe('The organization, with its party groups'),
  from: isoDate.optional(),
  to: isoDate.optional(),
  kind: z.enum(ACTIVITY_KINDS).optional(),
  ...pageQuery,
});

const Person = z.object({ memberId: z.string(), name: z.string(), unitName: z.string() });

export const Roster = z
  .object({
    orgId: z.string(),
    on: z.string(),
    members: z.array(Person.extend({ role: z.string(), membershipId: z.string() })),
    guests: z.array(Person).describe('Staff of linked units, who may join a joint activity'),
  })
  .meta({ id: 'ActivityRoster' });

export const ActivitySummary = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    kind: z.enum(ACTIVITY_KINDS),
    heldOn: z.string(),
    place: z.string(),
    topic: z.string(),
    present: z.number().int(),
    excused: z.number().int(),
    absent: z.number().int(),
    decisions: z.number().int(),
  })
  .meta({ id: 'ActivitySummary' });

export const Activity = ActivitySummary.extend({
  hostName: z.string().nullable(),
  agenda: z.string().nullable(),
  minutes: z.string().nullable(),
  listId: z.string().nullable(),
  attendance: z.array(Person.extend({ status: z.enum(ATTENDANCE), reason: z.string().nullable(), guest: z.boolean() })),
  decisionList: z.array(
    z.object({
      no: z.number().int(),
      text: z.string(),
      itemId: z.string().nullable(),
      itemNo: z.number().int().nullable(),
      itemStatus: z.string().nullable(),
    }),
  ),
  photoIds: z.array(z.string()),
  version: z.number().int(),
}).meta({ id: 'Activity' });

export const Reminder = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    parentName: z.string().nullable(),
    lastMetOn: z.string().nullable(),
    dueOn: z.string(),
    raisedOn: z.string(),
    resolvedOn: z.string().nullable(),
  })
  .meta({ id: 'MeetingReminder' });
