import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './schemas.ts';

/** The message the configured locale gives the first issue of a refused value. */
const said = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error?.issues[0]?.message;
/** English words left in a message, apart from what it quotes and acronyms. */
const english = (message = '') =>
  (message.replace(/"[^"]*"/g, '').match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !['UUID', 'ISO'].includes(w));

describe('zod messages in Chinese name every type and bound in Chinese', () => {
  it('a wrong type: what was expected and what came, in Chinese', () => {
    expect(said(z.string(), 1)).toBe('无效输入：期望 字符串，实际接收 数字');
    expect(said(z.number(), 'a')).toBe('无效输入：期望 数字，实际接收 字符串');
    expect(said(z.boolean(), null)).toBe('无效输入：期望 布尔值，实际接收 空值');
    expect(said(z.array(z.string()), {})).toBe('无效输入：期望 数组，实际接收 对象');
    expect(said(z.object({}), [])).toBe('无效输入：期望 对象，实际接收 数组');
    expect(said(z.date(), 'x')).toBe('无效输入：期望 日期，实际接收 字符串');
    expect(said(z.null(), 1)).toBe('无效输入：期望 空值，实际接收 数字');
    expect(said(z.bigint(), 1)).toBe('无效输入：期望 大整数，实际接收 数字');
    expect(said(z.int(), 1.5)).toBe('无效输入：期望 整数，实际接收 小数');
    expect(said(z.coerce.number(), 'abc')).toBe('无效输入：期望 数字，实际接收 非数字');
    expect(said(z.string(), undefined)).toBe('无效输入：期望 字符串，实际未提供');
    expect(said(z.instanceof(Date), 'x')).toBe('无效输入：期望 日期，实际接收 字符串');
    expect(said(z.instanceof(URL), 'x')).toBe('无效输入：期望 特定对象，实际接收 字符串');
    expect(said(z.string(), new Date(0))).toBe('无效输入：期望 字符串，实际接收 日期');
  });

  it('a bound: of text in characters, of a list in items, of a number, of a date', () => {
    expect(said(z.string().min(2), 'a')).toBe('文字过短：期望 不少于 2 个字符');
    expect(said(z.string().max(2), 'abc')).toBe('文字过长：期望 不超过 2 个字符');
    expect(said(z.string().length(2), 'a')).toBe('长度不符：期望 恰好 2 个字符');
    expect(said(z.array(z.number()).min(1), [])).toBe('项数过少：期望 不少于 1 项');
    expect(said(z.array(z.number()).max(1), [1, 2])).toBe('项数过多：期望 不超过 1 项');
    expect(said(z.set(z.number()).max(1), new Set([1, 2]))).toBe('项数过多：期望 不超过 1 项');
    expect(said(z.number().min(3), 1)).toBe('数值过小：期望 不小于 3');
    expect(said(z.number().positive(), 0)).toBe('数值过小：期望 大于 0');
    expect(said(z.number().lt(3), 3)).toBe('数值过大：期望 小于 3');
    expect(said(z.int(), 2 ** 60)).toMatch(/^数值过大：期望 不大于 \d+$/);
    expect(said(z.date().max(new Date('2020-01-01T00:00:00Z')), new Date('2021-01-01'))).toBe(
      '日期过晚：期望 不晚于 2020-01-01',
    );
  });

  it('formats, keys and options: Chinese words around what the request sent', () => {
    expect(said(z.string().regex(/^\d+$/), 'x')).toBe('无效字符串：格式不符合要求');
    expect(said(z.string().lowercase(), 'X')).toBe('无效字符串：只能使用小写字母');
    expect(said(z.strictObject({}), { a: 1, b: 2 })).toBe('出现未知的字段："a"、"b"');
    expect(said(z.record(z.string().max(1), z.number()), { ab: 1 })).toBe('对象中的键无效');
    // Worded fully in Chinese by zh-CN already: left to it.
    expect(said(z.uuid(), 'x')).toBe('无效UUID');
    expect(said(z.iso.date(), 'x')).toBe('无效ISO日期');
    expect(said(z.email(), 'x')).toBe('无效电子邮件');
    expect(said(z.enum(['a', 'b']), 'c')).toBe('无效选项：期望以下之一 "a"|"b"');
    expect(said(z.number().multipleOf(3), 4)).toBe('无效数字：必须是 3 的倍数');
    // A schema's own message is its own.
    expect(said(z.string().min(1, '不能为空'), '')).toBe('不能为空');
  });

  it('no message of these has an English word left', () => {
    const refused: [z.ZodType, unknown][] = [
      [z.string(), 1],
      [z.undefined(), 1],
      [z.number().int(), 'x'],
      [z.tuple([z.string()]), 'x'],
      [z.never(), 1],
      [z.string().length(3), 'abcd'],
      [z.iso.datetime(), 'x'],
      [z.string().regex(/^[a-z]+$/), '1'],
      [z.strictObject({}), { key: 1 }],
      [z.discriminatedUnion('k', [z.object({ k: z.literal('a') })]), { k: 'b' }],
      [z.union([z.string(), z.number()]), true],
    ];
    for (const [schema, input] of refused) {
      const message = said(schema, input);
      expect(message, String(input)).toMatch(/[\u4e00-\u9fff]/);
      expect(english(message), message).toEqual([]);
    }
  });
});
