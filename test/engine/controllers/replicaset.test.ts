import assert from 'node:assert/strict';
import { getControllerOf } from '../../../engine/api/meta/ownerReferences';
import { pod, pods } from '../apiserver/fixture';
import { events, newControllerCluster, replicaSet, replicasets } from './harness';

async function given(replicas: number, extra = {}) {
  const c = await newControllerCluster();
  const { object: rs } = await c.client.create(replicasets, 'default', replicaSet('web', replicas, extra));
  return { ...c, rs };
}

describe('ReplicaSet controller', () => {
  it('given a ReplicaSet of 3, creates 3 pods from its template, each controlled by it and named after it', async () => {
    const c = await given(3);
    await c.until('3 pods exist', () => c.activePods().length === 3);
    await c.run(1000);
    const all = c.activePods();
    assert.equal(all.length, 3);
    for (const p of all) {
      assert.match(p.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'web' });
      const ref = getControllerOf(p)!;
      assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: c.rs.metadata.uid, controller: true, blockOwnerDeletion: true });
    }
    await c.manager.flushEvents();
    const created = c.list(events).filter((e) => e.reason === 'SuccessfulCreate');
    assert.deepEqual(created.map((e) => e.message).sort(), all.map((p) => `Created pod: ${p.metadata.name}`).sort());
    assert.equal(created[0]!.source.component, 'replicaset-controller');
    assert.equal(created[0]!.involvedObject.uid, c.rs.metadata.uid);
  });

  it('when its pods run and become ready, reports replicas, readyReplicas, availableReplicas and observedGeneration', async () => {
    const c = await given(2);
    await c.until('2 pods exist', () => c.activePods().length === 2);
    assert.equal(await c.kubeletSync(), 2);
    await c.until('status shows 2 available', () => c.client.get(replicasets, 'default', 'web').status?.availableReplicas === 2);
    const status = c.client.get(replicasets, 'default', 'web').status;
    assert.deepEqual(status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  });

  it('with minReadySeconds, a ready pod becomes available only after that many seconds', async () => {
    const c = await given(1, { minReadySeconds: 30 });
    await c.until('a pod exists', () => c.activePods().length === 1);
    await c.kubeletSync();
    await c.until('the pod is reported ready', () => c.client.get(replicasets, 'default', 'web').status?.readyReplicas === 1);
    assert.equal(c.client.get(replicasets, 'default', 'web').status.availableReplicas, undefined);
    await c.run(29_000);
    assert.equal(c.client.get(replicasets, 'default', 'web').status.availableReplicas, undefined);
    await c.until('available after 30 s', () => c.client.get(replicasets, 'default', 'web').status?.availableReplicas === 1, 2_000);
  });

  it('counts fullyLabeledReplicas from each version of a pod, and a template change recounts them all', async () => {
    const template = { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const c = await given(2, { template });
    await c.until('2 pods exist', () => c.activePods().length === 2);
    const status = () => c.client.get(replicasets, 'default', 'web').status;
    await c.until('both fully labelled', () => status()?.fullyLabeledReplicas === 2);
    // A pod that keeps the selector's label but loses the template's other one still counts as a replica.
    const first = c.activePods()[0]!;
    await c.client.patch(pods, 'default', first.metadata.name, 'merge', { metadata: { labels: { tier: null } } });
    await c.until('one fully labelled', () => status()?.fullyLabeledReplicas === 1);
    assert.equal(status().replicas, 2);
    // A new template with yet another label: the same pods, asked again, are fully labelled no more.
    const rs = c.client.get(replicasets, 'default', 'web');
    await c.client.update(replicasets, 'default', { ...rs, spec: { ...rs.spec, template: { ...template, metadata: { labels: { app: 'web', tier: 'front', zone: 'a' } } } } });
    await c.until('none fully labelled', () => status()?.fullyLabeledReplicas === undefined && status()?.replicas === 2);
  });

  it('when a pod is deleted, replaces it (self-healing)', async () => {
    const c = await given(3);
    await c.until('3 pods exist', () => c.activePods().length === 3);
    const victim = c.activePods()[0]!.metadata.name;
    await c.client.delete(pods, 'default', victim);
    await c.until('3 pods again', () => c.activePods().length === 3 && !c.activePods().some((p) => p.metadata.name === victim));
    await c.run(1000);
    assert.equal(c.activePods().length, 3);
  });

  it('scales up and down with spec.replicas, deleting unscheduled and not-ready pods before running ready ones', async () => {
    const c = await given(2);
    await c.until('2 pods exist', () => c.activePods().length === 2);
    await c.kubeletSync();
    const running = c.activePods().map((p) => p.metadata.name).sort();
    await c.client.patch(replicasets, 'default', 'web', 'merge', { spec: { replicas: 5 } });
    await c.until('5 pods exist', () => c.activePods().length === 5);
    await c.run(500);
    assert.equal(c.activePods().length, 5);
    await c.client.patch(replicasets, 'default', 'web', 'merge', { spec: { replicas: 2 } });
    await c.until('2 pods remain', () => c.activePods().length === 2);
    assert.deepEqual(c.activePods().map((p) => p.metadata.name).sort(), running);
    await c.manager.flushEvents();
    assert.equal(c.list(events).filter((e) => e.reason === 'SuccessfulDelete').length, 3);
  });

  it('adopts an orphan pod its selector matches instead of creating one, and releases a pod relabelled away', async () => {
    const c = await newControllerCluster();
    await c.client.create(pods, 'default', pod('stray'));
    const { object: rs } = await c.client.create(replicasets, 'default', replicaSet('web', 2));
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.run(500);
    const stray = c.client.get(pods, 'default', 'stray');
    assert.equal(getControllerOf(stray)?.uid, rs.metadata.uid);
    assert.equal(c.activePods().length, 2);
    await c.client.patch(pods, 'default', 'stray', 'merge', { metadata: { labels: { app: 'debug' } } });
    await c.until('a replacement exists', () => c.activePods().filter((p) => p.metadata.labels.app === 'web').length === 2);
    assert.equal(getControllerOf(c.client.get(pods, 'default', 'stray')), undefined);
  });
});
