import assert from 'node:assert/strict';
import { serviceAccountMountPath } from '../../../engine/apiserver/admission/service-account';
import { configmaps, core, newCluster, pod, pods, rejects, secrets } from './fixture';

const limitranges = { ...core, resource: 'limitranges' };
const resourcequotas = { ...core, resource: 'resourcequotas' };
const pvcs = { ...core, resource: 'persistentvolumeclaims' };
const storageclasses = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };
const pdbs = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };

describe('admission: ServiceAccount', () => {
  it('runs a pod as the default service account and mounts its token into every container', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const p = (await client.create(pods, 'shop', pod('web-1'))).object;
    assert.equal(p.spec.serviceAccountName, 'default');
    const volume = p.spec.volumes.find((v: any) => v.name.startsWith('kube-api-access-'));
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
    assert.deepEqual(p.spec.containers[0].volumeMounts, [{ name: volume.name, readOnly: true, mountPath: serviceAccountMountPath }]);
  });

  it('refuses a pod whose service account does not exist, and mounts nothing when automount is off', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await rejects(client.create(pods, 'shop', pod('web-1', { spec: { serviceAccountName: 'ci' } })), 403, 'pods "web-1" is forbidden: error looking up service account shop/ci: serviceaccount "ci" not found');
    const p = (await client.create(pods, 'shop', pod('web-2', { spec: { automountServiceAccountToken: false } }))).object;
    assert.equal(p.spec.volumes, undefined);
  });
});

describe('admission: LimitRanger', () => {
  it('fills in missing requests and limits from the namespace\'s LimitRange, and refuses a container over its max', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(limitranges, 'shop', { metadata: { name: 'defaults' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' }, max: { memory: '1Gi' } }] } });
    const p = (await client.create(pods, 'shop', pod('web-1'))).object;
    assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    await rejects(
      client.create(pods, 'shop', pod('big', { container: { resources: { limits: { memory: '2Gi' } } } })),
      403,
      'pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi',
    );
  });
});

/** A quota as the quota controller leaves it once it has counted: status.hard from the spec, used so far. */
async function countedQuota(client: Awaited<ReturnType<typeof newCluster>>['client'], name: string, hard: Record<string, string>, used: Record<string, string>) {
  const { object } = await client.create(resourcequotas, 'shop', { metadata: { name }, spec: { hard } });
  await client.update(resourcequotas, 'shop', { ...object, status: { hard, used } }, {}, 'status');
}

describe('admission: ResourceQuota', () => {
  it('rejects a create that would exceed the namespace\'s quota, with Kubernetes\' message, and charges each admitted one to the quota\'s status', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await countedQuota(client, 'small', { pods: '2', configmaps: '1' }, { pods: '0', configmaps: '0' });
    await client.create(pods, 'shop', pod('a'));
    assert.deepEqual(client.get(resourcequotas, 'shop', 'small').status.used, { pods: '1', configmaps: '0' });
    await client.create(pods, 'shop', pod('b'));
    await rejects(client.create(pods, 'shop', pod('c')), 403, 'pods "c" is forbidden: exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2');
    await client.create(configmaps, 'shop', { metadata: { name: 'one' } });
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'two' } }), 403, 'configmaps "two" is forbidden: exceeded quota: small, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
  });

  it('counts compute resources, and requires pods to state them when the quota limits them', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await countedQuota(client, 'compute', { 'requests.memory': '1Gi' }, { 'requests.memory': '0' });
    await rejects(client.create(pods, 'shop', pod('none')), 403, 'pods "none" is forbidden: failed quota: compute: must specify requests.memory');
    await client.create(pods, 'shop', pod('a', { container: { resources: { requests: { memory: '768Mi' } } } }));
    await rejects(
      client.create(pods, 'shop', pod('b', { container: { resources: { requests: { memory: '512Mi' } } } })),
      403,
      'pods "b" is forbidden: exceeded quota: compute, requested: requests.memory=512Mi, used: requests.memory=768Mi, limited: requests.memory=1Gi',
    );
  });

  it('applies a quota only to the pods its scopes select: BestEffort, NotTerminating, a PriorityClass selector', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const { object: q } = await client.create(resourcequotas, 'shop', { metadata: { name: 'best-effort' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort', 'NotTerminating'] } });
    await client.update(resourcequotas, 'shop', { ...q, status: { hard: { pods: '1' }, used: { pods: '0' } } }, {}, 'status');
    const { object: p } = await client.create(resourcequotas, 'shop', { metadata: { name: 'high' }, spec: { hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } });
    await client.update(resourcequotas, 'shop', { ...p, status: { hard: { pods: '1' }, used: { pods: '0' } } }, {}, 'status');
    const burstable = { container: { resources: { requests: { cpu: '100m' } } } };
    await client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, undefined, { metadata: { name: 'high' }, value: 1000 });
    await client.create(pods, 'shop', pod('free-1'));
    await rejects(client.create(pods, 'shop', pod('free-2')), 403, 'pods "free-2" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
    // Requests make it Burstable; a deadline makes it Terminating: neither counts against best-effort.
    await client.create(pods, 'shop', pod('sized', burstable));
    await client.create(pods, 'shop', pod('job-like', { spec: { activeDeadlineSeconds: 60 } }));
    await client.create(pods, 'shop', pod('high-1', { ...burstable, spec: { priorityClassName: 'high' } }));
    await rejects(client.create(pods, 'shop', pod('high-2', { ...burstable, spec: { priorityClassName: 'high' } })), 403, 'pods "high-2" is forbidden: exceeded quota: high, requested: pods=1, used: pods=1, limited: pods=1');
    // A scoped quota counts pods only.
    await client.create(configmaps, 'shop', { metadata: { name: 'settings' } });
    assert.deepEqual([client.get(resourcequotas, 'shop', 'best-effort').status.used.pods, client.get(resourcequotas, 'shop', 'high').status.used.pods], ['1', '1']);
  });

  it('constrains nothing until the controller has counted, then refuses what its status does not count yet; a dry run charges nothing', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const { object } = await client.create(resourcequotas, 'shop', { metadata: { name: 'fresh' }, spec: { hard: { pods: '1' } } });
    // No status yet (no controller runs here): as in Kubernetes, the quota does not constrain.
    await client.create(pods, 'shop', pod('a'));
    await client.create(pods, 'shop', pod('b'));
    await client.update(resourcequotas, 'shop', { ...object, metadata: { ...object.metadata, resourceVersion: undefined }, status: { hard: { pods: '1', services: '1' }, used: { pods: '2' } } }, {}, 'status');
    await rejects(client.create(pods, 'shop', pod('c')), 403, 'pods "c" is forbidden: exceeded quota: fresh, requested: pods=1, used: pods=2, limited: pods=1');
    await rejects(
      client.create({ group: '', version: 'v1', resource: 'services' }, 'shop', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } }),
      403,
      'services "web" is forbidden: status unknown for quota: fresh, resources: services',
    );
    await client.update(resourcequotas, 'shop', { ...client.get(resourcequotas, 'shop', 'fresh'), status: { hard: { pods: '3' }, used: { pods: '2' } } }, {}, 'status');
    await client.create(pods, 'shop', pod('dry'), { dryRun: true });
    assert.equal(client.get(resourcequotas, 'shop', 'fresh').status.used.pods, '2');
  });
});

