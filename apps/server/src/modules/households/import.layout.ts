import { type HEALTH, type LABOUR, type PovertyCause, todayInShanghai } from '@lianjian/shared';
import { excel } from '../../lib/excel.ts';
import { idCheckChar, idNumberProblem, maskIdNumber, phoneProblem } from '../../lib/identity.ts';

const id18 = (first17: string) => first17 + idCheckChar(first17);
import { maskNumbersInText, maskPhone } from '../../lib/mask.ts';

/**
 * The registration layout (建档立卡花名册): one row per person, people of one household share a household
 * number (户编号); household-level columns are read from the head's row (与户主关系 = 户主).
 */
export const COLUMNS = [
  { key: 'householdNo', header: '户编号', required: true, aliases: ['户号', '户编码'], example: '1' },
  {
    key: 'regionCode',
    header: '村（社区）代码',
    required: true,
    aliases: ['村代码', '行政区划代码', '村(社区)代码'],
    example: '411321106200',
  },
  { key: 'relationship', header: '与户主关系', required: true, aliases: ['关系'], example: '户主' },
  // 户主姓名 is not an alias: a provincial file repeats it on every member's row beside the member's own name.
  { key: 'name', header: '姓名', required: true, aliases: ['成员姓名'], example: '王建国' },
  { key: 'gender', header: '性别', required: true, aliases: [], example: '男' },
  { key: 'idNumber', header: '身份证号', required: true, aliases: ['身份证号码', '证件号码'], example: '' },
  { key: 'phone', header: '联系电话', required: false, aliases: ['电话', '手机号码', '联系方式'], example: '' },
  { key: 'health', header: '健康状况', required: true, aliases: [], example: '健康' },
  { key: 'labour', header: '劳动能力', required: true, aliases: ['劳动技能'], example: '普通劳动力' },
  { key: 'inSchool', header: '是否在校生', required: false, aliases: ['在校生'], example: '否' },
  { key: 'address', header: '家庭住址', required: true, aliases: ['住址', '详细地址'], example: '白河新村安置点1号楼' },
  { key: 'attribute', header: '贫困户属性', required: false, aliases: ['户属性'], example: '一般贫困户' },
  { key: 'standard', header: '识别标准', required: false, aliases: [], example: '国家标准' },
  { key: 'primaryCause', header: '主要致贫原因', required: true, aliases: ['致贫原因'], example: '因病' },
  {
    key: 'secondaryCauses',
    header: '其他致贫原因',
    required: false,
    aliases: ['次要致贫原因'],
    example: '缺技术、缺资金',
  },
  { key: 'wages', header: '工资性收入（元）', required: true, aliases: ['工资性收入'], example: '12000' },
  {
    key: 'business',
    header: '生产经营性收入（元）',
    required: true,
    aliases: ['生产经营性收入', '经营性收入'],
    example: '3000',
  },
  { key: 'transfer', header: '转移性收入（元）', required: true, aliases: ['转移性收入'], example: '2400' },
  { key: 'property', header: '财产性收入（元）', required: true, aliases: ['财产性收入'], example: '0' },
  { key: 'housingArea', header: '住房面积（平方米）', required: false, aliases: ['住房面积'], example: '90' },
  { key: 'dangerRating', header: '危房等级', required: false, aliases: [], example: '' },
  { key: 'waterSafe', header: '饮水安全', required: true, aliases: ['是否饮水安全'], example: '是' },
  { key: 'relocatedTo', header: '搬迁安置点', required: false, aliases: ['安置点', '安置地点'], example: '' },
  { key: 'exitStatus', header: '脱贫状态', required: false, aliases: [], example: '未脱贫' },
  { key: 'exitYear', header: '脱贫年度', required: false, aliases: ['脱贫年份'], example: '' },
] as const;
export type ColumnKey = (typeof COLUMNS)[number]['key'];

const norm = (s: string) =>
  s
    .replace(/[\s*＊]/g, '')
    .replace(/[（(]/g, '（')
    .replace(/[)）]/g, '）');

