/**
 * The Node.js flags the server runs with, wherever it is started: `npm start`, `npm run lianjian -- start`
 * (package.json repeats them, and a test keeps the two the same), the benchmark's servers and the browser tests'.
 *
 * V8's defaults suit throughput, not a server that should stay small: after a full collection the JavaScript heap
 * may grow to up to four times what survived before it is collected again, and the young generation takes 32 MB.
 * A register import of a million people, whose garbage reaches the old generation, took the heap from 75 to 220 MB
 * while 50 MB of it was alive.
 * - `--heap-growing-percent=50`: collect again when the heap is half again as large as what survived;
 * - `--max-semi-space-size=8`: a young generation of 16 MB.
 * Measured on the county database (`docs/BENCHMARKS.md`, Import): the import's peak fell from 441–505 MB to under
 * 300 MB, and the server's resident memory after the read and write loads by about 50 MB.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=50', '--max-semi-space-size=8'];
