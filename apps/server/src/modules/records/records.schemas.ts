import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { id, text, version } from '../../lib/schemas.ts';

export const FEEDBACK_KINDS = ['good_work', 'shortcoming', 'commendation'] as const;

export const NewFeedback = z
  .strictObject({
    orgId: id.describe('The temporary organization that observed the member'),
    memberId: id,
    period: text(40).describe('2020年上半年, 2020年第三季度…'),
    kind: z.enum(FEEDBACK_KINDS),
    text: text(2000),
  })
  .meta({ id: 'NewFeedbackToHome' });

export const Feedback = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    memberId: z.string(),
    memberName: z.string(),
    homePartyOrgName: z.string(),
    period: z.string(),
    kind: z.enum(FEEDBACK_KINDS),
    text: z.string(),
    sentOn: z.string(),
    acknowledgedOn: z.string().nullable(),
    ackNote: z.string().nullable(),
    version: z.number().int(),
    abilities: z
      .object({ acknowledge: z.boolean().describe('May acknowledge it for the home organization (once)') })
      .describe('What the caller may do, as the server would allow it'),
  })
  .meta({ id: 'FeedbackToHome' });

export const FeedbackQuery = z.strictObject({
  box: z
    .enum(['received', 'sent'])
    .default('received')
    .describe('received: for the home organizations the caller acts for; sent: from organizations in scope'),
  open: z.enum(['true', 'false']).optional(),
  memberId: id.optional(),
  ...pageQuery,
});

export const AcknowledgeFeedback = z
  .strictObject({ note: text(1000).optional(), version })
  .meta({ id: 'AcknowledgeFeedback' });

export const MemberRecord = z
  .object({
    member: z.object({
      id: z.string(),
      name: z.string(),
      unitName: z.string(),
      partyStatus: z.string(),
      homePartyOrgName: z.string().nullable(),
      title: z.string().nullable(),
    }),
    memberships: z.array(
      z.object({
        orgId: z.string(),
        orgName: z.string(),
        level: z.string(),
        role: z.string(),
        startOn: z.string(),
        endOn: z.string().nullable(),
        endReason: z.string().nullable(),
      }),
    ),
    items: z.object({
      assigned: z.number().int(),
      linked: z.number().int(),
      closed: z.number().int(),
      closedOnTime: z.number().int(),
      reopened: z.number().int(),
      recent: z.array(
        z.object({
          id: z.string(),
          no: z.number().int(),
          problem: z.string(),
          status: z.string(),
          role: z.string(),
          orgName: z.string(),
        }),
      ),
    }),
    households: z.object({
      current: z.number().int(),
      total: z.number().int(),
      list: z.array(
        z.object({
          householdId: z.string(),
          headName: z.string(),
          role: z.string(),
          primary: z.boolean(),
          startOn: z.string(),
          endOn: z.string().nullable(),
        }),
      ),
    }),
    visits: z.object({ total: z.number().int(), lastOn: z.string().nullable() }),
    activities: z.object({
      present: z.number().int(),
      excused: z.number().int(),
      absent: z.number().int(),
      recent: z.array(
        z.object({
          id: z.string(),
          heldOn: z.string(),
          orgName: z.string(),
          kind: z.string(),
          topic: z.string(),
          status: z.string(),
        }),
      ),
    }),
    feedback: z.array(Feedback),
  })
  .meta({ id: 'MemberRecord' });
