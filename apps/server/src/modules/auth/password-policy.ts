import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { nameInitials, namePinyin } from '../../lib/pinyin.ts';

/**
 * Password policy (GB/T 22239 level 3): length, character classes, a strength estimate against a large list of
 * common passwords, and an optional maximum age. Configured from the environment; the defaults are the level-3
 * baseline.
 */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** Of lower case, upper case, digits and symbols. */
  minClasses: number;
  /** Days before a password must be changed; 0 turns expiry off. */
  maxAgeDays: number;
  /**
   * The least strength estimate (zxcvbn's 0–4) a password must reach. 3 means at least 10^8 guesses by the
   * estimator's count: far beyond what the lockout lets anyone try online (5 every 15 minutes is under 500 a day),
   * and hours to days of an offline attacker's work against argon2id, where 4 (10^10) refuses most passwords
   * people can remember. Deployments may ask for 4.
   */
  minScore: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, maxLength: 128, minClasses: 3, maxAgeDays: 0, minScore: 3 };

export function passwordPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): PasswordPolicy {
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  return {
    minLength: Math.max(8, n(env.LIANJIAN_PASSWORD_MIN_LENGTH, DEFAULT_PASSWORD_POLICY.minLength)),
    maxLength: 128,
    minClasses: Math.min(4, Math.max(3, n(env.LIANJIAN_PASSWORD_MIN_CLASSES, DEFAULT_PASSWORD_POLICY.minClasses))),
    maxAgeDays: n(env.LIANJIAN_PASSWORD_MAX_AGE_DAYS, DEFAULT_PASSWORD_POLICY.maxAgeDays),
    minScore: Math.min(4, Math.max(3, n(env.LIANJIAN_PASSWORD_MIN_SCORE, DEFAULT_PASSWORD_POLICY.minScore))),
  };
}

// Local words the estimator's English-centred lists lack: the county, the system, party-building words, the pinyin
// people reach for first (surnames, 我爱你, 1314) and the vendors' default passwords seen on government networks.
// Compared whole without case and with the trailing digits and symbols people add (`Nanzhao@2020` is `nanzhao`),
// and given to the estimator as a dictionary, so that they count as words inside longer passwords too.
const LOCAL = [
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'qwer', 'asdf', 'asdfgh', 'zxcvbn', 'abc', 'abcd', 'abcdef',
  'admin', 'administrator', 'root', 'welcome', 'letmein', 'iloveyou', 'woaini', 'changeme', 'test', 'user', 'guest', 'super',
  'aa', 'a', 'aaa', 'q', 'qq', 'qaz', 'qazwsx', '1q2w3e', '1qaz2wsx', 'zaq1', 'lianjian', 'nanzhao', 'henan', 'nanyang',
  'dangjian', 'dangyuan', 'dangzhibu', 'zhibu', 'zuzhibu', 'fupin', 'tuopin', 'xiangcun', 'zhengfu', 'china', 'zhongguo',
  'beijing', 'shanghai', 'baihe', 'qiaoduan', 'chengjiao', 'huaxia', 'wang', 'zhang', 'li', 'liu', 'chen', 'yang',
  'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo', 'he', 'gao', 'lin', 'luo', 'zheng', 'liang',
  'aini', 'woaini1314', '5201314', '1314', '520', 'huawei', 'zhangsan', 'lisi', 'wangwu', 'zhonghua', 'gongchandang',
];
const COMMON = new Set(LOCAL);

function stem(password: string): string {
  return password
    .toLowerCase()
    .replace(/^[\d\W_]+|[\d\W_]+$/g, '')
    .replace(/[\W_]/g, '');
}

// The estimator and its dictionaries (some 57,000 words, about 6 MB of heap) are loaded on the first check, once
// per process: commands and tests that never set a password do not pay for them.
let estimator: ZxcvbnFactory | null = null;
function strength(): ZxcvbnFactory {
  if (!estimator) {
    const require = createRequire(import.meta.url);
    const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    // Without edit distance: it costs ~50 ms of the event loop per check, and the substitutions people make
    // (`P@ssw0rd`) are already matched as such.
    estimator = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, lianjian: LOCAL }, graphs: common.adjacencyGraphs, useLevenshteinDistance: false });
  }
  return estimator;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_classes' | 'common' | 'contains_username' | 'guessable';

/** A broken rule and what to tell the person choosing the password. */
export interface PasswordFinding {
  problem: PasswordProblem;
  message: string;
}

// Why the estimator finds a password guessable, in the words the person choosing it needs.
const GUESSABLE_BECAUSE: Record<string, string> = {
  straightRow: '键盘上同一行连续的按键（如 qwerty、asdf）',
  keyPattern: '键盘上相邻按键的组合（如 1qaz2wsx）',
  simpleRepeat: '重复的字符（如 aaa、111）',
  extendedRepeat: '重复的片段（如 abcabc）',
  sequences: '连续的字母或数字（如 abc、123）',
  recentYears: '近年的年份',
  dates: '日期',
  topTen: '最常用的密码',
  topHundred: '最常用的密码',
  common: '常用密码',
  similarToCommon: '常用密码的简单变形（如 P@ssw0rd）',
  wordByItself: '单个常见单词',
  namesByThemselves: '常见的姓名',
  commonNames: '常见的姓名',
  userInputs: '用户名、姓名等本人信息',
};

/** What is wrong with a proposed password, each with its message; empty when it is acceptable. */
export function reviewPassword(password: string, username: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, personal: string[] = []): PasswordFinding[] {
  const found: PasswordFinding[] = [];
  const length = [...password].length;
  if (length < policy.minLength) found.push({ problem: 'too_short', message: `密码至少 ${policy.minLength} 位` });
  if (length > policy.maxLength) found.push({ problem: 'too_long', message: `密码最多 ${policy.maxLength} 位` });
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < policy.minClasses) found.push({ problem: 'too_few_classes', message: `密码须包含大写字母、小写字母、数字、符号中的至少 ${policy.minClasses} 类` });
  if (COMMON.has(stem(password))) found.push({ problem: 'common', message: '密码过于常见，请换一个不易猜到的密码' });
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) found.push({ problem: 'contains_username', message: '密码不能包含用户名' });
  // Estimated only within the length limit: the estimate's cost grows with the length.
  if (length <= policy.maxLength) {
    const inputs = [username, ...personal.flatMap((p) => (/[\u4e00-\u9fff]/.test(p) ? [p, namePinyin(p), nameInitials(p)] : [p]))].filter((x) => x.length >= 2);
    const estimate = strength().check(password, inputs);
    if (estimate.score < policy.minScore) {
      const because = GUESSABLE_BECAUSE[estimate.feedback.warning ?? ''];
      found.push({
        problem: 'guessable',
        message: `密码太容易被猜到${because ? `：含有${because}` : ''}。请换一个更长、更少见的密码，例如几个不相关的词加数字和符号`,
      });
    }
  }
  return found;
}

/** The rules a proposed password breaks; empty when it is acceptable. */
export function checkPassword(password: string, username: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, personal: string[] = []): PasswordProblem[] {
  return reviewPassword(password, username, policy, personal).map((f) => f.problem);
}
