import { PassThrough } from 'node:stream';
import { excel } from '../../lib/excel.ts';

export const STATUS_ZH = {
  registered: '未脱贫',
  exited: '已脱贫',
  monitored: '监测对象',
  risk_eliminated: '已消除风险',
  returned: '返贫',
} as const;
export const ATTRIBUTE_LABEL = { general: '一般贫困户', dibao: '低保贫困户', tekun: '特困供养贫困户' } as const;
export const LABOUR_LABEL = {
  normal: '普通劳动力',
  skilled: '技能劳动力',
  lost: '丧失劳动力',
  none: '无劳动力',
} as const;

export interface RegisterSheets {
  households: AsyncIterable<(string | number)[]>;
  people: AsyncIterable<(string | number)[]>;
}

const HOUSEHOLD_HEADERS = [
  '序号',
  '乡镇',
  '村（社区）',
  '户主',
  '家庭住址',
  '贫困户属性',
  '识别标准',
  '状态',
  '脱贫年度',
  '主要致贫原因',
  '其他致贫原因',
  '人口',
  '人均纯收入（元）',
  '危房等级',
  '饮水安全',
  '主帮扶责任人',
  '帮扶人数',
];
const PEOPLE_HEADERS = [
  '户序号',
  '户主',
  '村（社区）',
  '姓名',
  '与户主关系',
  '性别',
  '出生年份',
  '身份证号（脱敏）',
  '联系电话（脱敏）',
  '劳动能力',
  '在校生',
];

/**
 * The register as a county keeps it, streamed sheet by sheet so that memory does not grow with the county:
 * households, then people. ID and phone numbers arrive masked; health details are never exported. Every text
 * is written as a string cell (never a formula), so `=`, `+`, `-`, `@` from the register stay inert.
 */
export async function registerWorkbookStream(
  title: string,
  sheets: RegisterSheets,
  stamp?: string,
): Promise<PassThrough> {
  const out = new PassThrough();
  const wb = new (await excel()).stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  wb.creator = 'Lianjian';
  const write = async () => {
    const h = wb.addWorksheet('建档立卡户', {
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    h.columns = HOUSEHOLD_HEADERS.map((header, i) => ({
      header,
      width: [6, 10, 14, 10, 24, 12, 10, 10, 8, 12, 18, 6, 10, 8, 8, 12, 8][i],
    }));
    h.getRow(1).font = { bold: true };
    h.getRow(1).commit();
    for await (const r of sheets.households) h.addRow(r).commit();
    h.commit();
    const p = wb.addWorksheet('家庭成员');
    p.columns = PEOPLE_HEADERS.map((header, i) => ({ header, width: [8, 10, 14, 10, 10, 6, 8, 22, 16, 12, 8][i] }));
    p.getRow(1).font = { bold: true };
    p.getRow(1).commit();
    for await (const r of sheets.people) p.addRow(r).commit();
    p.commit();
    const about = wb.addWorksheet('说明');
    about.addRow([title]).commit();
    about.addRow(['身份证号、电话已脱敏；健康状况不导出。']).commit();
    if (stamp) about.addRow([stamp]).commit();
    about.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
