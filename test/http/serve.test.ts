// `kubeside serve` as a user runs it: a process that applies manifests, says `ready`, serves kubectl,
// stops cleanly on SIGTERM, and finds its cluster (objects, token, CA) again when started anew.
import * as assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { restoreStateDir, startServer } from '../../engine/http/index';
import { VirtualClock } from '../../engine/util/clock';
import { kubectlPath } from './fixture';

const root = path.resolve(__dirname, '../..');

interface Serving {
  child: ChildProcess;
  stdout(): string;
  exited: Promise<number | null>;
}

/** Starts `kubeside serve` from the sources and resolves once it printed `ready`. */
function startServe(args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "require('./cli/main').main(process.argv.slice(1)).then((code) => process.exit(code))", 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeside serve never said ready:\n${out}${err}`)), 20_000);
    child.stdout!.on('data', () => {
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve({ child, stdout: () => out, exited });
      }
    });
    void exited.then((code) => reject(new Error(`kubeside serve exited ${code} before ready:\n${out}${err}`)));
  });
}

describe('kubeside serve', function () {
  this.timeout(60_000);
  let state: string;
  let running: Serving | undefined;

  beforeEach(() => {
    state = mkdtempSync(path.join(tmpdir(), 'kubeside-serve-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    rmSync(state, { recursive: true, force: true });
  });

  it('applies -f manifests, serves kubectl, stops on SIGTERM, and keeps the cluster for the next start', async () => {
    const kubectl = async (...args: string[]) => execFileSync(await kubectlPath(), ['--request-timeout=10s', ...args], { env: { PATH: process.env.PATH, HOME: state, KUBECONFIG: path.join(state, 'kubeconfig') } }).toString();
    running = await startServe(['--state', state, '-f', path.join(root, 'examples/shop/00-namespace.yaml')]);
    assert.match(running.stdout(), /^Kubernetes API at https:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(running.stdout(), /^namespace\/shop serverside-applied$/m);
    assert.match(await kubectl('get', 'namespace', 'shop', '-o', 'name'), /^namespace\/shop$/m);
    await kubectl('create', 'configmap', 'kept', '-n', 'shop', '--from-literal=a=b');

    const token = readFileSync(path.join(state, 'admin.token'), 'utf8');
    const ca = readFileSync(path.join(state, 'pki', 'ca.crt'), 'utf8');
    assert.equal(statSync(path.join(state, 'admin.token')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(state, 'kubeconfig')).mode & 0o777, 0o600);

    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    assert.match(running.stdout(), /^SIGTERM: stopping$/m);

    const url = /^Kubernetes API at (\S+)$/m.exec(running.stdout())![1];
    running = await startServe(['--state', state]);
    assert.equal(/^Kubernetes API at (\S+)$/m.exec(running.stdout())![1], url, 'the same port, while it is free');
    assert.equal(readFileSync(path.join(state, 'admin.token'), 'utf8'), token, 'the same admin token');
    assert.equal(readFileSync(path.join(state, 'pki', 'ca.crt'), 'utf8'), ca, 'the same CA, so copied kubeconfigs stay valid');
    assert.equal(await kubectl('get', 'configmap', 'kept', '-n', 'shop', '-o', 'jsonpath={.data.a}'), 'b');
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 0);
  });

  it('takes another free port when the last one is taken meanwhile', async () => {
    const first = await startServer({ stateDir: state, seed: 1 });
    const port = first.port;
    await first.close();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const second = await startServer({ stateDir: state, seed: 1 });
      assert.notEqual(second.port, port);
      assert.match(readFileSync(second.kubeconfigPath, 'utf8'), new RegExp(`server: https://127\\.0\\.0\\.1:${second.port}\n`));
      await second.close();
    } finally {
      squatter.close();
    }
  });

  it('refuses to serve a state directory another server holds, and takes over a lock left by a dead one', async () => {
    const first = await startServer({ stateDir: state, seed: 1 });
    try {
      await assert.rejects(startServer({ stateDir: state, seed: 2 }), /the cluster in .* is already being served by this process/);
    } finally {
      await first.close();
    }
    // A crash leaves the lock behind, naming a process that no longer runs.
    writeFileSync(path.join(state, 'serve.pid'), '999999999\n');
    const second = await startServer({ stateDir: state, seed: 1 });
    await second.close();
  });

  it('restores a snapshot twice within a second, keeping each store it replaces, and finishes a restore a process left halfway', async () => {
    const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
    const first = await startServer({ stateDir: state, seed: 1, workers: 0 });
    await first.client.create(configmaps, 'default', { metadata: { name: 'kept' }, data: { a: '1' } });
    const file = path.join(state, 'backup.snap');
    const { revision } = await first.cluster.store.saveSnapshot(file);
    await first.close();
    const clock = new VirtualClock(Date.UTC(2026, 11, 5, 12, 0, 0));
    const once = await restoreStateDir(state, file, clock);
    const twice = await restoreStateDir(state, file, clock);
    assert.deepEqual([once.revision, twice.revision], [revision, revision]);
    assert.deepEqual([once.backup, twice.backup].map((b) => path.basename(b!)), ['store.bak-20261205T120000Z', 'store.bak-20261205T120000Z-2']);
    assert.ok(statSync(twice.backup!).isDirectory());

    // A process that died after moving the old store aside, before putting the restored one in its
    // place, and one that died while writing another: the next start finishes the first, drops the second.
    renameSync(path.join(state, 'store'), path.join(state, 'store.restored'));
    mkdirSync(path.join(state, 'store.restoring'));
    writeFileSync(path.join(state, 'store.restoring', 'half'), 'x');
    const again = await startServer({ stateDir: state, seed: 1, workers: 0 });
    try {
      assert.equal(again.client.get(configmaps, 'default', 'kept').data.a, '1');
      assert.deepEqual(readdirSync(state).filter((n) => n.startsWith('store.restor')), []);
    } finally {
      await again.close();
    }
  });

  it('refuses a bad --port with usage (exit 2)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "require('./cli/main').main(process.argv.slice(1)).then((code) => process.exit(code))", 'serve', '--port', 'http'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--port must be a port number \(0-65535\), got "http"/);
  });
});
