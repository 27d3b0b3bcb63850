// The embedded backend and the extension's cache over it: given the engine's cluster on a virtual
// clock, applying a Deployment through the seam makes pods appear in the cache in batches, errors
// come back as ClusterErrors with their field causes, and Secret values never reach the cache.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ClusterError } from '../../extension/backend/clusterBackend';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { type CacheChange, ClusterCache } from '../../extension/cache/clusterCache';
import { VirtualClock } from '../../engine/util/clock';

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
  },
});

describe('EmbeddedBackend and ClusterCache', () => {
  let backend: EmbeddedBackend | undefined;
  let cache: ClusterCache | undefined;
  const clock = () => new VirtualClock(Date.UTC(2026, 11, 4, 12, 0, 0));

  afterEach(async () => {
    cache?.dispose();
    await backend?.dispose();
    backend = cache = undefined;
  });

  it('applies a Deployment and the cache sees its ReplicaSet and running pods on workers', async () => {
    const c = clock();
    backend = await EmbeddedBackend.start({ clock: c, seed: 7 });
    cache = new ClusterCache(backend, { clock: c, batchMs: 100 });
    await cache.start();
    assert.deepEqual(cache.list('nodes').map((n) => n.metadata.name).sort(), ['control-plane', 'worker-1', 'worker-2', 'worker-3']);
    const batches: (readonly CacheChange[])[] = [];
    cache.onDidChange((changes) => batches.push(changes));

    const stored = await backend.apply(deployment(3));
    assert.equal(stored.metadata.managedFields[0].manager, 'kubeside');
    await c.advanceAsync(30_000, 250);
    cache.flush();

    const pods = cache.byIndex('pods', 'namespace', 'default');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.status?.phase === 'Running' && p.spec.nodeName?.startsWith('worker-')), JSON.stringify(pods.map((p) => [p.spec.nodeName, p.status?.phase])));
    const rs = cache.list('replicasets').filter((r) => r.metadata.namespace === 'default');
    assert.equal(rs.length, 1);
    assert.equal(cache.byIndex('pods', 'controller', rs[0]!.metadata.uid).length, 3);
    // The cache holds the objects without managedFields (the views never show them); a read has them.
    assert.ok(pods.every((p) => p.metadata.managedFields === undefined) && cache.list('nodes').every((n) => n.metadata.managedFields === undefined));
    assert.ok((await backend.get({ type: { group: '', version: 'v1', resource: 'pods' }, namespace: 'default', name: pods[0]!.metadata.name }))?.metadata.managedFields?.length);
    const nodeOfFirst = pods[0]!.spec.nodeName;
    assert.ok(cache.byIndex('pods', 'node', nodeOfFirst).some((p) => p.metadata.name === pods[0]!.metadata.name));
    // Many watch events, few deliveries: changes are batched.
    const delivered = batches.reduce((n, b) => n + b.length, 0);
    assert.ok(delivered > 10 && batches.length < delivered, `${batches.length} batches for ${delivered} changes`);
  });

  it('reports a refused apply as a ClusterError naming the field', async () => {
    backend = await EmbeddedBackend.start({ clock: clock(), workers: 0 });
    const bad = deployment(1);
    (bad.spec.template.metadata.labels as Record<string, string>).app = 'other';
    await assert.rejects(backend.apply(bad), (err: unknown) => {
      assert.ok(err instanceof ClusterError);
      assert.equal(err.code, 422);
      assert.ok(err.causes.some((c) => c.field === 'spec.template.metadata.labels'), JSON.stringify(err.causes));
      return true;
    });
  });

  it('keeps Secret keys in the cache but never their values', async () => {
    const c = clock();
    backend = await EmbeddedBackend.start({ clock: c, workers: 0 });
    cache = new ClusterCache(backend, { clock: c, kinds: ['secrets'] });
    await cache.start();
    await backend.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, stringData: { password: 'hunter2' } });
    await c.advanceAsync(1000, 100);
    cache.flush();
    const cached = cache.get('secrets', 'default', 'db');
    assert.deepEqual(cached?.data, { password: '' });
    assert.ok(!JSON.stringify(cached).includes('hunter2') && !JSON.stringify(cached).includes(Buffer.from('hunter2').toString('base64')));
    const revealed = await backend.get({ type: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'default', name: 'db' });
    assert.equal(Buffer.from(revealed!.data.password, 'base64').toString(), 'hunter2');
  });

  it('persists in its state directory: a restarted backend has the same objects', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeside-embedded-'));
    try {
      backend = await EmbeddedBackend.start({ stateDir: path.join(dir, 'cluster'), workers: 1 });
      assert.match(backend.server ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
      await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'dark' } });
      await backend.dispose();
      backend = await EmbeddedBackend.start({ stateDir: path.join(dir, 'cluster'), workers: 1 });
      const cm = await backend.get({ type: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'default', name: 'settings' });
      assert.equal(cm?.data.mode, 'dark');
    } finally {
      await backend?.dispose();
      backend = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
