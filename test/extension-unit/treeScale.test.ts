// The sidebar trees at scale: 10,000 pods on one node under one ReplicaSet, 1,000 pods no node has
// taken and a Service with 10,000 endpoints, fed to the cache by a synthetic list+watch source. No
// tree level has more than 500 children, and a batch of changes names only the items it touched.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../../engine/util/clock';
import type { KubeObj } from '../../extension/backend/clusterBackend';
import { ClusterCache } from '../../extension/cache/clusterCache';
import { nextRevision, SyntheticBackend } from './treeSyntheticBackend';
import { createTreeModels, type TreeViewId } from '../../extension/views/model/index';
import { pageSize, type TreeModel, type TreeNode } from '../../extension/views/model/treeModel';

const podCount = 10_000;
const unscheduledCount = 1_000;
const eventCount = 5_000;
const ns = 'load';

const meta = (name: string, extra: KubeObj = {}) => ({ name, namespace: ns, uid: `uid-${name}`, resourceVersion: nextRevision(), creationTimestamp: '2026-12-04T12:00:00Z', ...extra });
const controllerRef = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true }];
const pad = (i: number) => String(i).padStart(5, '0');

function runningPod(i: number): KubeObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(`big-7d9f-${pad(i)}`, { ownerReferences: controllerRef('ReplicaSet', 'big-7d9f') }),
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu: '5m', memory: '4Mi' } } }] },
    status: {
      phase: 'Running',
      podIP: `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2026-12-04T12:00:05Z' } } }],
    },
  };
}

function unscheduledPod(i: number): KubeObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(`waiting-${pad(i)}`),
    spec: { containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu: '64' } } }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }] },
  };
}

function objects(): Record<string, KubeObj[]> {
  const pods = Array.from({ length: podCount }, (_, i) => runningPod(i));
  return {
    namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, uid: 'uid-ns', resourceVersion: nextRevision() }, status: { phase: 'Active' } }],
    nodes: [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'worker-1', uid: 'uid-worker-1', resourceVersion: nextRevision(), labels: {} },
        spec: { podCIDR: '10.244.0.0/16' },
        status: { allocatable: { cpu: '100', memory: '400Gi', pods: '20000' }, capacity: { cpu: '100', memory: '400Gi', pods: '20000' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
      },
    ],
    deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('big'), spec: { replicas: podCount }, status: { readyReplicas: podCount, updatedReplicas: podCount, availableReplicas: podCount } }],
    replicasets: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('big-7d9f', { ownerReferences: controllerRef('Deployment', 'big'), annotations: { 'deployment.kubernetes.io/revision': '1' } }), spec: { replicas: podCount }, status: { readyReplicas: podCount } }],
    pods: [...pods, ...Array.from({ length: unscheduledCount }, (_, i) => unscheduledPod(i))],
    events: Array.from({ length: eventCount }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta(`big-7d9f-${pad(i)}.${i}`),
      involvedObject: { kind: 'Pod', namespace: ns, name: `big-7d9f-${pad(i)}` },
      reason: i % 10 === 0 ? 'BackOff' : 'Started',
      message: i % 10 === 0 ? 'Back-off restarting failed container app' : 'Started container app',
      type: i % 10 === 0 ? 'Warning' : 'Normal',
      // One event a second, so the newest is the last one made.
      lastTimestamp: new Date(Date.UTC(2026, 11, 4, 12) + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    })),
    services: [{ apiVersion: 'v1', kind: 'Service', metadata: meta('big'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP' }] } }],
    endpointslices: Array.from({ length: podCount / 1000 }, (_, s) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta(`big-${s}`, { labels: { 'kubernetes.io/service-name': 'big' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'big', uid: 'uid-big', controller: true }] }),
      ports: [{ port: 80, protocol: 'TCP' }],
      endpoints: pods.slice(s * 1000, (s + 1) * 1000).map((p) => ({ addresses: [p.status.podIP], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns } })),
    })),
  };
}

function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  console.log(`      ${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return result;
}

describe('Sidebar trees with 10,000 pods on one node and under one ReplicaSet', function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  let source: SyntheticBackend;
  let cache: ClusterCache;
  let models: Record<TreeViewId, TreeModel>;

  before(async () => {
    clock = new VirtualClock(Date.UTC(2026, 11, 4, 12, 0, 0));
    source = new SyntheticBackend(objects());
    cache = new ClusterCache(source.asBackend(), { clock, kinds: ['namespaces', 'nodes', 'pods', 'deployments', 'replicasets', 'services', 'endpointslices', 'events'] });
    await cache.start();
    cache.flush();
    models = createTreeModels(cache, { clock });
  });

  after(() => {
    for (const model of Object.values(models)) model.dispose?.();
    cache.dispose();
  });

  /** Every node below `node` through pages, checking that no level has more than pageSize children. */
  function podsThroughPages(model: TreeModel, node: TreeNode): TreeNode[] {
    const level = model.children(node);
    assert.ok(level.length <= pageSize, `${node.id} has ${level.length} children`);
    if (level.every((n) => n.contextValue !== 'kubeside.page')) return level;
    return level.flatMap((page) => {
      const items = model.children(page);
      assert.ok(items.length <= pageSize, `${page.id} has ${items.length} children`);
      return items;
    });
  }

  it('Cluster: the node shows its 10,000 pods in pages of 500, and the unscheduled ones in pages too', () => {
    const model = models['kubeside.cluster'];
    const roots = timed('cluster roots', () => model.roots());
    assert.deepEqual(roots.map((r) => r.id), ['node/worker-1', 'pending']);
    assert.equal(roots[0]!.description, `Ready · ${podCount} pods · cpu 50% · mem 9%`);
    assert.equal(roots[1]!.description, `${unscheduledCount} pods`);
    assert.match(roots[1]!.tooltip!, /1000 × 0\/1 nodes are available: 1 Insufficient cpu\./);
    const pages = timed('children of the node (pages)', () => model.children(roots[0]!));
    assert.equal(pages.length, podCount / pageSize);
    assert.equal(pages[0]!.label, 'pods 1–500');
    assert.equal(pages.at(-1)!.label, 'pods 9501–10000');
    const lastPage = timed('children of one page', () => model.children(pages.at(-1)!));
    assert.equal(lastPage.length, pageSize);
    assert.equal(lastPage.at(-1)!.label, `big-7d9f-${pad(podCount - 1)}`);
    assert.equal(model.parent?.(lastPage[0]!)?.id, pages.at(-1)!.id);
    const all = podsThroughPages(model, roots[0]!);
    assert.equal(new Set(all.map((p) => p.id)).size, podCount);
    assert.equal(podsThroughPages(model, roots[1]!).length, unscheduledCount);
  });

  it('Workloads: the ReplicaSet\'s 10,000 pods are paged the same way', () => {
    const model = models['kubeside.workloads'];
    const big = model.children(model.children(model.roots()[0]!)[0]!)[0]!;
    assert.equal(big.id, 'deployment/load/big');
    assert.equal(big.description, `${podCount}/${podCount} ready · ${podCount} up-to-date · ${podCount} available`);
    const [rs] = model.children(big);
    const pages = timed('children of the ReplicaSet (pages)', () => model.children(rs!));
    assert.equal(pages.length, podCount / pageSize);
    assert.equal(podsThroughPages(model, rs!).length, podCount);
    // The bare-pod group holds the 1,000 pods no controller owns, paged.
    const bare = model.children(model.roots()[0]!).find((g) => g.label === 'Pods')!;
    assert.equal(bare.description, String(unscheduledCount));
    assert.equal(model.children(bare).length, unscheduledCount / pageSize);
  });

  it('Network: the Service\'s 10,000 endpoints are paged', () => {
    const model = models['kubeside.network'];
    const svc = model.children(model.children(model.roots()[0]!)[0]!)[0]!;
    const endpoints = timed('endpoints of the Service, through pages', () => podsThroughPages(model, svc));
    assert.equal(endpoints.length, podCount);
    assert.equal(endpoints[0]!.description, `big-7d9f-${pad(0)} · ready`);
  });

  it('Events: the newest 200 of 5,000, warnings marked, and a last item counting the rest', () => {
    const model = models['kubeside.events'];
    const roots = timed('events roots', () => model.roots());
    assert.equal(roots.length, 201);
    assert.equal(roots[0]!.label, 'Started');
    assert.equal(roots[0]!.description, `Pod/big-7d9f-${pad(eventCount - 1)} · Started container app`);
    const warning = roots.find((r) => r.label === 'BackOff')!;
    assert.equal(warning.description, `Pod/big-7d9f-${pad(eventCount - 10)} · Back-off restarting failed container app`);
    assert.deepEqual(warning.icon, { id: 'warning', color: 'list.warningForeground' });
    assert.equal(warning.contextValue, 'kubeside.event.warning');
    assert.equal(roots.at(-1)!.label, `${eventCount - 200} older events not shown`);
    assert.equal(roots.at(-1)!.description, `newest 200 of ${eventCount}`);
  });

  it('a batch of changes names only the pod, its node and its ReplicaSet, never every item', () => {
    const cluster = models['kubeside.cluster'];
    const workloads = models['kubeside.workloads'];
    const seen: Record<string, { roots: boolean; ids: ReadonlySet<string> }[]> = { cluster: [], workloads: [] };
    const subscription = cache.onDidChange((changes) => {
      seen.cluster!.push(timed(`cluster affected(${changes.length} changes)`, () => cluster.affected(changes)));
      seen.workloads!.push(timed(`workloads affected(${changes.length} changes)`, () => workloads.affected(changes)));
    });
    try {
      // One pod's container restarts: only that pod's item is redrawn.
      const pod = cache.get('pods', ns, `big-7d9f-${pad(42)}`)!;
      source.push('pods', 'MODIFIED', { ...pod, status: { ...pod.status, containerStatuses: [{ ...pod.status.containerStatuses[0], restartCount: 1 }] } });
      cache.flush();
      assert.deepEqual(seen.cluster, [{ roots: false, ids: new Set([`pod/${ns}/big-7d9f-${pad(42)}`]) }]);
      assert.deepEqual(seen.workloads, [{ roots: false, ids: new Set([`pod/${ns}/big-7d9f-${pad(42)}`]) }]);

      // A scale-up by 1,000: one batch, and it names the node and the ReplicaSet (whose pages are redrawn), not 1,000 items.
      seen.cluster = [];
      seen.workloads = [];
      for (let i = podCount; i < podCount + 1000; i++) source.push('pods', 'ADDED', runningPod(i));
      cache.flush();
      assert.deepEqual(seen.cluster, [{ roots: false, ids: new Set(['node/worker-1']) }]);
      assert.deepEqual(seen.workloads, [{ roots: false, ids: new Set(['replicaset/load/big-7d9f']) }]);
      const before = cluster.roots()[0]!;
      const node = timed('cluster resolve(node) after the scale-up', () => cluster.resolve(before)!);
      timed('cluster resolve(node) again', () => cluster.resolve(before)!);
      assert.equal(node.description, `Ready · ${podCount + 1000} pods · cpu 55% · mem 10%`);
      assert.equal(cluster.children(node).length, (podCount + 1000) / pageSize);

      // The last unscheduled pod is bound: the group goes when it empties, and the top level is redrawn.
      seen.cluster = [];
      for (let i = 0; i < unscheduledCount; i++) {
        const waiting = cache.get('pods', ns, `waiting-${pad(i)}`)!;
        source.push('pods', 'DELETED', waiting);
      }
      cache.flush();
      assert.deepEqual(seen.cluster, [{ roots: true, ids: new Set(['pending']) }]);
      assert.deepEqual(cluster.roots().map((r) => r.id), ['node/worker-1']);
    } finally {
      subscription.dispose();
    }
  });
});
