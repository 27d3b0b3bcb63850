// The resource metrics API (metrics.k8s.io/v1beta1) of a cluster on a virtual clock: containers use
// what their behaviour says plus the requests they serve, averaged over a 15 s window, and the API
// server serves it as metrics-server does — with the pods' labels, selectors, its errors, and RBAC.
import assert from 'node:assert/strict';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { formatCpu, formatMemory } from '../../../engine/metrics/api';
import { bootCluster } from '../cluster/boot';

const pods = { group: '', version: 'v1', resource: 'pods' };
const services = { group: '', version: 'v1', resource: 'services' };
const rolebindings = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings' };
const podMetrics = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };
const nodeMetrics = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' };

async function boot() {
  const { clock, cluster, admin, advance } = await bootCluster({ seed: 7, workers: 1 });
  const pod = (name: string, annotations: Record<string, string>, resources: Obj = {}) =>
    admin.create(pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name }, annotations },
      spec: { nodeName: 'worker-1', containers: [{ name: 'main', image: 'nginx:1.29', ports: [{ containerPort: 80 }], resources }] },
    });
  const usage = (name: string): Obj => admin.get(podMetrics, 'default', name).containers[0].usage;
  return { clock, cluster, admin, advance, pod, usage };
}

/** Runs `fn` and returns the status code and message it failed with. */
function failure(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: number }).code, message: (err as Error).message };
  }
  assert.fail('expected a failure');
}

