import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { configmaps, deployment, deployments, namespaces, secrets, serviceaccounts } from '../apiserver/fixture';
import { newControllerCluster, replicasets } from './harness';

const pem = '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAMMAmNh\n-----END CERTIFICATE-----\n';
const condition = (ns: Obj, type: string) => (ns.status?.conditions ?? []).find((c: Obj) => c.type === type);

describe('Namespace lifecycle controllers', () => {
  it('a new namespace gets its default ServiceAccount and the kube-root-ca.crt ConfigMap', async () => {
    const c = await newControllerCluster({ rootCA: pem });
    await c.client.create(namespaces, undefined, { metadata: { name: 'shop' } });
    await c.until('the default service account exists', () => !!c.client.tryGet(serviceaccounts, 'shop', 'default'));
    await c.until('the root CA ConfigMap exists', () => !!c.client.tryGet(configmaps, 'shop', 'kube-root-ca.crt'));
    assert.deepEqual(c.client.get(configmaps, 'shop', 'kube-root-ca.crt').data, { 'ca.crt': pem });
    // Pods can be created there now: the ServiceAccount admission plugin finds the account.
    await c.client.create(deployments, 'shop', deployment('web', 1));
    await c.until('a pod runs in shop', () => c.activePods('shop').length === 1);
  });

  it('a deleted default ServiceAccount, or an edited root CA ConfigMap, is put back', async () => {
    const c = await newControllerCluster({ rootCA: pem });
    await c.until('the root CA ConfigMap exists', () => !!c.client.tryGet(configmaps, 'default', 'kube-root-ca.crt'));
    await c.client.delete(serviceaccounts, 'default', 'default');
    await c.client.patch(configmaps, 'default', 'kube-root-ca.crt', 'merge', { data: { 'ca.crt': 'tampered' } });
    await c.until('the service account is back', () => !!c.client.tryGet(serviceaccounts, 'default', 'default'));
    await c.until('the CA bundle is restored', () => c.client.get(configmaps, 'default', 'kube-root-ca.crt').data['ca.crt'] === pem);
  });

  it('deleting a namespace deletes everything in it, running pods first, then finalizes it and it is gone', async () => {
    const c = await newControllerCluster();
    await c.client.create(namespaces, undefined, { metadata: { name: 'shop' } });
    await c.until('the default service account exists', () => !!c.client.tryGet(serviceaccounts, 'shop', 'default'));
    await c.client.create(deployments, 'shop', deployment('web', 2));
    await c.client.create(configmaps, 'shop', { metadata: { name: 'settings' }, data: { mode: 'fast' } });
    await c.client.create(secrets, 'shop', { metadata: { name: 'token' }, stringData: { token: 's3cret' } });
    await c.until('2 pods', () => c.activePods('shop').length === 2);
    await c.kubeletSync('shop');
    await c.client.delete(namespaces, undefined, 'shop');
    await c.run(2000);
    const terminating = c.client.get(namespaces, undefined, 'shop');
    assert.equal(terminating.status.phase, 'Terminating');
    const remaining = condition(terminating, 'NamespaceContentRemaining');
    assert.deepEqual([remaining.status, remaining.reason, remaining.message], ['True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 2 resource instances']);
    // Pods go first: the rest waits for them.
    assert.ok(c.client.tryGet(configmaps, 'shop', 'settings'));
    await c.kubeletSync('shop');
    await c.until('the namespace is gone', () => !c.client.tryGet(namespaces, undefined, 'shop'), 60_000);
    for (const type of [deployments, replicasets, configmaps, secrets, serviceaccounts]) assert.deepEqual(c.client.list(type, 'shop').items, [], type.resource);
  });

  it('content with a finalizer holds the namespace, and the condition names the finalizer', async () => {
    const c = await newControllerCluster();
    await c.client.create(namespaces, undefined, { metadata: { name: 'shop' } });
    await c.client.create(configmaps, 'shop', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await c.client.delete(namespaces, undefined, 'shop');
    await c.run(5000);
    const ns = c.client.get(namespaces, undefined, 'shop');
    const f = condition(ns, 'NamespaceFinalizersRemaining');
    assert.deepEqual([f.status, f.reason, f.message], ['True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances']);
    assert.deepEqual(condition(ns, 'NamespaceDeletionDiscoveryFailure').reason, 'ResourcesDiscovered');
    await c.client.patch(configmaps, 'shop', 'held', 'merge', { metadata: { finalizers: null } });
    await c.until('the namespace is gone', () => !c.client.tryGet(namespaces, undefined, 'shop'), 60_000);
  });
});
