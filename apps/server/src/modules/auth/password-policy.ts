/**
 * Password policy (GB/T 22239 level 3): length, character classes, a list of common and local passwords, and an
 * optional maximum age. Configured from the environment; the defaults are the level-3 baseline.
 */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** Of lower case, upper case, digits and symbols. */
  minClasses: number;
  /** Days before a password must be changed; 0 turns expiry off. */
  maxAgeDays: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, maxLength: 128, minClasses: 3, maxAgeDays: 0 };

export function passwordPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): PasswordPolicy {
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  return {
    minLength: Math.max(8, n(env.LIANJIAN_PASSWORD_MIN_LENGTH, DEFAULT_PASSWORD_POLICY.minLength)),
    maxLength: 128,
    minClasses: Math.min(4, Math.max(3, n(env.LIANJIAN_PASSWORD_MIN_CLASSES, DEFAULT_PASSWORD_POLICY.minClasses))),
    maxAgeDays: n(env.LIANJIAN_PASSWORD_MAX_AGE_DAYS, DEFAULT_PASSWORD_POLICY.maxAgeDays),
  };
}

// Common passwords that pass length and class rules, and local ones: the county, the system, party-building
// words and the pinyin people reach for first. Compared without case and with the trailing digits and symbols
// people add to a word (`Nanzhao@2020` is `nanzhao`).
const COMMON = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'qwer', 'asdf', 'asdfgh', 'zxcvbn', 'abc', 'abcd', 'abcdef',
  'admin', 'administrator', 'root', 'welcome', 'letmein', 'iloveyou', 'woaini', 'changeme', 'test', 'user', 'guest', 'super',
  'aa', 'a', 'aaa', 'q', 'qq', 'qaz', 'qazwsx', '1q2w3e', '1qaz2wsx', 'zaq1', 'lianjian', 'nanzhao', 'henan', 'nanyang',
  'dangjian', 'dangyuan', 'dangzhibu', 'zhibu', 'zuzhibu', 'fupin', 'tuopin', 'xiangcun', 'zhengfu', 'china', 'zhongguo',
  'beijing', 'shanghai', 'baihe', 'qiaoduan', 'chengjiao', 'huaxia', 'wang', 'zhang', 'li', 'liu', 'chen', 'yang',
]);

function stem(password: string): string {
  return password
    .toLowerCase()
    .replace(/^[\d\W_]+|[\d\W_]+$/g, '')
    .replace(/[\W_]/g, '');
}

export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_classes' | 'common' | 'contains_username';

/** What is wrong with a proposed password; empty when it is acceptable. */
export function checkPassword(password: string, username: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push('too_short');
  if (length > policy.maxLength) problems.push('too_long');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < policy.minClasses) problems.push('too_few_classes');
  const s = stem(password);
  if (COMMON.has(s)) problems.push('common');
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('contains_username');
  return problems;
}

const MESSAGES: Record<PasswordProblem, (p: PasswordPolicy) => string> = {
  too_short: (p) => `密码至少 ${p.minLength} 位`,
  too_long: (p) => `密码最多 ${p.maxLength} 位`,
  too_few_classes: (p) => `密码须包含大写字母、小写字母、数字、符号中的至少 ${p.minClasses} 类`,
  common: () => '密码过于常见，请换一个不易猜到的密码',
  contains_username: () => '密码不能包含用户名',
};

export const passwordMessage = (problem: PasswordProblem, policy: PasswordPolicy) => MESSAGES[problem](policy);
