import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { deployment, deployments, pods } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const services = { group: '', version: 'v1', resource: 'services' };
const endpoints = { group: '', version: 'v1', resource: 'endpoints' };
const slices = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

async function givenWebService(c: Cluster, replicas: number) {
  const d = deployment('web', replicas);
  d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
  await c.client.create(deployments, 'default', d);
  await c.client.create(services, 'default', { metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
}

const slicesOf = (c: Cluster) => c.list(slices).filter((s) => s.metadata.labels['kubernetes.io/service-name'] === 'web');

describe('Endpoints and EndpointSlice controllers', () => {
  it('a Service with no running pods has one empty EndpointSlice and Endpoints without subsets', async () => {
    const c = await newControllerCluster();
    await givenWebService(c, 2);
    await c.until('a slice exists', () => slicesOf(c).length === 1);
    await c.run(1000);
    const [slice] = slicesOf(c);
    assert.equal(slice!.endpoints, null, 'endpoints: null, as the API shows a placeholder slice');
    assert.equal(slice!.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice!.metadata.labels.tier, 'front');
    assert.equal(slice!.metadata.ownerReferences[0].kind, 'Service');
    assert.equal(c.client.get(endpoints, 'default', 'web').subsets, undefined);
  });

  it('lists the ready pods with the port their named target port resolves to; a pod that stops being ready moves to notReadyAddresses', async () => {
    const c = await newControllerCluster();
    await givenWebService(c, 2);
    await c.until('2 pods', () => c.activePods().length === 2);
    await c.kubeletSync();
    await c.until('2 ready endpoints', () => (slicesOf(c)[0]?.endpoints ?? []).filter((e: Obj) => e.conditions.ready).length === 2);
    const [slice] = slicesOf(c);
    assert.deepEqual(slice!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const pod = c.activePods()[0]!;
    assert.deepEqual(slice!.endpoints.find((e: Obj) => e.targetRef.name === pod.metadata.name), {
      addresses: [pod.status.podIP],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: pod.metadata.name, uid: pod.metadata.uid },
    });
    await c.until('Endpoints lists both', () => c.client.get(endpoints, 'default', 'web').subsets?.[0]?.addresses?.length === 2);
    assert.deepEqual(c.client.get(endpoints, 'default', 'web').subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);

    const conditions = pod.status.conditions.map((x: Obj) => (x.type === 'Ready' || x.type === 'ContainersReady' ? { ...x, status: 'False' } : x));
    await c.kubelet('node-1').update(pods, 'default', { ...pod, status: { ...pod.status, conditions } }, {}, 'status');
    await c.until('one not ready', () => c.client.get(endpoints, 'default', 'web').subsets[0].notReadyAddresses?.length === 1);
    assert.equal(c.client.get(endpoints, 'default', 'web').subsets[0].addresses.length, 1);
    await c.until('the slice says not ready', () => slicesOf(c)[0]!.endpoints.find((e: Obj) => e.targetRef.name === pod.metadata.name).conditions.ready === false);
  });
});
