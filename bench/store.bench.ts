// `npm run bench store`: the embedded store beside real etcd (Debian's /usr/bin/etcd driven
// through the etcd3 client) on the same machine, with the same keys, values and concurrency:
// 100k pod-sized (~3 KB JSON) values, puts in memory and durable, put latency, ranges, watch
// fan-out and memory. Prints one table; skips the etcd column when the binary is absent.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { MvccStore, Store, prefixEnd, type Watch } from '../engine/store/index';
import { Random } from '../engine/util/random';
import { etcdAvailable, etcdBinary, startEtcd, type EtcdProcess } from './support/etcd';

const keyCount = 100_000;
const namespaces = 10; // so one namespace's prefix holds 10k keys
const singleWriterPuts = 5_000;
const concurrentWriters = 1_000;
const watchers = 100;
const watchedPuts = 5_000;
/** Wall-clock budget for each etcd write phase; etcd's share is scaled down to fit (and said so). */
const etcdPhaseBudgetMs = 25_000;

const podsPrefix = '/registry/pods/';
const keyOf = (i: number) => `${podsPrefix}ns-${i % namespaces}/web-${i.toString(36).padStart(5, '0')}`;

/** A pod as kube-apiserver would store it: ~3 KB of JSON, different for every key. */
function podJson(i: number, rnd: Random): string {
  const name = `web-${i.toString(36).padStart(5, '0')}`;
  const pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: `ns-${i % namespaces}`,
      uid: `${rnd.suffix(8)}-${rnd.suffix(4)}-${rnd.suffix(4)}-${rnd.suffix(12)}`,
      resourceVersion: String(i + 1),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: 'web', 'pod-template-hash': rnd.suffix(10) },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(900 + rnd.int(200)) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${rnd.suffix(10)}`, uid: rnd.suffix(36), controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }, env: Array.from({ length: 12 }, (_, e) => ({ name: `ENV_${e}`, value: rnd.suffix(20) })) }],
      nodeName: `node-${rnd.int(50)}`,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: { phase: 'Running', podIP: `10.244.${rnd.int(255)}.${rnd.int(255)}`, conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' })) },
  };
  return JSON.stringify(pod);
}

const now = () => performance.now();
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

/** Heap in use after full collections (twice: one pass can leave garbage of a previous phase). */
function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

interface Row {
  metric: string;
  kubeside: string;
  etcd: string;
}
const rows: Row[] = [];
const notes: string[] = [];
function row(metric: string, kubeside: string, etcd = ''): void {
  rows.push({ metric, kubeside, etcd });
}
function setEtcd(metric: string, value: string): void {
  const r = rows.find((x) => x.metric === metric);
  if (r) r.etcd = value;
  else rows.push({ metric, kubeside: '', etcd: value });
}

// ---------------------------------------------------------------- Kubeside

async function benchKubeside(values: string[], heapBeforeValues: number): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-bench-store-'));
  try {
    // In memory: the synchronous core, one put after another.
    const mem = new MvccStore();
    let t = now();
    for (let i = 0; i < keyCount; i++) mem.put(keyOf(i), values[i]!);
    row('puts/s, in memory (100k keys)', fmt(keyCount / ((now() - t) / 1000)), etcdAvailable() ? 'n/a (etcd always persists)' : '');
    // Everything allocated since before the values were made: the values (held by the store and
    // by this bench alike) and the store's own structures.
    const loaded = gcHeap() - heapBeforeValues;
    const valueBytes = values.reduce((a, v) => a + v.length, 0);

    // Ranges on the 100k-key store.
    const nsPrefix = `${podsPrefix}ns-3/`;
    const prefixTimes: number[] = [];
    for (let r = 0; r < 15; r++) {
      t = now();
      const res = mem.range(nsPrefix, { end: prefixEnd(nsPrefix)! });
      prefixTimes.push(now() - t);
      if (res.kvs.length !== keyCount / namespaces) throw new Error(`prefix range returned ${res.kvs.length}`);
    }
    const fullTimes: number[] = [];
    for (let r = 0; r < 5; r++) {
      t = now();
      const res = mem.range(podsPrefix, { end: prefixEnd(podsPrefix)! });
      fullTimes.push(now() - t);
      if (res.kvs.length !== keyCount) throw new Error(`full range returned ${res.kvs.length}`);
    }
    row('range latency, 10k-key prefix (median)', `${fmt(median(prefixTimes), 1)} ms`);
    row('range latency, all 100k keys (median)', `${fmt(median(fullTimes), 1)} ms`);
    row('memory with 100k keys loaded', `${mb(loaded)} heap (${mb(valueBytes)} values + ${mb(loaded - valueBytes)} store)`);

    // Durable, one writer awaiting each put.
    const single = await Store.open({ dir: path.join(tmp, 'single') });
    const latencies: number[] = [];
    const t0 = now();
    for (let i = 0; i < singleWriterPuts; i++) {
      t = now();
      await single.put(keyOf(i), values[i]!);
      latencies.push(now() - t);
    }
    const singleSeconds = (now() - t0) / 1000;
    await single.close();
    latencies.sort((a, b) => a - b);
    row(`durable puts/s, 1 writer (${fmt(singleWriterPuts)} puts)`, fmt(singleWriterPuts / singleSeconds));
    row('durable put latency p50 / p99, 1 writer', `${fmt(percentile(latencies, 50), 2)} / ${fmt(percentile(latencies, 99), 2)} ms`);

    // Durable, 1,000 concurrent writers sharing fsyncs (group commit), all 100k keys.
    const durable = await Store.open({ dir: path.join(tmp, 'concurrent') });
    t = now();
    await Promise.all(
      Array.from({ length: concurrentWriters }, async (_, w) => {
        for (let i = w; i < keyCount; i += concurrentWriters) await durable.put(keyOf(i), values[i]!);
      }),
    );
    const concurrentSeconds = (now() - t) / 1000;
    row(`durable puts/s, ${fmt(concurrentWriters)} writers (100k keys)`, fmt(keyCount / concurrentSeconds));
    notes.push(`kubeside: ${fmt(keyCount)} concurrent durable puts took ${fmt(durable.syncCount)} fdatasyncs (group commit).`);
    await durable.close();

    // Watch fan-out: 100 watchers on the pods prefix, events delivered to all of them.
    const fan = new MvccStore();
    const received = await fanOut(fan, values);
    row(`watch fan-out, ${watchers} watchers (events/s delivered)`, fmt(received));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function fanOut(store: MvccStore, values: string[]): Promise<number> {
  const expected = watchedPuts;
  const ws: Watch[] = Array.from({ length: watchers }, () => store.watch({ key: podsPrefix, end: prefixEnd(podsPrefix)! }));
  const t = now();
  const consumers = ws.map(async (w) => {
    let n = 0;
    for await (const r of w) {
      n += r.events.length;
      if (n >= expected) break;
    }
  });
  for (let i = 0; i < watchedPuts; i++) {
    store.put(keyOf(i), values[i]!);
    if (i % 100 === 99) await yieldToLoop();
  }
  await Promise.all(consumers);
  return (expected * watchers) / ((now() - t) / 1000);
}

// ---------------------------------------------------------------- etcd

async function benchEtcd(values: string[]): Promise<void> {
  let etcd: EtcdProcess | undefined;
  let client: Etcd3 | undefined;
  try {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.endpoint, grpcOptions: { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 } });
    await client.put('/warmup').value('x');

    // One writer awaiting each put.
    const latencies: number[] = [];
    let t = now();
    const t0 = t;
    let done = 0;
    for (; done < singleWriterPuts && now() - t0 < etcdPhaseBudgetMs; done++) {
      t = now();
      await client.put(keyOf(done)).value(values[done]!);
      latencies.push(now() - t);
    }
    const singleSeconds = (now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    if (done < singleWriterPuts) notes.push(`etcd: the 1-writer phase was cut to ${fmt(done)} puts to fit the time budget.`);
    setEtcd(`durable puts/s, 1 writer (${fmt(singleWriterPuts)} puts)`, fmt(done / singleSeconds));
    setEtcd('durable put latency p50 / p99, 1 writer', `${fmt(percentile(latencies, 50), 2)} / ${fmt(percentile(latencies, 99), 2)} ms`);

    // 1,000 concurrent writers over all 100k keys (scaled down if etcd cannot finish in the budget).
    let written = 0;
    t = now();
    const deadline = t + etcdPhaseBudgetMs;
    await Promise.all(
      Array.from({ length: concurrentWriters }, async (_, w) => {
        for (let i = w; i < keyCount && now() < deadline; i += concurrentWriters) {
          await client!.put(keyOf(i)).value(values[i]!);
          written++;
        }
      }),
    );
    const concurrentSeconds = (now() - t) / 1000;
    setEtcd(`durable puts/s, ${fmt(concurrentWriters)} writers (100k keys)`, fmt(written / concurrentSeconds));
    if (written < keyCount) {
      notes.push(`etcd: the ${fmt(concurrentWriters)}-writer phase was cut to ${fmt(written)} puts to fit the time budget; the rest of the keys were loaded unmeasured for the range and memory figures.`);
      for (let start = 0; start < keyCount; start += 2000) {
        await Promise.all(Array.from({ length: 2000 }, (_, j) => start + j).filter((i) => i < keyCount).map((i) => client!.put(keyOf(i)).value(values[i]!)));
      }
    }

    // Ranges.
    const nsPrefix = `${podsPrefix}ns-3/`;
    const prefixTimes: number[] = [];
    for (let r = 0; r < 5; r++) {
      t = now();
      const res = await client.getAll().prefix(nsPrefix).exec();
      prefixTimes.push(now() - t);
      if (res.kvs.length !== keyCount / namespaces) throw new Error(`etcd prefix range returned ${res.kvs.length}`);
    }
    const fullTimes: number[] = [];
    for (let r = 0; r < 2; r++) {
      t = now();
      const res = await client.getAll().prefix(podsPrefix).exec();
      fullTimes.push(now() - t);
      if (res.kvs.length !== keyCount) throw new Error(`etcd full range returned ${res.kvs.length}`);
    }
    setEtcd('range latency, 10k-key prefix (median)', `${fmt(median(prefixTimes), 1)} ms`);
    setEtcd('range latency, all 100k keys (median)', `${fmt(median(fullTimes), 1)} ms`);
    setEtcd('memory with 100k keys loaded', `${mb(etcd.rss())} RSS (process)`);

    // Watch fan-out: 100 watchers over the client's one watch stream.
    const counts = new Array<number>(watchers).fill(0);
    let finished = 0;
    let allDone!: () => void;
    const all = new Promise<void>((resolve) => (allDone = resolve));
    const ws = await Promise.all(
      counts.map(async (_, k) => {
        const w = await client!.watch().prefix(podsPrefix).create();
        w.on('put', () => {
          if (++counts[k]! === watchedPuts && ++finished === watchers) allDone();
        });
        return w;
      }),
    );
    t = now();
    for (let start = 0; start < watchedPuts; start += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => client!.put(keyOf(start + j)).value(values[start + j]!)));
    }
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), etcdPhaseBudgetMs))]);
    const delivered = counts.reduce((a, b) => a + b, 0);
    setEtcd(`watch fan-out, ${watchers} watchers (events/s delivered)`, fmt(delivered / ((now() - t) / 1000)));
    if (timedOut) notes.push(`etcd: watch fan-out stopped at the time budget with ${fmt(delivered)} of ${fmt(watchers * watchedPuts)} events delivered.`);
    await Promise.all(ws.map((w) => w.cancel()));
  } finally {
    client?.close();
    await etcd?.stop();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = now();
  const rnd = new Random(2026);
  const heapBeforeValues = gcHeap();
  const values = Array.from({ length: keyCount }, (_, i) => podJson(i, rnd));
  const avg = values.reduce((a, v) => a + v.length, 0) / values.length;
  console.log(`${fmt(keyCount)} keys under ${podsPrefix}<ns>/<name>, pod JSON values of ${fmt(avg)} bytes on average; ${os.cpus().length} CPUs, Node ${process.version}.`);

  await benchKubeside(values, heapBeforeValues);
  if (etcdAvailable()) {
    notes.push('etcd runs as its own process on the same CPUs and is driven through the etcd3 client (gRPC in this Node process), whose cost is part of its figures, as it would be for any Node caller.');
    await benchEtcd(values);
  } else {
    notes.push(`etcd column skipped: ${etcdBinary} not found (Debian package etcd-server).`);
  }

  const w0 = Math.max(...rows.map((r) => r.metric.length), 6);
  const w1 = Math.max(...rows.map((r) => r.kubeside.length), 8);
  console.log(`\n${'metric'.padEnd(w0)}  ${'kubeside'.padStart(w1)}  etcd`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(20)}`);
  for (const r of rows) console.log(`${r.metric.padEnd(w0)}  ${r.kubeside.padStart(w1)}  ${r.etcd}`);
  for (const n of notes) console.log(`note: ${n}`);
  console.log(`(bench took ${fmt((now() - started) / 1000, 1)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
