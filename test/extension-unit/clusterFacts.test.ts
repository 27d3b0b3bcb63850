// The facts the extension sends the language server, computed from the informer cache of a running
// embedded cluster: nodes as the scheduler sees them, the most room left on any schedulable node
// (after the requests of the pods running there), and the names of what exists.
import assert from 'node:assert/strict';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { ClusterCache, watchedResources } from '../../extension/cache/clusterCache';
import { clusterFacts } from '../../extension/cache/clusterFacts';
import { VirtualClock } from '../../engine/util/clock';

const Gi = 1024 ** 3;

const web = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '1', memory: '3Gi' } } }] },
    },
  },
});

describe('clusterFacts', () => {
  let clock: VirtualClock;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;

  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2026, 11, 4, 12, 0, 0));
    backend = await EmbeddedBackend.start({ clock, workers: 2, seed: 3 });
    cache = new ClusterCache(backend, { clock });
    await cache.start();
  });

  afterEach(async () => {
    cache.dispose();
    await backend.dispose();
  });

  async function settle(): Promise<void> {
    await clock.advanceAsync(30_000, 250);
    cache.flush();
  }

  it('describes each node: allocatable in millicores, bytes and pods, labels, taints, readiness', async () => {
    await settle();
    const facts = clusterFacts(cache);
    assert.deepEqual(Object.keys(facts.nodes).sort(), ['control-plane', 'worker-1', 'worker-2']);
    const controlPlane = facts.nodes['control-plane']!;
    assert.deepEqual(controlPlane.allocatable, { milliCPU: 4000, memory: 8 * Gi, pods: 110 });
    assert.deepEqual(controlPlane.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    assert.equal(controlPlane.ready, true);
    assert.equal(controlPlane.unschedulable, false);
    assert.equal(facts.nodes['worker-1']!.labels['kubernetes.io/hostname'], 'worker-1');
    assert.deepEqual(facts.largestFree, { milliCPU: 4000, memory: 8 * Gi });
  });

  it('leaves the requests of running pods out of the free room, and cordoned nodes out altogether', async () => {
    await backend.apply(web(2));
    await settle();
    const pods = cache.byIndex('pods', 'namespace', 'default');
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ['worker-1', 'worker-2'], 'one web pod on each worker');
    // The control plane still has the most room (less its static pods' 650m and 100Mi and the two
    // CoreDNS pods' 100m and 70Mi each), until it is cordoned.
    assert.deepEqual(clusterFacts(cache).largestFree, { milliCPU: 4000 - 650 - 2 * 100, memory: 8 * Gi - (100 + 2 * 70) * 2 ** 20 });
    await backend.patch({ type: watchedResources.nodes, name: 'control-plane' }, 'merge', { spec: { unschedulable: true } });
    await settle();
    const facts = clusterFacts(cache);
    assert.equal(facts.nodes['control-plane']!.unschedulable, true);
    assert.deepEqual(facts.largestFree, { milliCPU: 3000, memory: 5 * Gi });
  });

  it('counts a pod while it runs and nothing once it has completed', async () => {
    // worker-1 alone takes pods.
    for (const name of ['control-plane', 'worker-2']) await backend.patch({ type: watchedResources.nodes, name }, 'merge', { spec: { unschedulable: true } });
    await backend.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'migrate', namespace: 'default' },
      spec: {
        restartPolicy: 'Never',
        nodeSelector: { 'kubernetes.io/hostname': 'worker-1' },
        containers: [{ name: 'migrate', image: 'busybox:1.36', command: ['sleep', '30'], resources: { requests: { cpu: '3', memory: '7Gi' } } }],
      },
    });
    await clock.advanceAsync(5_000, 250);
    cache.flush();
    assert.equal(cache.get('pods', 'default', 'migrate')?.status?.phase, 'Running');
    assert.deepEqual(clusterFacts(cache).largestFree, { milliCPU: 1000, memory: 1 * Gi });
    await settle();
    assert.equal(cache.get('pods', 'default', 'migrate')?.status?.phase, 'Succeeded');
    assert.deepEqual(clusterFacts(cache).largestFree, { milliCPU: 4000, memory: 8 * Gi });
  });

  it('names the namespaces, ConfigMaps, Secrets and claims that exist', async () => {
    await backend.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data: { a: 'b' } });
    await backend.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: 'x' } });
    await backend.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await settle();
    const facts = clusterFacts(cache);
    assert.ok(facts.namespaces.includes('shop') && facts.namespaces.includes('kube-system'), facts.namespaces.join());
    assert.ok(facts.configMaps.includes('shop/web-config'), facts.configMaps.join());
    assert.ok(facts.secrets.includes('shop/db'), facts.secrets.join());
    assert.deepEqual(facts.persistentVolumeClaims, ['shop/data']);
  });
});
