// `npm run bench [name…]`: runs every bench/<name>.bench.ts (or the named ones) in its own Node
// process, one after another, so one benchmark's heap and JIT state never colour the next one's
// figures. Each benchmark prints its own table; this script only sequences them.
//
// Each benchmark runs as the product ships: bundled by esbuild, as `npm run build` bundles the
// extension, so the figures measure that code. Run from source under tsx instead, its esbuild
// transform keeps every function's name with a `__name(fn, "…")` call at each closure's creation,
// which V8 turns into a defineProperty and a dictionary-mode function object: 10,000 pods on 500
// nodes ran in 24.1 and 20.9 s bundled against 33.7 and 27.4 s from source, interleaved. BENCH_SOURCE=1 runs the TypeScript under tsx all
// the same (to profile with the source's line numbers).
//
// BENCH_AGAINST=<git ref> measures the working tree against that commit in the same run: the
// commit is checked out in a temporary worktree (sharing this checkout's node_modules), and each
// benchmark runs BENCH_ROUNDS times (3 by default) alternately there and here, every table
// labelled. On a shared machine whose speed drifts by a third within the hour, only runs side by
// side like this compare; figures from separate runs do not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const wanted = process.argv.slice(2);
const all = readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.includes(f.replace(/\.bench\.ts$/, ''))) : all;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark; available: ${all.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}
const against = process.env.BENCH_AGAINST;
const rounds = against ? Number(process.env.BENCH_ROUNDS ?? 3) : 1;
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`BENCH_ROUNDS must be a positive whole number, not ${process.env.BENCH_ROUNDS}`);
  process.exit(2);
}
// BENCH_NODE_FLAGS adds V8 flags to try a setting out (`--max-semi-space-size=32`).
const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

/** Checks `ref` out in a temporary worktree that uses this checkout's node_modules; returns its directory. */
function baseline(ref) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeside-bench-'));
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const added = git('worktree', 'add', '--detach', dir, ref);
  if (added.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    console.error(`BENCH_AGAINST=${ref}: ${added.stderr.trim() || 'git worktree add failed'}`);
    process.exit(2);
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const commit = git('rev-parse', '--short', 'HEAD').stdout.trim();
  const base = git('-C', dir, 'rev-parse', '--short', 'HEAD').stdout.trim();
  return {
    dir,
    label: `${ref} (${base})`,
    here: `working tree (${commit}${git('status', '--porcelain').stdout.trim() ? ' with changes' : ''})`,
    remove: () => {
      git('worktree', 'remove', '--force', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fromSource = process.env.BENCH_SOURCE === '1';

/**
 * Each source file's own `__dirname`, `__filename` and `import.meta.url`, as it has them run from
 * source: the harnesses find the checkout's files from where their module lies, and a bundle lies
 * elsewhere (and, as CommonJS, has no import.meta).
 */
const ownPaths = {
  name: 'own-paths',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b|\bimport\.meta\.url\b/.test(source)) return undefined;
      const contents = source
        .replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
        .replace(/\b__filename\b/g, JSON.stringify(args.path))
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * Bundles `bench/<file>` of the checkout in `cwd` beside it and returns the bundle's path, relative
 * to `cwd`. Packages stay external: they load from node_modules as the product's do.
 */
async function bundled(cwd, file) {
  const outfile = path.join('bench', `.${file.replace(/\.ts$/, '')}.bundle.cjs`);
  await esbuild.build({
    absWorkingDir: cwd,
    entryPoints: [path.join('bench', file)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
    plugins: [ownPaths],
  });
  return outfile;
}

const base = against ? baseline(against) : undefined;
let failed = 0;
try {
  const sides = base ? [{ cwd: base.dir, label: base.label }, { cwd: root, label: base.here }] : [{ cwd: root }];
  const loader = fromSource ? ['--import', 'tsx'] : [];
  for (const file of chosen) {
    const name = file.replace(/\.bench\.ts$/, '');
    console.log(`\n=== ${name} ===`);
    // Each side's bundle is made once for all its rounds.
    const scripts = [];
    try {
      for (const side of sides) scripts.push(fromSource ? path.join('bench', file) : await bundled(side.cwd, file));
      for (let round = 1; round <= rounds; round++) {
        sides.forEach((side, i) => {
          if (side.label) console.log(`\n--- ${side.label}, round ${round} of ${rounds}`);
          const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', ...extra, ...loader, scripts[i]], { cwd: side.cwd, stdio: 'inherit' });
          if (r.status !== 0) failed++;
        });
      }
    } finally {
      if (!fromSource) scripts.forEach((script, i) => rmSync(path.join(sides[i].cwd, script), { force: true }));
    }
  }
} finally {
  base?.remove();
}
process.exit(failed ? 1 : 0);
