// Node failure end to end, on the composed cluster: the node lifecycle controller notices the
// silence, taints the node; the taint eviction controller deletes its pods; the ReplicaSet replaces
// them on the nodes that are left.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Cluster } from '../../../engine/cluster/index';
import { VirtualClock } from '../../../engine/util/clock';

const nodes = { group: '', version: 'v1', resource: 'nodes' };
const pods = { group: '', version: 'v1', resource: 'pods' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
const events = { group: '', version: 'v1', resource: 'events' };

describe('Node lifecycle and taint eviction', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('a worker that stops heartbeating becomes Unknown and unreachable-tainted; its pods are evicted and re-created elsewhere; it recovers untainted', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
    cluster = await Cluster.start({ clock, seed: 42, workers: 3 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    const advance = (ms: number) => clock.advanceAsync(ms, 250);
    await admin.create(deployments, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    await advance(10_000);
    const live = () => (admin.list(pods, 'default').items as Obj[]).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
    assert.equal(live().length, 3);
    const victim = live()[0]!.spec.nodeName as string;
    await cluster.failNode(victim);

    await advance(40_000);
    assert.equal(admin.get(nodes, undefined, victim).status.conditions.find((c: Obj) => c.type === 'Ready').status, 'True', 'within the grace period nothing happens');
    await advance(20_000);
    const node = admin.get(nodes, undefined, victim);
    const ready = node.status.conditions.find((c: Obj) => c.type === 'Ready');
    assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    assert.deepEqual(node.spec.taints.filter((t: Obj) => t.key === 'node.kubernetes.io/unreachable').map((t: Obj) => t.effect).sort(), ['NoExecute', 'NoSchedule']);

    // Pods tolerate unreachable nodes for as long as their tolerationSeconds say (300 s, which the
    // DefaultTolerationSeconds admission plugin gave them); then they are deleted and replaced.
    const onVictim = () => (admin.list(pods, 'default').items as Obj[]).filter((p) => p.spec.nodeName === victim);
    assert.deepEqual(onVictim()[0]!.spec.tolerations.filter((t: Obj) => t.key === 'node.kubernetes.io/unreachable'), [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    await advance(200_000);
    assert.ok(onVictim().length > 0 && onVictim().every((p) => !p.metadata.deletionTimestamp), 'within the toleration, the pods stay on the unreachable node');
    await advance(120_000);
    const stranded = (admin.list(pods, 'default').items as Obj[]).filter((p) => p.spec.nodeName === victim);
    assert.ok(stranded.every((p) => p.metadata.deletionTimestamp));
    assert.ok(stranded.every((p) => p.status.conditions.some((c: Obj) => c.type === 'DisruptionTarget' && c.reason === 'DeletionByTaintManager')));
    assert.equal(live().filter((p) => p.spec.nodeName !== victim).length, 3);

    await cluster.recoverNode(victim);
    await advance(30_000);
    const back = admin.get(nodes, undefined, victim);
    assert.equal(back.status.conditions.find((c: Obj) => c.type === 'Ready').status, 'True');
    assert.equal((back.spec.taints ?? []).filter((t: Obj) => t.key.startsWith('node.kubernetes.io/')).length, 0);
  });

  it('records its node events as node-controller: RegisteredNode for each node, NodeNotReady when one falls silent (and on its pods), RemovingNode', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
    cluster = await Cluster.start({ clock, seed: 42, workers: 2 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    const advance = (ms: number) => clock.advanceAsync(ms, 250);
    await admin.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pinned' }, spec: { nodeName: 'worker-1', containers: [{ name: 'web', image: 'nginx:1.27' }] } });
    await advance(10_000);
    const controllerEvents = () => (admin.list(events, 'default').items as Obj[]).filter((e) => e.source?.component === 'node-controller');
    const registered = controllerEvents().filter((e) => e.reason === 'RegisteredNode');
    assert.deepEqual(registered.map((e) => [e.type, e.involvedObject.kind, e.involvedObject.name, e.message]).sort(), [
      ['Normal', 'Node', 'control-plane', 'Node control-plane event: Registered Node control-plane in Controller'],
      ['Normal', 'Node', 'worker-1', 'Node worker-1 event: Registered Node worker-1 in Controller'],
      ['Normal', 'Node', 'worker-2', 'Node worker-2 event: Registered Node worker-2 in Controller'],
    ]);
    assert.equal(registered.find((e) => e.involvedObject.name === 'worker-1')!.involvedObject.uid, admin.get(nodes, undefined, 'worker-1').metadata.uid);

    await cluster.failNode('worker-1');
    await advance(60_000);
    const notReady = controllerEvents().filter((e) => e.reason === 'NodeNotReady');
    assert.deepEqual(notReady.map((e) => [e.type, e.involvedObject.kind, e.involvedObject.name, e.message, e.count]).sort(), [
      ['Normal', 'Node', 'worker-1', 'Node worker-1 status is now: NodeNotReady', 1],
      ['Warning', 'Pod', 'pinned', 'Node is not ready', 1],
    ]);

    await admin.delete(nodes, undefined, 'worker-1');
    await advance(1_000);
    const removing = controllerEvents().filter((e) => e.reason === 'RemovingNode');
    assert.deepEqual(removing.map((e) => e.message), ['Node worker-1 event: Removing Node worker-1 from Controller']);
  });
});
