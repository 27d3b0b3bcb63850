import assert from 'node:assert/strict';
import { configmaps, deployment, deployments } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const quotas = { group: '', version: 'v1', resource: 'resourcequotas' };

describe('Resource quota controller', () => {
  it('reports hard and used as the namespace fills up: pods, requests, and object counts', async () => {
    const c = await newControllerCluster();
    await c.client.create(quotas, 'default', { metadata: { name: 'compute' }, spec: { hard: { pods: '10', 'requests.cpu': '4', configmaps: '5', 'count/deployments.apps': '2' } } });
    await c.until('status appears', () => !!c.client.get(quotas, 'default', 'compute').status?.used);
    const initialConfigMaps = c.client.list(configmaps, 'default').items.length;
    const d = deployment('web', 3);
    d.spec.template.spec.containers[0].resources = { requests: { cpu: '250m', memory: '64Mi' } };
    await c.client.create(deployments, 'default', d);
    await c.client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    await c.until('3 pods counted', () => c.client.get(quotas, 'default', 'compute').status.used.pods === '3');
    await c.run(1000);
    const status = c.client.get(quotas, 'default', 'compute').status;
    assert.deepEqual(status.hard, { pods: '10', 'requests.cpu': '4', configmaps: '5', 'count/deployments.apps': '2' });
    assert.equal(status.used['requests.cpu'], '750m');
    assert.equal(status.used.configmaps, String(initialConfigMaps + 1));
    assert.equal(status.used['count/deployments.apps'], '1');
    // Admission charges a new Deployment at once; deleted, it gives its count back, as the quota
    // monitor watches every kind a quota counts.
    await c.client.create(deployments, 'default', deployment('idle', 0));
    assert.equal(c.client.get(quotas, 'default', 'compute').status.used['count/deployments.apps'], '2');
    await c.client.delete(deployments, 'default', 'idle');
    await c.until('the deleted Deployment given back', () => c.client.get(quotas, 'default', 'compute').status.used['count/deployments.apps'] === '1');
  });

  it('counts for a scoped quota only the pods its scopes select', async () => {
    const c = await newControllerCluster();
    await c.client.create(quotas, 'default', { metadata: { name: 'best-effort' }, spec: { hard: { pods: '10' }, scopes: ['BestEffort'] } });
    await c.client.create(quotas, 'default', { metadata: { name: 'sized' }, spec: { hard: { pods: '10', 'requests.cpu': '4' }, scopes: ['NotBestEffort'] } });
    await c.client.create(quotas, 'default', { metadata: { name: 'terminating' }, spec: { hard: { pods: '10' }, scopes: ['Terminating'] } });
    const sized = deployment('sized', 2);
    sized.spec.template.spec.containers[0].resources = { requests: { cpu: '250m' } };
    await c.client.create(deployments, 'default', sized);
    await c.client.create(deployments, 'default', deployment('plain', 3));
    await c.until('the pods are counted', () => c.client.get(quotas, 'default', 'sized').status?.used?.pods === '2' && c.client.get(quotas, 'default', 'best-effort').status?.used?.pods === '3');
    // Counted again from the objects at the resync, the same numbers.
    await c.run(5 * 60 * 1000);
    const used = (name: string) => c.client.get(quotas, 'default', name).status.used;
    assert.deepEqual(used('best-effort'), { pods: '3' });
    assert.deepEqual(used('sized'), { pods: '2', 'requests.cpu': '500m' });
    assert.deepEqual(used('terminating'), { pods: '0' });
  });

  it('counts pods whose affinity reaches other namespaces, and claims by volume attributes class, for quotas so scoped', async () => {
    const c = await newControllerCluster();
    const pods = { group: '', version: 'v1', resource: 'pods' };
    const claims = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
    await c.client.create(quotas, 'default', { metadata: { name: 'cross-namespace' }, spec: { hard: { pods: '10' }, scopes: ['CrossNamespacePodAffinity'] } });
    await c.client.create(quotas, 'default', { metadata: { name: 'gold' }, spec: { hard: { persistentvolumeclaims: '5', 'requests.storage': '10Gi' }, scopeSelector: { matchExpressions: [{ scopeName: 'VolumeAttributesClass', operator: 'In', values: ['gold'] }] } } });
    await c.client.create(quotas, 'default', { metadata: { name: 'any-class' }, spec: { hard: { persistentvolumeclaims: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'VolumeAttributesClass', operator: 'Exists' }] } } });
    await c.until('the quotas have a status', () => ['cross-namespace', 'gold', 'any-class'].every((n) => !!c.client.get(quotas, 'default', n).status?.used));
    const term = (extra: Record<string, unknown>) => ({ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname', ...extra });
    const pod = (name: string, affinity?: Record<string, unknown>) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...(affinity ? { affinity } : {}) } });
    await c.client.create(pods, 'default', pod('plain'));
    await c.client.create(pods, 'default', pod('same-namespace', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({})] } }));
    await c.client.create(pods, 'default', pod('named', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaces: ['shop'] })] } }));
    await c.client.create(pods, 'default', pod('selected', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term({ namespaceSelector: {} }) }] } }));
    const claim = (name: string, vac?: string) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(vac ? { volumeAttributesClassName: vac } : {}) } });
    await c.client.create(claims, 'default', claim('none'));
    await c.client.create(claims, 'default', claim('fast', 'gold'));
    await c.client.create(claims, 'default', claim('slow', 'silver'));
    await c.run(5 * 60 * 1000);
    const used = (name: string) => c.client.get(quotas, 'default', name).status.used;
    assert.deepEqual(used('cross-namespace'), { pods: '2' });
    assert.deepEqual(used('gold'), { persistentvolumeclaims: '1', 'requests.storage': '1Gi' });
    assert.deepEqual(used('any-class'), { persistentvolumeclaims: '2' });
    // Admission holds the scoped quota too: a fourth gold claim of 9Gi more would pass 10Gi.
    await assert.rejects(c.client.create(claims, 'default', { ...claim('huge', 'gold'), spec: { ...claim('huge', 'gold').spec, resources: { requests: { storage: '10Gi' } } } }), /exceeded quota: gold, requested: requests.storage=10Gi, used: requests.storage=1Gi, limited: requests.storage=10Gi/);
    await c.client.create(claims, 'default', { ...claim('huge-silver', 'silver'), spec: { ...claim('huge-silver', 'silver').spec, resources: { requests: { storage: '10Gi' } } } });
  });
});
