import { ISO_DATE, PROBLEM_CODE_LIST } from '@lianjian/shared';
import { z } from 'zod';
import { zhCNChinese } from './zod-zh.ts';

// Messages a schema does not word itself (a missing field, a wrong type, an unknown key) are read by users: in Chinese,
// with no type name left in English.
z.config({ localeError: zhCNChinese });

export const isoDate = z
  .string()
  .regex(ISO_DATE, '日期格式应为 YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, '日期不存在');

export const id = z.string().uuid();
export const regionCode = z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, '区划代码应为 6、9 或 12 位数字');
/** Trimmed, non-empty, bounded text: what every free-text field accepts. */
export const text = (max: number) => z.string().trim().min(1, '不能为空').max(max);
export const version = z.number().int().min(1);

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    /** One of the shared registry's stable codes (`PROBLEM_CODES`). */
    code: z.enum(PROBLEM_CODE_LIST),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int() });

export const problemReplies = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
};

/** The replies of an action that answers 204 when done. */
export const noContent = { 204: z.undefined(), ...problemReplies };
