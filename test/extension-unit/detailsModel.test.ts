// The Resource details model over a real (embedded) cluster running the shop: given an object, the
// page's sections say what `kubectl describe` would; when the object, its events, its owners or its
// ReplicaSets change, only the sections that changed are sent; a Secret gives keys, never values.
import assert from 'node:assert/strict';
import type { VirtualClock } from '../../engine/util/clock';
import type { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import type { ClusterCache } from '../../extension/cache/clusterCache';
import { DetailsModel } from '../../extension/webviews/detailsModel';
import type { Details, InitMessage, ObjectLink, UpdateMessage } from '../../extension/webviews/protocol/details';
import { applyShop, crashingPod, startCluster, type TestCluster } from './shopCluster';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

describe('Resource details model over the embedded cluster running the shop', function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  let cluster: TestCluster;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  const models: DetailsModel[] = [];

  const advance = async (ms: number) => {
    await clock.advanceAsync(ms, 250);
    cache.flush();
  };
  /** A model of `target` and every message it sends from now on. */
  const open = (target: ObjectLink) => {
    const model = new DetailsModel(cache, target, { clock });
    models.push(model);
    const messages: (InitMessage | UpdateMessage)[] = [];
    model.onDidChange((m) => messages.push(m));
    return { model, messages };
  };
  const details = (model: DetailsModel): Details => {
    const init = model.snapshot();
    assert.ok(init.details, `${init.target.kind} ${init.target.name} exists`);
    return init.details;
  };

  beforeEach(async () => {
    cluster = await startCluster({ seed: 5, workers: 3 });
    ({ clock, backend, cache } = cluster);
    await applyShop(backend);
    await advance(30_000);
  });

  afterEach(async () => {
    for (const model of models.splice(0)) model.dispose();
    await cluster.dispose();
  });

  it('describes a running Deployment: Available 2/2, its conditions, its scaling event and revision 1', () => {
    const { model } = open({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    const d = details(model);
    assert.equal(d.summary.status, 'Available');
    assert.equal(d.summary.level, 'ok');
    assert.deepEqual(d.summary.fields.find((f) => f.label === 'Ready'), { label: 'Ready', value: '2/2' });
    assert.deepEqual(d.conditions.map((c) => [c.type, c.status]), [['Available', 'True'], ['Progressing', 'True']]);
    assert.ok(d.events.some((e) => e.reason === 'ScalingReplicaSet' && e.source === 'deployment-controller'));
    assert.equal(d.rollout!.length, 1);
    assert.deepEqual({ ...d.rollout![0], replicaSet: '' }, { revision: 1, replicaSet: '', images: ['nginx:1.27.3'], ready: 2, replicas: 2, current: true, created: Date.UTC(2026, 11, 4, 12, 0, 0), changeCause: '' });
    assert.deepEqual([d.owners, d.containers, d.dataKeys], [[], [], null]);
  });

  it('describes a ReplicationController: ready against desired, its label-map selector, no up-to-date count', async () => {
    await backend.apply({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'legacy', image: 'nginx:1.27' }] } } } });
    await advance(30_000);
    const d = details(open({ kind: 'ReplicationController', namespace: 'shop', name: 'legacy' }).model);
    assert.equal(d.summary.status, 'Available');
    assert.deepEqual(d.summary.fields.filter((f) => ['Ready', 'Up-to-date', 'Available', 'Selector'].includes(f.label)), [
      { label: 'Ready', value: '2/2' },
      { label: 'Available', value: '2' },
      { label: 'Selector', value: 'app=legacy' },
    ]);
    assert.ok(d.events.some((e) => e.reason === 'SuccessfulCreate' && e.source === 'replication-controller'));
  });

  it('sends the new revision when the image changes, and only the sections that changed', async () => {
    const { model, messages } = open({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    await backend.patch({ type: deployments, namespace: 'shop', name: 'web' }, 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27.4' }] } } } });
    await advance(60_000);
    assert.ok(messages.length > 0 && messages.every((m) => m.type === 'update'));
    for (const m of messages as UpdateMessage[]) for (const section of ['owners', 'containers', 'dataKeys']) assert.ok(!(section in m.details), `${section} did not change`);
    const rollout = messages.flatMap((m) => (m.type === 'update' && m.details.rollout ? [m.details.rollout] : [])).at(-1)!;
    assert.deepEqual(rollout.map((r) => [r.revision, r.images[0], r.current, r.replicas]), [[2, 'nginx:1.27.4', true, 2], [1, 'nginx:1.27.3', false, 0]]);
    assert.deepEqual(details(model).rollout, rollout);
  });

  it('stays silent when a change does not concern the object', async () => {
    const { messages } = open({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    await backend.patch({ type: deployments, namespace: 'shop', name: 'api' }, 'merge', { spec: { replicas: 3 } });
    await advance(30_000);
    assert.deepEqual(messages, []);
  });

  it('follows a pod up its owners to the Deployment, and reads its probes as the kubelet reports them', () => {
    const rs = cache.byIndex('replicasets', 'controller', cache.get('deployments', 'shop', 'web')!.metadata.uid)[0]!;
    const pod = cache.byIndex('pods', 'controller', rs.metadata.uid)[0]!;
    const { model } = open({ kind: 'Pod', namespace: 'shop', name: pod.metadata.name });
    const d = details(model);
    assert.deepEqual(d.owners, [
      { kind: 'ReplicaSet', namespace: 'shop', name: rs.metadata.name, linked: true },
      { kind: 'Deployment', namespace: 'shop', name: 'web', linked: true },
    ]);
    assert.equal(d.summary.status, 'Running');
    const [web] = d.containers;
    assert.deepEqual({ ...web!, since: 0 }, {
      name: 'web',
      role: 'app',
      image: 'nginx:1.27.3',
      ready: true,
      restarts: 0,
      state: 'running',
      reason: '',
      since: 0,
      lastTermination: undefined,
      probes: [
        { type: 'liveness', description: 'http-get http://:80/ delay=5s timeout=1s period=10s #success=1 #failure=3', result: 'success', message: '' },
        { type: 'readiness', description: 'http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3', result: 'success', message: '' },
      ],
    });
  });

  it('shows a crashing container: its restarts, the last termination, and the updates that told of them', async () => {
    await backend.apply(crashingPod);
    await advance(5_000);
    const { model, messages } = open({ kind: 'Pod', namespace: 'shop', name: 'checkout' });
    assert.equal(details(model).containers[0]!.restarts, 0);
    await advance(40_000);
    const [container] = details(model).containers;
    assert.equal(container!.restarts, 1);
    assert.deepEqual({ ...container!.lastTermination!, finished: 0 }, { reason: 'Error', exitCode: 1, finished: 0 });
    assert.ok(messages.some((m) => m.type === 'update' && m.details.containers?.[0]?.restarts === 1));
    assert.ok(messages.some((m) => m.type === 'update' && m.details.events?.some((e) => e.reason === 'Started' && e.count === 2)));
  });

  it('gives the keys of a Secret and none of its values', () => {
    const { model } = open({ kind: 'Secret', namespace: 'shop', name: 'api-credentials' });
    const init = model.snapshot();
    assert.deepEqual(init.details!.dataKeys, ['DB_PASSWORD', 'DB_USER']);
    const sent = JSON.stringify(init);
    for (const value of ['czNjcjN0LXBhc3M=', 's3cr3t-pass', 'c2hvcA==']) assert.ok(!sent.includes(value), value);
    assert.equal(init.logs, false);
  });

  it('says the object is gone when it is deleted, and shows it again when it comes back', async () => {
    const { messages } = open({ kind: 'Service', namespace: 'shop', name: 'web' });
    const ref = { type: { group: '', version: 'v1', resource: 'services' }, namespace: 'shop', name: 'web' };
    const service = await backend.get(ref);
    await backend.delete(ref);
    await advance(1_000);
    assert.deepEqual(messages.map((m) => [m.type, m.type === 'init' ? m.details : undefined]), [['init', null]]);
    await backend.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: service!.spec.selector, ports: service!.spec.ports } });
    await advance(1_000);
    const back = messages.at(-1)!;
    assert.equal(back.type, 'init');
    assert.equal((back as InitMessage).details!.summary.fields.find((f) => f.label === 'Ports')!.value, '80/TCP');
    assert.equal((back as InitMessage).details!.summary.fields.find((f) => f.label === 'External IP'), undefined, 'a ClusterIP Service has none');
  });

  it("shows a LoadBalancer Service's external address: pending, then its load balancer's", async () => {
    await backend.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ port: 80 }], loadBalancerClass: 'example.com/none' } });
    await advance(1_000);
    const { model } = open({ kind: 'Service', namespace: 'shop', name: 'web-public' });
    const external = () => model.snapshot().details!.summary.fields.find((f) => f.label === 'External IP')?.value;
    // Another implementation's class: nothing gives it an address.
    assert.equal(external(), '<pending>');
    await backend.delete({ type: { group: '', version: 'v1', resource: 'services' }, namespace: 'shop', name: 'web-public' });
    await backend.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ port: 80 }] } });
    await advance(2_000);
    assert.equal(external(), '172.18.255.200');
  });
});
