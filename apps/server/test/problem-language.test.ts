import { PROBLEM_MESSAGES_EN, addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { requestLanguage } from '../src/plugins/errors.ts';
import { useCounty } from './setup-county.ts';

const CJK = /[\u4e00-\u9fff]/;
/** Acronyms a Chinese message may keep as they are. */
const ACRONYMS = new Set(['UUID', 'ISO', 'URL']);
type Answer = { code: string; errors: { path: string; message: string }[] };
/** The messages of a refused request's notes on one field. */
const notesOn = (answer: Answer, path: string) => answer.errors.filter((e) => e.path === path).map((e) => e.message);
/** The English words of a message, leaving out what it quotes from the request (a key, an option) and acronyms. */
const englishWords = (message: string) =>
  (message.replace(/"[^"]*"/g, '').match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ACRONYMS.has(w));

/** DOMAIN: Chinese first, English second — every message a user reads is in the language the screen shows. */
describe('a problem answers in the language the request asks for', () => {
  const ctx = useCounty();

  it('reads Accept-Language: English only when English is preferred to Chinese; Chinese otherwise', () => {
    expect(requestLanguage('en-US,en;q=0.9')).toBe('en-US');
    expect(requestLanguage('en')).toBe('en-US');
    expect(requestLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(requestLanguage('en;q=0.5, zh;q=0.9')).toBe('zh-CN');
    expect(requestLanguage('fr-FR, en;q=0.3')).toBe('en-US');
    expect(requestLanguage('fr-FR')).toBe('zh-CN');
    expect(requestLanguage('en;q=0, zh')).toBe('zh-CN');
    expect(requestLanguage(undefined)).toBe('zh-CN');
  });

  it('a rule refused in English says so in English, title, detail and field messages; in Chinese as before', async () => {
    const qiao = await ctx.user('qiaoduan');
    const list = (language: string, body: object) => qiao.post('/problem-lists', body, { 'accept-language': language });
    const future = {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: addDays(todayInShanghai(), 1),
      items: [{ problem: '路灯不亮', category: 'roads' }],
    };

    const en = await list('en-US,en;q=0.9', future);
    expect(en.headers['content-language']).toBe('en-US');
    expect(en.json()).toMatchObject({
      code: 'date_in_future',
      title: 'Invalid request',
      detail: PROBLEM_MESSAGES_EN.date_in_future,
    });
    const zh = await list('zh-CN', future);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.json().title).toBe('请求无效');
    expect(zh.json().detail).toMatch(/晚于今天/);

    // A body the schema refuses: the field messages follow the language, with what was sent.
    const bad = { ...future, listedOn: '2020-05-19', items: [{ problem: 7, category: 'nothing' }] };
    const enBad = (await list('en', bad)).json();
    expect(enBad.code).toBe('validation_failed');
    for (const text of [enBad.title, enBad.detail, ...enBad.errors.map((e: { message: string }) => e.message)])
      expect(text, text).not.toMatch(CJK);
    expect(enBad.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.items.0.problem', message: 'Invalid input: expected string, received number' },
        expect.objectContaining({ path: 'body.items.0.category' }),
      ]),
    );
    const zhBad = (await list('zh-CN', bad)).json();
    expect(zhBad.errors.find((e: { path: string }) => e.path === 'body.items.0.problem').message).toMatch(CJK);

    // No route, no session: the same.
    const none = await ctx.t.app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'en' } });
    expect(none.json()).toMatchObject({ code: 'not_found', title: 'Not found' });
    expect(none.json().detail).not.toMatch(CJK);
    const anon = await ctx.t.app.inject({ url: '/api/v1/orgs', headers: { 'accept-language': 'en' } });
    expect(anon.json().code).toBe('unauthenticated');
    expect(anon.json().detail).toBe(PROBLEM_MESSAGES_EN.unauthenticated);
  });
  it('bad input answers with Chinese field messages (zod in zh-CN): a wrong option, an unknown key, a wrong type', async () => {
    const qiao = await ctx.user('qiaoduan');
    const good = {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路灯不亮', category: 'roads' }],
    };
    const cases: [object, string][] = [
      [{ ...good, items: [{ problem: '路灯不亮', category: 'nothing' }] }, 'body.items.0.category'],
      [{ ...good, extra: 1 }, 'body'],
      [{ ...good, items: 'abc' }, 'body.items'],
      [{ ...good, items: ['abc'] }, 'body.items.0'],
      [{ ...good, items: [{ problem: 7, category: 'roads' }] }, 'body.items.0.problem'],
      [{ ...good, title: 'x'.repeat(500) }, 'body.title'],
      [{ ...good, orgId: undefined }, 'body.orgId'],
    ];
    for (const [body, path] of cases) {
      const reply = await qiao.post('/problem-lists', body);
      expect(reply.statusCode).toBe(400);
      const problem = reply.json();
      expect(problem.code).toBe('validation_failed');
      const messages = problem.errors.filter((e: { path: string }) => e.path === path);
      expect(messages.length, `${path}: ${JSON.stringify(problem.errors)}`).toBeGreaterThan(0);
      for (const e of messages) expect(e.message, path).toMatch(CJK);
      // What the schema refuses is said, not only that something is wrong: the unknown key is named.
      if (path === 'body') expect(messages[0].message).toContain('extra');
    }
  });

  it('field messages are all Chinese in Chinese and all English in English: no type name left in English', async () => {
    const qiao = await ctx.user('qiaoduan');
    const someId = '00000000-0000-4000-8000-000000000001';
    const good = {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '清单',
      listedOn: '2020-05-19',
      items: [{ problem: '路灯不亮', category: 'roads' }],
    };
    const item = { problem: '路灯不亮', category: 'roads' };
    const call = { solved: true, calledAt: '2020-05-19T10:00:00+08:00', residentWords: '修好了', version: 1 };
    const move = { to: 'in_progress', version: 1 };
    type Send = (language: string) => Promise<{ statusCode: number; json: () => Answer }>;
    const list =
      (body: object): Send =>
      (language) =>
        qiao.post('/problem-lists', body, { 'accept-language': language });
    const post =
      (url: string, body: object): Send =>
      (language) =>
        qiao.post(url, body, { 'accept-language': language });
    const get =
      (url: string): Send =>
      (language) =>
        qiao.get(url, { 'accept-language': language });
    // [what is wrong, the request, the field, its Chinese message (null: only that it is Chinese), its English message]
    const cases: [string, Send, string, string | null, string | null][] = [
      [
        'a number for text',
        list({ ...good, items: [{ ...item, problem: 7 }] }),
        'body.items.0.problem',
        '无效输入：期望 字符串，实际接收 数字',
        'Invalid input: expected string, received number',
      ],
      [
        'null for text',
        list({ ...good, title: null }),
        'body.title',
        '无效输入：期望 字符串，实际接收 空值',
        'Invalid input: expected string, received null',
      ],
      [
        'a missing field',
        list({ ...good, orgId: undefined }),
        'body.orgId',
        '无效输入：期望 字符串，实际未提供',
        'Invalid input: expected string, received undefined',
      ],
      [
        'an object for a list',
        list({ ...good, items: {} }),
        'body.items',
        '无效输入：期望 数组，实际接收 对象',
        'Invalid input: expected array, received object',
      ],
      ['text for a list', list({ ...good, items: 'abc' }), 'body.items', '无效输入：期望 数组，实际接收 字符串', null],
      [
        'text for an object',
        list({ ...good, items: ['abc'] }),
        'body.items.0',
        '无效输入：期望 对象，实际接收 字符串',
        null,
      ],
      [
        'a list for an object',
        list({ ...good, items: [[]] }),
        'body.items.0',
        '无效输入：期望 对象，实际接收 数组',
        null,
      ],
      [
        'a number in a list of ids',
        list({ ...good, items: [{ ...item, reportIds: [1] }] }),
        'body.items.0.reportIds.0',
        '无效输入：期望 字符串，实际接收 数字',
        null,
      ],
      [
        'text too long',
        list({ ...good, title: 'x'.repeat(201) }),
        'body.title',
        '文字过长：期望 不超过 200 个字符',
        'Too big: expected string to have <=200 characters',
      ],
      [
        'a list too short',
        list({ ...good, items: [] }),
        'body.items',
        '项数过少：期望 不少于 1 项',
        'Too small: expected array to have >=1 items',
      ],
      [
        'a list too long',
        list({ ...good, items: [{ ...item, reportIds: Array(51).fill(someId) }] }),
        'body.items.0.reportIds',
        '项数过多：期望 不超过 50 项',
        null,
      ],
      ['not an id', list({ ...good, orgId: 'x' }), 'body.orgId', null, 'Invalid UUID'],
      ['an unknown key', list({ ...good, extra: 1 }), 'body', '出现未知的字段："extra"', 'Unrecognized key: "extra"'],
      [
        'two unknown keys',
        list({ ...good, extra: 1, more: 2 }),
        'body',
        '出现未知的字段："extra"、"more"',
        'Unrecognized keys: "extra", "more"',
      ],
      [
        'a wrong option',
        list({ ...good, items: [{ ...item, category: 'nothing' }] }),
        'body.items.0.category',
        null,
        null,
      ],
      [
        'text for a number',
        post(`/items/${someId}/transitions`, { ...move, version: 'a' }),
        'body.version',
        '无效输入：期望 数字，实际接收 字符串',
        'Invalid input: expected number, received string',
      ],
      [
        'a yes-or-no for a number',
        post(`/items/${someId}/transitions`, { ...move, version: true }),
        'body.version',
        '无效输入：期望 数字，实际接收 布尔值',
        null,
      ],
      [
        'a fraction for a whole number',
        post(`/items/${someId}/transitions`, { ...move, version: 1.5 }),
        'body.version',
        '无效输入：期望 整数，实际接收 小数',
        'Invalid input: expected int, received number',
      ],
      [
        'a number too small',
        post(`/items/${someId}/transitions`, { ...move, version: 0 }),
        'body.version',
        '数值过小：期望 不小于 1',
        'Too small: expected number to be >=1',
      ],
      [
        'text for a yes-or-no',
        post(`/items/${someId}/resident-call`, { ...call, solved: 'yes' }),
        'body.solved',
        '无效输入：期望 布尔值，实际接收 字符串',
        'Invalid input: expected boolean, received string',
      ],
      [
        'a number for a yes-or-no',
        post(`/items/${someId}/resident-call`, { ...call, solved: 1 }),
        'body.solved',
        '无效输入：期望 布尔值，实际接收 数字',
        null,
      ],
      [
        'text for a number in the query',
        get('/items?limit=abc'),
        'querystring.limit',
        '无效输入：期望 数字，实际接收 非数字',
        null,
      ],
      [
        'a number too big in the query',
        get('/items?limit=201'),
        'querystring.limit',
        '数值过大：期望 不大于 200',
        'Too big: expected number to be <=200',
      ],
      ['an unknown query key', get('/items?colour=red'), 'querystring', '出现未知的字段："colour"', null],
      ['a path id that is not one', get('/items/abc'), 'params.id', null, null],
      ['a pattern not met', get('/public/villages/abc/board'), 'params.code', '无效字符串：格式不符合要求', null],
    ];
    for (const [what, send, path, zh, en] of cases) {
      const zhReply = await send('zh-CN,zh;q=0.9');
      expect([zhReply.statusCode, zhReply.json().code], what).toEqual([400, 'validation_failed']);
      const zhNotes = notesOn(zhReply.json(), path);
      expect(zhNotes.length, `${what}: ${JSON.stringify(zhReply.json().errors)}`).toBeGreaterThan(0);
      for (const message of zhNotes) {
        expect(message, what).toMatch(CJK);
        expect(englishWords(message), `${what}: ${message}`).toEqual([]);
      }
      if (zh) expect(zhNotes, what).toContain(zh);

      const enReply = await send('en-US,en;q=0.9');
      expect([enReply.statusCode, enReply.json().code], what).toEqual([400, 'validation_failed']);
      const enNotes = notesOn(enReply.json(), path);
      expect(enNotes.length, what).toBeGreaterThan(0);
      for (const message of enNotes) expect(message, what).not.toMatch(CJK);
      if (en) expect(enNotes, what).toContain(en);
    }
  });

  it('the words the check looks for are found', () => {
    expect(englishWords('无效输入：期望 string，实际接收 数字')).toEqual(['string']);
    expect(englishWords('数值过大：期望 int <=9007199254740991')).toEqual(['int']);
    expect(englishWords('出现未知的键(key): "extra"')).toEqual(['key']);
    expect(englishWords('无效输入：期望 数字，实际接收 NaN')).toEqual(['NaN']);
    expect(englishWords('无效选项：期望以下之一 "roads"|"water"')).toEqual([]);
    expect(englishWords('无效UUID')).toEqual([]);
  });

  // Every stable code has its English sentence: problem-codes.test.ts checks the registry it comes from.
});
