// The embedded cluster the model tests and the webview recorders run over: the engine on a virtual
// clock from a fixed instant and seed (so every run places the same pods on the same nodes), the
// extension's informer cache over it, and the shop example to apply.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { VirtualClock } from '../../engine/util/clock';
import type { ClusterBackend, KubeObj } from '../../extension/backend/clusterBackend';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { ClusterCache, type ClusterCacheOptions } from '../../extension/cache/clusterCache';

export const shopDir = path.resolve(__dirname, '../../examples/shop');

/** The shop's objects as `kubectl apply -f examples/shop` takes them: namespaces first. */
export function shopManifests(): Record<string, any>[] {
  const objects = readdirSync(shopDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(shopDir, f), 'utf8')).map((d) => d.toJS()))
    .filter((o) => o && typeof o === 'object');
  return [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
}

/** `kubectl apply -f examples/shop`. */
export async function applyShop(backend: ClusterBackend): Promise<void> {
  for (const obj of shopManifests()) await backend.apply(obj);
}

/** A pod whose container exits with code 1 every 30 s (engine/kubelet/README.md), with all three probes. */
export const crashingPod: KubeObj = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' }, annotations: { 'kubeside.dev/behavior': 'crash-after=30s' } },
  spec: {
    containers: [
      {
        name: 'checkout',
        image: 'nginx:1.27.3',
        ports: [{ name: 'http', containerPort: 80 }],
        startupProbe: { tcpSocket: { port: 80 } },
        livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        readinessProbe: { httpGet: { path: '/', port: 'http' } },
      },
    ],
  },
};

export interface TestCluster {
  readonly clock: VirtualClock;
  readonly backend: EmbeddedBackend;
  readonly cache: ClusterCache;
  /** Lets the cluster run for `ms` of virtual time in steps of `stepMs`, then hands the cache's pending batch to its listeners. */
  settle(ms: number, stepMs: number): Promise<void>;
  /** Stops the cache, then the cluster. */
  dispose(): Promise<void>;
}

export interface TestClusterOptions {
  readonly seed: number;
  readonly workers: number;
  /** The informers the cache runs (all by default). */
  readonly kinds?: ClusterCacheOptions['kinds'];
}

/** A cluster started at 12:00 UTC on 4 December 2026 on a virtual clock, and its cache (batches of 100 ms), started. */
export async function startCluster(options: TestClusterOptions): Promise<TestCluster> {
  const clock = new VirtualClock(Date.UTC(2026, 11, 4, 12, 0, 0));
  const backend = await EmbeddedBackend.start({ clock, seed: options.seed, workers: options.workers });
  const cache = new ClusterCache(backend, { clock, batchMs: 100, ...(options.kinds ? { kinds: options.kinds } : {}) });
  await cache.start();
  return {
    clock,
    backend,
    cache,
    async settle(ms, stepMs) {
      await clock.advanceAsync(ms, stepMs);
      cache.flush();
    },
    async dispose() {
      cache.dispose();
      await backend.dispose();
    },
  };
}
