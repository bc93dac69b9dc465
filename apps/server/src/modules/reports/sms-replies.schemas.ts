import { z } from 'zod';

/** Aliyun's 上行短信 HTTP batch push (SmsUp): a JSON array, possibly several replies in one request. */
export const AliyunSmsUp = z
  .array(
    z.object({
      phone_number: z.string().max(32),
      content: z.string().max(1000),
      send_time: z.string().max(40).optional(),
      sign_name: z.string().max(100).optional(),
      dest_code: z.string().max(40).optional(),
      sequence_id: z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]),
    }),
  )
  .min(1)
  .max(500)
  .meta({ id: 'AliyunSmsUp' });

/** A county SMS platform's push: one reply, or several, each with the platform's own id of it. */
const GatewaySmsReply = z.object({
  from: z.string().max(32),
  text: z.string().max(1000),
  id: z.union([z.string().min(1).max(128), z.number().int().nonnegative()]),
  sentAt: z.string().max(40).optional(),
});
export const GatewaySmsUp = z.union([GatewaySmsReply, z.array(GatewaySmsReply).min(1).max(500)]).meta({
  id: 'GatewaySmsUp',
});

export const SmsRepliesPush = z.union([AliyunSmsUp, GatewaySmsUp]).meta({ id: 'SmsRepliesPush' });

/** Aliyun's expected answer (it checks only that `code` is a number; HTTP 200 means taken). */
export const SmsRepliesTaken = z.object({ code: z.literal(0), msg: z.string() }).meta({ id: 'SmsRepliesTaken' });
