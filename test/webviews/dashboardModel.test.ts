// The dashboard's model over a real embedded cluster on a virtual clock: given a Deployment applied
// through the backend, the messages it sends place pods on their nodes and add their requests to
// those nodes; changes a viewer cannot see send nothing; pods by phase are sampled on the clock.
// And the protocol's guards, which both ends apply to what they receive.
import assert from 'node:assert/strict';
import type { VirtualClock } from '../../engine/util/clock';
import type { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import type { ClusterCache } from '../../extension/cache/clusterCache';
import { DashboardModel } from '../../extension/webviews/dashboardModel';
import { type ChangesMessage, isHostMessage, isWebviewMessage, type PodChip } from '../../extension/webviews/protocol/dashboard';
import { startCluster, type TestCluster } from '../extension-unit/shopCluster';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
  },
});

describe('DashboardModel', () => {
  let cluster: TestCluster;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  let model: DashboardModel;
  let clock: VirtualClock;
  let messages: ChangesMessage[];

  beforeEach(async () => {
    cluster = await startCluster({ seed: 3, workers: 2, kinds: ['nodes', 'pods', 'events'] });
    ({ clock, backend, cache } = cluster);
    model = new DashboardModel(cache, { clock, nodeActions: true, failedNodes: () => backend.nodes.failed(), sampleMs: 5_000 });
    messages = [];
    model.onDidChange((m) => messages.push(m));
  });
  afterEach(async () => {
    model.dispose();
    await cluster.dispose();
  });

  const settle = async (ms = 30_000) => {
    await clock.advanceAsync(ms, 250);
    cache.flush();
  };
  const podsNow = () => model.snapshot().pods.filter((p) => p.namespace === 'default');

  it('starts from a snapshot of the nodes, control plane included, with their allocatable resources', () => {
    const init = model.snapshot();
    assert.ok(isHostMessage(init));
    assert.deepEqual(init.nodes.map((n) => [n.name, n.role, n.ready]), [['control-plane', 'control-plane', true], ['worker-1', 'worker', true], ['worker-2', 'worker', true]]);
    assert.deepEqual(init.nodes[1]!.allocatable, { cpu: 4000, memory: 8 * 2 ** 30, pods: 110 });
    assert.equal(init.nodeActions, true);
  });

  it('sends pods as they are scheduled and start, and adds their requests to the nodes they run on', async () => {
    await backend.apply(deployment(3));
    await settle();
    assert.ok(messages.every(isHostMessage));
    const sent = new Map<string, PodChip>();
    for (const m of messages) for (const p of m.pods.updated) sent.set(p.uid, p);
    const pods = [...sent.values()].filter((p) => p.namespace === 'default');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.phase === 'Running' && p.status === 'Running' && p.ready && p.node.startsWith('worker-')), JSON.stringify(pods));
    // Some message showed a pod before it ran.
    assert.ok(messages.some((m) => m.pods.updated.some((p) => p.phase === 'Pending')));
    const nodes = new Map(model.snapshot().nodes.map((n) => [n.name, n]));
    for (const worker of ['worker-1', 'worker-2']) {
      // Beside the web pods, each worker runs kube-proxy, which requests nothing.
      const count = pods.filter((p) => p.node === worker).length;
      assert.deepEqual(nodes.get(worker)!.requested, { cpu: 100 * count, memory: 64 * 2 ** 20 * count, pods: count + 1 });
    }
    assert.ok(model.snapshot().events.some((e) => e.reason === 'Scheduled' && e.kind === 'Pod'));
  });

  it('sends nothing for a pod when only what the dashboard does not show changed', async () => {
    await backend.apply(deployment(1));
    await settle();
    const [pod] = podsNow();
    messages = [];
    await backend.patch({ type: { group: '', version: 'v1', resource: 'pods' }, namespace: 'default', name: pod!.name }, 'merge', { metadata: { labels: { audited: 'yes' } } });
    await settle(1_000);
    assert.equal(cache.get('pods', 'default', pod!.name)?.metadata.labels.audited, 'yes');
    assert.ok(messages.every((m) => m.pods.updated.length === 0 && m.pods.deleted.length === 0), JSON.stringify(messages));
  });

  it('sends the deletion of each pod when the Deployment goes, and its node frees the requests', async () => {
    await backend.apply(deployment(2));
    await settle();
    const uids = podsNow().map((p) => p.uid);
    messages = [];
    await backend.delete({ type: deployments, namespace: 'default', name: 'web' }, { propagationPolicy: 'Foreground' });
    await settle(60_000);
    const deleted = messages.flatMap((m) => m.pods.deleted);
    assert.deepEqual(uids.filter((u) => deleted.includes(u)).sort(), [...uids].sort());
    // The workers are back to their kube-proxy; the control plane keeps its four static pods (650m),
    // two CoreDNS pods (100m each) and kube-proxy.
    const requested = Object.fromEntries(model.snapshot().nodes.map((n) => [n.name, [n.requested.cpu, n.requested.pods]]));
    assert.deepEqual(requested, { 'control-plane': [850, 7], 'worker-1': [0, 1], 'worker-2': [0, 1] });
  });

  it('shows a node cordoned through the backend, and failed once it is refreshed', async () => {
    await backend.nodes.cordon('worker-2');
    await backend.nodes.fail('worker-1');
    model.refreshNode('worker-1');
    await settle(1_000);
    const nodes = new Map(messages.flatMap((m) => m.nodes.updated).map((n) => [n.name, n]));
    assert.equal(nodes.get('worker-2')?.cordoned, true);
    assert.equal(nodes.get('worker-1')?.failed, true);
    await settle(60_000);
    assert.equal(model.snapshot().nodes.find((n) => n.name === 'worker-1')?.ready, false);
  });

  it('samples pods by phase every 5 seconds of the clock, keeping the last 60', async () => {
    await backend.apply(deployment(2));
    await settle(400_000);
    const history = model.snapshot().history;
    assert.equal(history.length, 60);
    assert.equal(history[1]!.time - history[0]!.time, 5_000);
    // Running: the Deployment's 2 pods, the control plane's 4 static pods, 2 CoreDNS pods and a kube-proxy on each of the 3 nodes.
    assert.deepEqual(history[history.length - 1]!.counts, [0, 2 + 4 + 2 + 3, 0, 0, 0]);
    assert.ok(messages.filter((m) => m.samples.length).length >= 70);
  });
});

