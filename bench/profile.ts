/**
 * Where a server's CPU time went, from a V8 CPU profile (`BENCH_CPU_PROFILE=DIR npm run bench …`, or
 * `node --cpu-prof`): the busy time's share by package (or the application's module) and by function.
 *   node --import tsx bench/profile.ts FILE.cpuprofile [--top N]
 */
import fs from 'node:fs';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: bench/profile.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 20;
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));

/** node_modules/<package>, the application's src/<dir>/<module>, a Node built-in, or V8 itself. */
function owner(url: string): string {
  if (!url) return '(V8 and native code)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const app = /\/apps\/server\/src\/(.+?)(?:\.ts)?$/.exec(url);
  if (app) return `app: ${app[1]}`;
  return url.startsWith('node:') ? url : url.slice(-60);
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const frame = frames.get(id);
  if (!frame) return;
  total += dt;
  if (frame.functionName === '(idle)') {
    idle += dt;
    return;
  }
  const special = frame.functionName.startsWith('(') ? frame.functionName : null;
  const o = special ?? owner(frame.url);
  byOwner.set(o, (byOwner.get(o) ?? 0) + dt);
  const f = `${frame.functionName || '(anonymous)'} — ${o}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + dt);
});
const busy = total - idle;
const pct = (n: number) => `${((n / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(
  `${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)}%); shares of the busy time:`,
);
console.log('\nby package or module');
for (const [k, v] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);
console.log('\nby function');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(v), k);
