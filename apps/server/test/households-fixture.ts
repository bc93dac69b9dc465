import { idCheckChar } from '../src/lib/identity.ts';
import type { Client } from './helpers.ts';

let seq = 0;
/** A valid generated ID number (GB 11643 check digit), different on every call within a test file. */
export function newIdNumber(year = 1975): string {
  seq += 1;
  const first17 = `411321${year}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (Math.floor(seq / 12) % 28)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** Registers a household of three in 穆老庄村 (or `regionCode`) through the API; returns its id. */
export async function registerHousehold(client: Client, over: Record<string, unknown> = {}): Promise<string> {
  const res = await client.post('/households', {
    regionCode: '411321106200',
    address: '穆老庄村一组',
    primaryCause: 'illness',
    secondaryCauses: [],
    income: { wages: 9000, business: 3000, transfer: 2400, property: 0 },
    waterSafe: true,
    people: [
      {
        name: '赵大山',
        relationship: '户主',
        gender: 'male',
        idNumber: newIdNumber(1970),
        phone: '13912345678',
        health: 'healthy',
        labour: 'normal',
      },
      {
        name: '钱秀英',
        relationship: '配偶',
        gender: 'female',
        idNumber: newIdNumber(1972),
        health: 'serious',
        labour: 'lost',
      },
      {
        name: '赵小明',
        relationship: '长子',
        gender: 'male',
        idNumber: newIdNumber(2009),
        health: 'healthy',
        labour: 'none',
        inSchool: true,
      },
    ],
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}
