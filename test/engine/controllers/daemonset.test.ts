import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { DaemonSetController } from '../../../engine/controllers/daemonset';
import { apps, newControllerCluster } from './harness';

const daemonsets = { ...apps, resource: 'daemonsets' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const quotas = { group: '', version: 'v1', resource: 'resourcequotas' };
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

  it('creates and deletes at most 250 pods a sync (burstReplicas), creating in slow-start batches that stop at the first refusal', async () => {
    const c = await newControllerCluster();
    const controller = c.manager.controllers.find((x) => x instanceof DaemonSetController) as DaemonSetController;
    const expected: string[] = [];
    const expect = controller.expectations.expect.bind(controller.expectations);
    controller.expectations.expect = (key, adds, uids) => {
      if (key === 'default/agent' && (adds > 0 || uids.length > 0)) expected.push(`+${adds} -${uids.length}`);
      expect(key, adds, uids);
    };
    await givenNodes(c, ...Array.from({ length: 260 }, (_, i) => [`node-${i}`] as [string]));
    // A quota of 3 pods in one namespace: batches of 1 and 2 are created, the batch of 4 refused, and it stops there.
    await c.client.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, { metadata: { name: 'tight' } });
    await c.until('its service account', () => !!c.client.tryGet({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'tight', 'default'));
    await c.client.create(quotas, 'tight', { metadata: { name: 'pods' }, spec: { hard: { pods: '3' } } });
    await c.until('the quota is counted', () => !!c.client.get(quotas, 'tight', 'pods').status?.used);
    const refused: string[] = [];
    c.server.audit.onEvent((e) => {
      if (e.verb === 'create' && e.objectRef.resource === 'pods' && e.objectRef.namespace === 'tight' && e.responseStatus.code === 403) refused.push(e.requestReceivedTimestamp);
    });
    await c.client.create(daemonsets, 'tight', agent());
    await c.until('3 pods', () => c.activePods('tight').length === 3);
    await c.run(50);
    assert.ok(refused.length >= 4 && refused.length < 10, `${refused.length} refused creations: the first sync's batch of 4, then one a retry, not 257 a sync`);
    assert.equal(c.activePods('tight').length, 3);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('260 pods', () => c.activePods().length === 260, 60_000);
    assert.deepEqual(expected, ['+250 -0', '+10 -0'], 'one sync expects 250 creations, the next the other 10');
    expected.length = 0;
    await c.client.patch(daemonsets, 'default', 'agent', 'merge', { spec: { template: { spec: { nodeSelector: { tier: 'none' } } } } });
    await c.until('no pods', () => c.activePods().length === 0, 60_000);
    assert.deepEqual(expected, ['+0 -250', '+0 -10'], 'and deletions the same way, each awaited');
  });

  it('a node that joins or changes concerns only the DaemonSets it changes', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a', { labels: { tier: 'edge' } }]);
    await c.client.create(daemonsets, 'default', agent({ nodeSelector: { tier: 'edge' } }));
    await c.client.create(daemonsets, 'default', { ...agent({ nodeSelector: { tier: 'core' } }), metadata: { name: 'core-agent' } });
    await c.until('1 pod', () => placement(c).join() === 'node-a');
    await c.run(1000);
    const controller = c.manager.controllers.find((x) => x instanceof DaemonSetController) as DaemonSetController;
    const synced: string[] = [];
    const sync = controller.sync.bind(controller);
    controller.sync = (key) => (synced.push(key), sync(key));
    await givenNodes(c, ['node-b', { labels: { tier: 'edge' } }]);
    await c.until('2 pods', () => placement(c).join() === 'node-a,node-b');
    await c.run(1000);
    assert.ok(synced.length > 0 && synced.every((k) => k === 'default/agent'), `synced ${[...new Set(synced)]}`);
    synced.length = 0;
    await c.client.patch(nodes, undefined, 'node-b', 'merge', { metadata: { labels: { zone: 'a' } } });
    await c.run(1000);
    assert.equal(synced.join(), '', 'a label no DaemonSet selects on changes nothing');
    await c.client.patch(nodes, undefined, 'node-b', 'merge', { metadata: { labels: { tier: 'core' } } });
    await c.until('node-b moves to core-agent', () => c.activePods().map((p) => `${p.metadata.name.replace(/-[a-z0-9]+$/, '')}@${pinnedNode(p)}`).sort().join() === 'agent@node-a,core-agent@node-b');
    assert.ok(synced.includes('default/agent') && (synced as string[]).includes('default/core-agent'));
  });

  it('a pod it releases brings the set a sync at once; a deleted set leaves nothing behind in the controller', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a']);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('1 pod', () => c.activePods().length === 1);
    await c.run(1000);
    const controller = c.manager.controllers.find((x) => x instanceof DaemonSetController) as DaemonSetController;
    const synced: string[] = [];
    const sync = controller.sync.bind(controller);
    controller.sync = (key) => (synced.push(key), sync(key));
    const released = c.activePods()[0]!;
    await c.client.patch({ group: '', version: 'v1', resource: 'pods' }, 'default', released.metadata.name, 'merge', { metadata: { ownerReferences: null } });
    await c.until('the set synced', () => synced.includes('default/agent'), 100);
    await c.until('a pod of its own on node-a again', () => c.activePods().filter((p) => p.metadata.ownerReferences?.length).length === 1);
    await c.kubeletSync();
    await c.client.delete(daemonsets, 'default', 'agent');
    await c.until('its pod is terminating', () => c.podsOf().some((p) => p.metadata.ownerReferences?.length && p.metadata.deletionTimestamp), 60_000);
    await c.kubeletSync();
    await c.until('its pod is gone', () => c.podsOf().every((p) => !p.metadata.ownerReferences?.length), 60_000);
    await c.run(1000);
    const kept = controller as unknown as Record<'placements' | 'hashes' | 'tallies' | 'daemonPods', Map<string, unknown>>;
    assert.deepEqual([kept.placements.size, kept.hashes.size, kept.tallies.size, kept.daemonPods.size], [0, 0, 0, 0]);
  });

  it('adopts an orphan it selects rather than start a second pod on its node, replaces it as a pod of an old revision, and releases a pod relabelled out of its selector', async () => {
    const c = await newControllerCluster();
    const pods = { group: '', version: 'v1', resource: 'pods' };
    const nodeOf = (p: Obj) => p.spec.nodeName ?? pinnedNode(p);
    const where = () => c.activePods().map(nodeOf).sort();
    await givenNodes(c, ['node-a'], ['node-b']);
    await c.client.create(pods, 'default', { metadata: { name: 'stray-agent', labels: { app: 'agent' } }, spec: { nodeName: 'node-a', containers: [{ name: 'agent', image: 'fluent-bit:3.1' }] } });
    await c.kubeletSync('default', 'node-a');
    await c.client.create(daemonsets, 'default', agent());
    await c.until('node-b has its agent', () => where().filter((n) => n === 'node-b').length === 1);
    await c.run(1000);
    const stray = c.client.get(pods, 'default', 'stray-agent');
    assert.deepEqual(stray.metadata.ownerReferences?.map((r: Obj) => `${r.kind}/${r.name}`), ['DaemonSet/agent'], 'the orphan on node-a is adopted');
    assert.equal(stray.metadata.deletionTimestamp, undefined);
    assert.equal(c.activePods().length, 2, 'node-a gets no second pod');
    // It has no controller-revision-hash: an old pod, replaced once node-b's is available (maxUnavailable 1).
    await c.kubeletSync();
    await c.until('the adopted pod is deleted', () => !!c.client.get(pods, 'default', 'stray-agent').metadata.deletionTimestamp);
    await c.kubeletSync();
    await c.until('replaced by a pod of the current revision', () => where().join() === 'node-a,node-b' && c.activePods().every((p) => p.metadata.labels['controller-revision-hash']));

    const onB = c.activePods().find((p) => nodeOf(p) === 'node-b')!;
    await c.client.patch(pods, 'default', onB.metadata.name, 'merge', { metadata: { labels: { app: 'debugging' } } });
    await c.until('released, and node-b has a new agent', () => {
      const released = c.client.get(pods, 'default', onB.metadata.name);
      const agents = c.activePods().filter((p) => p.metadata.labels?.app === 'agent');
      return !released.metadata.ownerReferences?.length && agents.length === 2 && agents.some((p) => nodeOf(p) === 'node-b');
    });
  });

  it('a template change replaces the pods node by node, never more than maxUnavailable at once', async () => {
    const c = await newControllerCluster();
    await givenNodes(c, ['node-a'], ['node-b'], ['node-c']);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('3 pods', () => c.activePods().length === 3);
    await c.kubeletSync();
    await c.until('3 available', () => c.client.get(daemonsets, 'default', 'agent').status?.numberAvailable === 3);
    // A change outside the template moves the generation, not the template generation the pods carry.
    await c.client.patch(daemonsets, 'default', 'agent', 'merge', { spec: { revisionHistoryLimit: 5 } });
    await c.client.patch(daemonsets, 'default', 'agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluent-bit:3.2' }] } } } });
    const done = () => c.activePods().length === 3 && c.activePods().every((p) => p.spec.containers[0].image === 'fluent-bit:3.2' && p.status?.phase === 'Running');
    for (let step = 0; step < 30 && !done(); step++) {
      await c.run(1000);
      const ready = c.activePods().filter((p) => p.status?.phase === 'Running').length;
      assert.ok(ready >= 2, `only ${ready} running agents at step ${step}`);
      if (!done()) await c.kubeletSync();
    }
    assert.ok(done(), 'the rollout did not finish');
    const set = c.client.get(daemonsets, 'default', 'agent');
    assert.deepEqual([set.metadata.generation, set.metadata.annotations['deprecated.daemonset.template.generation']], [3, '2']);
    assert.deepEqual(c.activePods().map((p) => p.metadata.labels['pod-template-generation']), ['2', '2', '2']);
  });

  it('keeps a pod whose revision hash differs but whose template generation is current, and counts it updated', async () => {
    const c = await newControllerCluster();
    const pods = { group: '', version: 'v1', resource: 'pods' };
    await givenNodes(c, ['node-a'], ['node-b']);
    await c.client.create(daemonsets, 'default', agent());
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.kubeletSync();
    await c.until('2 available', () => c.client.get(daemonsets, 'default', 'agent').status?.numberAvailable === 2);
    // As a pod made by a controller that hashed templates another way would be labelled.
    const [first] = c.activePods();
    await c.client.patch(pods, 'default', first!.metadata.name, 'merge', { metadata: { labels: { 'controller-revision-hash': 'hashed-elsewhere' } } });
    await c.run(5000);
    await c.kubeletSync();
    await c.run(5000);
    assert.equal(c.client.get(pods, 'default', first!.metadata.name).metadata.deletionTimestamp, undefined, 'not rolled');
    assert.equal(c.activePods().length, 2);
    assert.equal(c.client.get(daemonsets, 'default', 'agent').status.updatedNumberScheduled, 2);
    // A template generation of its own does not count: that pod is old, and replaced.
    await c.client.patch(pods, 'default', first!.metadata.name, 'merge', { metadata: { labels: { 'pod-template-generation': '0' } } });
    await c.until('the old pod is deleted', () => !!c.client.get(pods, 'default', first!.metadata.name)?.metadata.deletionTimestamp);
  });
});
