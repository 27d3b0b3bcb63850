import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { apps, newControllerCluster } from './harness';

const daemonsets = { ...apps, resource: 'daemonsets' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

function agent(spec: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'fluent-bit:3.1' }], ...spec } } },
  };
}

async function givenNodes(c: Cluster, ...specs: [string, Obj?][]) {
  for (const [name, extra] of specs) await c.client.create(nodes, undefined, { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra?.labels ?? {}) } }, spec: { ...(extra?.taints ? { taints: extra.taints } : {}) } });
}

const pinnedNode = (p: Obj) => p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
const placement = (c: Cluster) => c.activePods().map(pinnedNode).sort();

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned to it by node affinity, skipping nodes whose NoSchedule taint it does not tolerate', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a'], ['node-b'], ['node-gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }]);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.run(1000);
    assert.deepEqual(placement(c), ['node-a', 'node-b']);
    const pod = c.activePods()[0]!;
    assert.ok(pod.spec.tolerations.some((t: Obj) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
    assert.match(pod.metadata.labels['controller-revision-hash'], /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    await c.kubeletSync();
    await c.until('status reports 2 ready', () => c.client.get(daemonsets, 'default', 'agent').status?.numberReady === 2);
    const s = c.client.get(daemonsets, 'default', 'agent').status;
    assert.deepEqual([s.desiredNumberScheduled, s.currentNumberScheduled, s.numberMisscheduled, s.numberAvailable, s.updatedNumberScheduled], [2, 2, 0, 2, 2]);
  });

  it('follows the nodes: a new node gets a pod, a node that stops matching the nodeSelector loses it', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a', { labels: { tier: 'edge' } }]);
    await c.client.create(daemonsets, 'default', agent({ nodeSelector: { tier: 'edge' } }));
    await c.until('1 pod', () => placement(c).join() === 'node-a');
    await givenNodes(c, ['node-b', { labels: { tier: 'edge' } }], ['node-c']);
    await c.until('2 pods', () => placement(c).join() === 'node-a,node-b');
    await c.client.patch(nodes, undefined, 'node-a', 'merge', { metadata: { labels: { tier: null } } });
    await c.until('node-a lost its pod', () => placement(c).join() === 'node-b');
  });

  it('a template change replaces the pods node by node, never more than maxUnavailable at once', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a'], ['node-b'], ['node-c']);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('3 pods', () => c.activePods().length === 3);
    await c.kubeletSync();
    await c.until('3 available', () => c.client.get(daemonsets, 'default', 'agent').status?.numberAvailable === 3);
    await c.client.patch(daemonsets, 'default', 'agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluent-bit:3.2' }] } } } });
    for (let step = 0; step < 30; step++) {
      await c.run(1000);
      const ready = c.activePods().filter((p) => p.status?.phase === 'Running').length;
      assert.ok(ready >= 2, `only ${ready} running agents at step ${step}`);
      if (c.activePods().length === 3 && c.activePods().every((p) => p.spec.containers[0].image === 'fluent-bit:3.2' && p.status?.phase === 'Running')) return;
      await c.kubeletSync();
    }
    assert.fail('the rollout did not finish');
  });
});
