import { randomBytes } from 'node:crypto';
import { type DbHandle, createDb, migrate } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { openDataKey } from '../src/setup.ts';
import type { scratchDatabases } from './scratch-db.ts';

/**
 * The demo county on a scratch database under the standard profile, whatever LIANJIAN_CRYPTO the suite runs under,
 * with its key recorded: the county a key job starts from. The handle stays open unless `close`.
 */
export async function standardDemoCounty(
  scratch: ReturnType<typeof scratchDatabases>,
  password: string,
): Promise<{ url: string; master: Buffer; cipher: DataCipher; handle: DbHandle }> {
  const url = await scratch.create();
  const master = randomBytes(32);
  const handle = createDb(url);
  const cipher = new DataCipher(master, 'standard');
  await migrate(handle.db);
  await openDataKey(handle.db, { cipher, print: () => {} });
  await seedDemo(handle.db, await hashPassword(password), cipher);
  return { url, master, cipher, handle };
}

/** A household of one, its head with this ID number (and phone), in 穆老庄村: the registration a key job must not lose. */
export function oneHeadHousehold(idNumber: string, phone?: string, address = '穆老庄村三组') {
  return {
    regionCode: '411321106200',
    address,
    primaryCause: 'illness',
    secondaryCauses: [],
    income: { wages: 9000, business: 0, transfer: 2400, property: 0 },
    waterSafe: true,
    people: [
      {
        name: '钱守业',
        relationship: '户主',
        gender: 'male',
        idNumber,
        ...(phone ? { phone } : {}),
        health: 'healthy',
        labour: 'normal',
      },
    ],
  };
}