export const HEALTH_ZH: Record<string, (typeof HEALTH)[number]> = {
  健康: 'healthy',
  慢性病: 'chronic',
  长期慢性病: 'chronic',
  重病: 'serious',
  大病: 'serious',
  患有大病: 'serious',
  残疾: 'disability',
};
export const LABOUR_ZH: Record<string, (typeof LABOUR)[number]> = {
  普通劳动力: 'normal',
  技能劳动力: 'skilled',
  丧失劳动力: 'lost',
  无劳动力: 'none',
};
export const ATTRIBUTE_ZH: Record<string, 'general' | 'dibao' | 'tekun'> = {
  一般贫困户: 'general',
  一般户: 'general',
  低保贫困户: 'dibao',
  低保户: 'dibao',
  特困供养贫困户: 'tekun',
  特困户: 'tekun',
  特困供养户: 'tekun',
};
export const STANDARD_ZH: Record<string, 'national' | 'provincial'> = {
  国家标准: 'national',
  省定标准: 'provincial',
  省标准: 'provincial',
};
export const CAUSE_ZH: Record<string, PovertyCause> = {
  因病: 'illness',
  因残: 'disability',
  因学: 'schooling',
  因灾: 'disaster',
  缺土地: 'lack_of_land',
  缺水: 'lack_of_water',
  缺技术: 'lack_of_skills',
  缺劳力: 'lack_of_labour',
  缺资金: 'lack_of_capital',
  交通条件落后: 'poor_transport',
  自身发展动力不足: 'low_motivation',
  其他: 'other',
};
export const CAUSE_LABEL = Object.fromEntries(Object.entries(CAUSE_ZH).map(([k, v]) => [v, k])) as Record<
  PovertyCause,
  string
>;
const YES = new Set(['是', 'Y', 'y', '1', '√']);
const NO = new Set(['否', 'N', 'n', '0', '', '×']);

export interface RowError {
  row: number;
  column: string;
  value: string;
  message: string;
}

/** A column of the file that is not read: its place (1 for the first column) and its heading as written. */
export interface IgnoredColumn {
  column: number;
  header: string;
}

/** A headed column of the file: its place (1 for the first column) and its heading as written. */
export interface FileHeading {
  column: number;
  heading: string;
}

/** Which field of the register a column of the file is read into; null: not imported. */
export interface MappedColumn {
  column: number;
  field: ColumnKey | null;
}

/**
 * An import's column mapping, kept on its row: where the header is (sheet 1 is the first; CSV has one), the file's
 * headings, the mapping (proposed while awaiting the clerk, then as confirmed) and, while awaiting, a masked preview
 * of the first data rows, each row's cells aligned with `headings`.
 */
export interface ImportMapping {
  sheet: number;
  headerRow: number;
  headings: FileHeading[];
  columns: MappedColumn[];
  preview: string[][];
}

/** The file's header row as read: where each known column sits and its heading as the file writes it. */
export interface HeaderMap {
  index: Partial<Record<ColumnKey, number>>;
  /** The file's own heading of each column read, for the error report. */
  headings: Partial<Record<ColumnKey, string>>;
  /** Every headed column that is not read (unknown, or a second column of the same field), named to the user. */
  ignored: IgnoredColumn[];
  /** The register's labels of the required fields no column is read into. */
  missing: string[];
  /** Every headed column with the field it is read into, or null. */
  columns: MappedColumn[];
  /** Every headed column's heading as written. */
  fileHeadings: FileHeading[];
}

/** A heading as headings are compared: no spaces or asterisks, one kind of brackets. */
export const normalHeading = norm;

/** Headings a county's clerks confirmed, by normal heading: used after the layout's own headers and aliases. */
export type RememberedHeadings = ReadonlyMap<string, ColumnKey>;

/** The field a heading names by the layout's own header or aliases. */
export function layoutField(heading: string): ColumnKey | undefined {
  const h = norm(heading);
  return COLUMNS.find((c) => norm(c.header) === h || c.aliases.some((a) => norm(a) === h))?.key;
}

/** The header row read with a field chosen for each headed column (1-based); the others are listed as ignored. */
function readHeader(cells: string[], fieldAt: (column: number, heading: string) => ColumnKey | null): HeaderMap {
  const index: Partial<Record<ColumnKey, number>> = {};
  const headings: Partial<Record<ColumnKey, string>> = {};
  const ignored: IgnoredColumn[] = [];
  const columns: MappedColumn[] = [];
  const fileHeadings: FileHeading[] = [];
  cells.forEach((raw, i) => {
    // A heading is shown, audited and remembered: a number in it that looks like a person's is masked.
    const heading = maskNumbersInText(String(raw ?? '').trim())
      .text.trim()
      .slice(0, 60);
    if (!norm(heading)) return;
    fileHeadings.push({ column: i + 1, heading });
    const field = fieldAt(i + 1, heading);
    if (field && index[field] === undefined) {
      index[field] = i;
      headings[field] = heading;
      columns.push({ column: i + 1, field });
    } else {
      ignored.push({ column: i + 1, header: heading });
      columns.push({ column: i + 1, field: null });
    }
  });
  return {
    index,
    headings,
    ignored,
    missing: COLUMNS.filter((c) => c.required && index[c.key] === undefined).map((c) => c.header),
    columns,
    fileHeadings,
  };
}

