import assert from 'node:assert/strict';
import { groups, users } from '../../../engine/apiserver/auth/user';
import { ControllerManager } from '../../../engine/controllers/index';
import { Random } from '../../../engine/util/random';
import { deployment, deployments, newCluster } from '../apiserver/fixture';

describe('Controller manager', () => {
  it('runs every controller on one informer per resource, and stop() leaves no timer or watch behind', async () => {
    const { clock, client, as } = await newCluster();
    const before = clock.pending;
    const manager = new ControllerManager({ client: as({ name: users.controllerManager, groups: [groups.authenticated] }), clock, random: new Random(1) });
    await manager.start();
    assert.deepEqual(manager.controllers.map((c) => c.name).filter((n) => ['replicaset-controller', 'deployment-controller', 'garbage-collector-controller', 'namespace-controller'].includes(n)).sort(), ['deployment-controller', 'garbage-collector-controller', 'namespace-controller', 'replicaset-controller']);
    // Many controllers read pods; one informer serves them all, with one list and one watch.
    const podInformer = manager.informers.informerFor({ group: '', version: 'v1', resource: 'pods' });
    assert.deepEqual([podInformer.stats.lists, podInformer.stats.watches], [1, 1]);
    await client.create(deployments, 'default', deployment('web', 2));
    await clock.advanceAsync(65_000, 50);
    assert.ok(clock.pending > before, 'periodic work and watch bookmarks are scheduled while running');
    manager.stop();
    await clock.advanceAsync(120_000, 1000);
    assert.equal(clock.pending, before);
  });
});
