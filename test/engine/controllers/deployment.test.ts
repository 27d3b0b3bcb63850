import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { getControllerOf } from '../../../engine/api/meta/ownerReferences';
import { deployment, deployments } from '../apiserver/fixture';
import { events, newControllerCluster, replicasets } from './harness';

type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

function web(replicas: number, spec: Obj = {}): Obj {
  const d = deployment('web', replicas);
  Object.assign(d.spec, spec);
  return d;
}

const get = (c: Cluster) => c.client.get(deployments, 'default', 'web');
const replicaSetsOf = (c: Cluster) => c.list(replicasets).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const readyPods = (c: Cluster) => c.activePods().filter((p) => (p.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True'));
const condition = (d: Obj, type: string) => (d.status?.conditions ?? []).find((x: Obj) => x.type === type);
const setImage = (c: Cluster, image: string) => c.client.patch(deployments, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });

/** Runs the cluster, with every pod starting as soon as it exists, until the rollout is complete. */
async function rollOut(c: Cluster, check: () => void = () => {}) {
  for (let step = 0; step < 50; step++) {
    await c.run(1000);
    check();
    const d = get(c);
    if (condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && d.status.observedGeneration === d.metadata.generation && c.activePods().length === d.spec.replicas && readyPods(c).length === d.spec.replicas) return;
    await c.kubeletSync();
  }
  throw new Error(`rollout did not complete: ${JSON.stringify(get(c).status)}`);
}

describe('Deployment controller', () => {
  it('given a Deployment, creates its ReplicaSet <name>-<pod-template-hash> at revision 1, and reports it available and progressed', async () => {
    const c = await newControllerCluster();
    const { object: d } = await c.client.create(deployments, 'default', web(3));
    await rollOut(c);
    const [rs] = replicaSetsOf(c);
    const hash = rs!.metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.deepEqual(rs!.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(getControllerOf(rs!)?.uid, d.metadata.uid);
    assert.deepEqual(rs!.metadata.annotations, { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '1' });
    const after = get(c);
    assert.equal(after.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    // The revision goes with a status write, as in Kubernetes: the generation stays, and the
    // controller's status entry owns the annotation.
    assert.equal(after.metadata.generation, 1);
    const entry = after.metadata.managedFields.find((e: Obj) => e.subresource === 'status');
    assert.deepEqual([entry.operation, Object.keys(entry.fieldsV1['f:metadata']['f:annotations'])], ['Update', ['.', 'f:deployment.kubernetes.io/revision']]);
    const { conditions, ...counts } = after.status;
    assert.deepEqual(counts, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    assert.deepEqual(conditions.map((x: Obj) => [x.type, x.status, x.reason, x.message]), [
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    await c.manager.flushEvents();
    assert.ok(c.list(events).some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 3`));
  });

  it('the same template always gets the same hash, and a different template another', async () => {
    const a = await newControllerCluster();
    await a.client.create(deployments, 'default', web(1));
    await a.until('a ReplicaSet', () => replicaSetsOf(a).length === 1);
    const b = await newControllerCluster();
    await b.client.create(deployments, 'default', web(1));
    await b.until('a ReplicaSet', () => replicaSetsOf(b).length === 1);
    assert.equal(replicaSetsOf(a)[0]!.metadata.name, replicaSetsOf(b)[0]!.metadata.name);
    await setImage(b, 'nginx:1.28');
    await b.until('a second ReplicaSet', () => replicaSetsOf(b).length === 2);
    assert.notEqual(replicaSetsOf(b)[0]!.metadata.name, replicaSetsOf(b)[1]!.metadata.name);
  });

  it('when the template changes, rolls out a new ReplicaSet keeping at least replicas - maxUnavailable ready and at most replicas + maxSurge at every step', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await rollOut(c);
    const [first] = replicaSetsOf(c);
    await setImage(c, 'nginx:1.28');
    let steps = 0;
    await rollOut(c, () => {
      steps++;
      assert.ok(readyPods(c).length >= 3, `only ${readyPods(c).length} ready pods at step ${steps}`);
      const total = replicaSetsOf(c).reduce((n, rs) => n + rs.spec.replicas, 0);
      assert.ok(total <= 5, `ReplicaSets ask for ${total} pods at step ${steps}`);
      assert.ok(c.activePods().length <= 5, `${c.activePods().length} pods at step ${steps}`);
    });
    assert.ok(steps > 2, 'the rollout took several steps');
    const rss = replicaSetsOf(c);
    const next = rss.find((rs) => rs.metadata.name !== first!.metadata.name)!;
    assert.equal(c.client.get(replicasets, 'default', first!.metadata.name).spec.replicas, 0);
    assert.equal(next.spec.replicas, 4);
    assert.equal(next.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.equal(get(c).metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.ok(c.activePods().every((p) => p.spec.containers[0].image === 'nginx:1.28'));
  });

  it('rolling back to the previous template scales the old ReplicaSet back up as the next revision', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(2));
    await rollOut(c);
    const [v1] = replicaSetsOf(c);
    await setImage(c, 'nginx:1.28');
    await rollOut(c);
    await setImage(c, 'nginx:1.27');
    await rollOut(c);
    const rss = replicaSetsOf(c);
    assert.equal(rss.length, 2, 'no third ReplicaSet');
    const back = c.client.get(replicasets, 'default', v1!.metadata.name);
    assert.equal(back.spec.replicas, 2);
    assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(get(c).metadata.annotations['deployment.kubernetes.io/revision'], '3');
  });

  it('a paused Deployment does not roll out a template change until it is resumed', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(2));
    await rollOut(c);
    await c.client.patch(deployments, 'default', 'web', 'merge', { spec: { paused: true } });
    await setImage(c, 'nginx:1.28');
    await c.run(3000);
    assert.equal(replicaSetsOf(c).length, 1);
    const paused = condition(get(c), 'Progressing');
    assert.deepEqual([paused.status, paused.reason, paused.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    await c.client.patch(deployments, 'default', 'web', 'merge', { spec: { paused: false } });
    await rollOut(c);
    assert.equal(replicaSetsOf(c).length, 2);
    assert.ok(c.activePods().every((p) => p.spec.containers[0].image === 'nginx:1.28'));
  });

  it('scaling in the middle of a stuck rollout adds replicas to each ReplicaSet in proportion (the documented 10 → 15 example)', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await rollOut(c);
    const [old] = replicaSetsOf(c);
    await setImage(c, 'nginx:does-not-exist');
    // The new pods never become ready: the rollout stops at old 8, new 5.
    await c.run(5000);
    const stuck = replicaSetsOf(c);
    const newRS = stuck.find((rs) => rs.metadata.name !== old!.metadata.name)!;
    assert.deepEqual([c.client.get(replicasets, 'default', old!.metadata.name).spec.replicas, newRS.spec.replicas], [8, 5]);
    await c.client.patch(deployments, 'default', 'web', 'merge', { spec: { replicas: 15 } });
    await c.run(3000);
    assert.deepEqual([c.client.get(replicasets, 'default', old!.metadata.name).spec.replicas, c.client.get(replicasets, 'default', newRS.metadata.name).spec.replicas], [11, 7]);
  });

  it('Recreate scales the old ReplicaSet to zero and creates the new one only once every old pod is gone', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(2, { strategy: { type: 'Recreate' } }));
    await rollOut(c);
    await setImage(c, 'nginx:1.28');
    await c.run(3000);
    // The old pods are terminating (the kubelet has not stopped them yet): no new ReplicaSet.
    assert.equal(replicaSetsOf(c).length, 1);
    assert.equal(replicaSetsOf(c)[0]!.spec.replicas, 0);
    await rollOut(c);
    assert.equal(replicaSetsOf(c).length, 2);
    assert.ok(c.activePods().every((p) => p.spec.containers[0].image === 'nginx:1.28'));
  });

  it('a rollout that makes no progress for progressDeadlineSeconds is reported as ProgressDeadlineExceeded', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(2, { progressDeadlineSeconds: 60 }));
    await c.run(30_000);
    const rs = replicaSetsOf(c)[0]!;
    // Pods were created (updatedReplicas rose), which counts as progress; then nothing more happens.
    assert.deepEqual([condition(get(c), 'Progressing').reason, condition(get(c), 'Progressing').message], ['ReplicaSetUpdated', `ReplicaSet "${rs.metadata.name}" is progressing.`]);
    await c.run(35_000);
    const p = condition(get(c), 'Progressing');
    assert.deepEqual([p.status, p.reason, p.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${rs.metadata.name}" has timed out progressing.`]);
    const a = condition(get(c), 'Available');
    assert.deepEqual([a.status, a.reason, a.message], ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const c = await newControllerCluster();
    await c.client.create(deployments, 'default', web(1, { revisionHistoryLimit: 1 }));
    await rollOut(c);
    for (const image of ['nginx:1.28', 'nginx:1.29', 'nginx:1.30']) {
      await setImage(c, image);
      await rollOut(c);
    }
    await c.run(2000);
    const revisions = replicaSetsOf(c).map((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revisions, ['3', '4']);
  });
});