/** Where each known column sits in the header row (the layout's names, then the county's remembered ones). */
export function mapHeader(cells: string[], remembered: RememberedHeadings = new Map()): HeaderMap {
  return readHeader(cells, (_column, heading) => layoutField(heading) ?? remembered.get(norm(heading)) ?? null);
}

/** The header row read as the clerk mapped it: each listed column into its field, the rest not imported. */
export function headerAsMapped(cells: string[], columns: readonly MappedColumn[]): HeaderMap {
  const byColumn = new Map(columns.map((c) => [c.column, c.field]));
  return readHeader(cells, (column) => byColumn.get(column) ?? null);
}

/** A long run of digits that is neither a valid ID number nor a mobile number (which `maskNumbersInText` masks). */
const LONG_NUMBER = /(?<![\dXx])\d{11,}[Xx]?(?![\dXx])/g;

/**
 * A cell of the preview as the clerk may see it: an ID number or phone never whole, in whichever column it stands
 * (an unfamiliar heading is often the very column of ID numbers). Twelve digits, a village's code, are shown.
 */
export function previewCell(field: ColumnKey | null, value: string): string {
  const v = value.trim();
  if (field === 'idNumber' || field === 'phone') return shown(field, v);
  const masked = maskNumbersInText(v).text.replace(LONG_NUMBER, (m) =>
    m.length === 12 ? m : m.length === 11 ? (maskPhone(m) as string) : maskIdNumber(m),
  );
  return masked.length > 60 ? `${masked.slice(0, 60)}…` : masked;
}

/** The register's fields as the mapping step offers them: key, Chinese label, whether required. */
export const REGISTER_FIELDS = COLUMNS.map((c) => ({ key: c.key, label: c.header, required: c.required }));

/** The first year of the 建档立卡 register: no household exited before it. */
export const FIRST_EXIT_YEAR = 2014;

export interface ParsedPerson {
  row: number;
  householdNo: string;
  regionCode: string;
  name: string;
  relationship: string;
  gender: 'male' | 'female';
  idNumber: string;
  phone: string | null;
  health: (typeof HEALTH)[number];
  labour: (typeof LABOUR)[number];
  inSchool: boolean;
  /** Household-level fields, read on the head's row only. */
  household?: {
    address: string;
    attribute: 'general' | 'dibao' | 'tekun';
    standard: 'national' | 'provincial';
    primaryCause: PovertyCause;
    secondaryCauses: PovertyCause[];
    income: { wages: number; business: number; transfer: number; property: number };
    housingArea: number | null;
    dangerRating: 'C' | 'D' | null;
    waterSafe: boolean;
    relocatedTo: string | null;
    /** A historical exit (已脱贫) recorded with its year; null for a household still poor. */
    exitYear: number | null;
  };
}

const header = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)?.header as string;

