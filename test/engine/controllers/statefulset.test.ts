import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { pods } from '../apiserver/fixture';
import { apps, newControllerCluster } from './harness';

const statefulsets = { ...apps, resource: 'statefulsets' };
const controllerrevisions = { ...apps, resource: 'controllerrevisions' };
const pvcs = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };

function db(replicas: number, spec: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      replicas,
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'postgres', image: 'postgres:16.4', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;
const names = (c: Cluster) => c.activePods().map((p) => p.metadata.name).sort();

describe('StatefulSet controller', () => {
  it('OrderedReady: creates db-0, and db-1 only once db-0 is Running and Ready, each with its own claim data-db-<ordinal>', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(3));
    await c.run(3000);
    assert.deepEqual(names(c), ['db-0']);
    const pod0 = c.client.get(pods, 'default', 'db-0');
    assert.equal(pod0.spec.hostname, 'db-0');
    assert.equal(pod0.spec.subdomain, 'db');
    assert.equal(pod0.metadata.labels['statefulset.kubernetes.io/pod-name'], 'db-0');
    assert.equal(pod0.metadata.labels['apps.kubernetes.io/pod-index'], '0');
    assert.deepEqual(pod0.spec.volumes.find((v: Obj) => v.name === 'data'), { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } });
    assert.ok(c.client.tryGet(pvcs, 'default', 'data-db-0'));
    for (const expected of [['db-0', 'db-1'], ['db-0', 'db-1', 'db-2']]) {
      await c.kubeletSync();
      await c.run(2000);
      assert.deepEqual(names(c), expected);
    }
    await c.kubeletSync();
    await c.until('3 ready', () => c.client.get(statefulsets, 'default', 'db').status?.readyReplicas === 3);
    const status = c.client.get(statefulsets, 'default', 'db').status;
    assert.equal(status.replicas, 3);
    assert.equal(status.currentRevision, status.updateRevision);
    assert.match(status.updateRevision, /^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.deepEqual(c.list(pvcs).map((p) => p.metadata.name).sort(), ['data-db-0', 'data-db-1', 'data-db-2']);
  });

  it('a deleted pod comes back under the same name with the same claim, which was never deleted', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(2, { podManagementPolicy: 'Parallel' }));
    await c.until('2 pods', () => c.activePods().length === 2);
    const claimUid = c.client.get(pvcs, 'default', 'data-db-1').metadata.uid;
    const podUid = c.client.get(pods, 'default', 'db-1').metadata.uid;
    await c.client.delete(pods, 'default', 'db-1');
    await c.until('db-1 is back', () => c.client.tryGet(pods, 'default', 'db-1')?.metadata.uid !== podUid && !!c.client.tryGet(pods, 'default', 'db-1'));
    assert.equal(c.client.get(pvcs, 'default', 'data-db-1').metadata.uid, claimUid);
  });

  it('scales down from the highest ordinal, keeping the claims', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(3, { podManagementPolicy: 'Parallel' }));
    await c.until('3 pods', () => c.activePods().length === 3);
    await c.kubeletSync();
    await c.client.patch(statefulsets, 'default', 'db', 'merge', { spec: { replicas: 1, podManagementPolicy: 'Parallel' } });
    await c.until('db-1 and db-2 terminating', () => names(c).join() === 'db-0');
    assert.equal(c.list(pvcs).length, 3);
  });

  it('a template change rolls the pods from the highest ordinal down, one at a time, to a new ControllerRevision', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(3, { podManagementPolicy: 'Parallel' }));
    await c.until('3 pods', () => c.activePods().length === 3);
    await c.kubeletSync();
    await c.until('3 ready', () => c.client.get(statefulsets, 'default', 'db').status?.readyReplicas === 3);
    const before = c.client.get(statefulsets, 'default', 'db').status.currentRevision;
    await c.client.patch(statefulsets, 'default', 'db', 'strategic', { spec: { template: { spec: { containers: [{ name: 'postgres', image: 'postgres:17.0' }] } } } });
    const order: string[] = [];
    for (let step = 0; step < 20 && order.length < 3; step++) {
      await c.run(1000);
      const terminating = c.podsOf().filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
      assert.ok(terminating.length <= 1, `one pod at a time, saw ${terminating.join()}`);
      for (const t of terminating) if (!order.includes(t)) order.push(t);
      await c.kubeletSync();
    }
    assert.deepEqual(order, ['db-2', 'db-1', 'db-0']);
    await c.until('db-0 is re-created', () => names(c).length === 3);
    await c.kubeletSync();
    await c.until('the update revision is current', () => {
      const s = c.client.get(statefulsets, 'default', 'db').status;
      return s.currentRevision === s.updateRevision && s.updatedReplicas === 3;
    });
    assert.notEqual(c.client.get(statefulsets, 'default', 'db').status.currentRevision, before);
    assert.ok(c.activePods().every((p) => p.spec.containers[0].image === 'postgres:17.0'));
    assert.deepEqual(c.list(controllerrevisions).map((r) => r.revision).sort(), [1, 2]);
  });

  it('with persistentVolumeClaimRetentionPolicy Delete, scaled-down pods take their claims with them, and deleting the set deletes the rest', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(3, { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await c.until('3 pods', () => c.activePods().length === 3);
    await c.kubeletSync();
    const set = c.client.get(statefulsets, 'default', 'db');
    assert.deepEqual(c.client.get(pvcs, 'default', 'data-db-0').metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: set.metadata.uid }]);
    await c.client.patch(statefulsets, 'default', 'db', 'merge', { spec: { replicas: 1 } });
    await c.until('db-1 and db-2 terminating', () => names(c).join() === 'db-0');
    await c.kubeletSync();
    await c.until('their claims are gone', () => c.list(pvcs).map((p) => p.metadata.name).join() === 'data-db-0');
    await c.client.delete(statefulsets, 'default', 'db');
    await c.until('every claim is gone', () => c.list(pvcs).length === 0);
  });

  it('with the default Retain policy, claims own nothing and outlive the set', async () => {
    const c = await newControllerCluster();
    await c.client.create(statefulsets, 'default', db(1));
    await c.until('a claim', () => c.list(pvcs).length === 1);
    assert.equal(c.list(pvcs)[0]!.metadata.ownerReferences, undefined);
    await c.client.delete(statefulsets, 'default', 'db');
    await c.run(3000);
    assert.equal(c.list(pvcs).length, 1);
  });
});
