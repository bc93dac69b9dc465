import { z } from 'zod';

/**
 * Zod's zh-CN wording, entirely in Chinese. The zh-CN locale leaves some words in English: type names
 * (`期望 string，实际接收 数字`), the kind of a bounded value (`期望 string <=200 字符`), a pattern's source, the
 * `(key)` and `(value)` of unknown keys and elements. Those issues are worded here; every other issue (and every
 * message a schema words itself) is zh-CN's or the schema's as before.
 */
const zhCN = z.locales.zhCN().localeError;

const TYPES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  bigint: '大整数',
  boolean: '布尔值',
  symbol: '符号',
  null: '空值',
  undefined: '空值',
  void: '空值',
  never: '无值',
  nan: '非数字',
  date: '日期',
  Date: '日期',
  array: '数组',
  tuple: '数组',
  object: '对象',
  record: '对象',
  map: '映射',
  set: '集合',
  file: '文件',
  function: '函数',
  promise: '异步值',
  nonoptional: '非空值',
};

/** A type in Chinese; a class by name (`instanceof File`, a received `Uint8Array`) is an object of some kind. */
const typeName = (type: string): string => TYPES[type] ?? (/^[A-Z]/.test(type) ? '特定对象' : '其他类型');

type Issue = Parameters<typeof zhCN>[0];

function invalidType(issue: Extract<Issue, { code: 'invalid_type' }>): string {
  const expected = typeName(issue.expected);
  const input = issue.input;
  if (input === undefined) return `无效输入：期望 ${expected}，实际未提供`;
  let received = typeName(z.core.util.parsedType(input));
  if (issue.expected === 'int' && typeof input === 'number' && Number.isFinite(input)) received = '小数';
  return `无效输入：期望 ${expected}，实际接收 ${received}`;
}

/** What a length, count or size is counted in. */
const UNITS: Record<string, string> = { string: ' 个字符', array: ' 项', set: ' 项', map: ' 项', file: ' 字节' };

/** A bound in words: a length of text, a count of items or bytes, a date, or a number. */
function bound(issue: Extract<Issue, { code: 'too_big' | 'too_small' }>): string {
  const big = issue.code === 'too_big';
  const limit = big ? issue.maximum : issue.minimum;
  const unit = UNITS[issue.origin] ?? '';
  if (unit) {
    const [more, fewer, odd] =
      issue.origin === 'string'
        ? ['文字过长', '文字过短', '长度不符']
        : issue.origin === 'file'
          ? ['文件过大', '文件过小', '大小不符']
          : ['项数过多', '项数过少', '项数不符'];
    if (issue.exact) return `${odd}：期望 恰好 ${limit}${unit}`;
    const than = big ? (issue.inclusive ? '不超过' : '少于') : issue.inclusive ? '不少于' : '多于';
    return `${big ? more : fewer}：期望 ${than} ${limit}${unit}`;
  }
  if (issue.origin === 'date') {
    const day = new Date(Number(limit)).toISOString().slice(0, 10);
    const than = big ? (issue.inclusive ? '不晚于' : '早于') : issue.inclusive ? '不早于' : '晚于';
    return `${big ? '日期过晚' : '日期过早'}：期望 ${than} ${day}`;
  }
  const than = big ? (issue.inclusive ? '不大于' : '小于') : issue.inclusive ? '不小于' : '大于';
  return `${big ? '数值过大' : '数值过小'}：期望 ${issue.exact ? '等于' : than} ${limit}`;
}

/** The zh-CN locale with the issues it leaves partly in English worded in Chinese. */
export const zhCNChinese: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_big':
    case 'too_small':
      return bound(issue);
    case 'invalid_format':
      // A pattern's source means nothing to the reader (a schema that matters words its own message).
      if (issue.format === 'regex') return '无效字符串：格式不符合要求';
      if (issue.format === 'lowercase') return '无效字符串：只能使用小写字母';
      if (issue.format === 'uppercase') return '无效字符串：只能使用大写字母';
      break;
    case 'unrecognized_keys':
      return `出现未知的字段：${issue.keys.map((k) => `"${k}"`).join('、')}`;
    case 'invalid_key':
      return `${typeName(issue.origin)}中的键无效`;
    case 'invalid_element':
      return `${typeName(issue.origin)}中包含无效的值`;
  }
  return zhCN(issue);
};
