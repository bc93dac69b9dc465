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

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 8,
  maxLength: 128,
  minClasses: 3,
  maxAgeDays: 0,
  minScore: 3,
};

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
  'password',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'qwerty',
  'qwertyuiop',
  'qwer',
  'asdf',
  'asdfgh',
  'zxcvbn',
  'abc',
  'abcd',
  'abcdef',
  'admin',
  'administrator',
  'root',
  'welcome',
  'letmein',
  'iloveyou',
  'woaini',
  'changeme',
  'test',
  'user',
  'guest',
  'super',
  'aa',
  'a',
  'aaa',
  'q',
  'qq',
  'qaz',
  'qazwsx',
  '1q2w3e',
  '1qaz2wsx',
  'zaq1',
  'lianjian',
  'nanzhao',
  'henan',
  'nanyang',
  'dangjian',
  'dangyuan',
  'dangzhibu',
  'zhibu',
  'zuzhibu',
  'fupin',
  'tuopin',
  'xiangcun',
  'zhengfu',
  'china',
  'zhongguo',
  'beijing',
  'shanghai',
  'baihe',
  'qiaoduan',
  'chengjiao',
  'huaxia',
  'wang',
  'zhang',
  'li',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhao',
  'wu',
  'zhou',
  'xu',
  'sun',
  'ma',
  'zhu',
  'hu',
  'guo',
  'he',
  'gao',
  'lin',
  'luo',
  'zheng',
  'liang',
  'aini',
  'woaini1314',
  '5201314',
  '1314',
  '520',
  'huawei',
  'zhangsan',
  'lisi',
  'wangwu',
  'zhonghua',
  'gongchandang',
  // The most common Chinese passwords (the leaked lists of CSDN, 12306 and others): pinyin phrases, number patterns
  // read off the keypad (147258369) or the keyboard's columns (1qaz2wsx3edc), and letters put before 123456.
  'woshishui',
  'wodemima',
  'mima',
  'woaiwojia',
  'woainima',
  'caonima',
  'nicaiya',
  'buzhidao',
  'laopo',
  'laogong',
  'baobao',
  'tiantian',
  'xiaoxiao',
  'zhangwei',
  'wangwei',
  'dearbook',
  'xiazhili',
  'aini1314',
  '1314520',
  '520520',
  '147258369',
  '147258',
  '258369',
  '741852963',
  '147852369',
  '123654789',
  '789456123',
  '159753',
  '159357',
  '123321',
  '112233',
  '11223344',
  '31415926',
  '110110',
  '88888888',
  '66666666',
  'a123456',
  'aa123456',
  'qq123456',
  'abc123',
  'qwe123',
  '123qwe',
  'asd123',
  'zxc123',
  'qweasd',
  'qweasdzxc',
  'qazwsxedc',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'zaq12wsx',
  'zaq1xsw2',
  '2wsx3edc',
  '1q2w3e4r',
  '1q2w3e4r5t',
];
const COMMON = new Set(LOCAL);

// The keys a shifted character is typed on (US layout, as on Chinese keyboards): `!QAZ@WSX` is typed as `1qaz2wsx`
// with the shift key held, and is guessed as early.
const UNSHIFTED: Record<string, string> = {
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  _: '-',
  '+': '=',
  '{': '[',
  '}': ']',
  '|': '\\',
  ':': ';',
  '"': "'",
  '<': ',',
  '>': '.',
  '?': '/',
  '~': '`',
};
const unshifted = (password: string) => [...password.toLowerCase()].map((c) => UNSHIFTED[c] ?? c).join('');

// The keyboard's columns, top to bottom: `1qaz2wsx3edc` and `zaq1xsw2` walk down or up them, column after column.
const COLUMNS = ['1qaz', '2wsx', '3edc', '4rfv', '5tgb', '6yhn', '7ujm', '8ik,', '9ol.', '0p;/'];
const KEY_AT = new Map(COLUMNS.flatMap((keys, column) => [...keys].map((k, row) => [k, { column, row }] as const)));

/**
 * A password typed mostly by walking the keyboard's columns: two or more walks of three or more keys straight down or
 * up a column (shift held or not) make three quarters of it, whatever is typed between them (`Qaz!wsx@edc#`).
 */
function walksColumns(password: string): boolean {
  const keys = [...unshifted(password)];
  let walks = 0;
  let covered = 0;
  for (let i = 0; i < keys.length; ) {
    let j = i + 1;
    let step = 0;
    for (; j < keys.length; j++) {
      const a = KEY_AT.get(keys[j - 1] as string);
      const b = KEY_AT.get(keys[j] as string);
      if (!a || !b || a.column !== b.column || Math.abs(b.row - a.row) !== 1 || (step !== 0 && b.row - a.row !== step))
        break;
      step = b.row - a.row;
    }
    if (j - i >= 3) {
      walks++;
      covered += j - i;
      i = j;
    } else i++;
  }
  return walks >= 2 && covered * 4 >= keys.length * 3;
}

