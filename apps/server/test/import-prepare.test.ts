import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HouseholdPersonTable, HouseholdTable } from '../src/db/types.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { type HouseholdToPrepare, type PreparedJson, inlinePreparer, threadPreparer } from '../src/modules/households/import.prepare.ts';

const cipher = new DataCipher(randomBytes(32));
const NOW = '2026-11-30T08:00:00.000+08:00';

function id(n: number): string {
  const first17 = `41132119${String(70 + (n % 30)).padStart(2, '0')}0615${String(n).padStart(3, '0').slice(-3)}`;
  return first17 + idCheckChar(first17);
}

function households(from: number, count: number): HouseholdToPrepare[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const idNumber = id(n);
    return {
      regionCode: '411321106200',
      idKeys: [cipher.blindIndex(idNumber)],
      input: {
        address: `白河新村${n}号`,
        attribute: 'general',
        standard: 'national',
        primaryCause: 'illness',
        secondaryCauses: [],
        income: { wages: 1000 * n, business: 0, transfer: 0, property: 0 },
        waterSafe: true,
        people: [{ name: `王${n}`, relationship: '户主', gender: 'male', idNumber, phone: n % 2 ? '13812341234' : undefined, health: 'healthy', labour: 'normal', inSchool: false }],
      } satisfies HouseholdToPrepare['input'],
    };
  });
}

const read = (out: PreparedJson[]) =>
  out.map(([h, p]) => {
    const household = JSON.parse(h) as HouseholdTable;
    const people = JSON.parse(p) as HouseholdPersonTable[];
    return { address: household.address, income: household.income_wages, people: people.map((x) => [x.name, cipher.decrypt(x.id_number_enc), x.id_number_index, x.phone_enc ? cipher.decrypt(x.phone_enc) : null]) };
  });

describe('the import prepares households in a thread of its own', () => {
  it('the thread writes what this thread would, with the same keys, batch by batch in order', async () => {
    const thread = threadPreparer(cipher, NOW);
    const inline = inlinePreparer(cipher, NOW);
    try {
      const batches = [households(1, 300), households(301, 300), households(601, 7)];
      // All three asked at once: the answers come back to the batch that asked.
      const outs = await Promise.all(batches.map((x) => thread.prepare(x)));
      for (const [i, out] of outs.entries()) {
        const batch = batches[i] as HouseholdToPrepare[];
        expect(read(out)).toEqual(read(await inline.prepare(batch)));
        expect(read(out).map((h) => h.address)).toEqual(batch.map((h) => h.input.address));
      }
      // Fresh IVs in the thread too: the same ID number never encrypts to the same text.
      const firstEnc = (out: PreparedJson[]) => (JSON.parse((out[0] as PreparedJson)[1]) as HouseholdPersonTable[])[0]?.id_number_enc;
      const again = await thread.prepare(batches[2] as HouseholdToPrepare[]);
      expect(firstEnc(again)).not.toBe(firstEnc(outs[2] as PreparedJson[]));
    } finally {
      await thread.close();
    }
  });

  it('a fault in the thread fails the batch, and every later one, instead of leaving the import waiting', async () => {
    const thread = threadPreparer(cipher, NOW);
    try {
      const broken = households(1, 1).map((h) => ({ ...h, input: { ...h.input, people: [] } }));
      await expect(thread.prepare(broken)).rejects.toThrow();
      await expect(thread.prepare(households(2, 1))).rejects.toThrow();
    } finally {
      await thread.close();
    }
  });
});
