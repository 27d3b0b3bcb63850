import assert from 'node:assert/strict';
import type { ApiWatchEvent } from '../../../engine/apiserver/apiserver';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { pod, pods } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const nodes = { group: '', version: 'v1', resource: 'nodes' };

describe('Pod garbage collector', () => {
  it('deletes the oldest terminated pods beyond the threshold, evicted ones first', async () => {
    const c = await newControllerCluster({ disabled: [], terminatedPodGCThreshold: 3 });
    await c.client.create(nodes, undefined, { metadata: { name: 'node-1' } });
    for (const [name, phase, reason] of [['old', 'Succeeded'], ['failed', 'Failed'], ['running', 'Running'], ['evicted', 'Failed', 'Evicted'], ['new-1', 'Succeeded'], ['new-2', 'Succeeded']] as const) {
      await c.client.create(pods, 'default', pod(name, { spec: { nodeName: 'node-1', automountServiceAccountToken: false } }));
      const created = c.client.get(pods, 'default', name);
      await c.client.update(pods, 'default', { ...created, status: { ...created.status, phase, ...(reason ? { reason } : {}) } }, {}, 'status');
      await c.run(1000);
    }
    await c.run(25_000);
    const left = c.podsOf().map((p) => p.metadata.name).sort();
    // Five terminated, three kept: the evicted one goes first, then the oldest.
    assert.deepEqual(left, ['failed', 'new-1', 'new-2', 'running']);
  });

  it('marks a pod of a node that is gone Failed with a DisruptionTarget condition and deletes it, after a 40 s quarantine', async () => {
    const c = await newControllerCluster({ disabled: [] });
    await c.client.create(pods, 'default', pod('stranded', { spec: { nodeName: 'ghost', automountServiceAccountToken: false } }));
    const seen: ApiWatchEvent[] = [];
    const watch = c.client.watch(pods, 'default', { resourceVersion: c.client.list(pods, 'default').metadata.resourceVersion }, (e) => seen.push(e));
    await c.run(40_000);
    assert.ok(c.client.tryGet(pods, 'default', 'stranded'), 'still quarantined');
    await c.run(30_000);
    assert.equal(c.client.tryGet(pods, 'default', 'stranded'), undefined);
    watch.stop();
    const last = seen.at(-1)!;
    assert.equal(last.type, 'DELETED');
    assert.equal(last.object.status.phase, 'Failed');
    assert.deepEqual(last.object.status.conditions.filter((x: Obj) => x.type === 'DisruptionTarget').map((x: Obj) => [x.status, x.reason, x.message]), [['True', 'DeletionByPodGC', 'PodGC: node no longer exists']]);
  });

  it('force-deletes a terminating pod on a node that is not Ready and out of service', async () => {
    const c = await newControllerCluster({ disabled: [] });
    await c.client.create(nodes, undefined, { metadata: { name: 'node-1' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await c.client.create(pods, 'default', pod('stuck', { spec: { nodeName: 'node-1', automountServiceAccountToken: false, tolerations: [{ operator: 'Exists' }] } }));
    const created = c.client.get(pods, 'default', 'stuck');
    await c.client.update(pods, 'default', { ...created, status: { ...created.status, phase: 'Running' } }, {}, 'status');
    await c.client.delete(pods, 'default', 'stuck');
    assert.ok(c.client.get(pods, 'default', 'stuck').metadata.deletionTimestamp, 'graceful: waits for its kubelet');
    await c.run(25_000);
    assert.equal(c.client.tryGet(pods, 'default', 'stuck'), undefined, 'the kubelet will not come back: deleted');
  });
});