describe('admission: Priority', () => {
  const priorityclasses = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' };

  it('resolves a pod\'s PriorityClass to its priority and preemption policy, and gives a pod without one priority 0', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    // Every cluster has the two system classes.
    const system = client.list(priorityclasses).items.map((pc: any) => [pc.metadata.name, pc.value, pc.preemptionPolicy]);
    assert.deepEqual(system, [['system-cluster-critical', 2000000000, 'PreemptLowerPriority'], ['system-node-critical', 2000001000, 'PreemptLowerPriority']]);
    await client.create(priorityclasses, undefined, { metadata: { name: 'batch' }, value: 100, preemptionPolicy: 'Never' });
    const plain = (await client.create(pods, 'shop', pod('plain'))).object;
    assert.deepEqual([plain.spec.priorityClassName, plain.spec.priority, plain.spec.preemptionPolicy], [undefined, 0, 'PreemptLowerPriority']);
    const batch = (await client.create(pods, 'shop', pod('batch', { spec: { priorityClassName: 'batch' } }))).object;
    assert.deepEqual([batch.spec.priority, batch.spec.preemptionPolicy], [100, 'Never']);
    const critical = (await client.create(pods, 'shop', pod('dns', { spec: { priorityClassName: 'system-cluster-critical' } }))).object;
    assert.equal(critical.spec.priority, 2000000000);
    await rejects(client.create(pods, 'shop', pod('typo', { spec: { priorityClassName: 'bacth' } })), 403, 'pods "typo" is forbidden: no PriorityClass with name bacth was found');
    await rejects(client.create(pods, 'shop', pod('sneaky', { spec: { priorityClassName: 'batch', priority: 1000 } })), 403, 'pods "sneaky" is forbidden: the integer value of priority (1000) must not be provided in pod spec; priority admission controller computed 100 from the given PriorityClass name');
    await rejects(client.create(pods, 'shop', pod('eager', { spec: { priorityClassName: 'batch', preemptionPolicy: 'PreemptLowerPriority' } })), 403, 'pods "eager" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name');
  });

  it('gives pods the one global default class, keeps user classes below the system ones, and the system ones from deletion', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(priorityclasses, undefined, { metadata: { name: 'standard' }, value: 1000, globalDefault: true });
    await rejects(client.create(priorityclasses, undefined, { metadata: { name: 'other' }, value: 5, globalDefault: true }), 403, 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass standard is already marked as default. Only one default can exist');
    const p = (await client.create(pods, 'shop', pod('web'))).object;
    assert.deepEqual([p.spec.priorityClassName, p.spec.priority], ['standard', 1000]);
    await rejects(client.create(priorityclasses, undefined, { metadata: { name: 'huge' }, value: 1000000001 }), 422, 'PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
    await rejects(client.create(priorityclasses, undefined, { metadata: { name: 'system-mine' }, value: 10 }), 422, "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
    await rejects(client.patch(priorityclasses, undefined, 'standard', 'merge', { value: 7 }), 422, 'PriorityClass.scheduling.k8s.io "standard" is invalid: value: Forbidden: may not be changed in an update.');
    await rejects(client.delete(priorityclasses, undefined, 'system-node-critical'), 403, 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
    await client.delete(priorityclasses, undefined, 'standard');
  });
});

describe('admission: DefaultTolerationSeconds', () => {
  it('lets a pod stay 300 s on a not-ready or unreachable node, unless it tolerates either taint itself', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const tolerationsOf = async (name: string, tolerations?: object[]) =>
      (await client.create(pods, 'shop', pod(name, { spec: { automountServiceAccountToken: false, ...(tolerations ? { tolerations } : {}) } }))).object.spec.tolerations;
    assert.deepEqual(await tolerationsOf('plain'), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    // Its own toleration of one taint stays as it is; the other is added.
    const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 };
    assert.deepEqual(await tolerationsOf('quick', [own]), [own, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    // A toleration without a key or effect covers both.
    assert.deepEqual(await tolerationsOf('anything', [{ operator: 'Exists' }]), [{ operator: 'Exists' }]);
    // A NoSchedule toleration of the taint does not.
    assert.equal((await tolerationsOf('noschedule', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }])).length, 3);
  });
});

describe('admission: RuntimeClass', () => {
  it('refuses a pod whose own overhead or node selector contradicts its RuntimeClass', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create({ group: 'node.k8s.io', version: 'v1', resource: 'runtimeclasses' }, undefined, { metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '100m' } }, scheduling: { nodeSelector: { runtime: 'kata' } } });
    const withSpec = (name: string, spec: object) => pod(name, { spec: { automountServiceAccountToken: false, runtimeClassName: 'kata', ...spec } });
    await rejects(client.create(pods, 'shop', withSpec('a', { nodeSelector: { runtime: 'runc' } })), 403, 'pods "a" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc');
    await rejects(client.create(pods, 'shop', withSpec('b', { overhead: { cpu: '1' } })), 403, "pods \"b\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    const ok = (await client.create(pods, 'shop', withSpec('c', { nodeSelector: { disk: 'ssd' } }))).object;
    assert.deepEqual([ok.spec.overhead, ok.spec.nodeSelector], [{ cpu: '100m' }, { disk: 'ssd', runtime: 'kata' }]);
  });
});

