// PersistentVolumes and claims: given volumes, claims and the default StorageClass, when claims are
// made, used by pods and deleted, then the binder, the local-path provisioner and the scheduler bind,
// provision, release and reclaim as Kubernetes does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Cluster } from '../../../engine/cluster/index';
import { localPathProvisionerName, standardStorageClass } from '../../../engine/controllers/localpathprovisioner';
import { VirtualClock } from '../../../engine/util/clock';
import { events, newControllerCluster } from './harness';

const pvs = { group: '', version: 'v1', resource: 'persistentvolumes' };
const pvcs = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const storageclasses = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const pods = { group: '', version: 'v1', resource: 'pods' };

function volume(name: string, storage: string, extra: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, ...(extra.metadata ?? {}) }, spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual', hostPath: { path: `/mnt/${name}` }, ...(extra.spec ?? {}) } };
}

function claim(name: string, storage: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, ...metadata }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec } };
}

describe('PersistentVolume binder and local-path provisioner', () => {
  let c: Awaited<ReturnType<typeof newControllerCluster>>;
  beforeEach(async () => {
    c = await newControllerCluster();
    // Volumes made by hand, bound as soon as a claim asks (no dynamic provisioning).
    await c.client.create(storageclasses, undefined, { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' });
  });
  afterEach(() => c.manager.stop());

  const pvc = (name: string) => c.client.get(pvcs, 'default', name);
  const pv = (name: string) => c.client.get(pvs, undefined, name);
  const eventsOf = (name: string) => c.list(events).filter((e) => e.involvedObject.name === name);

  it('binds a claim to the smallest Available volume that fits, and leaves one too small Available', async () => {
    for (const [name, size] of [['small', '1Gi'], ['medium', '5Gi'], ['large', '10Gi']] as const) await c.client.create(pvs, undefined, volume(name, size));
    await c.until('the volumes are Available', () => ['small', 'medium', 'large'].every((n) => pv(n).status?.phase === 'Available'));
    await c.client.create(pvcs, 'default', claim('data', '2Gi', { storageClassName: 'manual' }));
    await c.until('the claim is Bound', () => pvc('data').status?.phase === 'Bound');

    const bound = pvc('data');
    assert.equal(bound.spec.volumeName, 'medium');
    assert.deepEqual(bound.status.capacity, { storage: '5Gi' });
    assert.deepEqual(bound.status.accessModes, ['ReadWriteOnce']);
    assert.equal(bound.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    await c.until('the volume is Bound', () => pv('medium').status?.phase === 'Bound');
    assert.equal(pv('medium').spec.claimRef.uid, bound.metadata.uid);
    assert.equal(pv('medium').metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(pv('small').status.phase, 'Available');
    assert.equal(pv('small').spec.claimRef, undefined);
  });

  it('keeps a claim no volume fits Pending until one that fits is made', async () => {
    await c.client.create(pvs, undefined, volume('small', '1Gi'));
    await c.client.create(pvcs, 'default', claim('data', '2Gi', { storageClassName: 'manual', selector: { matchLabels: { tier: 'fast' } } }));
    await c.run(2_000);
    assert.equal(pvc('data').status.phase, 'Pending');
    assert.equal(pv('small').status.phase, 'Available');
    await c.client.create(pvs, undefined, volume('unlabelled', '2Gi'));
    await c.client.create(pvs, undefined, volume('fast', '2Gi', { metadata: { labels: { tier: 'fast' } } }));
    // Found on the binder's periodic resync (15 s), as kube-controller-manager finds it.
    await c.until('the claim is Bound', () => pvc('data').status?.phase === 'Bound', 16_000);
    assert.equal(pvc('data').spec.volumeName, 'fast', 'the selector picks the labelled volume');
  });

  it('releases a Retain volume when its claim is deleted, and keeps it', async () => {
    await c.client.create(pvs, undefined, volume('kept', '1Gi'));
    await c.client.create(pvcs, 'default', claim('data', '1Gi', { storageClassName: 'manual' }));
    await c.until('the volume is Bound', () => pv('kept').status?.phase === 'Bound');
    await c.client.delete(pvcs, 'default', 'data');
    await c.until('the volume is Released', () => pv('kept').status?.phase === 'Released');
    await c.run(2_000);
    assert.equal(pv('kept').status.phase, 'Released');
    assert.equal(pv('kept').spec.claimRef.name, 'data', 'a Released volume keeps its claimRef until an administrator clears it');
    // A new claim of the same name is another claim: the Released volume is not bound to it.
    await c.client.create(pvcs, 'default', claim('data', '1Gi', { storageClassName: 'manual' }));
    await c.run(2_000);
    assert.equal(pvc('data').status.phase, 'Pending');
  });

  it('waits for the first consumer, provisions a volume on the node the scheduler selected, binds it, and deletes it with its claim', async () => {
    await c.client.create(storageclasses, undefined, structuredClone(standardStorageClass));
    await c.client.create(nodes, undefined, { metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1' } } });
    await c.client.create(pvcs, 'default', claim('data', '1Gi'));
    assert.equal(pvc('data').spec.storageClassName, 'standard', 'the DefaultStorageClass admission plugin names the default class');
    await c.until('the WaitForFirstConsumer event', () => eventsOf('data').some((e) => e.reason === 'WaitForFirstConsumer'));
    assert.equal(eventsOf('data').find((e) => e.reason === 'WaitForFirstConsumer')?.message, 'waiting for first consumer to be created before binding');
    await c.run(2_000);
    assert.equal(pvc('data').status.phase, 'Pending');
    assert.equal(c.list(pvs, undefined).length, 0, 'nothing is provisioned before a pod uses the claim');

    // What the scheduler's VolumeBinding plugin does once it has chosen a node for a pod of the claim.
    await c.client.patch(pvcs, 'default', 'data', 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'worker-1' } } });
    await c.until('the claim is Bound', () => pvc('data').status?.phase === 'Bound');
    const uid = pvc('data').metadata.uid;
    const made = pv(`pvc-${uid}`);
    assert.equal(pvc('data').spec.volumeName, `pvc-${uid}`);
    assert.equal(pvc('data').metadata.annotations['volume.kubernetes.io/storage-provisioner'], localPathProvisionerName);
    assert.equal(made.metadata.annotations['pv.kubernetes.io/provisioned-by'], localPathProvisionerName);
    assert.deepEqual(made.spec.capacity, { storage: '1Gi' });
    assert.equal(made.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(made.spec.storageClassName, 'standard');
    assert.equal(made.spec.hostPath.path, `/var/local-path-provisioner/pvc-${uid}_default_data`);
    assert.deepEqual(made.spec.nodeAffinity.required.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-1'] }] }]);
    await c.until('the volume is Bound', () => pv(`pvc-${uid}`).status?.phase === 'Bound');
    await c.manager.flushEvents();
    assert.deepEqual(eventsOf('data').map((e) => e.reason).sort(), ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded', 'WaitForFirstConsumer']);
    assert.equal(eventsOf('data').find((e) => e.reason === 'ProvisioningSucceeded')?.message, `Successfully provisioned volume pvc-${uid}`);

    await c.client.delete(pvcs, 'default', 'data');
    await c.until('the volume is deleted', () => !c.client.tryGet(pvs, undefined, `pvc-${uid}`));
  });
});

describe('PersistentVolumes on a whole cluster', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  async function boot() {
    const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
    cluster = await Cluster.start({ clock, seed: 7 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    return { admin, advance: (ms: number) => clock.advanceAsync(ms, 250) };
  }

  it('starts with kind\'s default StorageClass `standard`', async () => {
    const { admin } = await boot();
    const sc = admin.get(storageclasses, undefined, 'standard');
    assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(sc.provisioner, localPathProvisionerName);
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  });

  it('keeps a pod whose claim is unbound and of an Immediate class Pending, and runs it once a volume binds the claim', async () => {
    const { admin, advance } = await boot();
    await admin.create(storageclasses, undefined, { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' });
    await admin.create(pvcs, 'default', claim('data', '1Gi', { storageClassName: 'manual' }));
    await admin.create(pods, 'default', { metadata: { name: 'db' }, spec: { containers: [{ name: 'db', image: 'postgres:16.4' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } });
    await advance(5_000);
    const pending = admin.get(pods, 'default', 'db');
    assert.equal(pending.status.phase, 'Pending');
    assert.equal(pending.status.conditions.find((x: Obj) => x.type === 'PodScheduled').message, '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.');
    await admin.create(pvs, undefined, volume('disk', '1Gi'));
    // The binder finds the volume on its periodic resync (15 s); the scheduler retries the pod then.
    await advance(30_000);
    assert.equal(admin.get(pvcs, 'default', 'data').status.phase, 'Bound');
    assert.equal(admin.get(pods, 'default', 'db').status.phase, 'Running');
  });

  it('binds a pod\'s claim of the default class on the node the pod is scheduled to', async () => {
    const { admin, advance } = await boot();
    await admin.create(pvcs, 'default', claim('data', '1Gi'));
    await admin.create(pods, 'default', { metadata: { name: 'db' }, spec: { containers: [{ name: 'db', image: 'postgres:16.4', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } });
    await advance(15_000);
    const pod = admin.get(pods, 'default', 'db');
    const bound = admin.get(pvcs, 'default', 'data');
    assert.equal(pod.status.phase, 'Running');
    assert.equal(bound.status.phase, 'Bound');
    assert.equal(bound.metadata.annotations['volume.kubernetes.io/selected-node'], pod.spec.nodeName);
    const made = admin.get(pvs, undefined, bound.spec.volumeName);
    assert.equal(made.status.phase, 'Bound');
    assert.deepEqual(made.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [pod.spec.nodeName]);
  });

  it('brings the shop example up: three db pods Running, each with its claim Bound to a volume on its node', async () => {
    const { admin, advance } = await boot();
    const docs = ['00-namespace.yaml', '10-web.yaml', '20-api.yaml', '30-db.yaml']
      .flatMap((f) => parseAllDocuments(readFileSync(`examples/shop/${f}`, 'utf8')).map((d) => d.toJS() as Obj))
      .filter(Boolean);
    for (const obj of docs) await admin.create(ApiClient.resourceOf(obj), obj.metadata.namespace, obj);
    await advance(60_000);
    const live = (admin.list(pods, 'shop').items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
    assert.deepEqual(live.map((p) => p.status.phase), Array(7).fill('Running'), 'web ×2, api ×2, db ×3');
    const claims = admin.list(pvcs, 'shop').items as Obj[];
    assert.deepEqual(claims.map((x) => [x.metadata.name, x.status.phase]), [['data-db-0', 'Bound'], ['data-db-1', 'Bound'], ['data-db-2', 'Bound']]);
    for (const [i, x] of claims.entries()) {
      const node = admin.get(pods, 'shop', `db-${i}`).spec.nodeName;
      const pv = admin.get(pvs, undefined, x.spec.volumeName);
      assert.equal(pv.metadata.name, `pvc-${x.metadata.uid}`);
      assert.equal(pv.status.phase, 'Bound');
      assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [node], `db-${i}'s volume is on its node`);
    }
  });
});
