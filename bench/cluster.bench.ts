// `npm run bench cluster`: the whole embedded cluster at Kubernetes' scalability limits, on a
// VirtualClock — nodes brought up until Ready; Deployments whose pods are created, scheduled and
// started until all are Running; and, meanwhile, how long an API `get` waits on the real clock
// (the event loop must never block for long). Scheduler throughput alone: `npm run bench scheduler`.
// The 5,000-node / 150,000-pod run only with KUBESIDE_BENCH_FULL=1; NODES=… and PODS=… pick one run
// (BENCH_KUBE_PROXY=0 leaves out the kube-proxy DaemonSet that kubeadm's addons otherwise include;
// HEAP_SNAPSHOT=file writes a heap snapshot of the cluster once every pod of a pods run is Running).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { writesWaiting } from '../engine/apiserver/turnBudget';
import { Cluster } from '../engine/cluster/index';
import { VirtualClock } from '../engine/util/clock';
import { chunksWaiting } from '../engine/util/eventLoop';

const core = { group: '', version: 'v1' };
const nodesResource = { ...core, resource: 'nodes' };
const podsResource = { ...core, resource: 'pods' };
const configmaps = { ...core, resource: 'configmaps' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

const full = process.env.KUBESIDE_BENCH_FULL === '1';
/** Virtual time allowed for all pods to run before the run is reported as unfinished. */
const virtualLimitMs = 30 * 60_000;
/**
 * Wall time allowed the same way (BENCH_WALL_LIMIT_S, 15 minutes by default): far from its target,
 * the 150,000-pod run would otherwise go on for hours before saying how far it got.
 */
const wallLimitMs = Number(process.env.BENCH_WALL_LIMIT_S ?? 900) * 1000;
/**
 * Virtual time the clock moves per turn of the event loop, on turns that find the cluster caught up
 * (no API write waiting for its turn, no component waiting to resume): timers never add work faster
 * than the cluster does it, as on a real clock a cluster that keeps up does not fall behind.
 */
const stepMs = 100;
/**
 * Timers fired per turn of the event loop at most: a step that makes thousands of timers due (every
 * pod's container starting at once) fires them over several turns, so an API request waits for a few
 * of them, not for all, as on a real clock where each timer is a task of its own.
 */
const timersPerTurn = 64;
const replicasPerDeployment = 100;

const targets = { nodesReadyS: 5, podsRunningS: 60, heapGiB: 4, getMs: 50 };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (bytes: number) => bytes / 2 ** 20;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Peak V8 heap over a run: sampled on the real clock and by the driving loop, after a GC at the start. */
class HeapPeak {
  peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    globalThis.gc?.();
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
  }
  sample(): void {
    const used = v8.getHeapStatistics().used_heap_size;
    if (used > this.peak) this.peak = used;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/**
 * A client sending a `get` every 10 ms of wall time, whether or not the last one was answered. The
 * get itself is synchronous in process, so a request's latency is the time it waited for the event
 * loop plus the time it took. When the loop was busy for 300 ms, the requests due in that time all
 * waited: the first ~300 ms, the next ~290 ms, and so on, and each counts (a probe that counted only
 * the one late tick would hide long stalls behind many quick answers: coordinated omission).
 */
class GetProbe {
  readonly latencies: number[] = [];
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;
  constructor(get: () => void, intervalMs = 10) {
    this.timer = setInterval(() => {
      const start = performance.now();
      get();
      const end = performance.now();
      const took = end - start;
      // The requests due since the last answer, every intervalMs, each answered now.
      for (let due = this.last + intervalMs; due <= start; due += intervalMs) this.latencies.push(end - due);
      if (this.last + intervalMs > start) this.latencies.push(took);
      this.last = end;
    }, intervalMs);
  }
  stop(): { p50: number; p99: number; max: number; samples: number } {
    clearInterval(this.timer);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, samples: sorted.length };
  }
}

/** Heap in use after a full GC (with --expose-gc, as `npm run bench` runs), else undefined. */
function liveHeap(): number | undefined {
  if (!globalThis.gc) return undefined;
  globalThis.gc();
  return v8.getHeapStatistics().used_heap_size;
}

interface Row {
  scenario: string;
  wallS: number;
  /** CPU time of the process (user + system): steadier than wall time on a shared machine. */
  cpuS: number;
  virtualS?: number;
  heapMiB: number;
  /** Heap still in use after a full GC at the end: what the cluster holds, without garbage. */
  liveMiB?: number;
  writesPerS?: number;
  bindsPerS?: number;
  get?: { p50: number; p99: number; max: number; samples: number };
  verdict: string;
}

const rows: Row[] = [];

/** kubeadm's addons, CoreDNS and the kube-proxy DaemonSet (a pod on every node), unless `kubeProxy` is false. */
async function startCluster(workers: number, kubeProxy = true): Promise<Cluster> {
  // Enough room that capacity never decides where pods go; 110 pods a node, as the kubelet default.
  // and a pod network with a /24 for each of 5,000 nodes.
  const addons = kubeProxy ? {} : { kubeProxy: false };
  return Cluster.start({ clock: new VirtualClock(), workers, seed: 1, nodeCapacity: { cpu: '32', memory: '128Gi' }, podSubnet: '10.0.0.0/11', addons });
}

function readyNodes(cluster: Cluster): number {
  const items = cluster.adminClient().list(nodesResource).items as { status?: { conditions?: { type: string; status: string }[] } }[];
  return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

/**
 * (a) N nodes registered and Ready: Cluster.start returns once every kubelet has registered and
 * reported its Node Ready. With the kube-proxy DaemonSet, the run goes on, driven on the virtual
 * clock, until its pod runs on every node, and a second row says when: the nodes do not wait for
 * it (a real node is Ready before its kube-proxy pod starts), but the work is part of a bring-up.
 */
async function bringUp(nodes: number, kubeProxy = true): Promise<void> {
  const heap = new HeapPeak();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const cluster = await startCluster(nodes, kubeProxy);
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSeconds(cpu0);
  const ready = readyNodes(cluster);
  const ok = ready === nodes + 1;
  const verdict = !ok ? `only ${ready} of ${nodes + 1} Ready` : nodes === 5_000 ? (wallS <= targets.nodesReadyS ? `meets ≤${targets.nodesReadyS} s` : `misses ≤${targets.nodesReadyS} s`) : 'all Ready';
  const scenario = `${fmt(nodes)} nodes Ready${kubeProxy ? '' : ', no kube-proxy'}`;
  if (!kubeProxy) {
    const peak = heap.stop();
    const live = liveHeap();
    await cluster.stop();
    rows.push({ scenario, wallS, cpuS, heapMiB: mib(peak), ...(live !== undefined ? { liveMiB: mib(live) } : {}), verdict });
    return;
  }
  rows.push({ scenario, wallS, cpuS, heapMiB: mib(heap.peak), verdict });
  const proxies = await kubeProxiesRunning(cluster, nodes + 1, t0, cpu0, heap);
  const peak = heap.stop();
  const live = liveHeap();
  await cluster.stop();
  rows.push({
    scenario: `  then kube-proxy Running on all ${fmt(nodes + 1)}`,
    wallS: proxies.wallS,
    cpuS: proxies.cpuS,
    virtualS: proxies.virtualS,
    writesPerS: proxies.writesPerS,
    heapMiB: mib(peak),
    ...(live !== undefined ? { liveMiB: mib(live) } : {}),
    verdict: proxies.running === nodes + 1 ? 'all Running' : `only ${fmt(proxies.running)} Running when stopped`,
  });
}

/**
 * Drives the clock until `want` kube-proxy pods run, counting them from one watch (which starts
 * with those there already). Returns their count, and the wall and CPU seconds since `t0`/`cpu0`
 * and the virtual time it took.
 */
async function kubeProxiesRunning(cluster: Cluster, want: number, t0: number, cpu0: NodeJS.CpuUsage, heap?: HeapPeak): Promise<{ running: number; wallS: number; cpuS: number; virtualS: number; writesPerS: number }> {
  const clock = cluster.clock as VirtualClock;
  const virtual0 = clock.now();
  const revision0 = cluster.store.revision;
  const wall0 = performance.now();
  const running = new Set<string>();
  const watch = cluster.adminClient('bench').watch(podsResource, 'kube-system', { labelSelector: 'k8s-app=kube-proxy' }, (e) => {
    const pod = e.object as { metadata: { uid: string }; status?: { phase?: string } };
    if (e.type !== 'DELETED' && pod.status?.phase === 'Running') running.add(pod.metadata.uid);
    else running.delete(pod.metadata.uid);
  });
  let due = clock.now();
  while (running.size < want && clock.now() - virtual0 < virtualLimitMs && performance.now() - t0 < wallLimitMs) {
    if (writesWaiting() === 0 && chunksWaiting() === 0) {
      if (clock.now() >= due) due = clock.now() + stepMs;
      clock.advance(due - clock.now(), timersPerTurn);
    }
    await nextTurn();
    heap?.sample();
  }
  const end = performance.now();
  const writesPerS = (cluster.store.revision - revision0) / ((end - wall0) / 1000);
  const result = { running: running.size, wallS: (end - t0) / 1000, cpuS: cpuSeconds(cpu0), virtualS: (clock.now() - virtual0) / 1000, writesPerS };
  watch.stop();
  return result;
}

/**
 * (b)/(c) Deployments of 100 replicas totalling `pods`, on `nodes` workers, driven on the virtual
 * clock until every pod is Running, with the get probe on the real clock meanwhile.
 */
async function deploymentsRunning(nodes: number, pods: number): Promise<void> {
  const cluster = await startCluster(nodes);
  // The nodes are Ready; the measured work starts once kube-proxy runs on each of them too.
  const settled = await kubeProxiesRunning(cluster, nodes + 1, performance.now(), process.cpuUsage());
  if (settled.running !== nodes + 1) throw new Error(`kube-proxy runs on only ${settled.running} of ${nodes + 1} nodes`);
  const clock = cluster.clock as VirtualClock;
  const admin = cluster.adminClient('bench');
  await admin.create(configmaps, 'default', { metadata: { name: 'probe' }, data: { ok: 'true' } });

  // Running and bound counts from one watch, as a client would follow them.
  const phases = new Map<string, string>();
  let running = 0;
  let bound = 0;
  let firstBind = 0;
  let lastBind = 0;
  const seenBound = new Set<string>();
  const watch = admin.watch(podsResource, 'default', { resourceVersion: String(cluster.store.revision) }, (e) => {
    const pod = e.object as { metadata: { uid: string }; spec?: { nodeName?: string }; status?: { phase?: string } };
    const uid = pod.metadata.uid;
    const before = phases.get(uid);
    const now = e.type === 'DELETED' ? undefined : pod.status?.phase;
    if (before === 'Running') running--;
    if (now === 'Running') running++;
    if (now) phases.set(uid, now);
    else phases.delete(uid);
    if (pod.spec?.nodeName && !seenBound.has(uid)) {
      seenBound.add(uid);
      bound++;
      lastBind = performance.now();
      if (!firstBind) firstBind = lastBind;
    }
  });

  const heap = new HeapPeak();
  const probe = new GetProbe(() => admin.get(configmaps, 'default', 'probe'));
  const revision0 = cluster.store.revision;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const virtual0 = clock.now();
  const count = Math.ceil(pods / replicasPerDeployment);
  for (let d = 0; d < count; d++) {
    const replicas = Math.min(replicasPerDeployment, pods - d * replicasPerDeployment);
    const labels = { app: `app-${d}` };
    await admin.create(deployments, 'default', {
      metadata: { name: `app-${d}` },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
      },
    });
    if (d % 10 === 9) await nextTurn();
  }
  let lastReport = performance.now();
  // Virtual time the driver has let pass: a step whose timers did not all fire in one turn goes on
  // firing them on the next turns before the next step begins.
  let due = clock.now();
  while (running < pods && clock.now() - virtual0 < virtualLimitMs && performance.now() - t0 < wallLimitMs) {
    if (writesWaiting() === 0 && chunksWaiting() === 0) {
      if (clock.now() >= due) due = clock.now() + stepMs;
      clock.advance(due - clock.now(), timersPerTurn);
    }
    await nextTurn();
    heap.sample();
    if (process.env.PROGRESS && performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      console.log(`  … ${fmt((lastReport - t0) / 1000, 0)} s wall, ${fmt((clock.now() - virtual0) / 1000, 1)} s virtual: ${fmt(bound)} bound, ${fmt(running)} Running, ${fmt(writesWaiting())} writes and ${fmt(chunksWaiting())} chunks waiting, heap ${fmt(mib(v8.getHeapStatistics().used_heap_size))} MiB`);
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSeconds(cpu0);
  const virtualS = (clock.now() - virtual0) / 1000;
  const get = probe.stop();
  const peak = heap.stop();
  const writes = cluster.store.revision - revision0;
  const live = liveHeap();
  if (process.env.HEAP_SNAPSHOT) v8.writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  watch.stop();
  await cluster.stop();

  const misses: string[] = [];
  if (running < pods) misses.push(`only ${fmt(running)} Running (${fmt(bound)} bound) when stopped`);
  if (pods >= 150_000 && wallS > targets.podsRunningS) misses.push(`wall > ${targets.podsRunningS} s`);
  if (pods >= 150_000 && peak > targets.heapGiB * 2 ** 30) misses.push(`heap > ${targets.heapGiB} GiB`);
  if (get.max > targets.getMs) misses.push(`get max > ${targets.getMs} ms`);
  rows.push({
    scenario: `${fmt(pods)} pods Running on ${fmt(nodes)} nodes`,
    wallS,
    cpuS,
    virtualS,
    heapMiB: mib(peak),
    ...(live !== undefined ? { liveMiB: mib(live) } : {}),
    writesPerS: writes / wallS,
    bindsPerS: lastBind > firstBind ? bound / ((lastBind - firstBind) / 1000) : undefined,
    get,
    verdict: misses.length ? `misses: ${misses.join('; ')}` : 'meets targets',
  });
}

function printTable(): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  // The widest scenario sets the first column, so a long one never runs into the figures.
  const first = Math.max(34, ...rows.map((r) => r.scenario.length + 2));
  console.log(`\n${pad('scenario', first)}${pad('wall s', 9)}${pad('cpu s', 9)}${pad('virtual s', 11)}${pad('peak heap MiB', 15)}${pad('live MiB', 10)}${pad('writes/s', 10)}${pad('binds/s', 9)}${pad('get p50/p99/max ms', 22)}verdict`);
  for (const r of rows) {
    const get = r.get ? `${fmt(r.get.p50, 1)}/${fmt(r.get.p99, 1)}/${fmt(r.get.max, 0)}` : '';
    console.log(`${pad(r.scenario, first)}${pad(fmt(r.wallS, 2), 9)}${pad(fmt(r.cpuS, 2), 9)}${pad(r.virtualS !== undefined ? fmt(r.virtualS, 1) : '', 11)}${pad(fmt(r.heapMiB), 15)}${pad(r.liveMiB !== undefined ? fmt(r.liveMiB) : '', 10)}${pad(r.writesPerS !== undefined ? fmt(r.writesPerS) : '', 10)}${pad(r.bindsPerS !== undefined ? fmt(r.bindsPerS) : '', 9)}${pad(get, 22)}${r.verdict}`);
  }
  console.log(`\ntargets: 5,000 nodes Ready ≤ ${targets.nodesReadyS} s; 150,000 pods Running ≤ ${targets.podsRunningS} s wall and ≤ ${targets.heapGiB} GiB heap; an API get answered within ${targets.getMs} ms at any moment; scheduler ≥ 8,000 pods/s (npm run bench scheduler)`);
  console.log(`cpu s: the process's CPU time (user + system) over the same span, for a machine busy with other work (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
  console.log("addons: kubeadm's, CoreDNS and the kube-proxy DaemonSet (a pod on every node), except in rows that say 'no kube-proxy'");
  console.log('peak heap: sampled every 50 ms and every turn, garbage included; live: in use after a full GC at the end (what the cluster holds)');
  console.log('writes/s: store revisions (API writes) per wall second; binds/s: pods bound per second between the first and last binding; get: a ConfigMap get due every 10 ms of wall time, waiting included (requests due while the loop was busy each count)');
}

async function main(): Promise<void> {
  if (process.env.NODES) {
    const nodes = Number(process.env.NODES);
    if (process.env.PODS) await deploymentsRunning(nodes, Number(process.env.PODS));
    else await bringUp(nodes, process.env.BENCH_KUBE_PROXY !== '0');
  } else {
    for (const n of [100, 1_000, 5_000]) await bringUp(n);
    // The same without a pod on every node: the nodes alone, as earlier figures measured them.
    await bringUp(5_000, false);
    await deploymentsRunning(500, 10_000);
    if (full) await deploymentsRunning(5_000, 150_000);
    else console.log('\n150,000 pods on 5,000 nodes left out (KUBESIDE_BENCH_FULL=1 runs it); this run stops at 10,000 pods on 500 nodes.');
  }
  printTable();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
