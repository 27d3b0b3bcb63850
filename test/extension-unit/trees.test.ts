// The sidebar trees over a real (embedded) cluster: given the shop example applied and running, each
// tree shows what a user expects; when the web Deployment scales or a node fails, the models name
// the exact items to refresh and the items show the new state.
import assert from 'node:assert/strict';
import { Quantity } from '../../engine/api/quantity';
import { podStatus } from '../../engine/http/printers';
import type { VirtualClock } from '../../engine/util/clock';
import type { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import type { CacheChange, ClusterCache } from '../../extension/cache/clusterCache';
import { createTreeModels, type TreeViewId } from '../../extension/views/model/index';
import { autoscalerTargets } from '../../extension/views/model/workloadsTreeModel';
import type { TreeModel, TreeNode } from '../../extension/views/model/treeModel';
import { applyShop, startCluster, type TestCluster } from './shopCluster';

/** The child of `node` labelled `label`, failing with what was there instead. */
function child(model: TreeModel, node: TreeNode | undefined, label: string): TreeNode {
  const children = node ? model.children(node) : model.roots();
  const found = children.find((c) => c.label === label);
  assert.ok(found, `no "${label}" under ${node?.id ?? 'the roots'}: ${children.map((c) => c.label).join(', ')}`);
  return found;
}

/** Follows a path of labels from the roots. */
function at(model: TreeModel, ...labels: string[]): TreeNode {
  let node: TreeNode | undefined;
  for (const label of labels) node = child(model, node, label);
  return node!;
}

describe('Sidebar trees over the embedded cluster running the shop', function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  let cluster: TestCluster;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  let models: Record<TreeViewId, TreeModel>;
  /** Every refresh each model asked for since the cluster ran the shop. */
  let refreshes: Record<TreeViewId, { roots: boolean; ids: Set<string> }>;
  const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

  const advance = async (ms: number) => {
    await clock.advanceAsync(ms, 250);
    cache.flush();
  };
  const resetRefreshes = () => {
    refreshes = Object.fromEntries(Object.keys(models).map((id) => [id, { roots: false, ids: new Set<string>() }])) as typeof refreshes;
  };

  beforeEach(async () => {
    cluster = await startCluster({ seed: 11, workers: 3 });
    ({ clock, backend, cache } = cluster);
    models = createTreeModels(cache, { clock });
    resetRefreshes();
    cache.onDidChange((changes: readonly CacheChange[]) => {
      for (const [id, model] of Object.entries(models) as [TreeViewId, TreeModel][]) {
        const { roots, ids } = model.affected(changes);
        refreshes[id].roots ||= roots;
        for (const x of ids) refreshes[id].ids.add(x);
      }
    });
    await applyShop(backend);
    await advance(60_000);
    resetRefreshes();
  });

  afterEach(async () => {
    for (const model of Object.values(models)) model.dispose?.();
    await cluster.dispose();
  });

  it('Cluster: the control plane first, then each worker with its pods, their requests and kubectl STATUS', () => {
    const model = models['kubeside.cluster'];
    const roots = model.roots();
    assert.deepEqual(roots.map((r) => r.label), ['control-plane', 'worker-1', 'worker-2', 'worker-3']);
    // Its static pods (etcd, kube-apiserver, kube-controller-manager and kube-scheduler: 650m and
    // 100Mi), the two CoreDNS pods (100m and 70Mi each) and kube-proxy (nothing): 850m of 4 CPUs, 240Mi of 8Gi.
    assert.match(roots[0]!.description!, /^Ready · control-plane · 7 pods · cpu 21% · mem 2%$/);
    const system = model.children(roots[0]!).map((p) => p.label.replace(/^(coredns|kube-proxy)-[a-z0-9-]+$/, '$1-*')).sort();
    assert.deepEqual(system, ['coredns-*', 'coredns-*', 'etcd-control-plane', 'kube-apiserver-control-plane', 'kube-controller-manager-control-plane', 'kube-proxy-*', 'kube-scheduler-control-plane']);
    const shopPods = cache.byIndex('pods', 'namespace', 'shop');
    let podsShown = 0;
    for (const worker of roots.slice(1)) {
      assert.equal(worker.contextValue, 'kubeside.node');
      assert.deepEqual(worker.icon, { id: 'server', color: 'testing.iconPassed' });
      const pods = model.children(worker);
      podsShown += pods.length;
      const onNode = cache.byIndex('pods', 'node', worker.label);
      assert.equal(pods.length, onNode.length);
      // cpu % is the shop's requests (web 100m, api 200m, postgres 250m) over the node's allocatable
      // cpu; each worker's kube-proxy asks for nothing.
      const node = cache.get('nodes', undefined, worker.label)!;
      const milli = onNode.reduce((sum, p) => sum + ({ web: 100, api: 200, postgres: 250, 'kube-proxy': 0 } as Record<string, number>)[p.spec.containers[0].name]!, 0);
      const allocatable = Quantity.parse(node.status.allocatable.cpu).milliValue();
      assert.match(worker.description!, new RegExp(`^Ready · ${pods.length} pods? · cpu ${Math.floor((milli / allocatable) * 100)}% · mem \\d+%$`));
      assert.match(worker.tooltip!, /PodCIDR: `10\.244\.\d+\.0\/24`/);
      assert.match(worker.tooltip!, /- Ready: \*\*True\*\*/);
      assert.equal(pods.filter((p) => p.label.startsWith('kube-proxy-')).length, 1, `kube-proxy on ${worker.label}`);
      for (const pod of pods) {
        const namespace = pod.label.startsWith('kube-proxy-') ? 'kube-system' : 'shop';
        const obj = cache.get('pods', namespace, pod.label)!;
        assert.equal(pod.description, `${namespace} · ${podStatus(obj).status} · ${obj.status.podIP}`);
        assert.equal(pod.description!.split(' · ')[1], 'Running');
        assert.equal(pod.contextValue, 'kubeside.pod');
        assert.deepEqual(pod.ref, { type: { group: '', version: 'v1', resource: 'pods' }, namespace, name: pod.label, kind: 'Pod' });
      }
    }
    assert.equal(podsShown, shopPods.length + 3);
    assert.equal(shopPods.length, 7);
  });

  it('Workloads: the web Deployment → its ReplicaSet → 2 pods → the web container', () => {
    const model = models['kubeside.workloads'];
    assert.deepEqual(model.children(at(model, 'shop')).map((g) => `${g.label} ${g.description}`), ['Deployments 2', 'StatefulSets 1']);
    const web = at(model, 'shop', 'Deployments', 'web');
    assert.equal(web.description, '2/2 ready · 2 up-to-date · 2 available');
    assert.equal(web.contextValue, 'kubeside.deployment');
    const [rs, ...others] = model.children(web);
    assert.equal(others.length, 0);
    assert.equal(rs!.description, 'revision 1 · 2/2 ready');
    assert.equal(rs!.contextValue, 'kubeside.replicaset');
    const pods = model.children(rs!);
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.match(pod.label, new RegExp(`^${rs!.label}-`));
      assert.match(pod.description!, /^Running · 10\.244\.\d+\.\d+ · worker-\d$/);
      const [container, ...more] = model.children(pod);
      assert.equal(more.length, 0);
      assert.equal(container!.label, 'web');
      assert.equal(container!.container, 'web');
      assert.equal(container!.description, 'ready · 0 restarts');
      assert.equal(container!.contextValue, 'kubeside.container');
      assert.equal(model.parent?.(container!)?.id, pod.id);
    }
    assert.equal(model.parent?.(pods[0]!)?.id, rs!.id);
    // The StatefulSet's pods in ordinal order, under it.
    assert.deepEqual(model.children(at(model, 'shop', 'StatefulSets', 'db')).map((p) => p.label), ['db-0', 'db-1', 'db-2']);
  });

  it('Workloads: a CronJob → its Jobs → their Completed pods, and a Job of its own in the Jobs group', async () => {
    const model = models['kubeside.workloads'];
    const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }] } };
    await backend.apply({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } });
    await backend.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template } });
    await advance(150_000);
    assert.ok(refreshes['kubeside.workloads'].ids.has('group/shop/jobs') && refreshes['kubeside.workloads'].ids.has('cronjob/shop/nightly'), [...refreshes['kubeside.workloads'].ids].join(', '));

    assert.deepEqual(model.children(at(model, 'shop')).map((g) => `${g.label} ${g.description}`), ['Deployments 2', 'StatefulSets 1', 'Jobs 1', 'CronJobs 1']);
    const migrate = at(model, 'shop', 'Jobs', 'migrate');
    assert.equal(migrate.description, '1/1 · Complete');
    assert.equal(migrate.contextValue, 'kubeside.job');
    const [pod] = model.children(migrate);
    assert.match(pod!.description!, /^Completed · /);
    const nightly = at(model, 'shop', 'CronJobs', 'nightly');
    assert.match(nightly.description!, /^\* \* \* \* \* · \d active$/);
    const jobs = model.children(nightly);
    assert.ok(jobs.length >= 2, jobs.map((j) => j.label).join(', '));
    assert.ok(jobs.every((j) => j.label.startsWith('nightly-') && j.contextValue === 'kubeside.job'));
    assert.equal(model.parent?.(jobs[0]!)?.id, nightly.id);
  });

  it('Workloads: a ReplicationController → its pods, in a group of its own, with the pods under it rather than on their own', async () => {
    const model = models['kubeside.workloads'];
    await backend.apply({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'legacy', image: 'nginx:1.27' }] } } } });
    await advance(30_000);
    assert.ok(refreshes['kubeside.workloads'].ids.has('group/shop/replicationcontrollers'), [...refreshes['kubeside.workloads'].ids].join(', '));
    assert.deepEqual(model.children(at(model, 'shop')).map((g) => `${g.label} ${g.description}`), ['Deployments 2', 'StatefulSets 1', 'ReplicationControllers 1']);
    const legacy = at(model, 'shop', 'ReplicationControllers', 'legacy');
    assert.equal(legacy.description, '2/2 ready');
    assert.equal(legacy.contextValue, 'kubeside.replicationcontroller');
    assert.match(String(legacy.tooltip), /Selector: `app=legacy`/);
    const pods = model.children(legacy);
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.match(pod.label, /^legacy-/);
      assert.equal(model.parent?.(pod)?.id, legacy.id);
    }
  });

  it('Workloads: a HorizontalPodAutoscaler shows its targets as kubectl get hpa does, and refreshes as its status changes', async () => {
    const model = models['kubeside.workloads'];
    await backend.apply({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });
    await advance(1_000);
    assert.ok(refreshes['kubeside.workloads'].ids.has('group/shop/horizontalpodautoscalers'), [...refreshes['kubeside.workloads'].ids].join(', '));
    assert.deepEqual(model.children(at(model, 'shop')).map((g) => `${g.label} ${g.description}`), ['Deployments 2', 'StatefulSets 1', 'HorizontalPodAutoscalers 1']);
    resetRefreshes();
    // Metrics cover a 15 s window and the autoscaler syncs every 15 s: within a minute it has measured the web pods.
    await advance(60_000);
    assert.ok(refreshes['kubeside.workloads'].ids.has('horizontalpodautoscaler/shop/web'), [...refreshes['kubeside.workloads'].ids].join(', '));
    const hpa = at(model, 'shop', 'HorizontalPodAutoscalers', 'web');
    assert.match(hpa.description!, /^cpu: \d+%\/50% · 2 replicas \(2–4\) · Deployment\/web$/);
    assert.equal(hpa.contextValue, 'kubeside.horizontalpodautoscaler');
    assert.equal(hpa.collapsible, 'none');
    assert.match(String(hpa.tooltip), /AbleToScale: \*\*True\*\*/);
  });

  it("Network: a LoadBalancer Service shows its load balancer's address, as kubectl's EXTERNAL-IP does", async () => {
    const model = models['kubeside.network'];
    await backend.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
    await advance(2000);
    const svc = cache.get('services', 'shop', 'web-public')!;
    const node = at(model, 'shop', 'Services', 'web-public');
    assert.equal(node.description, `LoadBalancer · ${svc.spec.clusterIP} · 172.18.255.200 · 80:${svc.spec.ports[0].nodePort}/TCP`);
    assert.match(String(node.tooltip), /External IP: `172\.18\.255\.200`/);
  });

  it('Network: the web Service with its 2 ready endpoints, and the Ingress rules → backends', () => {
    const model = models['kubeside.network'];
    const web = at(model, 'shop', 'Services', 'web');
    const svc = cache.get('services', 'shop', 'web')!;
    assert.equal(web.description, `ClusterIP · ${svc.spec.clusterIP} · 80/TCP`);
    const endpoints = model.children(web);
    const webPods = cache.byIndex('pods', 'namespace', 'shop').filter((p) => p.metadata.labels['app.kubernetes.io/name'] === 'web');
    assert.deepEqual(endpoints.map((e) => e.label).sort(), webPods.map((p) => `${p.status.podIP}:80`).sort());
    assert.deepEqual(endpoints.map((e) => e.description).sort(), webPods.map((p) => `${p.metadata.name} · ready`).sort());
    assert.ok(endpoints.every((e) => e.ref?.kind === 'Pod' && e.contextValue === 'kubeside.endpoint'));
    assert.equal(at(model, 'shop', 'Services', 'db').description, 'ClusterIP · headless · 5432/TCP');

    const ingress = at(model, 'shop', 'Ingresses', 'shop');
    assert.equal(ingress.description, 'shop.example.com');
    const rules = model.children(ingress);
    assert.deepEqual(rules.map((r) => `${r.label} ${r.description}`), ['shop.example.com/api Prefix', 'shop.example.com/ Prefix']);
    const [backendOfApi] = model.children(rules[0]!);
    assert.equal(backendOfApi!.label, 'api:http');
    assert.deepEqual(backendOfApi!.ref, { type: { group: '', version: 'v1', resource: 'services' }, namespace: 'shop', name: 'api', kind: 'Service' });
    assert.equal(model.children(rules[1]!)[0]!.label, 'web:http');
  });

  it('Config & Storage: ConfigMap keys with values, Secret keys without, the StatefulSet\'s claims', () => {
    const model = models['kubeside.config'];
    const config = at(model, 'shop', 'ConfigMaps', 'api-config');
    assert.equal(config.description, '3 keys');
    assert.deepEqual(model.children(config).map((k) => `${k.label}=${k.description}`), ['DB_HOST=db-0.db.shop.svc.cluster.local', 'LOG_LEVEL=info', 'settings.json={"currency": "EUR", "pageSize": 20}…']);
    const secret = at(model, 'shop', 'Secrets', 'api-credentials');
    assert.equal(secret.description, 'Opaque · 2 keys');
    const keys = model.children(secret);
    assert.deepEqual(keys.map((k) => k.label), ['DB_PASSWORD', 'DB_USER']);
    assert.ok(keys.every((k) => k.contextValue === 'kubeside.secretKey' && k.description === 'hidden'));
    const everything = JSON.stringify(keys) + JSON.stringify(secret);
    assert.ok(!everything.includes('czNjcjN0LXBhc3M=') && !everything.includes('s3cr3t-pass'), everything);
    const claims = model.children(at(model, 'shop', 'PersistentVolumeClaims'));
    assert.deepEqual(claims.map((c) => c.label), ['data-db-0', 'data-db-1', 'data-db-2']);
    for (const claim of claims) {
      const pvc = cache.get('persistentvolumeclaims', 'shop', claim.label)!;
      assert.equal(claim.description, [pvc.status?.phase ?? 'Pending', '1Gi', pvc.spec.storageClassName].filter(Boolean).join(' · '));
      assert.equal(claim.contextValue, 'kubeside.persistentvolumeclaim');
    }
  });

  it('Events: newest first, each naming its reason, object and message', () => {
    const model = models['kubeside.events'];
    const events = model.roots();
    assert.equal(events.length, Math.min(200, cache.count('events')));
    const times = events.map((e) => {
      const obj = cache.get('events', e.ref!.namespace, e.ref!.name)!;
      return Date.parse(obj.lastTimestamp ?? obj.eventTime);
    });
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const scaled = events.find((e) => e.label === 'ScalingReplicaSet' && e.description!.startsWith('Deployment/web · '));
    assert.ok(scaled, events.map((e) => `${e.label} ${e.description}`).join('\n'));
    assert.match(scaled.description!, /Scaled up replica set web-\w+ from 0 to 2/);
    assert.deepEqual(scaled.icon, { id: 'info' });
  });

  it('scaling web to 5 refreshes the Deployment, its ReplicaSet and the nodes, not the whole trees', async () => {
    const workloads = models['kubeside.workloads'];
    const rs = model0(workloads.children(at(workloads, 'shop', 'Deployments', 'web')));
    const before = new Set(workloads.children(rs).map((p) => p.id));
    await backend.patch({ type: deployments, namespace: 'shop', name: 'web' }, 'merge', { spec: { replicas: 5 } });
    await advance(60_000);

    const w = refreshes['kubeside.workloads'];
    assert.equal(w.roots, false);
    assert.ok(w.ids.has('deployment/shop/web') && w.ids.has(rs.id), [...w.ids].join(', '));
    assert.ok(![...w.ids].some((id) => id.startsWith('deployment/shop/api') || id.includes('/db')), [...w.ids].join(', '));
    const c = refreshes['kubeside.cluster'];
    assert.equal(c.roots, false);
    const newPods = workloads.children(rs);
    assert.equal(newPods.length, 5);
    const added = newPods.filter((p) => !before.has(p.id));
    assert.equal(added.length, 3);
    const nodesOfNewPods = new Set(added.map((p) => `node/${cache.get('pods', 'shop', p.label)!.spec.nodeName}`));
    for (const id of nodesOfNewPods) assert.ok(c.ids.has(id), `${id} not refreshed: ${[...c.ids].join(', ')}`);
    assert.ok(newPods.every((p) => p.description!.startsWith('Running · ')), newPods.map((p) => p.description).join(', '));
    // The refreshed items, drawn again, show the new state.
    assert.equal(workloads.resolve(at(workloads, 'shop', 'Deployments', 'web'))!.description, '5/5 ready · 5 up-to-date · 5 available');
    assert.equal(workloads.resolve(rs)!.description, 'revision 1 · 5/5 ready');
    const cluster = models['kubeside.cluster'];
    const podsOnNodes = cluster.roots().reduce((n, node) => n + Number(/(\d+) pods?/.exec(node.description!)![1]), 0);
    // The shop's 10 pods and a kube-proxy on each of the 3 workers; the control plane's 4 static
    // pods, 2 CoreDNS pods and its kube-proxy.
    assert.equal(podsOnNodes, 10 + 3 + 7);
  });

  it('a failed node turns NotReady (red) in the Cluster tree after the grace period', async () => {
    const cluster = models['kubeside.cluster'];
    await backend.nodes!.fail('worker-1');
    await advance(5_000);
    assert.match(at(cluster, 'worker-1').description!, /^Ready · /);
    await advance(60_000);
    assert.ok(refreshes['kubeside.cluster'].ids.has('node/worker-1'), [...refreshes['kubeside.cluster'].ids].join(', '));
    const node = cluster.resolve(at(cluster, 'worker-1'))!;
    assert.match(node.description!, /^NotReady · /);
    assert.deepEqual(node.icon, { id: 'server', color: 'errorForeground' });
    assert.match(node.tooltip!, /- Ready: \*\*Unknown\*\* \(NodeStatusUnknown\)/);
    // A healthy node whose pods did not change is not redrawn for its heartbeats.
    assert.ok(!refreshes['kubeside.cluster'].ids.has('node/control-plane'), [...refreshes['kubeside.cluster'].ids].join(', '));
  });

  it('a cordoned node shows SchedulingDisabled in yellow, with the menu of a cordoned node', async () => {
    const cluster = models['kubeside.cluster'];
    await backend.nodes!.cordon('worker-2');
    await advance(1_000);
    assert.ok(refreshes['kubeside.cluster'].ids.has('node/worker-2'));
    const node = cluster.resolve(at(cluster, 'worker-2'))!;
    assert.match(node.description!, /^Ready,SchedulingDisabled · /);
    assert.deepEqual(node.icon, { id: 'server', color: 'charts.yellow' });
    assert.equal(node.contextValue, 'kubeside.node.cordoned');
  });

  it('a pod no node can fit shows under "Pending (unscheduled)" with the scheduler\'s reason', async () => {
    const cluster = models['kubeside.cluster'];
    assert.ok(!cluster.roots().some((r) => r.id === 'pending'));
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27.3', resources: { requests: { cpu: '64' } } }] } };
    await backend.apply(pod);
    await advance(5_000);
    assert.equal(refreshes['kubeside.cluster'].roots, true);
    const pending = at(cluster, 'Pending (unscheduled)');
    assert.equal(pending.description, '1 pod');
    assert.match(pending.tooltip!, /1 × 0\/4 nodes are available: .*Insufficient cpu/);
    const [huge] = cluster.children(pending);
    assert.equal(huge!.description, 'shop · Pending');
    assert.equal(cluster.parent?.(huge!)?.id, 'pending');

    resetRefreshes();
    await backend.delete({ type: { group: '', version: 'v1', resource: 'pods' }, namespace: 'shop', name: 'huge' }, { gracePeriodSeconds: 0 });
    await advance(5_000);
    assert.equal(refreshes['kubeside.cluster'].roots, true);
    assert.ok(!cluster.roots().some((r) => r.id === 'pending'));
  });
});

function model0(nodes: TreeNode[]): TreeNode {
  assert.equal(nodes.length, 1, nodes.map((n) => n.id).join(', '));
  return nodes[0]!;
}

describe('autoscalerTargets', () => {
  it('prints each metric as the TARGETS column of kubectl get hpa does', () => {
    const hpa = {
      spec: {
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      },
      status: {
        currentMetrics: [
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '90Mi' } } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', current: { averageUtilization: 82, averageValue: '82m' } } },
        ],
      },
    };
    assert.equal(autoscalerTargets(hpa), 'memory: 90Mi/100Mi, cpu (app): 82%/70%, cpu: <unknown>/50%');
    assert.equal(autoscalerTargets({ spec: {} }), '<none>');
  });
});
