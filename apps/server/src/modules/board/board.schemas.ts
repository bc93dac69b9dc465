import { z } from 'zod';

const Notice = z.object({
  headName: z.string(),
  outcome: z.string(),
  noticeStartOn: z.string(),
  noticeEndsOn: z.string(),
  daysLeft: z.number().int(),
});

export const BoardParams = z.object({ code: z.string().regex(/^\d{12}$/) });

export const VillageBoard = z
  .object({
    villageCode: z.string(),
    villageName: z.string(),
    townshipName: z.string(),
    today: z.string(),
    exits: z.array(Notice).describe('Exit applications in public notice: names and outcome only'),
    monitoring: z
      .array(Notice)
      .describe('Monitoring identification or risk elimination in notice: names and outcome only'),
    items: z.array(
      z.object({
        listTitle: z.string(),
        no: z.number().int(),
        problem: z.string(),
        status: z.enum(['open', 'in_progress', 'awaiting_confirmation', 'closed']),
        dueOn: z.string().nullable(),
        residentConfirmed: z.boolean(),
      }),
    ),
    howToObject: z.string(),
  })
  .meta({ id: 'VillageBoard' });
