/**
 * The Node.js flags the server runs with, wherever it is started: `npm start`, `npm run lianjian -- start`
 * (package.json repeats them, and a test keeps the two the same), the benchmark's servers and the tests' servers.
 *
 * `--heap-growing-percent=50`: V8 collects the JavaScript heap again once it is half again as large as what survived
 * the last full collection. By default it lets the heap grow up to four times that first, which suits throughput,
 * not a server that should stay small: a register import of 300,000 people took the heap from 75 to 220 MB while
 * 42–52 MB of it was alive. A million people imported from CSV into the county database: peak RSS 503 MB in the
 * last benchmark without the flag, 251–255 MB with it (and the import's smaller page caches), no slower.
 *
 * A smaller young generation as well (`--max-semi-space-size=8`) saved another 20 MB but slowed the XLSX import by
 * almost half (200,000 people: 3,689 rows/s with it, 6,609 without): ExcelJS's objects then live long enough to be
 * promoted.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=50'];
