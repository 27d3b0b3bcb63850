// `npm run bench thread`: what running the embedded cluster in a worker thread (ThreadedBackend, as
// the extension does) buys the extension host, against the same cluster in the host's own thread
// (EmbeddedBackend), in the same run. Both are served from a state directory on the real clock, and
// the extension's informer cache follows them as the views do. The workload: Deployments totalling
// PODS pods (default 1,000) on WORKERS nodes (default 10) applied at once, until the cache sees every
// pod Running; then deleted, until the cache sees none. Meanwhile a timer due every 10 ms on the
// host thread measures how late it runs, as a click or a tree redraw would wait (late ticks count
// every tick due meanwhile, as the cluster bench's get probe does), and how busy that thread was.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import * as esbuild from 'esbuild';
import type { LocalClusterBackend } from '../extension/backend/clusterBackend';
import { EmbeddedBackend } from '../extension/backend/embeddedBackend';
import { ThreadedBackend, youngGenerationMb } from '../extension/backend/threadedBackend';
import { ClusterCache } from '../extension/cache/clusterCache';

const pods = Number(process.env.PODS ?? 1_000);
const workers = Number(process.env.WORKERS ?? 10);
const rounds = Number(process.env.ROUNDS ?? 2);
const replicas = 50;
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Lateness of a 10 ms timer on this thread; a late tick stands for every tick due meanwhile. */
class LagProbe {
  readonly lags: number[] = [];
  private due = performance.now() + 10;
  private readonly timer = setInterval(() => {
    const now = performance.now();
    for (; this.due <= now; this.due += 10) this.lags.push(now - this.due);
  }, 10);
  stop(): { p50: number; p99: number; max: number } {
    clearInterval(this.timer);
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
  }
}

async function until(check: () => boolean, limitMs = 600_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('the workload did not finish within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Row {
  mode: string;
  runningS: number;
  goneS: number;
  lag: { p50: number; p99: number; max: number };
  /** Share of the wall time the host thread was busy (event loop utilization). */
  hostBusy: number;
  /** The host thread's live V8 heap once every pod runs, after a full GC (the worker's heap is its own). */
  hostHeapMiB: number;
}

async function run(mode: 'in-process' | 'thread', threadFile: string, dir: string): Promise<Row> {
  const stateDir = path.join(dir, `${mode}-${Math.random().toString(36).slice(2)}`);
  const backend: LocalClusterBackend = mode === 'thread' ? await ThreadedBackend.start({ stateDir, workers, threadFile }) : await EmbeddedBackend.start({ stateDir, workers });
  const cache = new ClusterCache(backend);
  await cache.start();
  const running = () => cache.list('pods').filter((p) => p.metadata.namespace === 'default' && p.status?.phase === 'Running').length;
  const present = () => cache.list('pods').filter((p) => p.metadata.namespace === 'default').length;

  globalThis.gc?.();
  const probe = new LagProbe();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const count = Math.ceil(pods / replicas);
  await Promise.all(
    Array.from({ length: count }, (_, d) => {
      const labels = { app: `app-${d}` };
      const n = Math.min(replicas, pods - d * replicas);
      return backend.apply({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${d}`, namespace: 'default' },
        spec: { replicas: n, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } },
      });
    }),
  );
  await until(() => running() === pods);
  const runningS = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const hostHeap = v8.getHeapStatistics().used_heap_size;
  const t1 = performance.now();
  await Promise.all(Array.from({ length: count }, (_, d) => backend.delete({ type: deployments, namespace: 'default', name: `app-${d}` })));
  await until(() => present() === 0);
  const goneS = (performance.now() - t1) / 1000;
  const hostBusy = performance.eventLoopUtilization(elu0).utilization;
  const lag = probe.stop();
  cache.dispose();
  await backend.dispose();
  return { mode, runningS, goneS, lag, hostBusy, hostHeapMiB: hostHeap / 2 ** 20 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeside-thread-bench-'));
  try {
    const threadFile = path.join(dir, 'clusterThread.js');
    await esbuild.build({ entryPoints: ['extension/backend/clusterThread.ts'], outfile: threadFile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
    const rows: Row[] = [];
    // Interleaved, so a machine that gets busier during the run colours both alike.
    for (let r = 0; r < rounds; r++) for (const mode of ['in-process', 'thread'] as const) rows.push(await run(mode, threadFile, dir));

    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`\n${fmt(pods)} pods in ${Math.ceil(pods / replicas)} Deployments on ${workers} workers, real clock, followed by the extension's cache`);
    console.log(`${pad('cluster runs', 14)}${pad('all Running s', 15)}${pad('all gone s', 12)}${pad('host lag p50/p99/max ms', 25)}${pad('host busy', 11)}host heap MiB`);
    for (const r of rows) {
      console.log(`${pad(r.mode, 14)}${pad(fmt(r.runningS, 2), 15)}${pad(fmt(r.goneS, 2), 12)}${pad(`${fmt(r.lag.p50, 1)}/${fmt(r.lag.p99, 1)}/${fmt(r.lag.max, 0)}`, 25)}${pad(`${fmt(r.hostBusy * 100, 0)}%`, 11)}${fmt(r.hostHeapMiB)}`);
    }
    console.log(`\nhost lag: how late a timer due every 10 ms ran on the extension's thread (what a click or a redraw waits); busy: its event loop utilization over the workload; heap: the host thread's live V8 heap once every pod runs, after a full GC (the extension's cache, and in-process the whole cluster too)`);
    console.log(`thread: the cluster in a worker thread with a ${youngGenerationMb} MB young generation, reached over its loopback REST API; in-process: the same cluster in the host's thread, called directly`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
