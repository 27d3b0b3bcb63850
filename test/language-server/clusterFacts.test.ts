// Cluster-aware diagnostics: the facts of a running embedded cluster (computed from the extension's
// informer cache) are sent to the real server over stdio, and manifests are checked against them.
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { ClusterCache } from '../../extension/cache/clusterCache';
import { clusterFacts } from '../../extension/cache/clusterFacts';
import { clusterFactsNotification, type ClusterFacts } from '../../language-server/clusterFacts';
import { VirtualClock } from '../../engine/util/clock';
import { LspClient, memoryUri, messageText } from './lspClient';

const deployment = (name: string, podSpec: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${podSpec}`;

const container = (requests = 'cpu: 100m\n              memory: 64Mi') => `      containers:
        - name: app
          image: nginx:1.27
          resources:
            requests:
              ${requests}
`;

const brief = (d: Diagnostic) => ({
  code: d.code,
  severity: d.severity,
  range: `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
  message: messageText(d.message),
});
const fromCluster = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => String(d.code).startsWith('cluster/')).map(brief);

describe('language server: checks against the running cluster', () => {
  let clock: VirtualClock;
  let backend: EmbeddedBackend;
  let cache: ClusterCache;
  let client: LspClient;

  before(async () => {
    clock = new VirtualClock(Date.UTC(2026, 11, 4, 12, 0, 0));
    backend = await EmbeddedBackend.start({ clock, workers: 2 });
    cache = new ClusterCache(backend, { clock });
    await cache.start();
    client = await LspClient.start();
  });

  after(async () => {
    await client.stop();
    cache.dispose();
    await backend.dispose();
  });

  /** Lets the cluster act, then sends what the cache now knows. */
  async function sendFacts(): Promise<ClusterFacts> {
    await clock.advanceAsync(30_000, 250);
    cache.flush();
    const facts = clusterFacts(cache);
    await client.connection.sendNotification(clusterFactsNotification, facts);
    return facts;
  }

  it('warns, in kube-scheduler words, on a memory request no node can ever hold', async () => {
    await sendFacts();
    const published = await client.open(memoryUri('big.yaml'), deployment('big', container('memory: 64Gi')));
    assert.deepEqual(fromCluster(published), [
      {
        code: 'cluster/insufficient-memory',
        severity: 2,
        range: '18:22-18:26',
        message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.',
      },
    ]);
    // Within what a node has, nothing to say.
    const fits = await client.open(memoryUri('fits.yaml'), deployment('fits', container('memory: 2Gi')));
    assert.deepEqual(fromCluster(fits), []);
  });

  it('warns on a nodeSelector label no node carries, on its key', async () => {
    const published = await client.open(memoryUri('ssd.yaml'), deployment('ssd', `      nodeSelector:\n        disktype: ssd\n${container()}`));
    assert.deepEqual(fromCluster(published), [{ code: 'cluster/node-selector-mismatch', severity: 2, range: '14:8-14:16', message: 'no node matches nodeSelector disktype=ssd' }]);
  });

  it('says why a nodeSelector that names a tainted node cannot be met', async () => {
    const published = await client.open(memoryUri('cp.yaml'), deployment('cp', `      nodeSelector:\n        kubernetes.io/hostname: control-plane\n${container()}`));
    assert.deepEqual(fromCluster(published), [
      {
        code: 'cluster/node-affinity-mismatch',
        severity: 2,
        range: '13:6-13:18',
        message: "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector.",
      },
    ]);
  });

  it('reports a ConfigMap that exists nowhere until the cluster has it', async () => {
    const uri = memoryUri('env.yaml');
    const text = deployment('env', `      containers:\n        - name: app\n          image: nginx:1.27\n          envFrom:\n            - configMapRef:\n                name: web-config\n`);
    const published = await client.open(uri, text);
    assert.deepEqual(fromCluster(published), [
      { code: 'cluster/configmap-not-found', severity: 3, range: '18:22-18:32', message: 'configmap "web-config" not found in namespace "default" of the running cluster' },
    ]);
    await backend.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { mode: 'production' } });
    const recheck = client.nextPublication(uri);
    await sendFacts();
    assert.deepEqual(fromCluster(await recheck), []);
  });

  it('counts a ConfigMap another open file declares, and leaves optional references alone', async () => {
    const uri = memoryUri('volume.yaml');
    const text = deployment(
      'volume',
      `      containers:\n        - name: app\n          image: nginx:1.27\n          env:\n            - name: FLAG\n              valueFrom:\n                secretKeyRef:\n                  name: flags\n                  key: flag\n                  optional: true\n      volumes:\n        - name: settings\n          configMap:\n            name: settings\n`,
    );
    const published = await client.open(uri, text);
    assert.deepEqual(fromCluster(published).map((d) => d.message), ['configmap "settings" not found in namespace "default" of the running cluster']);
    // Declaring it in another file makes the first one's information stale: it is checked again.
    const recheck = client.nextPublication(uri);
    await client.open(memoryUri('settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n');
    assert.deepEqual(fromCluster(await recheck), []);
  });

  it('reports a namespace neither the cluster nor the workspace has', async () => {
    const published = await client.open(memoryUri('ns.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: shop\n');
    assert.deepEqual(fromCluster(published), [{ code: 'cluster/namespace-not-found', severity: 3, range: '4:13-4:17', message: 'namespace "shop" not found in the running cluster' }]);
    const declared = await client.open(memoryUri('ns-declared.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: shop\n');
    assert.deepEqual(fromCluster(declared), []);
  });

  it('tells when the cluster has room in all but not free now', async () => {
    // Three 3Gi pods, one on each node (the control plane tolerated): 5Gi is the most left anywhere.
    await backend.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'filler', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'filler' } },
        template: {
          metadata: { labels: { app: 'filler' } },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { memory: '3Gi' } } }],
          },
        },
      },
    });
    const facts = await sendFacts();
    assert.equal(facts.largestFree.memory, 5 * 1024 ** 3);
    const published = await client.open(memoryUri('six.yaml'), deployment('six', container('memory: 6Gi')));
    assert.deepEqual(fromCluster(published), [
      {
        code: 'cluster/insufficient-free-memory',
        severity: 3,
        range: '18:22-18:25',
        message: 'no Ready, schedulable node has 6Gi of memory free now (the most is 5Gi): new pods would stay Pending until room frees up',
      },
    ]);
  });

  it('says how the pods of a running workload are replaced when the edited template is applied, and nothing for the template as it runs', async () => {
    const roll = (image: string) =>
      deployment('roll', container().replace('nginx:1.27', image)).replace('spec:\n  selector', 'spec:\n  replicas: 3\n  selector');
    const applied = parse(roll('nginx:1.27')) as { metadata: Record<string, unknown> };
    await backend.apply({ ...applied, metadata: { ...applied.metadata, namespace: 'default' } });
    await sendFacts();
    const unchanged = await client.open(memoryUri('roll.yaml'), roll('nginx:1.27'));
    assert.deepEqual(fromCluster(unchanged), []);
    const edited = await client.change(memoryUri('roll.yaml'), [{ range: { start: { line: 16, character: 17 }, end: { line: 16, character: 27 } }, text: 'nginx:1.28' }]);
    assert.deepEqual(fromCluster(edited), [
      { code: 'cluster/rollout', severity: 3, range: '9:2-9:10', message: 'applying this changes the pod template of Deployment roll: its 3 pods will be replaced by a rolling update' },
    ]);
    // A change outside the template (the replica count) replaces no pod.
    const scaled = await client.change(memoryUri('roll.yaml'), [
      { range: { start: { line: 16, character: 17 }, end: { line: 16, character: 27 } }, text: 'nginx:1.27' },
      { range: { start: { line: 5, character: 12 }, end: { line: 5, character: 13 } }, text: '5' },
    ]);
    assert.deepEqual(fromCluster(scaled), []);
    await client.close(memoryUri('roll.yaml'));
  });

  it('drops every cluster diagnostic once no cluster runs', async () => {
    // A document of its own: earlier ones may still be getting re-checks of earlier facts.
    const uri = memoryUri('huge.yaml');
    const published = await client.open(uri, deployment('huge', container('memory: 64Gi')));
    assert.equal(fromCluster(published).length, 1);
    const recheck = client.nextPublication(uri);
    await client.connection.sendNotification(clusterFactsNotification, null);
    const after = await recheck;
    // The document's own (schema) diagnostics are unaffected: this one has none.
    assert.deepEqual(after.diagnostics.filter((d) => d.source !== 'kubeside-lint'), []);
  });
});
