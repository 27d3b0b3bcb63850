import assert from 'node:assert/strict';
import { getControllerOf } from '../../../engine/api/meta/ownerReferences';
import { pod, pods } from '../apiserver/fixture';
import { events, newControllerCluster } from './harness';

const replicationcontrollers = { group: '', version: 'v1', resource: 'replicationcontrollers' };
const scale = { group: '', version: 'v1', resource: 'replicationcontrollers' };

/** A ReplicationController as an old manifest writes it: no selector, which defaults to the template's labels. */
function rc(name: string, replicas: number) {
  return { metadata: { name }, spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27' }] } } } };
}

describe('ReplicationController (the replication manager)', () => {
  it('defaults its selector and labels from the template and keeps replicas pods it controls', async () => {
    const c = await newControllerCluster();
    const { object } = await c.client.create(replicationcontrollers, 'default', rc('web', 3));
    assert.deepEqual(object.spec.selector, { app: 'web' });
    assert.deepEqual(object.metadata.labels, { app: 'web' });
    assert.equal(object.metadata.generation, 1);
    await c.until('3 pods exist', () => c.activePods().length === 3);
    for (const p of c.activePods()) {
      assert.match(p.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(getControllerOf(p), { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: object.metadata.uid, controller: true, blockOwnerDeletion: true });
    }
    assert.equal(await c.kubeletSync(), 3);
    await c.until('status shows 3 available', () => c.client.get(replicationcontrollers, 'default', 'web').status?.availableReplicas === 3);
    assert.deepEqual(c.client.get(replicationcontrollers, 'default', 'web').status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    await c.manager.flushEvents();
    const created = c.list(events).filter((e) => e.reason === 'SuccessfulCreate');
    assert.equal(created.length, 3);
    assert.equal(created[0]!.source.component, 'replication-controller');
    assert.equal(created[0]!.involvedObject.kind, 'ReplicationController');
  });

  it('replaces a deleted pod, scales through /scale, and adopts an orphan its selector matches', async () => {
    const c = await newControllerCluster();
    await c.client.create(pods, 'default', { ...pod('stray'), metadata: { name: 'stray', labels: { app: 'web' } } });
    await c.client.create(replicationcontrollers, 'default', rc('web', 2));
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.run(500);
    assert.ok(c.activePods().some((p) => p.metadata.name === 'stray' && getControllerOf(p)?.kind === 'ReplicationController'), 'the orphan is adopted');
    const victim = c.activePods().find((p) => p.metadata.name !== 'stray')!.metadata.name;
    await c.client.delete(pods, 'default', victim);
    await c.until('2 pods again', () => c.activePods().length === 2 && !c.activePods().some((p) => p.metadata.name === victim));

    const s = c.client.get(scale, 'default', 'web', 'scale');
    assert.deepEqual({ kind: s.kind, apiVersion: s.apiVersion, spec: s.spec, selector: s.status.selector }, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, selector: 'app=web' });
    await c.client.update(scale, 'default', { ...s, spec: { replicas: 4 } }, {}, 'scale');
    await c.until('4 pods', () => c.activePods().length === 4);
    assert.equal(c.client.get(replicationcontrollers, 'default', 'web').metadata.generation, 2);
    await c.client.patch(replicationcontrollers, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await c.until('1 pod', () => c.activePods().length === 1);
  });

  it('refuses what ValidateReplicationController refuses: a selector its template does not carry, a template that restarts Never', async () => {
    const c = await newControllerCluster();
    const bad = rc('web', 1) as any;
    bad.spec.selector = { app: 'other' };
    bad.spec.template.spec.restartPolicy = 'Never';
    await assert.rejects(c.client.create(replicationcontrollers, 'default', bad), (err: any) => {
      const causes = err.status.details.causes.map((x: any) => `${x.field}: ${x.message}`);
      assert.ok(causes.includes('spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'), causes.join('\n'));
      assert.ok(causes.some((m: string) => m.startsWith('spec.template.spec.restartPolicy: Unsupported value: "Never"')), causes.join('\n'));
      return true;
    });
    // Unlike an apps/v1 workload's, a ReplicationController's selector may change.
    await c.client.create(replicationcontrollers, 'default', rc('web', 0));
    const stored = c.client.get(replicationcontrollers, 'default', 'web');
    const moved = { ...stored, spec: { ...stored.spec, selector: { app: 'web', tier: 'a' }, template: { ...stored.spec.template, metadata: { labels: { app: 'web', tier: 'a' } } } } };
    await c.client.update(replicationcontrollers, 'default', moved);
    assert.deepEqual(c.client.get(replicationcontrollers, 'default', 'web').spec.selector, { app: 'web', tier: 'a' });
  });

  it('a new selector releases the pods it no longer selects and makes pods the new one does', async () => {
    const c = await newControllerCluster();
    await c.client.create(replicationcontrollers, 'default', rc('web', 2));
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.kubeletSync();
    await c.run(500);
    const before = c.activePods().map((p) => p.metadata.name).sort();
    const update = async (spec: object) => {
      const stored = c.client.get(replicationcontrollers, 'default', 'web');
      await c.client.update(replicationcontrollers, 'default', { ...stored, spec: { ...stored.spec, ...spec } });
      await c.run(500);
    };
    // A new template does not touch the pods (an RC does not roll out), and its selector still takes them.
    const template = { ...rc('web', 2).spec.template, metadata: { labels: { app: 'web', track: 'new' } } };
    await update({ template });
    assert.deepEqual(c.activePods().map((p) => p.metadata.name).sort(), before);
    // Then the selector alone changes: the old pods are no longer selected.
    await update({ selector: { app: 'web', track: 'new' } });
    const owned = () => c.activePods().filter((p) => getControllerOf(p)?.kind === 'ReplicationController');
    await c.until('2 pods of the new selector', () => owned().length === 2 && owned().every((p) => p.metadata.labels.track === 'new'));
    // The old pods stay, released: no owner any more.
    for (const name of before) assert.equal(getControllerOf(c.client.get(pods, 'default', name)), undefined, name);
  });
});