/** Consecutive digits up or down (`0` after `9`, as on the keyboard): 123456789, 1234567890, 987654321. */
function digitRun(digits: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < digits.length; i++) steps.add((Number(digits[i]) - Number(digits[i - 1]) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

/**
 * Digits that add nothing: a run (123456789), one unit repeated (888888, 121212, 123123), a run doubled (11223344), or
 * a number of the common list (147258369 down the keypad, 5201314).
 */
function trivialDigits(digits: string): boolean {
  if (digits.length < 4) return false;
  if (digitRun(digits) || /^(\d{1,3})\1+$/.test(digits) || COMMON.has(digits)) return true;
  return /^(?:(\d)\1)+$/.test(digits) && digitRun(digits.replace(/(\d)\1/g, '$1'));
}

/** Letters that add nothing: one letter, once or repeated (`Zz`, `aaa`), or a run of the alphabet (`abc`, `Abcd`). */
function trivialLetters(letters: string): boolean {
  if (letters.length > 4) return false;
  if (/^(.)\1*$/.test(letters)) return true;
  const codes = [...letters].map((c) => c.charCodeAt(0));
  return (
    codes.every((c, i) => i === 0 || c - (codes[i - 1] as number) === 1) ||
    codes.every((c, i) => i === 0 || (codes[i - 1] as number) - c === 1)
  );
}

/**
 * The letters-and-numbers pattern people are taught to meet a policy with: a letter or two (the shift key's
 * capital and its small letter) before or after a run of digits, and symbols anywhere (`Zz123456789!`, `Aa@11223344`).
 */
function lettersBeforeDigitRun(password: string): boolean {
  const core = password.toLowerCase().replace(/[^a-z0-9]/g, '');
  const m = /^([a-z]+)(\d+)$/.exec(core) ?? /^(\d+)([a-z]+)$/.exec(core);
  if (!m) return false;
  const [letters, digits] = /^\d/.test(core) ? [m[2] as string, m[1] as string] : [m[1] as string, m[2] as string];
  return trivialLetters(letters) && trivialDigits(digits);
}

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
    estimator = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, lianjian: LOCAL },
      graphs: common.adjacencyGraphs,
      useLevenshteinDistance: false,
    });
  }
  return estimator;
}

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'too_few_classes'
  | 'common'
  | 'contains_username'
  | 'guessable';

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
  keyboardColumns: '键盘上同一列连续的按键（如 1qaz2wsx3edc、!QAZ@WSX）',
  lettersAndDigitRun: '一两个字母加连续或重复的数字（如 Aa123456、Zz123456789!）',
};

/** What is wrong with a proposed password, each with its message; empty when it is acceptable. */
export function reviewPassword(
  password: string,
  username: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  personal: string[] = [],
): PasswordFinding[] {
  const found: PasswordFinding[] = [];
  const length = [...password].length;
  if (length < policy.minLength) found.push({ problem: 'too_short', message: `密码至少 ${policy.minLength} 位` });
  if (length > policy.maxLength) found.push({ problem: 'too_long', message: `密码最多 ${policy.maxLength} 位` });
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < policy.minClasses)
    found.push({
      problem: 'too_few_classes',
      message: `密码须包含大写字母、小写字母、数字、符号中的至少 ${policy.minClasses} 类`,
    });
  if (COMMON.has(stem(password))) found.push({ problem: 'common', message: '密码过于常见，请换一个不易猜到的密码' });
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    found.push({ problem: 'contains_username', message: '密码不能包含用户名' });
  // Estimated only within the length limit: the estimate's cost grows with the length.
  if (length <= policy.maxLength) {
    const inputs = [
      username,
      ...personal.flatMap((p) => (/[\u4e00-\u9fff]/.test(p) ? [p, namePinyin(p), nameInitials(p)] : [p])),
    ].filter((x) => x.length >= 2);
    const estimate = strength().check(password, inputs);
    // Typed with the shift key held or not, a password is guessed as early: it is estimated as typed without it too.
    const plain = unshifted(password);
    const plainEstimate = plain === password ? estimate : strength().check(plain, inputs);
    const weakest = plainEstimate.score < estimate.score ? plainEstimate : estimate;
    const pattern = walksColumns(password)
      ? 'keyboardColumns'
      : lettersBeforeDigitRun(password)
        ? 'lettersAndDigitRun'
        : null;
    if (weakest.score < policy.minScore || pattern) {
      const because = GUESSABLE_BECAUSE[pattern ?? weakest.feedback.warning ?? ''];
      found.push({
        problem: 'guessable',
        message: `密码太容易被猜到${because ? `：含有${because}` : ''}。请换一个更长、更少见的密码，例如几个不相关的词加数字和符号`,
      });
    }
  }
  return found;
}

/** The rules a proposed password breaks; empty when it is acceptable. */
export function checkPassword(
  password: string,
  username: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  personal: string[] = [],
): PasswordProblem[] {
  return reviewPassword(password, username, policy, personal).map((f) => f.problem);
}
