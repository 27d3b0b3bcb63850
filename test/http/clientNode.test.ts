// @kubernetes/client-node (1.x) against the REST API, configured only from the kubeconfig that
// `startServer` writes: CRUD through the typed APIs, an informer's list+watch, JSON merge, strategic
// merge and JSON patches, server-side apply and a followed log — what the extension's kubeconfig
// backend does against a real cluster.
import { Writable } from 'node:stream';
import * as assert from 'node:assert/strict';
import { serveCluster, type ServedCluster } from './fixture';

type ClientNode = typeof import('@kubernetes/client-node');

describe('@kubernetes/client-node against the REST API', function () {
  this.timeout(30_000);
  let cluster: ServedCluster;
  let k8s: ClientNode;
  let kc: InstanceType<ClientNode['KubeConfig']>;

  before(async () => {
    cluster = await serveCluster();
    // The library is an ES module; this test file is not.
    k8s = await import('@kubernetes/client-node');
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.started.kubeconfigPath);
  });
  after(async () => {
    await cluster?.close();
  });

  it('reads the kubeconfig: the kubeside context, trusting the cluster CA', () => {
    assert.equal(kc.getCurrentContext(), 'kubeside');
    assert.equal(kc.getCurrentCluster()?.server, cluster.started.url);
    assert.equal(kc.getCurrentCluster()?.caData, cluster.started.caData);
  });

  it('creates, reads, updates, lists and deletes through the typed APIs', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    const created = await core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'settings', labels: { app: 'shop' } }, data: { mode: 'fast' } } });
    assert.equal(created.metadata?.namespace, 'team-a');
    const read = await core.readNamespacedConfigMap({ namespace: 'team-a', name: 'settings' });
    read.data = { mode: 'safe' };
    const updated = await core.replaceNamespacedConfigMap({ namespace: 'team-a', name: 'settings', body: read });
    assert.equal(updated.data?.mode, 'safe');
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
    const list = await core.listNamespacedConfigMap({ namespace: 'team-a', labelSelector: 'app=shop' });
    assert.deepEqual(list.items.map((c) => c.metadata?.name), ['settings']);
    await core.deleteNamespacedConfigMap({ namespace: 'team-a', name: 'settings' });
    await assert.rejects(core.readNamespacedConfigMap({ namespace: 'team-a', name: 'settings' }), (err: any) => err.code === 404);
  });

  it('a stale update is refused with 409 Conflict', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'contended' }, data: { n: '1' } } });
    await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'contended', body: { ...cm, data: { n: '2' } } });
    await assert.rejects(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'contended', body: { ...cm, data: { n: '3' } } }), (err: any) => err.code === 409);
  });

  it('an informer lists, then sees additions, changes and deletions through its watch', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'watched' } } });
    await core.createNamespacedConfigMap({ namespace: 'watched', body: { metadata: { name: 'before' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/watched/configmaps', () => core.listNamespacedConfigMap({ namespace: 'watched' }));
    const seen: string[] = [];
    const waitFor = (entry: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`informer never saw ${entry}; saw ${seen.join(', ')}`)), 10_000);
        const check = () => (seen.includes(entry) ? (clearTimeout(timer), resolve()) : setTimeout(check, 10));
        check();
      });
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', () => {});
    await informer.start();
    try {
      await waitFor('add before');
      await core.createNamespacedConfigMap({ namespace: 'watched', body: { metadata: { name: 'after' } } });
      await waitFor('add after');
      await core.patchNamespacedConfigMap({ namespace: 'watched', name: 'after', body: { data: { v: 'x' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await waitFor('update after x');
      await core.deleteNamespacedConfigMap({ namespace: 'watched', name: 'before' });
      await waitFor('delete before');
    } finally {
      await informer.stop();
    }
    // makeInformer's result is also the ObjectCache it keeps (a ListWatch).
    const cache = informer as unknown as { list(): { metadata?: { name?: string } }[] };
    // The root CA publisher's kube-root-ca.crt lives in every namespace beside what the test made.
    assert.deepEqual(cache.list().map((o) => o.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'), ['after']);
  });

  it('server-side apply creates, then updates, and records the field manager', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    };
    await objects.patch(deployment, undefined, undefined, 'client-node', false, k8s.PatchStrategy.ServerSideApply);
    const applied = await objects.patch({ ...deployment, spec: { ...deployment.spec, replicas: 4 } }, undefined, undefined, 'client-node', false, k8s.PatchStrategy.ServerSideApply);
    assert.equal((applied as any).spec.replicas, 4);
    const managedFields: { manager: string; operation: string }[] = (applied as any).metadata.managedFields;
    // The applier owns what it applied; the deployment controller's status writes are its own entries.
    assert.deepEqual(managedFields.filter((m) => m.operation === 'Apply').map((m) => m.manager), ['client-node']);
    assert.ok(managedFields.filter((m) => m.operation !== 'Apply').every((m) => m.manager === 'kube-controller-manager'), JSON.stringify(managedFields));
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    assert.equal(scale.spec?.replicas, 4);
  });

  it('strategic merge and JSON patches: containers merged by name, then an op on a path', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const template = { metadata: { labels: { app: 'patched' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox:1.36' }] } };
    await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'patched' }, spec: { replicas: 1, selector: { matchLabels: { app: 'patched' } }, template } } });
    const strategic = await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patched', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(strategic.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`), ['web=nginx:1.28', 'sidecar=busybox:1.36'], 'the sidecar stays: containers merge by name');
    const json = await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patched', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    assert.equal(json.spec?.replicas, 3);
  });

  it('streams a running container\'s log with follow, until aborted', async function () {
    this.timeout(60_000);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'talker' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }] } } });
    const deadline = Date.now() + 30_000;
    while ((await core.readNamespacedPod({ namespace: 'default', name: 'talker' })).status?.phase !== 'Running') {
      if (Date.now() > deadline) assert.fail('the pod never ran');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    let text = '';
    const received = new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          // The startup line, then the probes' access-log lines as they happen.
          if ((text.match(/kube-probe/g) ?? []).length >= 2) resolve();
          done();
        },
      });
      void new k8s.Log(kc).log('default', 'talker', 'web', sink, { follow: true }).then((request) => received.finally(() => request.abort()));
    });
    await Promise.race([received, new Promise((_, reject) => setTimeout(() => reject(new Error(`log lines never arrived; got: ${text}`)), 30_000))]);
    assert.match(text, /"GET \/ HTTP\/1\.1" 200 \d+ "-" "kube-probe\/1\.36"/);
  });
});
