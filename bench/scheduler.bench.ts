// `npm run bench scheduler`: the scheduler at 5,000 nodes. First the scheduling algorithm alone
// (cycles against the node cache, each pod assumed onto its node, no API), then end to end:
// pending pods created through the in-process API server, scheduled, and bound through pods/binding
// with their Scheduled events, until every pod is bound (pods with inter-pod affinity and spreading
// constraints are measured apart, without the API); last, as the ceiling, as many bindings
// posted straight to the API with no scheduling. percentageOfNodesToScore is left to
// kube-scheduler's adaptive rule (10% at 5,000 nodes) unless PERCENTAGE is set.
import { ApiServer } from '../engine/apiserver/apiserver';
import { groups, TokenAuthenticator, users } from '../engine/apiserver/auth/user';
import { ApiClient } from '../engine/apiserver/client';
import { SchedulerCache } from '../engine/scheduler/cache';
import { Framework, numFeasibleNodesToFind } from '../engine/scheduler/framework';
import { Scheduler } from '../engine/scheduler/index';
import { newPodInfo } from '../engine/scheduler/podInfo';
import { defaultProfile } from '../engine/scheduler/plugins/registry';
import { Store } from '../engine/store/index';
import { VirtualClock } from '../engine/util/clock';
import { Random } from '../engine/util/random';

const nodeCount = Number(process.env.NODES ?? 5_000);
const algorithmPods = Number(process.env.ALGORITHM_PODS ?? 50_000);
const apiPods = Number(process.env.PODS ?? 10_000);
const percentage = process.env.PERCENTAGE ? Number(process.env.PERCENTAGE) : undefined;
/** EVENTS=0 leaves out the Scheduled events, to show what the bindings alone cost. */
const withEvents = process.env.EVENTS !== '0';

const now = () => performance.now();
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** The scheduler throughput the running-cluster work asks for at 5,000 nodes. */
const targetPodsPerSecond = 8_000;
const verdict = (podsPerSecond: number) => `${podsPerSecond >= targetPodsPerSecond ? 'meets' : 'misses'} the ${fmt(targetPodsPerSecond)} pods/s target`;
const zones = ['zone-a', 'zone-b', 'zone-c'];

