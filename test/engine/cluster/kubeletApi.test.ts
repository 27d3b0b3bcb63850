// The kubelet's own API (port 10250) as the node proxy reaches it: its health check, the pods it
// runs, and the summary API with the CPU and memory its simulated containers use.
import assert from 'node:assert/strict';
import { Quantity } from '../../../engine/api/quantity';
import { bootCluster } from './boot';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

describe("the kubelet's API through the node proxy", function () {
  this.timeout(60_000);

  it('serves /healthz, /pods and /stats/summary, and refuses connections while the node is down', async () => {
    const { cluster, admin, advance } = await bootCluster({ seed: 11, workers: 1, addons: { kubeProxy: false } });
    const container = { name: 'app', image: 'nginx:1.27', resources: { limits: { memory: '256Mi' } } };
    await admin.create(deployments, 'default', {
      metadata: { name: 'web' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' }, annotations: { 'kubeside.dev/behavior': 'memory=100Mi' } }, spec: { containers: [container] } } },
    });
    await advance(5_000);
    const get = (path: string) => cluster.proxy('nodes', '', 'worker-1', 'GET', path)!;
    assert.equal(get('/healthz').body, 'ok');
    const pods = JSON.parse(get('/pods').body);
    assert.equal(pods.kind, 'PodList');
    const names = (items: { metadata: { name: string } }[]) => items.map((p) => p.metadata.name).sort();
    const bound = admin.list({ group: '', version: 'v1', resource: 'pods' }, undefined, { fieldSelector: 'spec.nodeName=worker-1' }).items;
    assert.deepEqual(names(pods.items), names(bound), "the pods bound to the node, as the kubelet's pod manager has them");
    assert.ok(names(pods.items).some((n) => n.startsWith('web-')));
    assert.deepEqual([get('/nope').status, get('/nope').body], [404, '404 page not found\n']);

    // Before a whole window of usage the summary has the node and no pods, as metrics-server finds it.
    const early = JSON.parse(get('/stats/summary').body);
    assert.equal(early.node.nodeName, 'worker-1');
    assert.deepEqual(early.pods, []);
    await advance(20_000);
    const summary = JSON.parse(get('/stats/summary').body);
    const pod = summary.pods.find((p: { podRef: { name: string } }) => p.podRef.name.startsWith('web-'));
    const stored = admin.list({ group: '', version: 'v1', resource: 'pods' }, 'default').items[0];
    assert.deepEqual(pod.podRef, { name: stored.metadata.name, namespace: 'default', uid: stored.metadata.uid });
    const app = pod.containers[0];
    assert.equal(app.name, 'app');
    assert.equal(app.startTime, stored.status.containerStatuses[0].state.running.startedAt);
    assert.ok(Math.abs(app.memory.workingSetBytes - 100 * 2 ** 20) < 2 ** 20, `working set ${app.memory.workingSetBytes}`);
    assert.equal(app.memory.availableBytes, 256 * 2 ** 20 - app.memory.workingSetBytes);
    assert.ok(summary.node.memory.workingSetBytes > app.memory.workingSetBytes, 'the node counts its own daemons too');
    assert.ok(summary.node.cpu.usageNanoCores > 0);
    // The same figures metrics.k8s.io serves.
    const metrics = admin.get({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' }, 'default', stored.metadata.name);
    assert.equal(Quantity.parse(metrics.containers[0].usage.memory).value(), app.memory.workingSetBytes);

    await cluster.failNode('worker-1');
    const refused = get('/healthz');
    assert.equal(refused.status, undefined);
    assert.match(refused.error!, /^dial tcp 172\.18\.0\.\d+:10250: connect: connection refused$/);
    assert.equal(cluster.proxy('nodes', '', 'nope', 'GET', '/healthz'), undefined);
    await cluster.stop();
  });

  it("keeps the kubelet's log, read through the node log query: a heartbeat that fails is said there", async () => {
    const { cluster, admin, advance } = await bootCluster({ seed: 12, workers: 1, addons: { kubeProxy: false } });
    const logs = (query: string) => cluster.proxy('nodes', '', 'worker-1', 'GET', `/logs/?${query}`)!.body;
    assert.match(logs('query=kubelet'), /^Nov 23 12:00:00 worker-1 kubelet\[1\]: I1123 12:00:00\.000000 {7}1 kubelet_node_status\.go:78\] "Successfully registered node" node="worker-1"$/m);
    assert.equal(logs('query=containerd'), '-- No entries --\n');

    // An admission policy that freezes the node leases: every renewal is refused, and the kubelet says why.
    const admissionregistration = { group: 'admissionregistration.k8s.io', version: 'v1' };
    await admin.create({ ...admissionregistration, resource: 'validatingadmissionpolicies' }, undefined, {
      metadata: { name: 'freeze' },
      spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: ['coordination.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['leases'] }] }, validations: [{ expression: "object.metadata.namespace != 'kube-node-lease'", message: 'node leases are frozen' }] },
    });
    await admin.create({ ...admissionregistration, resource: 'validatingadmissionpolicybindings' }, undefined, { metadata: { name: 'freeze' }, spec: { policyName: 'freeze', validationActions: ['Deny'] } });
    await advance(12_000);
    const failed = logs('query=kubelet&pattern=Failed%20to%20update%20lease&tailLines=1');
    assert.match(failed, /^Nov 23 12:00:\d\d worker-1 kubelet\[1\]: E1123 12:00:\d\d\.\d{6} {7}1 controller\.go:145\] "Failed to update lease" err="leases\.coordination\.k8s\.io \\"worker-1\\" is forbidden: ValidatingAdmissionPolicy 'freeze' with binding 'freeze' denied request: node leases are frozen"\n$/);
    assert.equal(failed.split('\n').length, 2, 'tailLines=1: one line');
    await cluster.stop();
  });
});
