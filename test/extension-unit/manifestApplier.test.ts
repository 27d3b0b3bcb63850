// Applying manifest text from the editor: given an embedded cluster, when a multi-document manifest
// is applied, deleted or diffed, then every object's outcome is reported and each problem sits on
// the line and field of the text it concerns.
import assert from 'node:assert/strict';
import type { ClusterBackend } from '../../extension/backend/clusterBackend';
import { EmbeddedBackend } from '../../extension/backend/embeddedBackend';
import { applyManifestText, deleteManifestText, diffManifestText } from '../../extension/apply/manifestApplier';
import { VirtualClock } from '../../engine/util/clock';

const app = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: dark
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

describe('manifest applier', () => {
  let backend: EmbeddedBackend | undefined;
  const start = async (): Promise<ClusterBackend> => (backend = await EmbeddedBackend.start({ clock: new VirtualClock(Date.UTC(2026, 11, 4)), workers: 0 }));
  afterEach(async () => {
    await backend?.dispose();
    backend = undefined;
  });

  it('applies a namespace before the objects in it, whatever their order in the file, and reports each by kubectl name', async () => {
    const b = await start();
    const outcomes = await applyManifestText(b, app, 'shop.yaml');
    assert.deepEqual(outcomes.map((o) => [o.documentIndex, o.name, o.error]), [[0, 'configmap/settings', undefined], [1, 'namespace/shop', undefined]]);
    assert.equal(outcomes[0]!.object?.metadata.managedFields[0].manager, 'kubeside');
  });

  it('puts a refused field on its line: a Deployment whose selector does not match its template labels', async () => {
    const b = await start();
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels:
        app: other
    spec:
      containers: [{ name: web, image: nginx }]
`;
    const [outcome] = await applyManifestText(b, text, 'web.yaml');
    assert.match(outcome!.error ?? '', /Error from server \(Invalid\): Deployment.apps "web" is invalid/);
    const problem = outcome!.problems.find((p) => p.field === 'spec.template.metadata.labels');
    assert.ok(problem, JSON.stringify(outcome!.problems));
    assert.equal(problem.range.start.line, 10, 'on the `labels:` key');
    assert.match(problem.message, /does not match/);
  });

  it('puts a misspelt field on its line: the server refuses it as kube-apiserver does, in a 400 that names it only in words', async () => {
    const b = await start();
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
date:
  mode: dark
`;
    const [outcome] = await applyManifestText(b, text, 'settings.yaml');
    assert.equal(outcome!.error, 'Error from server (BadRequest): ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "date"');
    assert.deepEqual(outcome!.problems.map((p) => [p.field, p.range.start.line, p.message]), [['date', 5, 'unknown field "date"']], 'on the `date:` key');
  });

  it('names the line of an unknown kind and of a YAML error, and still applies the good documents', async () => {
    const b = await start();
    const text = `apiVersion: v1
kind: ConfigMapp
metadata: { name: typo }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: good }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: broken
`;
    const outcomes = await applyManifestText(b, text, 'mixed.yaml');
    assert.deepEqual(outcomes.map((o) => [o.documentIndex, !!o.error]), [[0, true], [1, false], [2, true]]);
    assert.equal(outcomes[0]!.error, 'no matches for kind "ConfigMapp" in version "v1"');
    assert.equal(outcomes[0]!.problems[0]!.range.start.line, 2);
    assert.ok(outcomes[2]!.problems[0]!.range.start.line >= 11);
    assert.ok(await b.get({ type: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'default', name: 'good' }));
  });

  it('applies only the selected document (a code lens) and deletes by file', async () => {
    const b = await start();
    await applyManifestText(b, app, 'shop.yaml', { documents: [1] });
    const ns = { group: '', version: 'v1', resource: 'namespaces' };
    assert.ok(await b.get({ type: ns, name: 'shop' }));
    assert.equal(await b.get({ type: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'shop', name: 'settings' }), undefined);
    await applyManifestText(b, app, 'shop.yaml');
    const deleted = await deleteManifestText(b, app, 'shop.yaml', { documents: [0] });
    assert.deepEqual(deleted.map((o) => [o.name, o.error]), [['configmap/settings', undefined]]);
    assert.equal(await b.get({ type: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'shop', name: 'settings' }), undefined);
  });

  it('diffs with the cluster by dry run, storing nothing, with Secret values masked', async () => {
    const b = await start();
    await applyManifestText(b, `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: old, user: app }\n`, 'db.yaml');
    const { live, merged, outcomes } = await diffManifestText(b, `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: new, user: app }\n`, 'db.yaml');
    assert.deepEqual(outcomes.map((o) => o.error), [undefined]);
    assert.deepEqual(live[0]!.data, { password: '*** (before)', user: '***' });
    assert.deepEqual(merged[0]!.data, { password: '*** (after)', user: '***' });
    assert.equal(merged[0]!.metadata.managedFields, undefined);
    const stored = await b.get({ type: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'default', name: 'db' });
    assert.equal(Buffer.from(stored!.data.password, 'base64').toString(), 'old', 'a dry run stores nothing');
  });
});
