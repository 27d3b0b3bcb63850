// KubeconfigBackend against the embedded cluster served on loopback, reached only through the
// kubeconfig it writes: contexts, a clear error when the server cannot be reached, a watch from a
// compacted version ending in 410, refusals as ClusterErrors (409 apply conflicts, 422 field causes),
// discovery of CRDs created later, and container logs read and followed. A small stand-in server
// covers what the served cluster does not do: a 410 response, paged lists, a proxy's error page.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { Informer } from '../../engine/client/informer';
import type { WatchEvent } from '../../engine/client/types';
import { startServer, type StartedServer } from '../../engine/http/index';
import { RealClock } from '../../engine/util/clock';
import { ClusterError, type KubeObj } from '../../extension/backend/clusterBackend';
import { KubeconfigBackend } from '../../extension/backend/kubeconfigBackend';

const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
const pods = { group: '', version: 'v1', resource: 'pods' };

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});

/** Waits for a condition of the real-time cluster, checking every 25 ms, and names it if it never holds. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KubeconfigBackend against the served embedded cluster', function () {
  this.timeout(30_000);
  let dir: string;
  let served: StartedServer;
  let backend: KubeconfigBackend;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-kubeconfig-'));
    served = await startServer({ stateDir: path.join(dir, 'cluster'), workers: 2 });
    backend = await KubeconfigBackend.connect({ kubeconfigPath: served.kubeconfigPath });
  });
  after(async () => {
    await backend?.dispose();
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The served kubeconfig with a second context, `elsewhere`, whose server is `server`; current-context stays. */
  function withSecondContext(server: string, current = 'kubeside'): string {
    const config = parse(readFileSync(served.kubeconfigPath, 'utf8'));
    config.clusters.push({ name: 'elsewhere', cluster: { server, 'certificate-authority-data': config.clusters[0].cluster['certificate-authority-data'] } });
    config.contexts.push({ name: 'elsewhere', context: { cluster: 'elsewhere', user: config.users[0].name, namespace: 'team-a' } });
    config['current-context'] = current;
    return stringify(config);
  }

  describe('connect', () => {
    it('by path: the current context names the backend, its cluster gives the server', () => {
      assert.equal(backend.name, 'kubeside');
      assert.equal(backend.server, served.url);
      assert.equal(backend.kubeconfigPath, served.kubeconfigPath);
      assert.equal(backend.namespace, 'default');
    });

    it('by context: a context that is not the current one', async () => {
      const file = path.join(dir, 'two-contexts.yaml');
      writeFileSync(file, withSecondContext(served.url, 'elsewhere'));
      const chosen = await KubeconfigBackend.connect({ kubeconfigPath: file, context: 'elsewhere' });
      try {
        assert.deepEqual([chosen.name, chosen.server, chosen.namespace, chosen.kubeconfigPath], ['elsewhere', served.url, 'team-a', file]);
        assert.equal((await chosen.get({ type: { group: '', version: 'v1', resource: 'namespaces' }, name: 'default' }))?.metadata.name, 'default');
      } finally {
        await chosen.dispose();
      }
    });

    it('from text, and $KUBECONFIG by default', async () => {
      const fromText = await KubeconfigBackend.connect({ kubeconfigYaml: readFileSync(served.kubeconfigPath, 'utf8') });
      await fromText.dispose();
      assert.equal(fromText.kubeconfigPath, undefined);
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = served.kubeconfigPath;
      try {
        const fromEnv = await KubeconfigBackend.connect();
        await fromEnv.dispose();
        assert.equal(fromEnv.kubeconfigPath, served.kubeconfigPath);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = saved;
      }
    });

    it('no kubeconfig at all: says where it looked', async () => {
      const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
      process.env.HOME = path.join(dir, 'empty-home');
      delete process.env.KUBECONFIG;
      try {
        await assert.rejects(KubeconfigBackend.connect(), new RegExp(`^Error: no kubeconfig: \\$KUBECONFIG is not set and ${path.join(dir, 'empty-home', '.kube', 'config')} does not exist$`));
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    });

    it('a context the kubeconfig lacks is refused with the ones it has', async () => {
      await assert.rejects(KubeconfigBackend.connect({ kubeconfigPath: served.kubeconfigPath, context: 'prod' }), /has no context "prod"; its contexts are: kubeside$/);
    });

    it('an unreachable server: the error names the server and the context', async () => {
      const server = `https://127.0.0.1:${await closedPort()}`;
      const started = Date.now();
      await assert.rejects(KubeconfigBackend.connect({ kubeconfigYaml: withSecondContext(server), context: 'elsewhere' }), (err: Error) => {
        assert.equal(err.message.startsWith(`the Kubernetes API server ${server} of context "elsewhere" cannot be reached: `), true, err.message);
        assert.match(err.message, /ECONNREFUSED/);
        return true;
      });
      assert.ok(Date.now() - started < 5_000);
    });

    it('credentials the server refuses: a ClusterError 401 naming the server and the context', async () => {
      const config = parse(readFileSync(served.kubeconfigPath, 'utf8'));
      config.users[0].user.token = 'not-the-token';
      await assert.rejects(KubeconfigBackend.connect({ kubeconfigYaml: stringify(config) }), (err: unknown) => {
        assert.ok(err instanceof ClusterError);
        assert.equal(err.code, 401);
        assert.match(err.message, new RegExp(`^the Kubernetes API server ${served.url} of context "kubeside" refused the connection check: Error from server \\(Unauthorized\\)`));
        return true;
      });
    });
  });

  describe('list and watch', () => {
    it('lists with each item\'s apiVersion and kind, then watches what changes after the list', async () => {
      await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed', namespace: 'default' }, data: { v: '1' } });
      const lw = backend.listerWatcher(configmaps, 'default');
      const list = await lw.list({});
      const listed = list.items.find((c) => c.metadata.name === 'listed');
      assert.deepEqual([listed?.apiVersion, listed?.kind, listed?.data.v], ['v1', 'ConfigMap', '1']);
      const seen: string[] = [];
      const handle = lw.watch({ resourceVersion: list.resourceVersion }, (e) => seen.push(`${e.type} ${e.object.metadata?.name} ${e.object.data?.v ?? ''}`), () => {});
      try {
        await backend.patch({ type: configmaps, namespace: 'default', name: 'listed' }, 'merge', { data: { v: '2' } });
        await backend.delete({ type: configmaps, namespace: 'default', name: 'listed' });
        await eventually('the watch to see the deletion', async () => seen.includes('DELETED listed 2'));
        assert.deepEqual(seen, ['MODIFIED listed 2', 'DELETED listed 2']);
      } finally {
        handle.stop();
      }
    });

    it('a watch from a compacted resourceVersion ends with a 410 Expired error', async () => {
      await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn', namespace: 'default' }, data: { v: '0' } });
      const lw = backend.listerWatcher(configmaps, 'default');
      const { resourceVersion } = await lw.list({});
      for (let v = 1; v <= 3; v++) await backend.patch({ type: configmaps, namespace: 'default', name: 'churn' }, 'merge', { data: { v: String(v) } });
      await served.cluster.store.compact(served.cluster.store.revision);
      const events: WatchEvent<KubeObj>[] = [];
      const closedWith = await new Promise<Error | undefined>((resolve) => lw.watch({ resourceVersion, allowWatchBookmarks: true }, (e) => events.push(e), resolve));
      assert.ok(closedWith instanceof ClusterError, String(closedWith));
      assert.deepEqual([closedWith.code, closedWith.reason], [410, 'Expired']);
      assert.match(closedWith.message, new RegExp(`^too old resource version: ${resourceVersion} \\(\\d+\\)$`));
      // The server said so inside the stream, as a real API server does for a watch it has started.
      assert.deepEqual(events.map((e) => e.type), ['ERROR']);
    });

    it('an informer whose list was compacted away before its watch began relists and catches up', async () => {
      await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'moving', namespace: 'default' }, data: { v: 'listed' } });
      const lw = backend.listerWatcher(configmaps, 'default');
      let lists = 0;
      // Between the first list and its watch, the object changes and that history is compacted away.
      const informer = new Informer<KubeObj>(
        {
          list: async (o) => {
            const list = await lw.list(o);
            if (++lists === 1) {
              await backend.patch({ type: configmaps, namespace: 'default', name: 'moving' }, 'merge', { data: { v: 'changed' } });
              await served.cluster.store.compact(served.cluster.store.revision);
            }
            return list;
          },
          watch: (o, onEvent, onClose) => lw.watch(o, onEvent, onClose),
        },
        { clock: new RealClock() },
      );
      informer.start();
      try {
        await eventually('the informer to catch up', async () => informer.store.get('default/moving')?.data.v === 'changed');
        assert.equal(lists, 2);
      } finally {
        informer.stop();
      }
    });

    it('dispose stops the watches it opened', async () => {
      // The watches of the tests before have been stopped; the server may still be closing them.
      await eventually('no watch to be open', async () => served.openWatches() === 0);
      const other = await KubeconfigBackend.connect({ kubeconfigPath: served.kubeconfigPath });
      let closed = false;
      other.listerWatcher(pods).watch({ resourceVersion: (await other.listerWatcher(pods).list({})).resourceVersion }, () => {}, () => (closed = true));
      await eventually('the watch to open', async () => served.openWatches() === 1);
      await other.dispose();
      await eventually('the server to see the watch end', async () => served.openWatches() === 0);
      // Stopping is the caller's own doing: no close is reported for it.
      assert.equal(closed, false);
    });
  });

  describe('writes and refusals', () => {
    it('server-side apply conflicts with another field manager: 409 Conflict naming the field, until forced', async () => {
      await backend.apply(deployment('contended', 1), { fieldManager: 'team-a' });
      await assert.rejects(backend.apply(deployment('contended', 2), { fieldManager: 'team-b' }), (err: unknown) => {
        assert.ok(err instanceof ClusterError);
        assert.deepEqual([err.code, err.reason], [409, 'Conflict']);
        assert.ok(err.causes.some((c) => c.field === '.spec.replicas' && c.reason === 'FieldManagerConflict'), JSON.stringify(err.causes));
        return true;
      });
      const forced = await backend.apply(deployment('contended', 2), { fieldManager: 'team-b', force: true });
      assert.equal(forced.spec.replicas, 2);
      assert.ok(forced.metadata.managedFields.some((m: KubeObj) => m.manager === 'team-b' && m.operation === 'Apply'));
    });

    it('an invalid object: 422 Invalid with the field path of each cause', async () => {
      const bad = deployment('mislabelled', 1);
      bad.spec.template.metadata.labels.app = 'other';
      await assert.rejects(backend.apply(bad), (err: unknown) => {
        assert.ok(err instanceof ClusterError);
        assert.deepEqual([err.code, err.reason], [422, 'Invalid']);
        assert.ok(err.causes.some((c) => c.field === 'spec.template.metadata.labels'), JSON.stringify(err.causes));
        return true;
      });
    });

    it('an object of no served kind is refused before any request, as the embedded backend words it', async () => {
      await assert.rejects(backend.apply({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }), (err: unknown) => {
        assert.ok(err instanceof ClusterError);
        assert.deepEqual([err.code, err.message], [400, 'no matches for kind "Gadget" in version "example.com/v1"']);
        return true;
      });
    });

    it('get of a missing object is undefined; deleting one is 404 NotFound', async () => {
      const ref = { type: configmaps, namespace: 'default', name: 'never-made' };
      assert.equal(await backend.get(ref), undefined);
      await assert.rejects(backend.delete(ref), (err: unknown) => err instanceof ClusterError && err.code === 404 && err.reason === 'NotFound');
    });

    it('an object without a namespace goes to the context\'s namespace', async () => {
      const stored = await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unplaced' } });
      assert.equal(stored.metadata.namespace, 'default');
    });

    it('patches the scale subresource, and a JSON patch', async () => {
      await backend.apply(deployment('scaled', 1));
      const scale = await backend.patch({ type: deployments, namespace: 'default', name: 'scaled' }, 'merge', { spec: { replicas: 3 } }, 'scale');
      assert.deepEqual([scale.kind, scale.spec.replicas], ['Scale', 3]);
      const patched = await backend.patch({ type: deployments, namespace: 'default', name: 'scaled' }, 'json', [{ op: 'replace', path: '/spec/replicas', value: 0 }]);
      assert.equal(patched.spec.replicas, 0);
      await backend.delete({ type: deployments, namespace: 'default', name: 'scaled' }, { propagationPolicy: 'Foreground' });
    });

    it('finds a custom kind whose CRD was created after its group was discovered', async () => {
      assert.equal(await backend.resourceFor('example.com/v1', 'Widget'), undefined);
      await backend.apply({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
        },
      });
      const served = await eventually('the CRD to be served', () => backend.resourceFor('example.com/v1', 'Widget'));
      assert.deepEqual(served, { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true });
      const widget = await backend.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 3 } });
      assert.equal(widget.spec.size, 3);
    });
  });

  describe('logs', () => {
    /** Creates a busybox pod running `script` and resolves once its container runs. */
    async function runningPod(name: string, script: string): Promise<void> {
      await backend.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { restartPolicy: 'Never', containers: [{ name: 'sh', image: 'busybox', command: ['sh', '-c', script] }] } });
      await eventually(`pod ${name} to run`, async () => (await backend.get({ type: pods, namespace: 'default', name }))?.status?.containerStatuses?.[0]?.state?.running);
    }

    it('reads a running pod\'s log, the last lines, and names a pod that is not there', async () => {
      await runningPod('talker', 'echo one; echo two; sleep 3600');
      assert.equal(await backend.logs('default', 'talker', undefined), 'one\ntwo\n');
      assert.equal(await backend.logs('default', 'talker', 'sh', { tailLines: 1 }), 'two\n');
      assert.match(await backend.logs('default', 'talker', 'sh', { timestamps: true }), /^\d{4}-\d\d-\d\dT\S+Z one\n/);
      await assert.rejects(backend.logs('default', 'nowhere', undefined), (err: unknown) => err instanceof ClusterError && err.code === 404 && /pods "nowhere" not found/.test(err.message));
    });

    it('follows a log: lines written later arrive until disposed', async () => {
      // nginx writes an access-log line for each readiness probe, once a second.
      await backend.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'probed', namespace: 'default' },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1 } }] },
      });
      await eventually('pod probed to run', async () => (await backend.get({ type: pods, namespace: 'default', name: 'probed' }))?.status?.containerStatuses?.[0]?.state?.running);
      const chunks: string[] = [];
      let ended = false;
      const following = backend.followLogs('default', 'probed', 'nginx', {}, (text) => chunks.push(text), () => (ended = true));
      await eventually('the log to say it listens', async () => chunks.join('').includes('listening on'));
      const probesBefore = chunks.join('').split('kube-probe').length;
      await eventually('a new probe line', async () => chunks.join('').split('kube-probe').length > probesBefore, 5_000);
      following.dispose();
      const seen = chunks.length;
      // A request already on its way has nowhere to go: nothing more arrives, and no end is reported.
      await eventually('another probe to be logged', async () => (await backend.logs('default', 'probed', 'nginx')).split('kube-probe').length > chunks.join('').split('kube-probe').length, 5_000);
      assert.equal(chunks.length, seen);
      assert.equal(ended, false);
    });

    it('a followed log ends when its container does', async () => {
      await runningPod('brief', 'echo only; sleep 1');
      const chunks: string[] = [];
      const ended = await new Promise<Error | undefined>((resolve) => backend.followLogs('default', 'brief', undefined, {}, (text) => chunks.push(text), resolve));
      assert.equal(ended, undefined);
      assert.equal(chunks.join(''), 'only\n');
    });

    it('following a pod that is not there ends at once with an error', async () => {
      // The served API starts a followed log's response before it looks the pod up, so it can only
      // cut the connection; a real API server answers 404, which becomes a ClusterError like any refusal.
      const ended = await new Promise<Error | undefined>((resolve) => backend.followLogs('default', 'nowhere', undefined, {}, () => {}, resolve));
      assert.ok(ended instanceof Error, String(ended));
    });
  });
});

