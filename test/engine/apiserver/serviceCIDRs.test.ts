// Service IP ranges as objects (KEP-1880): the default ServiceCIDR, an IPAddress per cluster IP a
// Service holds, and the ranges a user adds, which Services can then take addresses from.
import assert from 'node:assert/strict';
import { core, newCluster, rejects } from './fixture';

const services = { ...core, resource: 'services' };
const ipaddresses = { group: 'networking.k8s.io', version: 'v1', resource: 'ipaddresses' };
const servicecidrs = { group: 'networking.k8s.io', version: 'v1', resource: 'servicecidrs' };

describe('API server: ServiceCIDRs and IPAddresses', () => {
  it('records each cluster IP as an IPAddress naming its Service, from the default ServiceCIDR, and frees it with the Service', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const cidr = client.get(servicecidrs, undefined, 'kubernetes');
    assert.deepEqual(cidr.spec.cidrs, ['10.96.0.0/12']);
    assert.deepEqual(cidr.status.conditions.map((c: any) => [c.type, c.status, c.message]), [['Ready', 'True', 'Kubernetes Service CIDR is ready']]);
    assert.deepEqual(client.get(ipaddresses, undefined, '10.96.0.1').spec.parentRef, { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' });
    const web = (await client.create(services, 'shop', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } })).object;
    const ip = client.get(ipaddresses, undefined, web.spec.clusterIP);
    assert.deepEqual(ip.metadata.labels, { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' });
    assert.deepEqual(ip.spec.parentRef, { group: '', resource: 'services', namespace: 'shop', name: 'web' });
    assert.match(ip.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await client.delete(services, 'shop', 'web');
    assert.equal(client.tryGet(ipaddresses, undefined, web.spec.clusterIP), undefined);
  });

  it('gives a Service an address of a ServiceCIDR a user adds, which it refused before', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const asking = { metadata: { name: 'legacy' }, spec: { clusterIP: '10.200.0.5', ports: [{ port: 80 }] } };
    await rejects(client.create(services, 'shop', asking), 422, /the provided IP \(10\.200\.0\.5\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12$/);
    const extra = (await client.create(servicecidrs, undefined, { metadata: { name: 'extra' }, spec: { cidrs: ['10.200.0.0/24'] } })).object;
    assert.equal(extra.status.conditions[0].type, 'Ready');
    const created = (await client.create(services, 'shop', asking)).object;
    assert.equal(created.spec.clusterIP, '10.200.0.5');
    assert.equal(client.get(ipaddresses, undefined, '10.200.0.5').spec.parentRef.name, 'legacy');
  });

  it('refuses an IPAddress not named by a canonical address, and a ServiceCIDR with two ranges of one family', async () => {
    const { client } = await newCluster();
    await rejects(client.create(ipaddresses, undefined, { metadata: { name: '10.096.0.9' }, spec: { parentRef: { resource: 'services', name: 'x' } } }), 422, /metadata\.name: Invalid value: "10\.096\.0\.9": ParseAddr\("10\.096\.0\.9"\): IPv4 field has octet with leading zero/);
    await rejects(client.create(servicecidrs, undefined, { metadata: { name: 'two' }, spec: { cidrs: ['10.100.0.0/24', '10.101.0.0/24'] } }), 422, /spec\.cidrs: Invalid value: \["10\.100\.0\.0\/24","10\.101\.0\.0\/24"\]: may specify no more than one IP for each IP family/);
    await rejects(client.create(servicecidrs, undefined, { metadata: { name: 'loose' }, spec: { cidrs: ['10.100.0.7/24'] } }), 422, /spec\.cidrs\[0\]: Invalid value: "10\.100\.0\.7\/24": wrong CIDR format, IP doesn't match network IP address/);
  });
});
