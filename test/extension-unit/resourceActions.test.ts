// The views' actions on objects: given a Deployment in the embedded cluster, when it is scaled,
// restarted and rolled back, then the cluster does what kubectl's scale, rollout restart and
// rollout undo make it do; YAML and describe show what kubectl shows, Secret values hidden.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeObject } from '../../extension/actions/describe';
import { objectYaml, restart, rollback, rolloutHistory, scale } from '../../extension/actions/resourceActions';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { ClusterCache } from '../../extension/cache/clusterCache';
import { VirtualClock } from '../../engine/util/clock';

const deploymentRef = { type: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'default', name: 'web' };
const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('resource actions', () => {
  let backend: EmbeddedBackend | undefined;
  let cache: ClusterCache | undefined;
  afterEach(async () => {
    cache?.dispose();
    await backend?.dispose();
    backend = cache = undefined;
  });

  async function boot() {
    const clock = new VirtualClock(Date.UTC(2026, 11, 4, 12));
    backend = await EmbeddedBackend.start({ clock, seed: 3, workers: 2 });
    cache = new ClusterCache(backend, { clock, kinds: ['pods', 'replicasets'] });
    await cache.start();
    const settle = async () => {
      await clock.advanceAsync(30_000, 250);
      cache!.flush();
    };
    return { b: backend, c: cache, settle };
  }

  it('scales through the scale subresource and restarts by a template annotation', async () => {
    const { b, c, settle } = await boot();
    await b.apply(deployment('nginx:1.26'));
    await settle();
    await scale(b, deploymentRef, 4);
    await settle();
    assert.equal(c.byIndex('pods', 'namespace', 'default').filter((p) => !p.metadata.deletionTimestamp).length, 4);
    await assert.rejects(scale(b, deploymentRef, -1), /whole number/);
    await restart(b, deploymentRef, new Date(Date.UTC(2026, 11, 4, 13)));
    const restarted = await b.get(deploymentRef);
    assert.equal(restarted!.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2026-12-04T13:00:00.000Z');
    await settle();
    assert.equal(c.list('replicasets').filter((r) => r.metadata.namespace === 'default').length, 2, 'a restart is a new revision');
  });

  it('rolls back to the previous revision, and to a given one', async () => {
    const { b, c, settle } = await boot();
    for (const image of ['nginx:1.25', 'nginx:1.26', 'nginx:1.27']) {
      await b.apply(deployment(image));
      await settle();
    }
    const ownedBy = (uid: string) => c.byIndex('replicasets', 'controller', uid);
    const history = rolloutHistory((await b.get(deploymentRef))!, ownedBy);
    assert.deepEqual(history.map((h) => [h.revision, h.replicaSet.spec.template.spec.containers[0].image]), [[3, 'nginx:1.27'], [2, 'nginx:1.26'], [1, 'nginx:1.25']]);
    assert.equal(await rollback(b, deploymentRef, ownedBy), 2);
    assert.equal((await b.get(deploymentRef))!.spec.template.spec.containers[0].image, 'nginx:1.26');
    await settle();
    assert.equal(await rollback(b, deploymentRef, ownedBy, 1), 1);
    assert.equal((await b.get(deploymentRef))!.spec.template.spec.containers[0].image, 'nginx:1.25');
    await assert.rejects(rollback(b, deploymentRef, ownedBy, 9), /unable to find specified revision 9/);
  });

  it('shows YAML without managedFields and with Secret values masked unless revealed', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', managedFields: [{ manager: 'kubeside' }] }, data: { password: Buffer.from('hunter2').toString('base64') } };
    const masked = objectYaml(secret);
    assert.ok(!masked.includes('managedFields') && masked.includes('password: "***"') && !masked.includes('aHVudGVyMg'), masked);
    assert.match(objectYaml(secret, { reveal: true }), /password: hunter2/);
  });

  it('describes an object as kubectl describe does, through the served API', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeside-describe-'));
    try {
      backend = await EmbeddedBackend.start({ stateDir: path.join(dir, 'cluster'), workers: 1 });
      await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'dark' } });
      const text = await describeObject(backend.kubeconfigPath!, 'ConfigMap', 'default', 'settings');
      assert.match(text, /^Name:\s+settings$/m);
      assert.match(text, /^mode:\n----\ndark$/m);
      await assert.rejects(describeObject(backend.kubeconfigPath!, 'ConfigMap', 'default', 'missing'), /NotFound/);
    } finally {
      await backend?.dispose();
      backend = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
