/** Writes the OpenAPI document to a file, without a database server: the web client is generated from it. */
import fs from 'node:fs';
import { buildApp } from '../app.ts';
import { createDb } from '../db/index.ts';

const out = process.argv[2] ?? 'openapi.json';
const handle = createDb('sqlite::memory:');
const app = await buildApp({ db: handle });
await app.ready();
fs.writeFileSync(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await handle.close();
console.log(`wrote ${out}`);
