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
});
