// `npm run bench schema`: how fast the schemas load (cold, each in a fresh process: from source as
// tests run it, and from an esbuild bundle as the extension and language server ship it), and how
// many objects per second validateObject checks on 10k realistic manifests (Deployments, Services,
// ConfigMaps, Pods, with a few invalid ones so error paths are exercised too).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { validateObject } from '../engine/api/validate';
import { Random } from '../engine/util/random';

const root = path.resolve(__dirname, '..');
const objectCount = 10_000;
const coldRuns = 5;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds from `require` of the schema module to the first Deployment schema, in a fresh Node. */
function coldLoad(args: string[], modulePath: string): number {
  const probe = `const t0 = performance.now(); const s = require(${JSON.stringify(modulePath)}); s.openapi().forKind('apps', 'v1', 'Deployment').property('spec').property('template'); console.log(performance.now() - t0);`;
  const r = spawnSync(process.execPath, [...args, '-e', probe], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cold-load probe failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

function coldLoads(): { source: number; bundle: number; bundleBytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-schema-bench-'));
  try {
    const bundle = path.join(dir, 'schema.js');
    esbuild.buildSync({ entryPoints: [path.join(root, 'engine/api/schema/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error' });
    const source = Array.from({ length: coldRuns }, () => coldLoad(['--import', 'tsx'], path.join(root, 'engine/api/schema/index.ts')));
    const bundled = Array.from({ length: coldRuns }, () => coldLoad([], bundle));
    return { source: median(source), bundle: median(bundled), bundleBytes: fs.statSync(bundle).size };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A manifest as users write them: varied names, labels, containers, env, probes, resources. */
function manifest(i: number, rnd: Random): Record<string, unknown> {
  const name = `app-${i}-${rnd.suffix(4)}`;
  const labels = { app: name, tier: ['web', 'api', 'db'][rnd.int(3)]!, 'app.kubernetes.io/part-of': 'shop' };
  const container = (n: number) => ({
    name: `c${n}`,
    image: `registry.example.com/${name}:${rnd.int(20)}.${rnd.int(10)}`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: 8080 + n, protocol: 'TCP' }],
    env: Array.from({ length: 1 + rnd.int(6) }, (_, e) => ({ name: `VAR_${e}`, value: rnd.suffix(12) })),
    resources: { requests: { cpu: `${50 + rnd.int(200)}m`, memory: `${64 + rnd.int(256)}Mi` }, limits: { cpu: 1, memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
  });
  const podSpec = () => ({ containers: Array.from({ length: 1 + rnd.int(3) }, (_, n) => container(n)), restartPolicy: 'Always', terminationGracePeriodSeconds: 30 });
  const metadata = { name, namespace: 'shop', labels };
  let obj: Record<string, unknown>;
  switch (i % 4) {
    case 0:
      obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: 1 + rnd.int(5), selector: { matchLabels: { app: name } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, template: { metadata: { labels }, spec: podSpec() } } };
      break;
    case 1:
      obj = { apiVersion: 'v1', kind: 'Service', metadata, spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };
      break;
    case 2:
      obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: Object.fromEntries(Array.from({ length: 3 + rnd.int(10) }, (_, k) => [`key-${k}.conf`, rnd.suffix(40)])) };
      break;
    default:
      obj = { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec() };
  }
  // One in fifty carries a mistake, as real repositories do.
  if (rnd.int(50) === 0) (obj as { metadata: Record<string, unknown> }).metadata['lables'] = { oops: 'true' };
  return obj;
}

/** objects/s of the first pass (cold schema nodes, cold JIT) and the best of three warm passes. */
function throughput(objects: Record<string, unknown>[]): { first: number; warm: number; invalid: number } {
  const pass = () => {
    const t0 = performance.now();
    let invalid = 0;
    for (const o of objects) if (validateObject(o).errors.length) invalid++;
    return { perSecond: objects.length / ((performance.now() - t0) / 1000), invalid };
  };
  const first = pass();
  const warm = Math.max(...[pass(), pass(), pass()].map((p) => p.perSecond));
  return { first: first.perSecond, warm, invalid: first.invalid };
}

const cold = coldLoads();
const rnd = new Random(42);
const objects = Array.from({ length: objectCount }, (_, i) => manifest(i, rnd));
const { first, warm, invalid } = throughput(objects);

console.log(`schema load, cold (median of ${coldRuns} fresh processes, require → first Deployment schema)`);
console.log(`  from source (tsx)          ${fmt(cold.source, 1)} ms`);
console.log(`  from esbuild bundle        ${fmt(cold.bundle, 1)} ms   (bundle ${fmt(cold.bundleBytes / 1024 / 1024, 1)} MB)`);
console.log(`validateObject on ${fmt(objectCount)} objects (Deployment/Service/ConfigMap/Pod, ${invalid} invalid)`);
console.log(`  first pass                 ${fmt(first)} objects/s`);
console.log(`  warm (best of 3 passes)    ${fmt(warm)} objects/s`);
console.log(`(machine load average ${os.loadavg().map((l) => fmt(l, 1)).join(', ')}; figures are noisy on a shared machine)`);
