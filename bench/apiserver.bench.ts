// `npm run bench apiserver`: throughput and latency of the in-process API server — creates,
// updates, patches, status writes, gets, a list of 10k objects, and watch fan-out to 1,000
// watchers — each the full path a request takes (authentication already done, authorization,
// admission, validation, defaulting, managed fields, the store). Prints one table.
import { performance } from 'node:perf_hooks';
import { ApiServer, type ApiWatchEvent } from '../engine/apiserver/apiserver';
import { groups, TokenAuthenticator } from '../engine/apiserver/auth/user';
import { ApiClient } from '../engine/apiserver/client';
import { Store } from '../engine/store/index';
import { RealClock } from '../engine/util/clock';
import { Random } from '../engine/util/random';

const core = { group: '', version: 'v1' };
const pods = { ...core, resource: 'pods' };
const configmaps = { ...core, resource: 'configmaps' };

const creates = 10_000;
const updates = 10_000;
const gets = 50_000;
const watchers = 1_000;
const watchedWrites = 200;

function pod(i: number) {
  return {
    metadata: { name: `web-${i}`, labels: { app: 'web', 'pod-template-hash': '5d9c7b8f4' }, annotations: { 'kubeside.dev/index': String(i) } },
    spec: {
      nodeName: `worker-${i % 50}`,
      automountServiceAccountToken: false,
      containers: [{ name: 'web', image: 'nginx:1.27.3', ports: [{ name: 'http', containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } }, readinessProbe: { httpGet: { path: '/', port: 'http' } } }],
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row { name: string; ops: number; ms: number; lat?: number[] }
const rows: Row[] = [];

async function timed(name: string, n: number, op: (i: number) => Promise<unknown> | unknown, concurrency = 1): Promise<void> {
  const lat: number[] = [];
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  rows.push({ name, ops: n, ms: performance.now() - start, lat: lat.sort((a, b) => a - b) });
}

async function main(): Promise<void> {
  const clock = new RealClock();
  const store = Store.inMemory({ clock });
  const server = new ApiServer({ store, clock, random: new Random(1), authenticator: new TokenAuthenticator() });
  await server.ensureBootstrap();
  const client = new ApiClient(server, { name: 'bench', groups: [groups.masters, groups.authenticated] });
  await client.create({ ...core, resource: 'namespaces' }, undefined, { metadata: { name: 'bench' } });
  await client.create({ ...core, resource: 'serviceaccounts' }, 'bench', { metadata: { name: 'default' } });

  await timed('create pod', creates, (i) => client.create(pods, 'bench', pod(i)));
  // The same creates in a namespace with a ResourceQuota (counted, as its controller leaves it):
  // admission checks and charges the quota's status, whatever the namespace already holds.
  await client.create({ ...core, resource: 'namespaces' }, undefined, { metadata: { name: 'quota' } });
  await client.create({ ...core, resource: 'serviceaccounts' }, 'quota', { metadata: { name: 'default' } });
  const hard = { pods: '100000', 'requests.cpu': '10000', 'requests.memory': '10000Gi' };
  const { object: quota } = await client.create({ ...core, resource: 'resourcequotas' }, 'quota', { metadata: { name: 'compute' }, spec: { hard } });
  await client.update({ ...core, resource: 'resourcequotas' }, 'quota', { ...quota, status: { hard, used: { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' } } }, {}, 'status');
  await timed('create pod under a quota', creates, (i) => client.create(pods, 'quota', pod(i)));
  await timed('update pod (labels)', updates, async (i) => {
    const p = client.get(pods, 'bench', `web-${i % creates}`);
    p.metadata.labels.rev = String(i);
    return client.update(pods, 'bench', p);
  });
  await timed('get pod', gets, (i) => client.get(pods, 'bench', `web-${i % creates}`));
  await timed('list 10k pods', 20, () => client.list(pods, 'bench'));
  await timed('list 10k pods, label selector', 20, () => client.list(pods, 'bench', { labelSelector: 'app=web,rev!=x' }));
  // As the REST API lists: it serializes the items and keeps none, so they are shared decodes.
  await timed('list 10k pods, read-only', 20, () => client.list(pods, 'bench', { readOnly: true }));
  await timed('list 500 of 10k (limit)', 200, () => client.list(pods, 'bench', { limit: 500 }));
  await timed('patch pod (strategic)', 5_000, (i) => client.patch(pods, 'bench', `web-${i % creates}`, 'strategic', { metadata: { annotations: { touched: String(i) } } }));
  // What a kubelet writes: the pod's status through the status subresource, under its own manager.
  await timed('update pod status', 5_000, async (i) => {
    const p = client.get(pods, 'bench', `web-${i % creates}`);
    p.status = { ...p.status, phase: 'Running', podIP: `10.0.${(i >> 8) & 255}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    return client.update(pods, 'bench', p, { fieldManager: 'kubelet' }, 'status');
  });
  await timed('patch pod status (merge)', 5_000, (i) => client.patch(pods, 'bench', `web-${i % creates}`, 'merge', { status: { conditions: [{ type: 'Ready', status: i % 2 ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' }] } }, { fieldManager: 'kubelet' }, 'status'));

  // Watch fan-out: 1,000 watchers of one namespace, each write delivered to all of them.
  await client.create({ ...core, resource: 'namespaces' }, undefined, { metadata: { name: 'watched' } });
  let delivered = 0;
  let lastDelivered = 0;
  const handles = Array.from({ length: watchers }, () => client.watch(configmaps, 'watched', { resourceVersion: String(store.revision) }, (e: ApiWatchEvent) => { if (e.type !== 'BOOKMARK') delivered++; }));
  const expected = watchers * watchedWrites;
  const watchStart = performance.now();
  for (let i = 0; i < watchedWrites; i++) await client.create(configmaps, 'watched', { metadata: { name: `cm-${i}` }, data: { i: String(i) } });
  while (delivered < expected) {
    await new Promise((r) => setImmediate(r));
    if (delivered === lastDelivered && performance.now() - watchStart > 60_000) break;
    lastDelivered = delivered;
  }
  const watchMs = performance.now() - watchStart;
  for (const h of handles) h.stop();

  const heap = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`in-process API server, ${creates.toLocaleString()} pods (Node ${process.version})\n`);
  console.log(`${pad('operation', 32)}${pad('ops/s', 12)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}`);
  for (const r of rows) {
    const lat = r.lat!;
    console.log(`${pad(r.name, 32)}${pad(Math.round((r.ops / r.ms) * 1000).toLocaleString(), 12)}${pad(percentile(lat, 50).toFixed(3), 10)}${pad(percentile(lat, 99).toFixed(3), 10)}`);
  }
  console.log(`${pad(`watch fan-out to ${watchers}`, 32)}${pad(Math.round((delivered / watchMs) * 1000).toLocaleString(), 12)}events/s delivered (${delivered.toLocaleString()} of ${expected.toLocaleString()})`);
  console.log(`\nheap used: ${heap} MiB`);
  await store.close();
}

void main();
