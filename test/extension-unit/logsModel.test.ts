// The Logs model over a real (embedded) cluster running the shop: a pod's log and every pod of a
// Deployment stream in batches, a pod that joins is followed once it starts, a crashed container is
// followed again in its new instance, previous reads the last terminated one, and the lines waiting
// for a send are bounded.
import assert from 'node:assert/strict';
import type { VirtualClock } from '../../engine/util/clock';
import type { ClusterBackend, Disposable } from '../../extension/backend/clusterBackend';
import type { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import type { ClusterCache } from '../../extension/cache/clusterCache';
import { LogsModel, type LogsModelOptions } from '../../extension/webviews/logsModel';
import type { LinesMessage, LogSource, LogTarget, SourcesMessage } from '../../extension/webviews/protocol/logs';
import { applyShop, crashingPod, startCluster, type TestCluster } from './shopCluster';

describe('Logs model over the embedded cluster running the shop', function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  let cluster: TestCluster;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  const models: LogsModel[] = [];

  const advance = async (ms: number) => {
    await clock.advanceAsync(ms, 50);
    cache.flush();
  };
  /** A model of `target`, what it sends from now on, and each source as last sent. */
  const open = (target: LogTarget, options: Partial<LogsModelOptions> = {}, logs: Pick<ClusterBackend, 'logs' | 'followLogs'> = backend) => {
    const model = new LogsModel(cache, logs, { clock, target, previous: false, ...options });
    models.push(model);
    const init = model.snapshot();
    const messages: (SourcesMessage | LinesMessage)[] = [];
    const sources = new Map<number, LogSource>(init.sources.map((s) => [s.id, s]));
    model.onDidChange((m) => {
      messages.push(m);
      if (m.type === 'sources') for (const s of m.sources) sources.set(s.id, s);
    });
    const lines = () => messages.flatMap((m) => (m.type === 'lines' ? m.text.map((text, i) => ({ source: sources.get(m.source[i]!)!, text })) : []));
    return { model, init, messages, sources, lines };
  };

  beforeEach(async () => {
    cluster = await startCluster({ seed: 5, workers: 3, kinds: ['pods', 'replicasets', 'deployments'] });
    ({ clock, backend, cache } = cluster);
    await applyShop(backend);
    await backend.apply(crashingPod);
    await advance(10_000);
  });

  afterEach(async () => {
    for (const model of models.splice(0)) model.dispose();
    await cluster.dispose();
  });

  it('streams a pod log in batches every 100 ms, starting from what kubectl logs --tail would print', async () => {
    const pod = cache.byIndex('pods', 'namespace', 'shop').find((p) => p.metadata.name.startsWith('web-'))!;
    const { init, messages, lines } = open({ kind: 'Pod', namespace: 'shop', name: pod.metadata.name });
    assert.deepEqual(init.sources, [{ id: 0, pod: pod.metadata.name, container: 'web', state: 'streaming', message: '' }]);
    await clock.advanceAsync(99, 99);
    assert.equal(messages.length, 0, 'nothing before the first batch is due');
    await clock.advanceAsync(1, 1);
    assert.deepEqual(lines().map((l) => l.text), (await backend.logs('shop', pod.metadata.name, 'web')).trimEnd().split('\n'));
    const sent = messages.length;
    // The probes write access-log lines as they run: each lands in the batch after it, none is lost.
    await advance(20_000);
    const more = messages.slice(sent);
    assert.ok(more.length >= 2 && more.every((m) => m.type === 'lines' && m.text.every((t) => t.includes('kube-probe'))));
    assert.deepEqual(lines().map((l) => l.text), (await backend.logs('shop', pod.metadata.name, 'web')).trimEnd().split('\n'));
  });

  it('follows every pod of a Deployment, each line named by its pod, and a pod that joins once it starts', async () => {
    const { init, sources, lines } = open({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    assert.equal(init.sources.length, 2);
    await backend.patch({ type: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'shop', name: 'web' }, 'merge', { spec: { replicas: 3 } });
    await advance(15_000);
    assert.equal(sources.size, 3);
    const joined = sources.get(2)!;
    assert.equal(joined.state, 'streaming');
    const pods = new Set(cache.byIndex('pods', 'namespace', 'shop').filter((p) => p.metadata.name.startsWith('web-')).map((p) => p.metadata.name));
    assert.deepEqual(new Set([...sources.values()].map((s) => s.pod)), pods);
    assert.ok(lines().some((l) => l.source.id === joined.id && l.text.startsWith('start worker processes; listening on')));
    for (const source of sources.values()) assert.ok(lines().some((l) => l.source === source && l.text.includes('kube-probe')), source.pod);
  });

  it('follows a crashing container into each new instance, and says when one exited', async () => {
    const { sources, messages, lines } = open({ kind: 'Pod', namespace: 'shop', name: 'checkout' });
    await advance(25_000);
    const states = () => messages.flatMap((m) => (m.type === 'sources' ? m.sources.map((s) => `${s.state}${s.message ? `: ${s.message}` : ''}`) : []));
    assert.deepEqual(states(), ['ended: container exited', 'streaming']);
    assert.equal(sources.get(0)!.state, 'streaming');
    assert.equal(lines().filter((l) => l.text.startsWith('start worker processes')).length, 2, 'one start line per instance');
  });

  it('reads the previous container when asked, and says so for a container that has none', async () => {
    await advance(25_000);
    const previous = open({ kind: 'Pod', namespace: 'shop', name: 'checkout' }, { previous: true });
    await advance(200);
    assert.deepEqual(previous.lines().map((l) => l.text), (await backend.logs('shop', 'checkout', 'checkout', { previous: true })).trimEnd().split('\n'));
    assert.deepEqual(previous.sources.get(0), { id: 0, pod: 'checkout', container: 'checkout', state: 'ended', message: '' });

    const none = open({ kind: 'Deployment', namespace: 'shop', name: 'api' }, { previous: true });
    await advance(200);
    assert.deepEqual(none.lines(), []);
    for (const source of none.sources.values()) {
      assert.equal(source.state, 'error');
      assert.equal(source.message, `previous terminated container "api" in pod "${source.pod}" not found`);
    }
  });

  it('follows only the container asked for', async () => {
    await backend.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'two', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27.3' }, { name: 'cache', image: 'redis:7' }] },
    });
    await advance(5_000);
    const all = open({ kind: 'Pod', namespace: 'shop', name: 'two' });
    const one = open({ kind: 'Pod', namespace: 'shop', name: 'two', container: 'cache' });
    await advance(200);
    assert.deepEqual([...all.sources.values()].map((s) => s.container), ['app', 'cache']);
    assert.deepEqual([...one.sources.values()].map((s) => s.container), ['cache']);
    assert.ok(one.lines().length > 0 && one.lines().every((l) => l.source.container === 'cache'));
    assert.ok(one.lines().some((l) => l.text.startsWith('initializing database')));
  });

  it('keeps at most maxPendingLines waiting for a send, dropping the oldest', async () => {
    const flood: Pick<ClusterBackend, 'logs' | 'followLogs'> = {
      logs: (...args) => backend.logs(...args),
      followLogs: (_ns, _pod, _container, _options, onData) => {
        onData(`${Array.from({ length: 1_000 }, (_, i) => `line ${i}`).join('\n')}\n`);
        return { dispose() {} };
      },
    };
    const { lines } = open({ kind: 'Pod', namespace: 'shop', name: 'checkout' }, { maxPendingLines: 100 }, flood);
    await advance(100);
    assert.deepEqual(lines().map((l) => l.text), Array.from({ length: 100 }, (_, i) => `line ${900 + i}`));
  });

  it('stops its streams and sends nothing once disposed', async () => {
    const streams: Disposable[] = [];
    let open_ = 0;
    const counting: Pick<ClusterBackend, 'logs' | 'followLogs'> = {
      logs: (...args) => backend.logs(...args),
      followLogs: (...args) => {
        const stream = backend.followLogs(...args);
        open_++;
        const counted = { dispose: () => (open_--, stream.dispose()) };
        streams.push(counted);
        return counted;
      },
    };
    const { model, messages } = open({ kind: 'Deployment', namespace: 'shop', name: 'web' }, {}, counting);
    assert.equal(open_, 2);
    model.dispose();
    assert.equal(open_, 0);
    const sent = messages.length;
    await advance(20_000);
    assert.equal(messages.length, sent);
  });
});
