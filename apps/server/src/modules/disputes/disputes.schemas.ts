import { z } from 'zod';
import { id, isoDate, text } from '../../lib/schemas.ts';

export const DISPUTE_OUTCOMES = ['agreement', 'failed', 'referred_judicial', 'referred_court'] as const;

export const Party = z.strictObject({ name: text(50), role: text(50).optional() });

export const OpenDispute = z
  .strictObject({ parties: z.array(Party).min(2).max(20), claims: text(2000), followUpDueOn: isoDate.optional() })
  .meta({ id: 'OpenDispute' });

export const MediationSession = z
  .strictObject({
    heldOn: isoDate,
    place: text(100).optional(),
    mediatorIds: z.array(id).min(1).max(10),
    notes: text(2000),
  })
  .meta({ id: 'MediationSessionInput' });

export const DisputeOutcome = z
  .strictObject({
    outcome: z.enum(DISPUTE_OUTCOMES),
    note: text(2000),
    outcomeOn: isoDate,
    followUpDueOn: isoDate.optional(),
  })
  .meta({ id: 'DisputeOutcome' });

export const FollowUp = z.strictObject({ checkedOn: isoDate, result: text(1000) }).meta({ id: 'DisputeFollowUp' });

export const Dispute = z
  .object({
    itemId: z.string(),
    parties: z.array(z.object({ name: z.string(), role: z.string().optional() })),
    claims: z.string(),
    outcome: z.enum(DISPUTE_OUTCOMES).nullable(),
    outcomeNote: z.string().nullable(),
    outcomeOn: z.string().nullable(),
    followUpDueOn: z.string().nullable(),
    followUpOn: z.string().nullable(),
    followUpResult: z.string().nullable(),
    sessions: z.array(
      z.object({
        id: z.string(),
        heldOn: z.string(),
        place: z.string().nullable(),
        notes: z.string(),
        mediators: z.array(z.string()),
      }),
    ),
    abilities: z
      .object({ register: z.boolean(), addSession: z.boolean(), setOutcome: z.boolean(), followUp: z.boolean() })
      .describe('What the caller may record now, as the server would allow it'),
  })
  .meta({ id: 'Dispute' });
