import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { events, newControllerCluster } from './harness';

const services = { group: '', version: 'v1', resource: 'services' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

const lb = (name: string, spec: Obj = {}): Obj => ({ metadata: { name }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const get = (c: Cluster, name: string) => c.client.get(services, 'default', name);
const address = (c: Cluster, name: string) => get(c, name).status?.loadBalancer?.ingress?.[0]?.ip;
const reasons = async (c: Cluster, name: string) => {
  await c.manager.flushEvents();
  return c.list(events).filter((e) => e.involvedObject.name === name).map((e) => e.reason);
};

describe('Service load balancer controller', () => {
  it('gives each LoadBalancer Service an address of 172.18.255.200-250 and the cleanup finalizer, as a cloud service controller does', async () => {
    const c = await newControllerCluster();
    await c.client.create(services, 'default', lb('web'));
    await c.until('web has an address', () => !!address(c, 'web'));
    assert.deepEqual(get(c, 'web').status.loadBalancer.ingress, [{ ip: '172.18.255.200', ipMode: 'VIP' }]);
    assert.deepEqual(get(c, 'web').metadata.finalizers, ['service.kubernetes.io/load-balancer-cleanup']);
    assert.deepEqual(await reasons(c, 'web'), ['EnsuringLoadBalancer', 'EnsuredLoadBalancer']);

    // Created together, two Services never get one address.
    await Promise.all([c.client.create(services, 'default', lb('api')), c.client.create(services, 'default', lb('db'))]);
    await c.until('both have addresses', () => !!address(c, 'api') && !!address(c, 'db'));
    assert.deepEqual([address(c, 'api'), address(c, 'db')].sort(), ['172.18.255.201', '172.18.255.202']);

    // An address asked for, or refused with the reason when another Service has it.
    await c.client.create(services, 'default', lb('chosen', { loadBalancerIP: '172.18.255.240' }));
    await c.until('chosen has its address', () => address(c, 'chosen') === '172.18.255.240');
    await c.client.create(services, 'default', lb('clash', { loadBalancerIP: '172.18.255.240' }));
    await c.run(2000);
    assert.equal(address(c, 'clash'), undefined);
    await c.manager.flushEvents();
    assert.ok(c.list(events).some((e) => e.involvedObject.name === 'clash' && e.type === 'Warning' && e.reason === 'SyncLoadBalancerFailed' && e.message === 'Error syncing load balancer: failed to ensure load balancer: requested IP 172.18.255.240 is already in use'));

    // Another implementation's class is left alone.
    await c.client.create(services, 'default', lb('other', { loadBalancerClass: 'example.com/lb' }));
    await c.run(2000);
    assert.deepEqual([address(c, 'other'), get(c, 'other').metadata.finalizers], [undefined, undefined]);
  });

  it('frees the address when the Service changes type or is deleted, and the next Service gets it', async () => {
    const c = await newControllerCluster();
    await c.client.create(services, 'default', lb('web'));
    await c.client.create(services, 'default', lb('api'));
    await c.until('both have addresses', () => !!address(c, 'web') && !!address(c, 'api'));
    const webAddress = address(c, 'web');

    await c.client.patch(services, 'default', 'web', 'merge', { spec: { type: 'ClusterIP' } });
    await c.until('web lets its load balancer go', () => !get(c, 'web').metadata.finalizers);
    assert.deepEqual(get(c, 'web').status.loadBalancer, {});
    assert.deepEqual(await reasons(c, 'web'), ['EnsuringLoadBalancer', 'EnsuredLoadBalancer', 'DeletingLoadBalancer', 'DeletedLoadBalancer']);
    await c.client.create(services, 'default', lb('next'));
    await c.until('next has an address', () => !!address(c, 'next'));
    assert.equal(address(c, 'next'), webAddress);

    // A delete waits for the load balancer to go, then completes.
    await c.client.delete(services, 'default', 'api');
    await c.until('api is gone', () => !c.client.tryGet(services, 'default', 'api'));
    await c.client.create(services, 'default', lb('last'));
    await c.until('last has an address', () => !!address(c, 'last'));
    assert.equal(address(c, 'last'), '172.18.255.201');
  });
});
