// The first module of a worker thread whose code is TypeScript: the server runs its sources through tsx, which a
// worker does not inherit from the thread that starts it (Node 20 applies a --import hook only to the main thread's
// modules), so the worker registers tsx itself, then loads its entry.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