/** Masks what a report or log may echo back of a cell: never a clear ID or phone number. */
function shown(key: ColumnKey, value: string): string {
  if (key === 'idNumber') return value.length >= 8 ? maskIdNumber(value) : value.replace(/./g, '*');
  if (key === 'phone') return maskPhone(value) ?? '';
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

/** Validates one data row; returns the person or the row's errors (one per bad cell). */
export function parseRow(
  rowNo: number,
  cells: string[],
  index: Partial<Record<ColumnKey, number>>,
  /** The file's own headings, which the errors name; our own where the file's is not known. */
  headings: Partial<Record<ColumnKey, string>> = {},
  thisYear = Number(todayInShanghai().slice(0, 4)),
): ParsedPerson | RowError[] {
  const errors: RowError[] = [];
  const cell = (key: ColumnKey) => {
    const i = index[key];
    return i === undefined ? '' : String(cells[i] ?? '').trim();
  };
  const fail = (key: ColumnKey, message: string) => {
    errors.push({ row: rowNo, column: headings[key] ?? header(key), value: shown(key, cell(key)), message });
    return undefined;
  };
  const required = (key: ColumnKey, max = 50) => {
    const v = cell(key);
    if (!v) return fail(key, '必填');
    if (v.length > max) return fail(key, `不超过 ${max} 个字`);
    return v;
  };
  const pick = <T>(key: ColumnKey, map: Record<string, T>, fallback?: T): T | undefined => {
    const v = cell(key).replace(/\s/g, '');
    if (!v && fallback !== undefined) return fallback;
    const hit = map[v];
    return hit !== undefined ? hit : fail(key, `应为：${[...new Set(Object.keys(map))].join('、')}`);
  };
  const yesNo = (key: ColumnKey) => {
    const v = cell(key);
    if (YES.has(v)) return true;
    if (NO.has(v)) return false;
    fail(key, '应为"是"或"否"');
    return false;
  };
  const money = (key: ColumnKey) => {
    const v = cell(key).replace(/[,，元\s]/g, '');
    if (!/^\d+(\.\d+)?$/.test(v)) return fail(key, '应为不小于0的金额（元）');
    const n = Math.round(Number(v));
    return n > 100_000_000 ? fail(key, '金额过大') : n;
  };

  const householdNo = required('householdNo', 30);
  const regionCode = cell('regionCode');
  if (!/^\d{12}$/.test(regionCode)) fail('regionCode', '应为12位村（社区）代码');
  const relationship = required('relationship', 20);
  const name = required('name', 50);
  const g = cell('gender');
  const gender = g === '男' ? 'male' : g === '女' ? 'female' : fail('gender', '应为"男"或"女"');
  const idNumber = cell('idNumber').toUpperCase();
  if (/^\d(\.\d+)?E\+\d+$/i.test(idNumber))
    fail('idNumber', '身份证号被存成了数字，末几位已丢失：请把该列设为文本格式后重新填写');
  else {
    const p = idNumberProblem(idNumber);
    if (p) fail('idNumber', p);
  }
  const phoneRaw = cell('phone');
  if (phoneRaw && phoneProblem(phoneRaw)) fail('phone', phoneProblem(phoneRaw) as string);
  const health = pick('health', HEALTH_ZH);
  const labour = pick('labour', LABOUR_ZH);
  const inSchool = yesNo('inSchool');

  let household: ParsedPerson['household'];
  if (relationship === '户主') {
    const address = required('address', 200);
    const attribute = pick('attribute', ATTRIBUTE_ZH, 'general' as const);
    const standard = pick('standard', STANDARD_ZH, 'national' as const);
    const primaryCause = pick('primaryCause', CAUSE_ZH);
    const secondary: PovertyCause[] = [];
    for (const part of cell('secondaryCauses')
      .split(/[、,，;；/\s]+/)
      .filter(Boolean)) {
      const c = CAUSE_ZH[part];
      if (!c) fail('secondaryCauses', `"${part}"不是致贫原因，应为：${Object.keys(CAUSE_ZH).join('、')}`);
      else if (c !== primaryCause && !secondary.includes(c)) secondary.push(c);
    }
    if (secondary.length > 5) fail('secondaryCauses', '最多5项');
    const wages = money('wages');
    const business = money('business');
    const transfer = money('transfer');
    const property = money('property');
    const areaRaw = cell('housingArea');
    let housingArea: number | null = null;
    if (areaRaw) {
      const n = Number(areaRaw.replace(/[㎡平方米\s]/g, ''));
      if (!Number.isFinite(n) || n < 0 || n > 10_000) fail('housingArea', '应为0至10000之间的面积');
      else housingArea = Math.round(n);
    }
    const dr = cell('dangerRating').replace(/级/g, '').toUpperCase();
    const dangerRating =
      dr === '' ? null : dr === 'C' || dr === 'D' ? dr : fail('dangerRating', '应为 C级、D级 或留空');
    const waterSafe = yesNo('waterSafe');
    const relocatedTo = cell('relocatedTo') || null;
    if (relocatedTo && relocatedTo.length > 100) fail('relocatedTo', '不超过 100 个字');
    // A historical exit is recorded with its year (the exit procedure with its notice went before, on paper).
    const exitStatus = cell('exitStatus').replace(/\s/g, '');
    const yearRaw = cell('exitYear').replace(/[\s年度]/g, '');
    let exitYear: number | null = null;
    if (exitStatus === '已脱贫') {
      const y = Number(yearRaw);
      if (!/^\d{4}$/.test(yearRaw)) fail('exitYear', '已脱贫的户须填写脱贫年度（四位年份）');
      else if (y < FIRST_EXIT_YEAR || y > thisYear)
        fail('exitYear', `应为 ${FIRST_EXIT_YEAR} 至 ${thisYear} 之间的年份`);
      else exitYear = y;
    } else if (exitStatus === '' || exitStatus === '未脱贫') {
      if (yearRaw) fail('exitYear', '未脱贫的户不填脱贫年度');
    } else fail('exitStatus', '应为"已脱贫"或"未脱贫"，留空视为未脱贫');
    if (!errors.length) {
      household = {
        address: address as string,
        attribute: attribute as 'general',
        standard: standard as 'national',
        primaryCause: primaryCause as PovertyCause,
        secondaryCauses: secondary,
        income: {
          wages: wages as number,
          business: business as number,
          transfer: transfer as number,
          property: property as number,
        },
        housingArea,
        dangerRating: dangerRating ?? null,
        waterSafe,
        relocatedTo,
        exitYear,
      };
    }
  }
  if (errors.length) return errors;
  return {
    row: rowNo,
    householdNo: householdNo as string,
    regionCode,
    name: name as string,
    relationship: relationship as string,
    gender: gender as 'male',
    idNumber,
    phone: phoneRaw || null,
    health: health as 'healthy',
    labour: labour as 'normal',
    inSchool,
    household,
  };
}

export const columnHeader = header;

/** The downloadable template: the header row, one example household, and a sheet of allowed values. */
export async function templateWorkbook(exampleRegion: string): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Lianjian';
  const ws = wb.addWorksheet('建档立卡花名册');
  ws.columns = COLUMNS.map((c) => ({
    header: c.required ? `${c.header}` : c.header,
    key: c.key,
    width: Math.max(10, c.header.length * 2 + 2),
  }));
  ws.getRow(1).font = { bold: true };
  ws.getColumn('idNumber').numFmt = '@';
  ws.getColumn('phone').numFmt = '@';
  ws.getColumn('regionCode').numFmt = '@';
  const example = [
    {
      relationship: '户主',
      name: '王建国',
      gender: '男',
      idNumber: id18('41132119750101001'),
      health: '健康',
      labour: '普通劳动力',
      inSchool: '否',
    },
    {
      relationship: '配偶',
      name: '李秀兰',
      gender: '女',
      idNumber: id18('41132119780302002'),
      health: '慢性病',
      labour: '普通劳动力',
      inSchool: '否',
    },
  ];
  for (const [i, p] of example.entries()) {
    const values: Record<string, string> = { householdNo: '1', regionCode: exampleRegion, ...p };
    if (i === 0) for (const c of COLUMNS) if (c.example && values[c.key] === undefined) values[c.key] = c.example;
    ws.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, values[c.key] ?? ''])));
  }
  const help = wb.addWorksheet('填写说明');
  help.columns = [
    { header: '列', key: 'col', width: 22 },
    { header: '是否必填', key: 'req', width: 10 },
    { header: '填写要求', key: 'rule', width: 80 },
  ];
  help.getRow(1).font = { bold: true };
  const rules: Partial<Record<ColumnKey, string>> = {
    householdNo: '同一户的成员填写相同的户编号；户级信息（住址、属性、致贫原因、收入、住房、饮水）填在户主那一行',
    regionCode: '12位村（社区）行政区划代码，须在本账号管辖范围内',
    relationship: '户主、配偶、长子、长女、母亲……每户有且只有一位户主',
    idNumber: '18位，最后一位可为X；请将该列设为“文本”格式，否则末几位会丢失',
    phone: '11位手机号码，可留空',
    health: Object.keys(HEALTH_ZH).join('、'),
    labour: Object.keys(LABOUR_ZH).join('、'),
    inSchool: '是 / 否，留空视为否',
    attribute: `${Object.keys(ATTRIBUTE_ZH).join('、')}；留空视为一般贫困户`,
    standard: '国家标准、省定标准；留空视为国家标准',
    primaryCause: Object.keys(CAUSE_ZH).join('、'),
    secondaryCauses: '可多项，用顿号分隔',
    wages: '全年，元，整数',
    dangerRating: 'C级、D级，非危房留空',
    waterSafe: '是 / 否',
    relocatedTo: '易地扶贫搬迁户填写安置点，其他留空',
    exitStatus: '未脱贫、已脱贫；留空视为未脱贫。已脱贫的户按历史脱贫记录导入',
    exitYear: `已脱贫的户填写脱贫年度（${FIRST_EXIT_YEAR} 年起的四位年份），未脱贫的户留空`,
  };
  for (const c of COLUMNS) help.addRow({ col: c.header, req: c.required ? '必填' : '选填', rule: rules[c.key] ?? '' });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
