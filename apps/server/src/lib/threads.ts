import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `entry` (a TypeScript or JavaScript module, given by its URL), with `data` as its
 * `workerData` and a bound on its heap.
 */
export function startWorker(entry: URL, data: Record<string, unknown>, resourceLimits: WorkerOptions['resourceLimits']): Worker {
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href }, execArgv: [], resourceLimits });
}
