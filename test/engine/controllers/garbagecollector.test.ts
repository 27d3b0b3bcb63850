import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { configmaps, deployment, deployments } from '../apiserver/fixture';
import { newControllerCluster, replicasets } from './harness';

type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

/** A running Deployment of 2: its ReplicaSet and two Running pods bound to a node. */
async function givenRunningDeployment() {
  const c = await newControllerCluster();
  await c.client.create(deployments, 'default', deployment('web', 2));
  await c.until('2 pods exist', () => c.activePods().length === 2);
  await c.kubeletSync();
  await c.until('the deployment is available', () => c.client.get(deployments, 'default', 'web').status?.availableReplicas === 2);
  return c;
}

const rsNames = (c: Cluster) => c.list(replicasets).map((rs) => rs.metadata.name);

describe('Garbage collector', () => {
  it('background: deleting a Deployment deletes its ReplicaSet, and then its pods', async () => {
    const c = await givenRunningDeployment();
    await c.client.delete(deployments, 'default', 'web');
    await c.until('the ReplicaSet is gone', () => rsNames(c).length === 0);
    // The pods were running: they terminate gracefully, the kubelet finishes them.
    await c.until('every pod is terminating', () => c.podsOf().every((p) => p.metadata.deletionTimestamp));
    await c.kubeletSync();
    await c.until('no pod is left', () => c.podsOf().length === 0);
  });

  it('foreground: the Deployment stays, marked with foregroundDeletion, until its pods and ReplicaSet are gone', async () => {
    const c = await givenRunningDeployment();
    await c.client.delete(deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    await c.run(3000);
    const d = c.client.get(deployments, 'default', 'web');
    assert.ok(d.metadata.deletionTimestamp);
    assert.deepEqual(d.metadata.finalizers, ['foregroundDeletion']);
    const rs = c.list(replicasets)[0]!;
    assert.ok(rs.metadata.deletionTimestamp, 'the ReplicaSet is being deleted in the foreground too');
    assert.deepEqual(rs.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(c.podsOf().length === 2 && c.podsOf().every((p) => p.metadata.deletionTimestamp), 'the pods are terminating');
    await c.kubeletSync();
    await c.until('the Deployment is gone', () => !c.client.tryGet(deployments, 'default', 'web'));
    assert.deepEqual(rsNames(c), []);
    assert.equal(c.podsOf().length, 0);
  });

  it('orphan: the Deployment goes, its ReplicaSet and pods stay without a reference to it', async () => {
    const c = await givenRunningDeployment();
    const [rsName] = rsNames(c);
    await c.client.delete(deployments, 'default', 'web', { propagationPolicy: 'Orphan' });
    await c.until('the Deployment is gone', () => !c.client.tryGet(deployments, 'default', 'web'));
    await c.run(3000);
    const rs = c.client.get(replicasets, 'default', rsName!);
    assert.equal(rs.metadata.ownerReferences, undefined);
    assert.equal(rs.metadata.deletionTimestamp, undefined);
    assert.equal(c.activePods().length, 2);
  });

  it('an object whose only owner never existed (or is gone) is collected; one with a live owner left is kept, without the dangling reference', async () => {
    const c = await newControllerCluster();
    const { object: owner } = await c.client.create(configmaps, 'default', { metadata: { name: 'owner' } });
    const gone = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '0b9d1e1c-1111-4222-8333-444455556666' };
    const live = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid };
    await c.client.create(configmaps, 'default', { metadata: { name: 'orphaned', ownerReferences: [gone] } });
    await c.client.create(configmaps, 'default', { metadata: { name: 'kept', ownerReferences: [gone, live] } });
    await c.until('the orphaned dependent is collected', () => !c.client.tryGet(configmaps, 'default', 'orphaned'));
    await c.until('the dangling reference is removed', () => c.client.get(configmaps, 'default', 'kept').metadata.ownerReferences?.length === 1);
    assert.deepEqual(c.client.get(configmaps, 'default', 'kept').metadata.ownerReferences.map((r: Obj) => r.name), ['owner']);
    await c.client.delete(configmaps, 'default', 'owner');
    await c.until('the dependent of the deleted owner is collected', () => !c.client.tryGet(configmaps, 'default', 'kept'));
  });

  it("a reference whose uid is a live object's but whose name, kind or namespace is not is dangling; one matching its owner in every way is kept", async () => {
    const c = await newControllerCluster();
    await c.client.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, { metadata: { name: 'shop' } });
    const { object: owner } = await c.client.create(configmaps, 'default', { metadata: { name: 'owner' } });
    const uid = owner.metadata.uid;
    // The owner is in the collector's graph before the dependents name it.
    await c.run(1_000);
    await c.client.create(configmaps, 'default', { metadata: { name: 'right', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }] } });
    await c.client.create(configmaps, 'default', { metadata: { name: 'wrong-name', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid }] } });
    await c.client.create(configmaps, 'default', { metadata: { name: 'wrong-kind', ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: 'owner', uid }] } });
    await c.client.create(configmaps, 'shop', { metadata: { name: 'wrong-namespace', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }] } });
    await c.until('the dependents of no real owner are collected', () => ['wrong-name', 'wrong-kind'].every((n) => !c.client.tryGet(configmaps, 'default', n)) && !c.client.tryGet(configmaps, 'shop', 'wrong-namespace'));
    await c.run(5_000);
    assert.ok(c.client.tryGet(configmaps, 'default', 'right'), 'the dependent of its real owner stays');
  });

  it('custom resources defined after the controller manager started are collected too', async () => {
    const c = await newControllerCluster();
    const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
    const backups = { group: 'gc.example.com', version: 'v1', resource: 'backups' };
    await c.client.create(crds, undefined, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'backups.gc.example.com' },
      spec: {
        group: 'gc.example.com',
        scope: 'Namespaced',
        names: { kind: 'Backup', plural: 'backups', singular: 'backup' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const { object: owner } = await c.client.create(configmaps, 'default', { metadata: { name: 'owner' } });
    await c.client.create(backups, 'default', { apiVersion: 'gc.example.com/v1', kind: 'Backup', metadata: { name: 'nightly', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }] } });
    // The collector finds the new resource at its next discovery (every 30 s).
    await c.run(31_000);
    await c.client.delete(configmaps, 'default', 'owner');
    await c.until('the custom object is collected', () => !c.client.tryGet(backups, 'default', 'nightly'));
  });
});
