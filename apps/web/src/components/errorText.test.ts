import { PROBLEM_MESSAGES_EN } from '@lianjian/shared';
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Problem } from '../api/client';
import { problemsEn } from '../i18n/problems-en';
import { errorText, fieldOf, problemText } from './errorText';

const problem = (p: Partial<Problem> & Pick<Problem, 'code' | 'detail'>): ApiError =>
  new ApiError({ type: 'about:blank', title: '', status: 400, requestId: 'r', ...p });

describe('a problem is shown by its code in the language of the screens', () => {
  beforeAll(async () => {
    await i18n.init({ resources: { 'en-US': { problems: problemsEn } }, lng: 'zh-CN', fallbackLng: 'zh-CN' });
  });

  it('in Chinese the server’s detail (it carries the figures); in English the registry’s sentence for the code', () => {
    const stale = problem({ code: 'notice_period_not_over', detail: '公示期到 2026-12-09 才结束，不能提前公告退出' });
    expect(errorText(stale, { language: 'zh-CN' })).toBe('公示期到 2026-12-09 才结束，不能提前公告退出');
    expect(errorText(stale, { language: 'en-US' })).toBe(PROBLEM_MESSAGES_EN.notice_period_not_over);
    // A reply that was not a problem, or a code this page does not know: the server's words.
    const proxy = problem({ code: 'unknown', detail: 'Bad Gateway' });
    expect(problemText(proxy.problem, 'en-US')).toBe('Bad Gateway');
  });

  it('a refused password lists each broken rule once, without the field’s path; in English the code’s sentence', () => {
    const weak = problem({
      code: 'weak_password',
      detail: '密码不能包含用户名',
      errors: [
        { path: 'newPassword', message: '密码不能包含用户名' },
        { path: 'newPassword', message: '密码须包含大写字母、小写字母、数字、符号中的至少 3 类' },
      ],
    });
    const zh = errorText(weak, { language: 'zh-CN' });
    expect(zh).toBe('密码不能包含用户名；密码须包含大写字母、小写字母、数字、符号中的至少 3 类');
    expect(zh).not.toContain('newPassword');
    expect(errorText(weak, { language: 'en-US' })).toBe(PROBLEM_MESSAGES_EN.weak_password);
  });

  it('a form the schema refused names each field by the form’s label, never by its path', () => {
    const bad = problem({
      code: 'validation_failed',
      detail: '输入有误，请检查标出的字段',
      errors: [
        { path: 'body.items.0.problem', message: '无效输入：期望 字符串，实际接收 数字' },
        { path: 'body.title', message: '不能为空' },
      ],
    });
    const text = errorText(bad, { language: 'zh-CN', labels: { title: '标题', problem: '问题' } });
    expect(text).toBe('输入有误，请检查标出的字段：问题：无效输入：期望 字符串，实际接收 数字；标题：不能为空');
    expect(text).not.toMatch(/body\.|items\.0/);
    // Shown next to its field by the form: not repeated in the message.
    expect(errorText(bad, { language: 'zh-CN', shownAtFields: ['problem', 'title'] })).toBe(
      '输入有误，请检查标出的字段',
    );
    expect(fieldOf('body.items.0.problem')).toBe('problem');
    expect(fieldOf('querystring.cursor')).toBe('cursor');
  });

  it('a note about a field the form has no label for says only its message: no path, no field name', () => {
    const bad = problem({
      code: 'validation_failed',
      detail: '输入有误，请检查标出的字段',
      errors: [
        { path: 'body.newPassword', message: '文字过长：期望 不超过 200 个字符' },
        { path: 'body.items.0.name', message: '不能为空' },
        { path: 'querystring.limit', message: '数值过大：期望 不大于 200' },
        { path: 'body.constructor', message: '无效输入' },
        { path: 'body', message: '出现未知的字段："colour"' },
      ],
    });
    // No labels at all, labels for other fields, and names every object inherits (not labels of this form).
    for (const labels of [undefined, { title: '标题' }, {}] as (Record<string, string> | undefined)[]) {
      const text = errorText(bad, { language: 'zh-CN', labels });
      expect(text).toBe(
        '输入有误，请检查标出的字段：文字过长：期望 不超过 200 个字符；不能为空；数值过大：期望 不大于 200；无效输入；出现未知的字段："colour"',
      );
      expect(text).not.toMatch(/newPassword|items|\bname\b|limit|body|querystring|constructor|function/);
    }
    // With a label for one of them, that one is named by it and the others still are not.
    expect(errorText(bad, { language: 'zh-CN', labels: { name: '姓名' } })).toContain('；姓名：不能为空；');
    expect(errorText(bad, { language: 'zh-CN', labels: { name: '姓名' } })).not.toMatch(/newPassword|limit/);
  });

  it('in English the labels are the English screen’s, the messages the server’s English ones', () => {
    const bad = problem({
      code: 'validation_failed',
      detail: '输入有误，请检查标出的字段',
      errors: [
        { path: 'body.reason', message: 'Too big: expected string to have <=500 characters' },
        { path: 'body.items.0.problem', message: 'Invalid input: expected string, received number' },
      ],
    });
    const text = errorText(bad, { language: 'en-US', labels: { reason: 'Reason' } });
    expect(text).toBe(
      `${PROBLEM_MESSAGES_EN.validation_failed}: Reason: Too big: expected string to have <=500 characters; Invalid input: expected string, received number`,
    );
    expect(text).not.toMatch(/body|items|problem\b/);
  });

  it('notes written for programs (a bound, an id) are never shown', () => {
    const beyond = problem({
      code: 'score_effect_beyond_weight',
      detail: '“组织建设”的权重为 10 分，督查加减分不能超过它',
      errors: [{ path: 'body.scoreEffect', message: '<= 10' }],
    });
    expect(errorText(beyond, { language: 'zh-CN' })).toBe('“组织建设”的权重为 10 分，督查加减分不能超过它');
  });
});
