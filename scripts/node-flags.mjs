/**
 * The Node.js flags the server runs with, wherever it is started: `npm start`, `npm run lianjian -- start`
 * (package.json repeats them, and a test keeps the two the same), the benchmark's servers and the tests' servers.
 *
 * `--heap-growing-percent=50`: V8 collects the JavaScript heap again once it is half again as large as what survived
 * the last full collection. By default it lets the heap grow up to four times that first, which suits throughput,
 * not a server that should stay small: a register import of a million people took the heap from 75 to 220 MB while
 * 50 MB of it was alive. Measured on the county database with a million people imported from CSV: peak RSS
 * 441–505 MB without the flag, 255 MB with it (and the import's smaller page caches), at the same rate.
 *
 * A smaller young generation (`--max-semi-space-size=8`) saved another 20 MB but slowed the XLSX import by a third
 * (3,689 against 5,646 rows/s, 200,000 people): ExcelJS's objects then live long enough to be promoted.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=50'];
