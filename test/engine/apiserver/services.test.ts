import assert from 'node:assert/strict';
import { ApiServer } from '../../../engine/apiserver/apiserver';
import { TokenAuthenticator } from '../../../engine/apiserver/auth/user';
import { ApiClient } from '../../../engine/apiserver/client';
import { Random } from '../../../engine/util/random';
import { admin, core, newCluster, rejects } from './fixture';

const services = { ...core, resource: 'services' };
const svc = (name: string, spec: object = {}) => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const toNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

describe('API server: Service allocations', () => {
  it('the cluster starts with the kubernetes Service at the first address of the service range', async () => {
    const { client } = await newCluster();
    const k = client.get(services, 'default', 'kubernetes');
    assert.deepEqual([k.spec.clusterIP, k.spec.ports[0].port, k.spec.ports[0].targetPort], ['10.96.0.1', 443, 6443]);
  });

  it('gives each Service its own cluster IP from the upper band of 10.96.0.0/12, and none to headless or ExternalName ones', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const ips = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const s = (await client.create(services, 'shop', svc(`s${i}`))).object;
      assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
      const n = toNumber(s.spec.clusterIP);
      assert.ok(n >= toNumber('10.96.1.0') && n < toNumber('10.112.0.0'), s.spec.clusterIP);
      ips.add(s.spec.clusterIP);
    }
    assert.equal(ips.size, 20);
    assert.equal((await client.create(services, 'shop', svc('db', { clusterIP: 'None' }))).object.spec.clusterIP, 'None');
    const ext = (await client.create(services, 'shop', { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } })).object;
    assert.equal(ext.spec.clusterIP, undefined);
  });

  it('honours a requested IP once, and frees it when the Service is deleted', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(services, 'shop', svc('dns', { clusterIP: '10.96.0.10' }));
    const err = await rejects(client.create(services, 'shop', svc('other', { clusterIP: '10.96.0.10' })), 422);
    assert.match(err.message, /spec\.clusterIPs: Invalid value: \[\]string\{"10\.96\.0\.10"\}: failed to allocate IP 10\.96\.0\.10: provided IP is already allocated/);
    await client.delete(services, 'shop', 'dns');
    assert.equal((await client.create(services, 'shop', svc('other', { clusterIP: '10.96.0.10' }))).object.spec.clusterIP, '10.96.0.10');
  });

  it('allocates node ports in 30000-32767 for NodePort Services, and refuses a taken one', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const web = (await client.create(services, 'shop', svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }))).object;
    const ports = web.spec.ports.map((p: any) => p.nodePort);
    assert.ok(ports.every((p: number) => p >= 30000 && p <= 32767), String(ports));
    assert.notEqual(ports[0], ports[1]);
    await rejects(client.create(services, 'shop', svc('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] })), 422, /spec\.ports\[0\]\.nodePort: Invalid value: \d+: provided port is already allocated/);
  });

  it('two API server replicas creating Services at once never hand out the same IP', async () => {
    const { client, namespace, store, clock } = await newCluster();
    await namespace('shop');
    // Same seed: both replicas would pick the same addresses first.
    const a = new ApiClient(new ApiServer({ store, clock, random: new Random(5), authenticator: new TokenAuthenticator() }), admin);
    const b = new ApiClient(new ApiServer({ store, clock, random: new Random(5), authenticator: new TokenAuthenticator() }), admin);
    await Promise.all(Array.from({ length: 10 }, (_, i) => [a.create(services, 'shop', svc(`a${i}`)), b.create(services, 'shop', svc(`b${i}`))]).flat());
    const ips = (client.list(services, 'shop').items as any[]).map((s) => s.spec.clusterIP);
    assert.equal(ips.length, 20);
    assert.equal(new Set(ips).size, 20);
  });
  it('keeps what it allocated when an update leaves it out, so the same manifest applies again', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const manifest = svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] });
    const created = (await client.create(services, 'shop', manifest)).object;
    // A PUT of the manifest as written, without the cluster IP and node ports it was given.
    const put = (await client.update(services, 'shop', { ...manifest, metadata: { ...manifest.metadata, resourceVersion: created.metadata.resourceVersion } })).object;
    assert.deepEqual([put.spec.clusterIP, put.spec.clusterIPs], [created.spec.clusterIP, created.spec.clusterIPs]);
    assert.deepEqual(put.spec.ports.map((p: any) => p.nodePort), created.spec.ports.map((p: any) => p.nodePort));
    // Ports matched by name: the https port keeps its node port wherever it moves.
    const swapped = (await client.update(services, 'shop', { ...manifest, metadata: { ...manifest.metadata, resourceVersion: put.metadata.resourceVersion }, spec: { ...manifest.spec, ports: [{ name: 'https', port: 443 }, { name: 'http', port: 80 }] } })).object;
    assert.deepEqual(swapped.spec.ports.map((p: any) => p.nodePort), [created.spec.ports[1].nodePort, created.spec.ports[0].nodePort]);
  });

  it('takes and frees what a change of type needs and drops, as kube-apiserver does', async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    const held = () => ({
      ips: store.range('/registry/ipaddresses/', { end: '/registry/ipaddresses/\uffff' }).kvs.filter((kv) => JSON.parse(String(kv.value)).spec.parentRef.name === 'web').map((kv) => kv.key.split('/').pop()),
      ports: store.range('/registry/kubeside/servicenodeports/', { end: '/registry/kubeside/servicenodeports/\uffff' }).kvs.filter((kv) => String(kv.value) === 'shop/web').map((kv) => Number(kv.key.split('/').pop())),
    });
    const type = async (spec: object) => (await client.patch(services, 'shop', 'web', 'merge', { spec })).object;
    const created = (await client.create(services, 'shop', svc('web'))).object;
    const ip = created.spec.clusterIP;

    // ClusterIP -> NodePort: a node port for each port.
    let s = await type({ type: 'NodePort' });
    const nodePort = s.spec.ports[0].nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
    assert.deepEqual(held(), { ips: [ip], ports: [nodePort] });
    // NodePort -> LoadBalancer with externalTrafficPolicy Local: the same node port, and a health check port.
    s = await type({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    assert.equal(s.spec.ports[0].nodePort, nodePort);
    assert.ok(s.spec.healthCheckNodePort >= 30000 && s.spec.healthCheckNodePort !== nodePort);
    assert.deepEqual(held().ports.sort(), [nodePort, s.spec.healthCheckNodePort].sort());
    // A load balancer status goes with the type. Its address, not saying how it is reached, is a virtual IP.
    const lbStatus = (await client.patch(services, 'shop', 'web', 'merge', { status: { loadBalancer: { ingress: [{ ip: '172.18.255.1' }, { hostname: 'lb.example.com' }] } } }, {}, 'status')).object.status;
    assert.deepEqual(lbStatus.loadBalancer.ingress, [{ ip: '172.18.255.1', ipMode: 'VIP' }, { hostname: 'lb.example.com' }]);
    // LoadBalancer -> ClusterIP: node ports, the health check port, externalTrafficPolicy,
    // allocateLoadBalancerNodePorts and the load balancer status go; the cluster IP stays.
    s = await type({ type: 'ClusterIP' });
    assert.deepEqual([s.spec.ports[0].nodePort, s.spec.healthCheckNodePort, s.spec.externalTrafficPolicy, s.spec.allocateLoadBalancerNodePorts, s.status.loadBalancer], [undefined, undefined, undefined, undefined, {}]);
    assert.deepEqual(held(), { ips: [ip], ports: [] });
    // ClusterIP -> ExternalName: the cluster IP and IP families go, and the address is free again.
    s = await type({ type: 'ExternalName', externalName: 'db.example.com' });
    assert.deepEqual([s.spec.clusterIP, s.spec.clusterIPs, s.spec.ipFamilies, s.spec.ipFamilyPolicy], [undefined, undefined, undefined, undefined]);
    assert.deepEqual(held(), { ips: [], ports: [] });
    // ExternalName -> ClusterIP: a cluster IP again.
    s = await type({ type: 'ClusterIP', externalName: null });
    assert.deepEqual([s.spec.clusterIPs, held().ips], [[s.spec.clusterIP], [s.spec.clusterIP]]);

    // A node port the update asks for is reserved, or refused when another Service has it.
    const other = (await client.create(services, 'shop', svc('other', { type: 'NodePort' }))).object;
    await rejects(type({ type: 'NodePort', ports: [{ port: 80, nodePort: other.spec.ports[0].nodePort }] }), 422, /spec\.ports\[0\]\.nodePort: Invalid value: \d+: provided port is already allocated/);
    s = await type({ type: 'NodePort', ports: [{ port: 80, nodePort: 32000 }] });
    assert.deepEqual(held().ports, [32000]);
    // A node port the update changes on its own is validation's to refuse, and nothing moves.
    await rejects(type({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 32001 }] }), 422, /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/);
    assert.deepEqual(held().ports, [32000]);
    await client.delete(services, 'shop', 'web');
    assert.deepEqual(held(), { ips: [], ports: [] });
  });
  it('takes a ClusterIP Service with external IPs as externally accessible: its externalTrafficPolicy defaults to Cluster', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const s = (await client.create(services, 'shop', svc('web', { externalIPs: ['192.0.2.10'] }))).object;
    assert.deepEqual([s.spec.type, s.spec.externalTrafficPolicy], ['ClusterIP', 'Cluster']);
    // Without them it is not, and the policy goes with them.
    const plain = (await client.patch(services, 'shop', 'web', 'merge', { spec: { externalIPs: null } })).object;
    assert.equal(plain.spec.externalTrafficPolicy, undefined);
  });
});
