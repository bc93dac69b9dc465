import { PROBLEM_MESSAGES_EN, addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { requestLanguage } from '../src/plugins/errors.ts';
import { useCounty } from './setup-county.ts';

const CJK = /[\u4e00-\u9fff]/;

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

  // Every stable code has its English sentence: problem-codes.test.ts checks the registry it comes from.
});