describe('admission: DefaultStorageClass', () => {
  it('gives a claim without a class the default StorageClass, and leaves an explicit "" alone', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(storageclasses, undefined, { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubeside.dev/hostpath' });
    const claim = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    assert.equal((await client.create(pvcs, 'shop', { metadata: { name: 'data' }, ...claim })).object.spec.storageClassName, 'standard');
    assert.equal((await client.create(pvcs, 'shop', { metadata: { name: 'static' }, spec: { ...claim.spec, storageClassName: '' } })).object.spec.storageClassName, '');
  });
});

describe('authorization through the API server', () => {
  it('a kubelet reads a Secret only when a pod bound to its node uses it', async () => {
    const { client, namespace, kubelet } = await newCluster();
    await namespace('shop');
    await client.create(secrets, 'shop', { metadata: { name: 'db' }, stringData: { password: 'x' } });
    await client.create(pods, 'shop', pod('api-1', { spec: { nodeName: 'worker-1', automountServiceAccountToken: false }, container: { envFrom: [{ secretRef: { name: 'db' } }] } }));
    assert.equal(kubelet('worker-1').get(secrets, 'shop', 'db').metadata.name, 'db');
    await rejects(() => kubelet('worker-2').get(secrets, 'shop', 'db'), 403, `secrets "db" is forbidden: User "system:node:worker-2" cannot get resource "secrets" in API group "" in the namespace "shop": no relationship found between node 'worker-2' and this object`);
    await rejects(() => kubelet('worker-1').list(secrets, 'shop'), 403, /cannot list resource "secrets"/);
  });

  it("a kubelet's access follows its pods: granted once a pod that uses the object is bound, kept while one still does, and gone with the last", async () => {
    const { client, store, namespace, kubelet } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'settings' }, data: { a: '1' } });
    const usesSettings = { spec: { automountServiceAccountToken: false, volumes: [{ name: 'cfg', projected: { sources: [{ configMap: { name: 'settings' } }] } }] } };
    const denied = /no relationship found between node 'worker-1' and this object/;
    await rejects(() => kubelet('worker-1').get(configmaps, 'shop', 'settings'), 403, denied);
    await client.create(pods, 'shop', pod('web-1', usesSettings));
    await client.create(pods, 'shop', pod('web-2', usesSettings));
    await rejects(() => kubelet('worker-1').get(configmaps, 'shop', 'settings'), 403, denied);
    for (const name of ['web-1', 'web-2']) {
      await client.create(pods, 'shop', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'worker-1' } }, {}, { name, subresource: 'binding' });
    }
    assert.equal(kubelet('worker-1').get(configmaps, 'shop', 'settings').metadata.name, 'settings', 'bound: at once');
    store.compact(store.revision);
    await client.delete(pods, 'shop', 'web-1', { gracePeriodSeconds: 0 });
    assert.equal(kubelet('worker-1').get(configmaps, 'shop', 'settings').metadata.name, 'settings', 'web-2 still uses it');
    await client.delete(pods, 'shop', 'web-2', { gracePeriodSeconds: 0 });
    await rejects(() => kubelet('worker-1').get(configmaps, 'shop', 'settings'), 403, denied);
  });

  it('a user without bindings is refused with 403', async () => {
    const { as, namespace } = await newCluster();
    await namespace('shop');
    const jane = as({ name: 'jane', groups: ['system:authenticated'] });
    await rejects(jane.create(configmaps, 'shop', { metadata: { name: 'x' } }), 403, 'configmaps is forbidden: User "jane" cannot create resource "configmaps" in API group "" in the namespace "shop"');
  });
});

