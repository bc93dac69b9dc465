import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { idCheckChar } from '../lib/identity.ts';
import { COLUMNS } from '../modules/households/import.layout.ts';
import { personName, rng } from './random.ts';

const CAUSES = ['因病', '因残', '因学', '缺技术', '缺劳力', '缺资金', '因灾', '自身发展动力不足'];
const RELATIONS = ['配偶', '长子', '长女', '次子', '母亲', '父亲'];

/**
 * Writes a registration-layout CSV of generated households (no real person's data; ID numbers with valid
 * check digits, unique within the file and marked by `serial` so that files do not collide). `badRow`, when
 * given, spoils one person row's ID number, for trying the error report.
 */
export async function writeRegisterSample(
  file: string,
  opts: { rows: number; villages: string[]; seed?: number; serial?: number; badRow?: number },
): Promise<{ rows: number; households: number }> {
  const r = rng(opts.seed ?? 20200519);
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(`${line}\r\n`)) await once(out, 'drain');
  };
  await write(COLUMNS.map((c) => c.header).join(','));
  let n = 0;
  let households = 0;
  // (area code, month, day, sequence) is unique per person: 336,000 people per area code, four area codes
  // per serial, none of them the demo county's own (411321), so samples never collide with the demo or
  // with each other. Birth years stay free to follow the person's place in the household.
  let person = 0;
  const area = 40 + (opts.serial ?? 0) * 4;
  const id = (birthYear: number) => {
    const day = 1 + (person % 28);
    const month = 1 + (Math.floor(person / 28) % 12);
    const seq = Math.floor(person / 336) % 1000;
    const code = `4113${area + Math.floor(person / 336_000)}`;
    person++;
    const first17 = `${code}${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  };
  if (opts.rows > 4 * 336_000 || area > 95) throw new Error('register-sample: at most 1,344,000 rows and serial 0–13');
  while (n < opts.rows) {
    households++;
    const size = Math.min(opts.rows - n, r.int(1, 5));
    const village = r.pick(opts.villages);
    const surname = personName(r).slice(0, 1);
    for (let i = 0; i < size; i++) {
      n++;
      const head = i === 0;
      const birth = head ? r.int(1950, 1985) : r.int(1940, 2012);
      let idNumber = id(birth);
      if (n === opts.badRow) idNumber = `${idNumber.slice(0, 17)}${idNumber[17] === '0' ? '1' : '0'}`;
      const school = birth >= 2004;
      const cells: Record<string, string> = {
        householdNo: String(households),
        regionCode: village,
        relationship: head ? '户主' : (RELATIONS[i - 1] as string),
        name: surname + personName(r).slice(1),
        gender: r.chance(0.5) ? '男' : '女',
        idNumber,
        phone: head ? `13${r.int(0, 9)}${String(r.int(0, 99_999_999)).padStart(8, '0')}` : '',
        health: r.pick(['健康', '健康', '健康', '慢性病', '重病', '残疾']),
        labour: school ? '无劳动力' : r.pick(['普通劳动力', '普通劳动力', '技能劳动力', '丧失劳动力']),
        inSchool: school ? '是' : '否',
        address: head ? `${r.int(1, 12)}组${r.int(1, 80)}号` : '',
        attribute: head ? r.pick(['一般贫困户', '一般贫困户', '低保贫困户', '特困供养贫困户']) : '',
        standard: head ? '国家标准' : '',
        primaryCause: head ? r.pick(CAUSES) : '',
        secondaryCauses: '',
        wages: head ? String(r.int(0, 20_000)) : '',
        business: head ? String(r.int(0, 6_000)) : '',
        transfer: head ? String(r.int(0, 4_000)) : '',
        property: head ? String(r.int(0, 500)) : '',
        housingArea: head ? String(r.int(40, 150)) : '',
        dangerRating: '',
        waterSafe: head ? '是' : '',
        relocatedTo: '',
      };
      await write(COLUMNS.map((c) => cells[c.key] ?? '').join(','));
    }
  }
  out.end();
  await once(out, 'finish');
  return { rows: n, households };
}
