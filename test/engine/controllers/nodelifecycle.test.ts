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

    // Pods tolerate unreachable nodes for as long as their tolerationSeconds say (300 s when the
    // DefaultTolerationSeconds admission plugin adds them); then they are deleted and replaced.
    await advance(320_000);
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
});