describe('KubeconfigBackend against a server that answers as proxies and other API servers may', () => {
  let server: Server;
  let backend: KubeconfigBackend;
  const requests: string[] = [];

  before(async () => {
    server = createHttpServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const json = (code: number, body: unknown) => res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/version') return json(200, { major: '1', minor: '36' });
      if (url.pathname === '/api/v1/configmaps' && url.searchParams.get('watch') === 'true') {
        return json(410, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 5 (90)', reason: 'Expired', code: 410 });
      }
      if (url.pathname === '/api/v1/pods') {
        // Two pages joined by a continue token, both of one snapshot (one resourceVersion).
        const page = url.searchParams.get('continue') === 'page-2' ? { items: [{ metadata: { name: 'b' } }], metadata: { resourceVersion: '7' } } : { items: [{ metadata: { name: 'a' } }], metadata: { resourceVersion: '7', continue: 'page-2' } };
        return json(200, { kind: 'PodList', apiVersion: 'v1', ...page });
      }
      res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>bad gateway</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const kubeconfigYaml = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'plain', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'someone', user: { token: 'abc' } }],
      contexts: [{ name: 'plain', context: { cluster: 'plain', user: 'someone' } }],
      'current-context': 'plain',
    });
    backend = await KubeconfigBackend.connect({ kubeconfigYaml });
  });
  after(async () => {
    await backend?.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a watch refused with a 410 response (not in a stream) closes with code 410', async () => {
    const closedWith = await new Promise<Error | undefined>((resolve) => backend.listerWatcher(configmaps).watch({ resourceVersion: '5' }, () => {}, resolve));
    assert.ok(closedWith instanceof ClusterError);
    assert.deepEqual([closedWith.code, closedWith.reason, closedWith.message], [410, 'Expired', 'too old resource version: 5 (90)']);
  });

  it('lists page by page, following the continue token', async () => {
    requests.length = 0;
    const list = await backend.listerWatcher(pods).list({});
    assert.deepEqual(list.items.map((p) => [p.kind, p.metadata.name]), [['Pod', 'a'], ['Pod', 'b']]);
    assert.equal(list.resourceVersion, '7');
    assert.deepEqual(requests, ['GET /api/v1/pods?limit=500', 'GET /api/v1/pods?limit=500&continue=page-2']);
  });

  it('a refusal that is no Status keeps the HTTP status and the body', async () => {
    await assert.rejects(backend.get({ type: deployments, namespace: 'default', name: 'web' }), (err: unknown) => {
      assert.ok(err instanceof ClusterError);
      assert.deepEqual([err.code, err.reason, err.message], [502, 'BadGateway', '<html>bad gateway</html>']);
      return true;
    });
  });
});
