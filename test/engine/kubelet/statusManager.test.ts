// The kubelet's status manager: batched pods/status writes that skip unchanged statuses and never
// land on a newer pod of the same name.
import assert from 'node:assert/strict';
import { StatusManager } from '../../../engine/kubelet/statusManager';
import { newCluster, pod, pods } from '../apiserver/fixture';

async function setup() {
  const cluster = await newCluster();
  await cluster.namespace('shop');
  const created = (await cluster.client.create(pods, 'shop', { ...pod('web'), spec: { ...pod('web').spec, nodeName: 'worker-1' } })).object;
  const manager = new StatusManager(cluster.kubelet('worker-1'), cluster.clock);
  return { ...cluster, created, manager };
}

describe('kubelet status manager', () => {
  it('writes a changed status once, and nothing for an unchanged one', async () => {
    const { client, created, manager } = await setup();
    const status = { ...created.status, phase: 'Running', podIP: '10.244.1.2' };
    manager.set('shop/web', created.metadata.uid, status, created.status);
    manager.set('shop/web', created.metadata.uid, status, created.status);
    await manager.flush();
    assert.equal(manager.writes, 1);
    assert.equal(client.get(pods, 'shop', 'web').status.podIP, '10.244.1.2');
    manager.set('shop/web', created.metadata.uid, status, created.status);
    await manager.flush();
    assert.equal(manager.writes, 1, 'the same status again is not written');
  });

  it('lets a written status go once the informer delivers it, and still skips writing it again', async () => {
    const { client, created, manager } = await setup();
    const status = { ...created.status, phase: 'Running', podIP: '10.244.1.2' };
    manager.set('shop/web', created.metadata.uid, status, created.status);
    await manager.flush();
    assert.equal(manager.held, 1);
    manager.observed('shop/web', created.status);
    assert.equal(manager.held, 1, 'an older copy is not what was written');
    const current = client.get(pods, 'shop', 'web').status;
    manager.observed('shop/web', current);
    assert.equal(manager.held, 0);
    manager.set('shop/web', created.metadata.uid, status, current);
    await manager.flush();
    assert.equal(manager.writes, 1, 'the server\'s copy says it is written');
  });

  it('does not write a pod\'s status onto a new pod that took its name', async () => {
    const { client, created, manager } = await setup();
    await client.delete(pods, 'shop', 'web', { gracePeriodSeconds: 0 });
    const replacement = (await client.create(pods, 'shop', { ...pod('web'), spec: { ...pod('web').spec, nodeName: 'worker-1' } })).object;
    manager.set('shop/web', created.metadata.uid, { ...created.status, phase: 'Failed' }, created.status);
    await manager.flush();
    assert.equal(manager.writes, 0);
    assert.equal(client.get(pods, 'shop', 'web').status.phase, replacement.status.phase);
  });
});