function nodeObject(i: number) {
  const name = `node-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zones[i % zones.length]!, 'node.kubernetes.io/instance-type': i % 10 === 0 ? 'large' : 'standard' } },
    spec: i % 50 === 0 ? { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } : {},
    status: {
      capacity: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

/** A typical workload pod: requests, a nodeSelector on some, a toleration on others. */
function podObject(i: number) {
  const spec: Record<string, unknown> = {
    containers: [{ name: 'app', image: 'registry.example/app:1.0', resources: { requests: { cpu: `${100 + (i % 5) * 50}m`, memory: `${128 + (i % 4) * 64}Mi` } } }],
  };
  if (i % 4 === 0) spec.nodeSelector = { 'topology.kubernetes.io/zone': zones[i % zones.length] };
  if (i % 7 === 0) spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `app-${i}`, namespace: 'default', labels: { app: `app-${i % 100}` } }, spec };
}

/** One round: a fresh cache of nodeCount nodes, then algorithmPods cycles; pods per second. */
function algorithmRound(): { podsPerSecond: number; evaluatedPerPod: number; failed: number } {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodeCount; i++) cache.setNode(nodeObject(i) as never);
  const framework = new Framework(defaultProfile(), new Random(1), percentage);
  const pods = Array.from({ length: algorithmPods }, (_, i) => newPodInfo({ ...podObject(i), metadata: { ...podObject(i).metadata, uid: `uid-${i}` } } as never));
  let evaluated = 0;
  let failed = 0;
  const t0 = now();
  for (const pod of pods) {
    const r = framework.schedulePod(pod, cache);
    if (r instanceof Error) {
      failed++;
      continue;
    }
    evaluated += r.evaluatedNodes;
    cache.assumePod(pod, r.node.name);
  }
  const seconds = (now() - t0) / 1000;
  return { podsPerSecond: algorithmPods / seconds, evaluatedPerPod: evaluated / Math.max(1, algorithmPods - failed), failed };
}

/** Three rounds, since the machine may be shared: the median and the best. */
function algorithmOnly(): void {
  const rounds = [algorithmRound(), algorithmRound(), algorithmRound()];
  const rates = rounds.map((r) => r.podsPerSecond).sort((a, b) => a - b);
  console.log(`algorithm only (no API): ${fmt(algorithmPods)} pods on ${fmt(nodeCount)} nodes, 3 rounds`);
  console.log(`  feasible nodes to find per pod: ${fmt(numFeasibleNodesToFind(percentage, nodeCount))}; nodes filtered per pod: ${fmt(rounds[0]!.evaluatedPerPod, 1)}`);
  console.log(`  median ${fmt(rates[1]!)} pods/s (${fmt(1e6 / rates[1]!, 1)} µs per pod), best ${fmt(rates[2]!)} pods/s; ${rounds[0]!.failed} unschedulable; median ${verdict(rates[1]!)}`);
}

/**
 * Pods with inter-pod constraints, whose PreFilter and PreScore count matching pods across the
 * cluster: 1,000 of each kind, scheduled among 20,000 pods already running in 100 apps.
 */
function constrainedPods(): void {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodeCount; i++) cache.setNode(nodeObject(i) as never);
  const framework = new Framework(defaultProfile(), new Random(1), percentage);
  const make = (i: number, spec: Record<string, unknown> = {}) =>
    newPodInfo({ metadata: { name: `p-${i}`, namespace: 'default', labels: { app: `app-${i % 100}` } }, spec: { containers: [{ name: 'app', image: 'app', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], ...spec } } as never);
  const place = (count: number, offset: number, spec?: (i: number) => Record<string, unknown>) => {
    const t0 = now();
    for (let i = 0; i < count; i++) {
      const pod = make(offset + i, spec?.(i));
      const r = framework.schedulePod(pod, cache);
      if (r instanceof Error) throw new Error(`unexpected: ${r.message}`);
      cache.assumePod(pod, r.node.name);
    }
    return count / ((now() - t0) / 1000);
  };
  place(20_000, 0);
  const selector = (i: number) => ({ matchLabels: { app: `app-${i % 100}` } });
  const kinds: [string, (i: number) => Record<string, unknown>][] = [
    ['required anti-affinity by hostname', (i) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector(i), topologyKey: 'kubernetes.io/hostname' }] } } })],
    ['topology spread by zone, DoNotSchedule', (i) => ({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector(i) }] })],
    ['topology spread by hostname, ScheduleAnyway', (i) => ({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector(i) }] })],
  ];
  console.log(`\ninter-pod constraints (no API), among 20,000 running pods on ${fmt(nodeCount)} nodes:`);
  kinds.forEach(([name, spec], k) => console.log(`  ${name}: ${fmt(place(1_000, 100_000 * (k + 1), spec))} pods/s`));
}

async function endToEnd(): Promise<void> {
  const clock = new VirtualClock();
  const store = Store.inMemory({ clock });
  const server = new ApiServer({ store, clock, random: new Random(7), authenticator: new TokenAuthenticator() });
  await server.ensureBootstrap();
  const admin = new ApiClient(server, { name: 'bench-admin', groups: [groups.masters, groups.authenticated] });
  const nodes = { group: '', version: 'v1', resource: 'nodes' };
  const pods = { group: '', version: 'v1', resource: 'pods' };
  // The service account controller's work: pods need their namespace's default service account.
  await admin.create({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'default', { metadata: { name: 'default' } });

  let t0 = now();
  for (let start = 0; start < nodeCount; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(nodeCount, start + 500); i++) {
      const node = nodeObject(i);
      batch.push(admin.create(nodes, undefined, node).then(() => admin.patch(nodes, undefined, node.metadata.name, 'merge', { status: node.status }, {}, 'status')));
    }
    await Promise.all(batch);
  }
  const nodeSeconds = (now() - t0) / 1000;
  t0 = now();
  for (let start = 0; start < apiPods; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(apiPods, start + 500); i++) batch.push(admin.create(pods, 'default', podObject(i)));
    await Promise.all(batch);
  }
  const podSeconds = (now() - t0) / 1000;
  console.log(`\nend to end through the in-process API server: ${fmt(nodeCount)} nodes (registered in ${fmt(nodeSeconds, 1)} s), ${fmt(apiPods)} pending pods (created in ${fmt(podSeconds, 1)} s)`);

  const client = new ApiClient(server, { name: users.scheduler, groups: [groups.authenticated] });
  const scheduler = new Scheduler({
    client,
    clock,
    random: new Random(1),
    ...(percentage !== undefined ? { percentageOfNodesToScore: percentage } : {}),
    ...(withEvents ? {} : { recorder: { event() {} } }),
  });
  t0 = now();
  await scheduler.start();
  const syncSeconds = (now() - t0) / 1000;
  const t1 = now();
  while (scheduler.stats.scheduled + scheduler.stats.unschedulable < apiPods) await new Promise<void>((resolve) => setImmediate(resolve));
  const seconds = (now() - t1) / 1000;
  scheduler.stop();
  const bound = (admin.list(pods, 'default', { fieldSelector: 'spec.nodeName!=' }).items as unknown[]).length;
  console.log(`  informers synced in ${fmt(syncSeconds, 2)} s; then ${fmt(scheduler.stats.scheduled)} pods bound in ${fmt(seconds, 2)} s: ${fmt(scheduler.stats.scheduled / seconds)} pods/s (bound per the API: ${fmt(bound)}; unschedulable ${scheduler.stats.unschedulable}; ${withEvents ? 'with' : 'without'} Scheduled events); ${verdict(scheduler.stats.scheduled / seconds)}`);
  console.log(`  nodes filtered per pod: ${fmt(scheduler.stats.evaluatedNodes / Math.max(1, scheduler.stats.scheduled), 1)}`);

  // The ceiling: the same number of bindings posted straight to the API, with no scheduling at all.
  for (let start = 0; start < apiPods; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(apiPods, start + 500); i++) batch.push(admin.create(pods, 'default', { ...podObject(i), metadata: { ...podObject(i).metadata, name: `direct-${i}` } }));
    await Promise.all(batch);
  }
  t0 = now();
  const binds = [];
  for (let i = 0; i < apiPods; i++) {
    const name = `direct-${i}`;
    binds.push(client.create(pods, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: nodeObject(i % nodeCount).metadata.name } }, {}, { name, subresource: 'binding' }));
  }
  await Promise.all(binds);
  const direct = (now() - t0) / 1000;
  console.log(`  for reference, ${fmt(apiPods)} bindings posted straight to the API (no scheduling, no events): ${fmt(apiPods / direct)} binds/s`);
}

async function main(): Promise<void> {
  algorithmOnly();
  constrainedPods();
  if (apiPods > 0) await endToEnd();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
