// `npm run bench [name…]`: runs every bench/<name>.bench.ts (or the named ones) in its own Node
// process, one after another, so one benchmark's heap and JIT state never colour the next one's
// figures. Each benchmark prints its own table; this script only sequences them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const wanted = process.argv.slice(2);
const all = readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.includes(f.replace(/\.bench\.ts$/, ''))) : all;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark; available: ${all.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  const name = file.replace(/\.bench\.ts$/, '');
  console.log(`\n=== ${name} ===`);
  // BENCH_NODE_FLAGS adds V8 flags to try a setting out (`--max-semi-space-size=32`).
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', ...extra, '--import', 'tsx', path.join('bench', file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
