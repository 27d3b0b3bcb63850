import assert from 'node:assert/strict';
import { deployment, deployments, pods, rejects } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const pdbs = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

async function givenWebWithBudget(budget: object) {
  const c = await newControllerCluster();
  await c.client.create(deployments, 'default', deployment('web', 3));
  await c.until('3 pods', () => c.activePods().length === 3);
  await c.kubeletSync();
  await c.client.create(pdbs, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, ...budget } });
  await c.until('the budget is computed', () => c.client.get(pdbs, 'default', 'web').status?.currentHealthy === 3);
  return c;
}

const evict = (c: Cluster, name: string) => c.client.create(pods, 'default', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, {}, { name, subresource: 'eviction' });

describe('Disruption controller', () => {
  it('minAvailable 2 of 3 ready pods allows one disruption', async () => {
    const c = await givenWebWithBudget({ minAvailable: 2 });
    const s = c.client.get(pdbs, 'default', 'web').status;
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed, s.observedGeneration], [3, 2, 3, 1, 1]);
    assert.deepEqual(s.conditions.map((x: any) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
  });

  it('a budget with neither minAvailable nor maxUnavailable expects nothing and allows every disruption', async () => {
    const c = await givenWebWithBudget({});
    const s = c.client.get(pdbs, 'default', 'web').status;
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed], [0, 0, 3, 3]);
    const [first, second] = c.activePods().map((p) => p.metadata.name);
    await evict(c, first!);
    await evict(c, second!);
  });

  it('an eviction spends the allowance; the next is refused until the replacement is ready', async () => {
    const c = await givenWebWithBudget({ maxUnavailable: '34%' });
    assert.equal(c.client.get(pdbs, 'default', 'web').status.desiredHealthy, 1, '34% of 3 rounds up to 2 unavailable');
    await c.client.patch(pdbs, 'default', 'web', 'merge', { spec: { maxUnavailable: 1 } });
    await c.until('recomputed', () => c.client.get(pdbs, 'default', 'web').status?.observedGeneration === 2);
    const [first, second] = c.activePods().map((p) => p.metadata.name);
    await evict(c, first!);
    await rejects(evict(c, second!), 429, "Cannot evict pod as it would violate the pod's disruption budget.");
    await c.kubeletSync();
    await c.until('the replacement is ready and counted', () => c.client.get(pdbs, 'default', 'web').status?.disruptionsAllowed === 1, 10_000);
    await evict(c, second!);
  });

  it('a percentage over a ReplicationController\'s pods counts its spec.replicas', async () => {
    const c = await newControllerCluster();
    const rcs = { group: '', version: 'v1', resource: 'replicationcontrollers' };
    await c.client.create(rcs, 'default', { metadata: { name: 'web' }, spec: { replicas: 4, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    await c.until('4 pods', () => c.activePods().length === 4);
    // Two of the four run: the expected count still comes from the controller, not from the pods.
    await c.kubeletSync('default', 'node-1', 2);
    await c.client.create(pdbs, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: '50%' } });
    await c.until('the budget is computed', () => c.client.get(pdbs, 'default', 'web').status?.currentHealthy === 2);
    const s = c.client.get(pdbs, 'default', 'web').status;
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.disruptionsAllowed], [4, 2, 0]);
  });
});
