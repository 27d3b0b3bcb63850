// The Topology model over a real (embedded) cluster: given the shop applied and running, the graph
// links the Ingress, Services, pods, their controllers and what they mount, by name only (never a
// Secret's data); when the cluster changes, a change message holds exactly what differs; a
// simulated request walks the graph's own node ids.
import assert from 'node:assert/strict';
import type { VirtualClock } from '../../engine/util/clock';
import type { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import type { ClusterCache } from '../../extension/cache/clusterCache';
import type { ChangesMessage, InitMessage } from '../../extension/webviews/protocol/topology';
import { isHostMessage } from '../../extension/webviews/protocol/topology';
import { TopologyModel } from '../../extension/webviews/topologyModel';
import { applyShop, startCluster, type TestCluster } from './shopCluster';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

/** The graph after applying `changes` to `init`, as the webview keeps it. */
function replay(init: InitMessage, changes: readonly ChangesMessage[]): { nodes: Map<string, unknown>; edges: Map<string, unknown> } {
  const nodes = new Map<string, unknown>(init.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, unknown>(init.edges.map((e) => [e.id, e]));
  for (const m of changes) {
    for (const n of m.nodes) nodes.set(n.id, n);
    for (const e of m.edges) edges.set(e.id, e);
    for (const id of m.removed) nodes.delete(id) || edges.delete(id);
  }
  return { nodes, edges };
}

describe('Topology model over the embedded cluster running the shop', function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  let cluster: TestCluster;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  let model: TopologyModel;
  let messages: ChangesMessage[];

  const advance = async (ms: number) => {
    await clock.advanceAsync(ms, 250);
    cache.flush();
  };
  const scale = (name: string, replicas: number) => backend.patch({ type: deployments, namespace: 'shop', name }, 'merge', { spec: { replicas } });

  beforeEach(async () => {
    cluster = await startCluster({ seed: 11, workers: 3 });
    ({ clock, backend, cache } = cluster);
    await applyShop(backend);
    await advance(60_000);
    model = new TopologyModel(cache);
    messages = [];
    model.onDidChange((m) => messages.push(m));
  });

  afterEach(async () => {
    model.dispose();
    await cluster.dispose();
  });

  it('links Ingress → Service → pods ← ReplicaSet ← Deployment, pods ← StatefulSet, and pods → what they mount or read', () => {
    const { nodes, edges } = model.snapshot();
    const edge = (source: string, target: string) => edges.find((e) => e.source === source && e.target === target);
    const shopNodes = nodes.filter((n) => n.namespace === 'shop');
    const pods = (prefix: string) => shopNodes.filter((n) => n.kind === 'Pod' && n.name.startsWith(prefix));
    assert.deepEqual(shopNodes.map((n) => n.kind).sort(), ['ConfigMap', 'Deployment', 'Deployment', 'Ingress', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'Pod', 'Pod', 'Pod', 'Pod', 'Pod', 'Pod', 'Pod', 'ReplicaSet', 'ReplicaSet', 'Secret', 'Service', 'Service', 'Service', 'StatefulSet']);
    assert.equal(edge('Ingress/shop/shop', 'Service/shop/web')?.relation, 'routes');
    assert.equal(edge('Ingress/shop/shop', 'Service/shop/api')?.relation, 'routes');
    for (const pod of pods('api-')) {
      const rs = `ReplicaSet/shop/${pod.name.replace(/-[^-]+$/, '')}`;
      assert.deepEqual(edge('Service/shop/api', pod.id), { id: `Service/shop/api>${pod.id}`, source: 'Service/shop/api', target: pod.id, relation: 'endpoint', ready: true });
      assert.equal(edge(rs, pod.id)?.relation, 'owns');
      assert.equal(edge('Deployment/shop/api', rs)?.relation, 'owns');
      // Mounted as a volume and read in env: one edge, `mounts`.
      assert.equal(edge(pod.id, 'ConfigMap/shop/api-config')?.relation, 'mounts');
      assert.equal(edge(pod.id, 'Secret/shop/api-credentials')?.relation, 'mounts');
    }
    for (const ordinal of [0, 1, 2]) {
      assert.equal(edge('StatefulSet/shop/db', `Pod/shop/db-${ordinal}`)?.relation, 'owns');
      assert.equal(edge('Service/shop/db', `Pod/shop/db-${ordinal}`)?.relation, 'endpoint');
      assert.equal(edge(`Pod/shop/db-${ordinal}`, `PersistentVolumeClaim/shop/data-db-${ordinal}`)?.relation, 'mounts');
      assert.equal(edge(`Pod/shop/db-${ordinal}`, 'Secret/shop/api-credentials')?.relation, 'env');
    }
    assert.ok(shopNodes.every((n) => n.status === 'ready'), shopNodes.filter((n) => n.status !== 'ready').map((n) => `${n.id} ${n.status}`).join());
    assert.equal(nodes.find((n) => n.id === 'Service/shop/db')?.detail, 'Headless · 3/3 endpoints ready');
    assert.ok(isHostMessage(model.snapshot()));
  });

  it('draws a ReplicationController owning its pods, which its Service reaches', async () => {
    const init = model.snapshot();
    await backend.apply({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'legacy', image: 'nginx:1.27' }] } } } });
    await backend.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy', namespace: 'shop' }, spec: { selector: { app: 'legacy' }, ports: [{ port: 80 }] } });
    await advance(30_000);
    const { nodes, edges } = model.snapshot();
    assert.deepEqual(nodes.find((n) => n.id === 'ReplicationController/shop/legacy'), { id: 'ReplicationController/shop/legacy', kind: 'ReplicationController', namespace: 'shop', name: 'legacy', labels: { app: 'legacy' }, status: 'ready', detail: '2/2 ready' });
    const pods = nodes.filter((n) => n.kind === 'Pod' && n.name.startsWith('legacy-'));
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.ok(edges.some((e) => e.source === 'ReplicationController/shop/legacy' && e.target === pod.id && e.relation === 'owns'), pod.id);
      assert.ok(edges.some((e) => e.source === 'Service/shop/legacy' && e.target === pod.id && e.relation === 'endpoint'), pod.id);
    }
    // The changes sent meanwhile build the same graph.
    const replayed = replay(init, messages);
    assert.deepEqual([...replayed.nodes.keys()].sort(), nodes.map((n) => n.id).sort());
    assert.deepEqual([...replayed.edges.keys()].sort(), edges.map((e) => e.id).sort());
  });

  it('never puts a Secret value, nor its keys, in a message', async () => {
    await scale('api', 3);
    await advance(30_000);
    const text = JSON.stringify([model.snapshot(), ...messages]);
    assert.ok(messages.length > 0);
    assert.equal(model.snapshot().nodes.find((n) => n.kind === 'Secret')?.detail, 'Opaque');
    for (const secret of ['czNjcjN0LXBhc3M=', 's3cr3t-pass', 'c2hvcA==', 'DB_PASSWORD', 'DB_USER']) assert.ok(!text.includes(secret), `${secret} was sent`);
  });

  it('sends per batch only what changed, so replaying the messages gives the graph a new model builds', async () => {
    const before = model.snapshot();
    await scale('web', 4);
    await advance(30_000);
    const newPods = cache.byIndex('pods', 'namespace', 'shop').map((p) => `Pod/shop/${p.metadata.name}`).filter((id) => !before.nodes.some((n) => n.id === id));
    assert.equal(newPods.length, 2);
    // The pods already running did not change: only the new ones (and the counts on their Service and controllers) are sent.
    const sentPods = new Set(messages.flatMap((m) => m.nodes).filter((n) => n.kind === 'Pod').map((n) => n.id));
    assert.deepEqual([...sentPods].sort(), newPods.sort());
    assert.ok(messages.every((m) => [...m.nodes, ...m.edges].every((x) => x.id.split('/')[1] === 'shop')), 'only the shop namespace changed');
    const fresh = new TopologyModel(cache);
    assert.deepEqual(replay(before, messages), replay(fresh.snapshot(), []));
    fresh.dispose();
  });

  it('shows a ReplicaSet of more than 20 pods as one "pods ×N" node that takes over its pods\' edges', async () => {
    const before = model.snapshot();
    await scale('web', 25);
    await advance(60_000);
    const after = replay(before, messages);
    const group = [...after.nodes.values()].find((n) => (n as { kind: string }).kind === 'PodGroup') as { id: string; count: number; detail: string };
    assert.ok(group);
    assert.equal(group.count, 25);
    assert.equal(group.detail, '25/25 ready');
    assert.equal([...after.nodes.keys()].filter((id) => id.startsWith('Pod/shop/web-')).length, 0);
    assert.ok(after.edges.has(`Service/shop/web>${group.id}`));
    const rs = group.id.replace('PodGroup/shop/ReplicaSet/', 'ReplicaSet/shop/');
    assert.ok(after.edges.has(`${rs}>${group.id}`));
    assert.deepEqual(model.ref(group.id), { type: { group: 'apps', version: 'v1', resource: 'replicasets' }, namespace: 'shop', name: rs.split('/')[2], kind: 'ReplicaSet' });
    const fresh = new TopologyModel(cache);
    assert.deepEqual(after, replay(fresh.snapshot(), []));
    fresh.dispose();
    // A request to the web Service lands on the group node.
    assert.deepEqual(model.sendRequest('Ingress/shop/shop', '/')?.hops, ['Ingress/shop/shop', 'Service/shop/web', group.id]);
  });

  it('shows a ConfigMap a pod names but that does not exist as missing', async () => {
    await backend.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'nowhere' } }] }] } });
    await advance(10_000);
    const node = model.snapshot().nodes.find((n) => n.id === 'ConfigMap/shop/nowhere');
    assert.deepEqual(node && { status: node.status, detail: node.detail }, { status: 'missing', detail: 'not found' });
    assert.equal(model.snapshot().edges.find((e) => e.id === 'Pod/shop/probe>ConfigMap/shop/nowhere')?.relation, 'env');
  });

  it('routes a simulated request through the graph: the api pods in turn, then a refusal once api has no pods', async () => {
    const apiPods = model.snapshot().nodes.filter((n) => n.kind === 'Pod' && n.name.startsWith('api-')).map((n) => n.id).sort();
    const first = model.sendRequest('Ingress/shop/shop', 'shop.example.com/api/orders')!;
    const second = model.sendRequest('Ingress/shop/shop', 'shop.example.com/api/orders')!;
    assert.deepEqual([first.hops[2], second.hops[2]], apiPods);
    assert.deepEqual(first.hops.slice(0, 2), ['Ingress/shop/shop', 'Service/shop/api']);
    assert.equal(first.ok, true);
    await scale('api', 0);
    await advance(60_000);
    const refused = model.sendRequest('Service/shop/api')!;
    assert.deepEqual(refused, { type: 'requestPath', request: 'GET http://api.shop.svc:8080/', hops: ['Service/shop/api'], ok: false, message: 'Service api port http → connection refused: no endpoints' });
    assert.equal(model.sendRequest(apiPods[0]!), undefined, 'only an Ingress or a Service takes a request');
    assert.equal(model.ref('Pod/shop/nothing'), undefined);
  });
});