describe('resource metrics API', function () {
  this.timeout(60_000);
  let c: Awaited<ReturnType<typeof boot>> | undefined;
  afterEach(async () => {
    await c?.cluster.stop();
    c = undefined;
  });

  it('prints quantities as metrics-server does', () => {
    assert.deepEqual([formatCpu(0), formatCpu(250_000_000), formatCpu(1_500_000), formatCpu(251_340), formatCpu(2_000_000_000)], ['0', '250m', '1500u', '251340n', '2']);
    assert.deepEqual([formatMemory(8 * 1024 * 1024), formatMemory(12_345 * 1024), formatMemory(1000)], ['8Mi', '12345Ki', '1k']);
  });

  it('reports a pod once it has run a whole window: the cpu= and memory= directives, capped by the CPU limit', async () => {
    c = await boot();
    await c.pod('steady', { 'kubeside.dev/behavior': 'cpu=250m, memory=64Mi' });
    await c.pod('throttled', { 'kubeside.dev/behavior': 'cpu=250m' }, { limits: { cpu: '100m', memory: '128Mi' } });
    await c.pod('idle', {});
    await c.advance(10_000);
    assert.deepEqual(c.admin.list(podMetrics, 'default').items, [], 'no container has a rate yet');
    await c.advance(15_000);
    const list = c.admin.list(podMetrics, 'default');
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((m: Obj) => m.metadata.name), ['idle', 'steady', 'throttled']);
    const steady = list.items[1];
    assert.deepEqual(steady.metadata.labels, { app: 'steady' });
    assert.equal(steady.window, '15s');
    assert.equal(steady.timestamp, new Date(c.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.deepEqual(steady.containers, [{ name: 'main', usage: { cpu: '251m', memory: '64Mi' } }]);
    assert.deepEqual(c.usage('throttled'), { cpu: '100m', memory: '8Mi' });
    assert.deepEqual(c.usage('idle'), { cpu: '1m', memory: '8Mi' });
  });

  it('counts the requests a pod served in the last window: 100 ms of CPU each', async () => {
    c = await boot();
    await c.pod('web', {});
    await c.admin.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await c.advance(20_000);
    for (let i = 0; i < 30; i++) {
      await c.advance(500);
      assert.equal(c.cluster.request('GET', 'http://web.default/').status, 200);
    }
    // 30 requests in 15 s: 3000 millicore-seconds over 15 s is 200m, on the 1m baseline.
    assert.equal(c.usage('web').cpu, '201m');
    await c.advance(7_500);
    assert.equal(c.usage('web').cpu, '101m', 'half of them have left the window');
    await c.advance(7_500);
    assert.equal(c.usage('web').cpu, '1m');
  });

  it('reports each node: its pods and its own daemons', async () => {
    c = await boot();
    await c.pod('steady', { 'kubeside.dev/behavior': 'cpu=250m, memory=64Mi' });
    await c.advance(20_000);
    const nodes = c.admin.list(nodeMetrics);
    assert.deepEqual(nodes.items.map((n: Obj) => n.metadata.name), ['control-plane', 'worker-1']);
    // The control-plane node: its own daemons (40m, 300Mi), its four static pods, the two CoreDNS
    // pods and kube-proxy (1m, 8Mi each at rest); a worker: kube-proxy beside the pod.
    assert.deepEqual(nodes.items[0].usage, { cpu: '47m', memory: '356Mi' });
    assert.deepEqual(nodes.items[1].usage, { cpu: '292m', memory: '372Mi' });
    assert.equal(c.admin.get(nodeMetrics, undefined, 'worker-1').metadata.labels['kubernetes.io/hostname'], 'worker-1');
    assert.deepEqual(c.admin.list(nodeMetrics, undefined, { labelSelector: 'node-role.kubernetes.io/control-plane' }).items.map((n: Obj) => n.metadata.name), ['control-plane']);
  });

  it('answers as metrics-server: selectors, not found, no watch or writes, discovery', async () => {
    c = await boot();
    await c.pod('a', {});
    await c.pod('b', {});
    await c.advance(20_000);
    assert.deepEqual(c.admin.list(podMetrics, 'default', { labelSelector: 'app=b' }).items.map((m: Obj) => m.metadata.name), ['b']);
    assert.deepEqual(c.admin.list(podMetrics, 'default', { fieldSelector: 'metadata.name=a' }).items.map((m: Obj) => m.metadata.name), ['a']);
    assert.deepEqual(c.admin.list(podMetrics, 'kube-public').items, []);
    const system = c.admin.list(podMetrics, 'kube-system').items.map((m: Obj) => m.metadata.name.replace(/^(coredns|kube-proxy)-[a-z0-9-]+$/, '$1-*'));
    assert.deepEqual(system, ['coredns-*', 'coredns-*', 'etcd-control-plane', 'kube-apiserver-control-plane', 'kube-controller-manager-control-plane', 'kube-proxy-*', 'kube-proxy-*', 'kube-scheduler-control-plane']);
    assert.deepEqual(failure(() => c!.admin.get(podMetrics, 'default', 'nope')), { code: 404, message: 'podmetrics.metrics.k8s.io "default/nope" not found' });
    assert.deepEqual(failure(() => c!.admin.get(nodeMetrics, undefined, 'nope')), { code: 404, message: 'nodemetrics.metrics.k8s.io "nope" not found' });
    assert.equal(failure(() => c!.admin.watch(podMetrics, 'default', {}, () => {})).code, 405);
    await assert.rejects(c.admin.create(podMetrics, 'default', { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'x' } }), (err: { code: number }) => err.code === 405);
    assert.equal(failure(() => c!.admin.list({ ...podMetrics, version: 'v1' }, 'default')).code, 404);
    const served = c.admin.discover().filter((k) => k.group === 'metrics.k8s.io').map((k) => `${k.plural}/${k.kind}/${k.verbs.join(',')}`);
    assert.deepEqual(served, ['nodes/NodeMetrics/get,list', 'pods/PodMetrics/get,list']);
    // A deleted pod has no metrics, though its kubelet may not have stopped it yet.
    await c.admin.delete(pods, 'default', 'a', { gracePeriodSeconds: 30 });
    await c.admin.delete(pods, 'default', 'a', { gracePeriodSeconds: 0 });
    assert.deepEqual(c.admin.list(podMetrics, 'default').items.map((m: Obj) => m.metadata.name), ['b']);
  });

  it('is readable with view (system:aggregated-metrics-reader), not without a binding', async () => {
    c = await boot();
    await c.pod('a', {});
    await c.advance(20_000);
    const jane = new ApiClient(c.cluster.apiServer, { name: 'jane', groups: ['system:authenticated'] });
    const denied = failure(() => jane.list(podMetrics, 'default'));
    assert.equal(denied.code, 403);
    assert.match(denied.message, /User "jane" cannot list resource "pods" in API group "metrics\.k8s\.io" in the namespace "default"/);
    await c.admin.create(rolebindings, 'default', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'jane-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }],
    });
    assert.deepEqual(jane.list(podMetrics, 'default').items.map((m: Obj) => m.metadata.name), ['a']);
    assert.equal(failure(() => jane.list(nodeMetrics)).code, 403, 'node metrics are cluster-scoped: a namespace binding does not reach them');
    const reader = c.admin.get({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' }, undefined, 'system:aggregated-metrics-reader');
    assert.deepEqual(reader.rules, [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }]);
    assert.equal(reader.metadata.labels['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  });
});
