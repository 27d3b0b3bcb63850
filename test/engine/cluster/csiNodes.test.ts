// Each kubelet registers its node's CSINode as it starts, owned by the Node, so it goes with it; a
// kubelet may write its own CSINode and no other.
import assert from 'node:assert/strict';
import { newCluster, rejects } from '../apiserver/fixture';
import { Cluster } from '../../../engine/cluster/index';
import { VirtualClock } from '../../../engine/util/clock';

const csinodes = { group: 'storage.k8s.io', version: 'v1', resource: 'csinodes' };

describe('CSINodes', function () {
  this.timeout(60_000);

  it('are registered by each kubelet, owned by its Node, and collected with it', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0, 0));
    const cluster = await Cluster.start({ clock, seed: 4, workers: 2 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    await clock.advanceAsync(5_000, 250);
    const names = admin.list(csinodes).items.map((n: any) => n.metadata.name).sort();
    assert.deepEqual(names, ['control-plane', 'worker-1', 'worker-2']);
    const worker = admin.get(csinodes, undefined, 'worker-1');
    const node = admin.get({ group: '', version: 'v1', resource: 'nodes' }, undefined, 'worker-1');
    assert.deepEqual(worker.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: node.metadata.uid }]);
    assert.deepEqual(worker.spec, { drivers: [] });
    assert.match(worker.metadata.annotations['storage.alpha.kubernetes.io/migrated-plugins'], /^kubernetes\.io\/aws-ebs,.*kubernetes\.io\/vsphere-volume$/);
    await cluster.removeNode('worker-2');
    await clock.advanceAsync(30_000, 250);
    assert.equal(admin.tryGet(csinodes, undefined, 'worker-2'), undefined);
    await cluster.stop();
  });

  it("refuses a kubelet's write to another node's CSINode", async () => {
    const { kubelet } = await newCluster();
    await kubelet('worker-1').create(csinodes, undefined, { metadata: { name: 'worker-1' }, spec: { drivers: [] } });
    await rejects(kubelet('worker-1').create(csinodes, undefined, { metadata: { name: 'worker-2' }, spec: { drivers: [] } }), 403, 'csinodes.storage.k8s.io "worker-2" is forbidden: node "worker-1" is not allowed to modify object "worker-2"');
  });
});
