// The embedded cluster as the extension runs it: in a worker thread, reached over its loopback REST
// API. The thread's script is built here as the product builds it; the cluster keeps real time.
import assert from 'node:assert/strict';
import { existsSync, promises as fs, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { ClusterError } from '../../extension/backend/clusterBackend';
import { ThreadedBackend } from '../../extension/backend/threadedBackend';
import { ClusterCache } from '../../extension/cache/clusterCache';

const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const settings = (mode: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode } });
const settingsRef = { type: configmaps, namespace: 'default', name: 'settings' };

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('ThreadedBackend: the embedded cluster in a worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  let threadFile: string;
  let backend: ThreadedBackend | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-thread-'));
    threadFile = path.join(dir, 'clusterThread.js');
    await esbuild.build({ entryPoints: ['extension/backend/clusterThread.ts'], outfile: threadFile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  });

  afterEach(async () => {
    await backend?.dispose();
    backend = undefined;
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const start = (stateDir: string, extra: Partial<Parameters<typeof ThreadedBackend.start>[0]> = {}) => ThreadedBackend.start({ stateDir: path.join(dir, stateDir), workers: 1, threadFile, ...extra });

  it('serves the cluster on loopback and answers through the REST API, errors and all', async () => {
    backend = await start('serve');
    assert.match(backend.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(backend.name, 'embedded');
    const kubeconfig = await fs.readFile(backend.kubeconfigPath, 'utf8');
    assert.ok(kubeconfig.includes(backend.server));

    const stored = await backend.apply(settings('dark'));
    assert.equal(stored.metadata.managedFields[0].manager, 'kubeside');
    assert.equal((await backend.get(settingsRef))?.data.mode, 'dark');

    // A refusal crosses the thread and the HTTP hop with its code, reason and field causes.
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad', namespace: 'default' }, spec: { replicas: -1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    await assert.rejects(backend.apply(bad), (err: unknown) => {
      assert.ok(ClusterError.is(err));
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.ok(err.causes.some((c) => c.field === 'spec.replicas'), JSON.stringify(err.causes));
      return true;
    });

    // The extension's cache over it: nodes Ready, objects without managedFields.
    const cache = new ClusterCache(backend, { kinds: ['nodes', 'configmaps'], batchMs: 10 });
    try {
      await cache.start();
      assert.deepEqual(cache.list('nodes').map((n) => n.metadata.name).sort(), ['control-plane', 'worker-1']);
      assert.equal(cache.get('configmaps', 'default', 'settings')?.data.mode, 'dark');
      assert.ok(cache.list('configmaps').every((c) => c.metadata.managedFields === undefined));
      await backend.apply(settings('light'));
      await until('the watch to bring the change', () => cache.get('configmaps', 'default', 'settings')?.data.mode === 'light');
    } finally {
      cache.dispose();
    }
  });

  it('adds, fails and recovers nodes through calls to the thread', async () => {
    backend = await start('nodes');
    const added = await backend.nodes.add();
    assert.equal(added, 'worker-2');
    assert.ok(await backend.get({ type: nodes, name: 'worker-2' }));
    await backend.nodes.fail('worker-2');
    assert.deepEqual(backend.nodes.failed(), ['worker-2']);
    await backend.nodes.cordon('worker-1');
    assert.equal((await backend.get({ type: nodes, name: 'worker-1' }))?.spec.unschedulable, true);
    await backend.nodes.recover('worker-2');
    assert.deepEqual(backend.nodes.failed(), []);
    // The thread's refusal comes back as an error naming what was wrong.
    await assert.rejects(backend.nodes.fail('no-such-node'), /no-such-node/);
  });

  it('saves and restores a snapshot, refuses a corrupted one and keeps serving', async () => {
    backend = await start('snapshots');
    await backend.apply(settings('saved'));
    const file = path.join(dir, 'backup.db');
    const { revision } = await backend.snapshots.save(file);
    assert.ok(revision > 0);
    await backend.apply(settings('changed'));

    const restored = await backend.snapshots.restore(file);
    assert.equal(restored.revision, revision);
    assert.equal((await backend.get(settingsRef))?.data.mode, 'saved');

    const corrupt = path.join(dir, 'corrupt.db');
    const bytes = await fs.readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await fs.writeFile(corrupt, bytes);
    // Refused with an error that names the file (what is wrong in it depends on the byte flipped).
    await assert.rejects(backend.snapshots.restore(corrupt), (err: Error) => err.message.includes(corrupt));
    // The cluster came back on the state it had.
    assert.equal((await backend.get(settingsRef))?.data.mode, 'saved');
  });

  it('resets to an empty cluster with new credentials, and the client follows', async () => {
    backend = await start('reset');
    await backend.apply(settings('old'));
    const before = await fs.readFile(backend.kubeconfigPath, 'utf8');
    await backend.reset();
    assert.notEqual(await fs.readFile(backend.kubeconfigPath, 'utf8'), before);
    assert.equal(await backend.get(settingsRef), undefined);
    assert.ok(await backend.get({ type: nodes, name: 'worker-1' }));
  });

  it('keeps its state when disposed, and a new thread serves it again', async () => {
    backend = await start('persist');
    await backend.apply(settings('kept'));
    await backend.dispose();
    backend = await start('persist');
    assert.equal((await backend.get(settingsRef))?.data.mode, 'kept');
  });

  it('refuses a second thread on the same state directory and leaves the first one its lock', async () => {
    backend = await start('shared');
    await backend.apply(settings('first'));
    await assert.rejects(start('shared'), /already being served by this process/);
    assert.ok(existsSync(path.join(dir, 'shared', 'serve.pid')), 'the lock is still the first thread\'s');
    assert.equal((await backend.get(settingsRef))?.data.mode, 'first');
    await backend.dispose();
    backend = undefined;
    assert.ok(!existsSync(path.join(dir, 'shared', 'serve.pid')), 'let go of once the first thread stopped');
  });

  it('tells of a thread lost during a reset before the reset fails', async () => {
    const order: string[] = [];
    backend = await start('lost-reset', { onExit: () => order.push('lost') });
    const resetting = backend.reset().catch((err: Error) => order.push(`reset failed: ${err.message}`));
    await (backend as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await resetting;
    assert.deepEqual(order, ['lost', 'reset failed: the embedded cluster stopped (its thread exited with code 1)']);
    assert.match((await backend.exited).message, /the embedded cluster stopped/);
  });

  it('gives up on a thread that does not serve its cluster in time, and ends it', async () => {
    const silent = path.join(dir, 'silent.js');
    await fs.writeFile(silent, 'setInterval(() => {}, 1000);\n');
    const started = Date.now();
    await assert.rejects(ThreadedBackend.start({ stateDir: path.join(dir, 'silent'), threadFile: silent, startTimeoutMs: 300 }), /the embedded cluster did not start within 0\.3 s/);
    assert.ok(Date.now() - started < 5000);
  });

  it('reports a thread that ends on its own, and a new start takes the state over', async () => {
    let lost: Error | undefined;
    backend = await start('crash', { onExit: (err) => (lost = err) });
    await backend.apply(settings('before'));
    const pending = backend.nodes.add();
    // What a fatal error in the thread looks like from here: the thread is gone.
    await (backend as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(pending, /the embedded cluster stopped/);
    const error = await until('onExit', () => lost);
    assert.match(error.message, /the embedded cluster stopped/);
    await assert.rejects(backend.nodes.add(), /not running/);
    // The lock the thread held under this process's id was let go of.
    backend = await start('crash');
    assert.equal((await backend.get(settingsRef))?.data.mode, 'before');
  });

});
