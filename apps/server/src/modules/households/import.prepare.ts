import type { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import type { DataCipher } from '../../lib/crypto.ts';
import { startWorker } from '../../lib/threads.ts';
import { householdRows } from './household.rows.ts';
import type { CreateHousehold } from './households.schemas.ts';

/** A checked household of the import, with its people's ID blind indexes (computed as the rows were read). */
export type HouseholdToPrepare = { input: Omit<z.infer<typeof CreateHousehold>, 'regionCode'>; regionCode: string; idKeys: string[] };

/** A prepared household as the import's scratch file keeps it: its row and its people's rows, as JSON. */
export type PreparedJson = [household: string, people: string];

/** The rows to write for each household: identifiers, sensitive fields encrypted, blind indexes. */
export function prepareHouseholds(cipher: DataCipher, now: string, items: readonly HouseholdToPrepare[]): PreparedJson[] {
  return items.map((x) => {
    const r = householdRows(cipher, x.input, x.regionCode, now, x.idKeys);
    return [JSON.stringify(r.household), JSON.stringify(r.people)];
  });
}

/**
 * Prepares batches of households, in this thread or in a thread of its own. Encryption is most of the import's
 * preparing time and a register's households are independent, so a large import encrypts on the second core
 * while this thread reads, groups and checks the next batch.
 */
export interface HouseholdPreparer {
  prepare(items: readonly HouseholdToPrepare[]): Promise<PreparedJson[]>;
  close(): Promise<void>;
}

export function inlinePreparer(cipher: DataCipher, now: string): HouseholdPreparer {
  return { prepare: async (items) => prepareHouseholds(cipher, now, items), close: async () => undefined };
}

export type PrepareRequest = { id: number; items: readonly HouseholdToPrepare[] };
export type PrepareReply = { id: number; out: PreparedJson[] };

export function threadPreparer(cipher: DataCipher, now: string): HouseholdPreparer {
  // The batches are small (hundreds of households); the bound keeps a fault from taking the server's memory.
  const worker: Worker = startWorker(new URL('./import.prepare.worker.ts', import.meta.url), { key: cipher.keyForWorker(), now }, { maxOldGenerationSizeMb: 96 });
  const waiting = new Map<number, { resolve: (out: PreparedJson[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | null = null;
  const fail = (e: Error) => {
    failed ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (m: PrepareReply) => {
    waiting.get(m.id)?.resolve(m.out);
    waiting.delete(m.id);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the preparing thread stopped (exit code ${code})`)));
  return {
    prepare(items) {
      if (failed) return Promise.reject(failed);
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, items } satisfies PrepareRequest);
      });
    },
    async close() {
      failed ??= new Error('the preparing thread was closed');
      await worker.terminate();
    },
  };
}
