// The register import's preparing thread (import.prepare.ts): encrypts batches of checked households.
import { parentPort, workerData } from 'node:worker_threads';
import { DataCipher } from '../../lib/crypto.ts';
import { type PrepareReply, type PrepareRequest, prepareHouseholds } from './import.prepare.ts';

const { key, now } = workerData as { key: Uint8Array; now: string };
const cipher = new DataCipher(Buffer.from(key));
key.fill(0);

parentPort?.on('message', (m: PrepareRequest) => {
  parentPort?.postMessage({ id: m.id, out: prepareHouseholds(cipher, now, m.items) } satisfies PrepareReply);
});