describe('subresources: binding and eviction', () => {
  it('binding puts a pod on a node once, with PodScheduled=True; a second binding conflicts', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(pods, 'shop', pod('web-1'));
    await client.create(pods, 'shop', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'worker-1' } }, {}, { name: 'web-1', subresource: 'binding' });
    const p = client.get(pods, 'shop', 'web-1');
    assert.equal(p.spec.nodeName, 'worker-1');
    assert.deepEqual(p.status.conditions.map((c: any) => [c.type, c.status]), [['PodScheduled', 'True']]);
    await rejects(client.create(pods, 'shop', { metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'worker-2' } }, {}, { name: 'web-1', subresource: 'binding' }), 409, /is already assigned to node "worker-1"/);
  });

  it('eviction is refused with 429 when it would violate a PodDisruptionBudget, and allowed while the budget has room', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    for (const name of ['web-1', 'web-2']) {
      await client.create(pods, 'shop', pod(name, { spec: { nodeName: 'worker-1' } }));
      const p = client.get(pods, 'shop', name);
      await client.update(pods, 'shop', { ...p, status: { ...p.status, phase: 'Running' } }, {}, 'status');
    }
    const budget = (await client.create(pdbs, 'shop', { metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } })).object;
    const evict = (name: string) => client.create(pods, 'shop', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, {}, { name, subresource: 'eviction' });
    const pending = await rejects(evict('web-1'), 429, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(pending.status.details.causes[0].message, 'The disruption budget web is still being processed by the server.');
    // What the disruption controller would report: 2 healthy, 1 needed, 1 disruption allowed.
    await client.update(pdbs, 'shop', { ...budget, status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } }, {}, 'status');
    await evict('web-1');
    assert.ok(client.get(pods, 'shop', 'web-1').metadata.deletionTimestamp, 'evicted: deleting gracefully');
    const refused = await rejects(evict('web-2'), 429);
    assert.equal(refused.status.details.causes[0].message, 'The disruption budget web needs 1 healthy pods and has 2 currently');
  });
});