describe('dashboard protocol guards', () => {
  it('accepts the intents the webview may send and nothing else', () => {
    assert.ok(isWebviewMessage({ type: 'ready' }));
    assert.ok(isWebviewMessage({ type: 'nodeAction', node: 'worker-1', action: 'drain' }));
    assert.ok(isWebviewMessage({ type: 'reveal', kind: 'Pod', namespace: 'shop', name: 'db-0' }));
    assert.ok(!isWebviewMessage({ type: 'nodeAction', node: 'worker-1', action: 'delete' }));
    assert.ok(!isWebviewMessage({ type: 'reveal', kind: 'Secret', namespace: 'shop', name: 'db' }));
    assert.ok(!isWebviewMessage({ type: 'nodeAction', node: 7, action: 'drain' }));
    assert.ok(!isWebviewMessage(null));
  });

  it('rejects host messages with a wrong field anywhere in them', () => {
    const ok = { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated: [], deleted: [] }, events: [], samples: [{ time: 1, counts: [0, 1, 0, 0, 0] }] };
    assert.ok(isHostMessage(ok));
    assert.ok(!isHostMessage({ ...ok, samples: [{ time: 1, counts: [0, 1] }] }));
    assert.ok(!isHostMessage({ ...ok, samples: [{ time: Number.NaN, counts: [0, 1, 0, 0, 0] }] }));
    assert.ok(!isHostMessage({ ...ok, pods: { updated: [{ uid: 'u', name: 'p', namespace: 'd', node: '', phase: 'Exploded', status: '', ready: false }], deleted: [] } }));
    assert.ok(!isHostMessage({ ...ok, type: 'snapshot' }));
  });
});
