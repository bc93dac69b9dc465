import { describe, expect, it } from 'vitest';
import { generatePassword } from '../src/lib/passwords.ts';
import { checkPassword, reviewPassword } from '../src/modules/auth/password-policy.ts';
import { PASSWORD } from './factories.ts';
import { login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/** The passwords of the demo, the server tests and the browser suite: a stricter check must not refuse them. */
const IN_USE = [
  PASSWORD,
  'Baihe-Relocation-2020',
  'Matrix-Password-2020',
  'Bench-Password-2020',
  'Scan-Password-2020',
  'E2e-Demo-Password-2020',
  'E2e-Changed-Pass-2026',
  'Qiaoduan-Wang-2026',
  'Bright-River-Pass-2026',
  'Demo-Password-1',
  'Demo-Password-2020x',
];

const guessable = (password: string) => [password, checkPassword(password, 'zhang')];

describe('password strength: the patterns people are taught to meet a policy with (GB/T 22239 level 3)', () => {
  it('a keyboard column walk is guessable, typed with the shift key or not: 1qaz@WSX3edc, !QAZ2wsx#EDC and their kind are refused, and the reason names the keyboard columns', () => {
    const walks = [
      '1qaz@WSX3edc',
      '!QAZ2wsx#EDC',
      '!QAZ@WSX#EDC',
      '1QAZ2WSX3EDC!',
      'Zaq1@wsx3edc',
      'zaq1@WSX#EDC',
      '2wsx#EDC4rfv',
      '3edc$RFV5tgb',
      '1qaz@WSX3edc$RFV',
      'Qaz!wsx@edc#',
      'ZAQ!xsw2CDE#',
    ];
    for (const walk of walks) expect(guessable(walk)).toEqual([walk, expect.arrayContaining(['guessable'])]);
    const [finding] = reviewPassword('1qaz@WSX3edc', 'zhang').filter((f) => f.problem === 'guessable');
    expect(finding?.message).toMatch(/键盘/);
  });

  it('one or two letters before or after a run of digits are guessable, whatever symbols are added: Zz123456789! and its kind are refused', () => {
    const runs = [
      'Zz123456789!',
      'Xx1234567890.',
      'Aa@987654321',
      'Qq11223344!',
      '123456789Zz!',
      'Abc@123456789',
      'Sa123456!',
      'Mm888888!',
      'Ab121212!',
    ];
    for (const run of runs) expect(guessable(run)).toEqual([run, expect.arrayContaining(['guessable'])]);
  });

  it('the commonest Chinese passwords are guessable, alone or with the digits and symbols people add', () => {
    const chinese = [
      'Woshishui@1',
      'Wodemima!1',
      'Woaiwojia@520',
      'Caonima#1',
      'Aini@1314520',
      'Abc147258369!',
      'Zxc@741852963',
      'Qwe@123321',
      'Dearbook@1',
    ];
    for (const weak of chinese) expect(guessable(weak)).toEqual([weak, expect.arrayContaining(['guessable'])]);
  });

  it('the passwords the tests and the browser suite use, and every generated one-time password, stay accepted', () => {
    const generated = [
      ...Array.from({ length: 200 }, () => generatePassword()),
      ...Array.from({ length: 200 }, () => generatePassword(10) + generatePassword(10)),
    ];
    for (const ok of [...IN_USE, ...generated]) expect([ok, checkPassword(ok, 'zhang')]).toEqual([ok, []]);
  });

  describe('at the password change', () => {
    const ctx = useCounty();

    it('a column walk typed with the shift key is refused as a new password, 422 weak_password with the reason in Chinese, and the password stays as it was', async () => {
      const qiao = await ctx.user('qiaoduan');
      const refused = await qiao.post('/auth/password', { currentPassword: PASSWORD, newPassword: '1qaz@WSX3edc' });
      expect([refused.statusCode, refused.json().code]).toEqual([422, 'weak_password']);
      expect(refused.json().detail).toMatch(/键盘上同一列/);
      expect(
        (await qiao.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'Zz123456789!' })).json().code,
      ).toBe('weak_password');
      const row = await ctx.t.db.db
        .selectFrom('users')
        .select('password_changed_at')
        .where('username', '=', 'qiaoduan')
        .executeTakeFirstOrThrow();
      expect(row.password_changed_at).toBeNull();
      await login(ctx.t.app, 'qiaoduan', PASSWORD);
    });
  });
});
