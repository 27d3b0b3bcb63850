// Cross-file navigation over the workspace index: the server scans the workspace folders on its own,
// then answers definition, references, name completion and hover between files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, Hover, Location, MarkupContent, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';

const config = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
stringData:
  password: hunter2
`;

const app = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          envFrom:
            - configMapRef:
                name: web-config
          env:
            - name: MODE
              valueFrom:
                configMapKeyRef:
                  name: web-config
                  key: mode
            - name: PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
`;

describe('language server: navigation across the workspace', () => {
  let dir: string;
  let client: LspClient;
  const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-ls-'));
    mkdirSync(path.join(dir, 'base'));
    writeFileSync(path.join(dir, 'base', 'config.yaml'), config);
    writeFileSync(path.join(dir, 'app.yaml'), app);
    writeFileSync(path.join(dir, 'package.json'), '{"name": "not-a-manifest"}');
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules', 'ignored.yaml'), config);
    client = await LspClient.start({
      workspaceFolders: [pathToFileURL(dir).toString()],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    assert.equal(await client.workspaceScanned, 2);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the client to watch manifest files on disk', () => {
    assert.deepEqual(
      client.registrations.map((r) => [r.method, r.registerOptions]),
      [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/*.{yaml,yml,json}' }] }]],
    );
  });

  it('goes from a configMapRef to the ConfigMap in a file that is not open', async () => {
    await client.open(uriOf('app.yaml'), app);
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 18, character: 22 } });
    assert.deepEqual(locations, [{ uri: uriOf('base/config.yaml'), range: { start: { line: 3, character: 8 }, end: { line: 3, character: 18 } } }]);
  });

  it('goes from a secretKeyRef to the Secret, the second document of that file', async () => {
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 28, character: 26 } });
    assert.deepEqual(locations, [{ uri: uriOf('base/config.yaml'), range: { start: { line: 10, character: 8 }, end: { line: 10, character: 22 } } }]);
  });

  it('finds every reference to a ConfigMap from its name', async () => {
    const locations = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf('base/config.yaml') },
      position: { line: 3, character: 10 },
      context: { includeDeclaration: true },
    });
    assert.deepEqual(
      locations.map((l) => `${path.basename(l.uri)}:${l.range.start.line}:${l.range.start.character}`),
      ['config.yaml:3:8', 'app.yaml:18:22', 'app.yaml:23:24'],
    );
  });

  it('completes the names of Secrets the workspace defines at a secretKeyRef', async () => {
    const uri = uriOf('new.yaml');
    await client.open(uri, app.replace('name: db-credentials', 'name: '));
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 28, character: 24 } });
    assert.deepEqual(items.map((i) => [i.label, i.detail]), [['db-credentials', 'Secret in config.yaml']]);
    await client.close(uri); // an unsaved file leaves the index when closed
  });

  it('completes namespaces the workspace defines or uses', async () => {
    const uri = uriOf('namespaced.yaml');
    await client.open(uri, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: staging\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: \n');
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 13 } });
    assert.ok(items.some((i) => i.label === 'staging' && i.detail === 'Namespace'), JSON.stringify(items.map((i) => i.label)));
    await client.close(uri);
  });

  it('hovers a reference with where its target is defined', async () => {
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 18, character: 24 } });
    assert.match((hover.contents as MarkupContent).value, /→ ConfigMap `web-config` in config\.yaml$/);
  });

  it('goes from a Service selector to the workloads whose pods it selects', async () => {
    const uri = uriOf('service.yaml');
    await client.open(uri, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n');
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 6, character: 9 } });
    assert.deepEqual(locations, [{ uri: uriOf('app.yaml'), range: { start: { line: 3, character: 8 }, end: { line: 3, character: 11 } } }]);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 5 } });
    assert.match((hover.contents as MarkupContent).value, /Selects the pods of Deployment `web` \(app\.yaml\)$/);
  });

  it('finds no workload for a selector that matches only some of the pod labels', async () => {
    const uri = uriOf('service-tier.yaml');
    await client.open(uri, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: front\n');
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 6, character: 9 } });
    assert.deepEqual(locations, []);
  });

  it('resolves every kind of reference: Ingress backend and TLS, serviceName, claimName, serviceAccountName', async () => {
    const uri = uriOf('stack.yaml');
    const text = [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  ports:\n    - port: 5432',
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db-data\n  namespace: shop',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: db\n  namespace: shop',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  namespace: shop',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  serviceName: db\n  template:\n    spec:\n      serviceAccountName: db\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: db-data',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  tls:\n    - secretName: tls\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: db',
    ].join('\n---\n');
    await client.open(uri, text + '\n');
    const lines = text.split('\n');
    /** The line of the `metadata.name` that the reference at `needle` (its last character) resolves to. */
    const definitionLine = async (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      const position = { line, character: lines[line]!.indexOf(needle) + needle.length - 1 };
      const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position });
      assert.equal(locations.length, 1, needle);
      return locations[0]!.range.start.line;
    };
    const nameLineOf = (kind: string) => lines.indexOf(`kind: ${kind}`) + 2;
    assert.equal(await definitionLine('serviceName: db'), nameLineOf('Service'));
    assert.equal(await definitionLine('claimName: db-data'), nameLineOf('PersistentVolumeClaim'));
    assert.equal(await definitionLine('serviceAccountName: db'), nameLineOf('ServiceAccount'));
    assert.equal(await definitionLine('secretName: tls'), nameLineOf('Secret'));
    assert.equal(await definitionLine('                name: db'), nameLineOf('Service'));
  });

  it('keeps a reference resolvable at its new place after lines are added above it', async () => {
    const uri = uriOf('moved.yaml');
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: moved\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      envFrom:\n        - configMapRef:\n            name: moved\n';
    await client.open(uri, text);
    const before = await client.request<{ parses: number }>('kubeside/stats', {});
    await client.change(uri, [{ range: { start: { line: 3, character: 13 }, end: { line: 3, character: 13 } }, text: '\n  labels:\n    a: b' }]);
    const after = await client.request<{ parses: number }>('kubeside/stats', {});
    assert.equal(after.parses - before.parses, 1, 'only the ConfigMap is parsed again');
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 17, character: 18 } });
    assert.deepEqual(locations, [{ uri, range: { start: { line: 3, character: 8 }, end: { line: 3, character: 13 } } }]);
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: { line: 3, character: 9 }, context: { includeDeclaration: false } });
    assert.deepEqual(refs, [{ uri, range: { start: { line: 17, character: 18 }, end: { line: 17, character: 23 } } }]);
  });

  it('resolves references whose kind or namespace is written beside the name: bindings, autoscalers, classes', async () => {
    const uri = uriOf('rbac.yaml');
    const text = [
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ci\n  namespace: build',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: deployer\n  namespace: build',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: viewer',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci-deploys\n  namespace: build\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: deployer\nsubjects:\n  - kind: ServiceAccount\n    name: ci',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci-views\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: viewer\nsubjects:\n  - kind: User\n    name: ci\n  - kind: ServiceAccount\n    name: ci\n    namespace: build',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: builder\n  namespace: build',
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: builder\n  namespace: build\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: builder',
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: example.com/disk',
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: cache\n  namespace: build\nspec:\n  storageClassName: fast',
    ].join('\n---\n');
    await client.open(uri, text + '\n');
    const lines = text.split('\n');
    const nameLineOf = (kind: string) => lines.indexOf(`kind: ${kind}`) + 2;
    const definitionAt = async (line: number) => {
      const position = { line, character: lines[line]!.length - 1 };
      return (await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position })).map((l) => l.range.start.line);
    };
    const lineAfter = (marker: string, needle: string) => lines.findIndex((l, i) => i > lines.indexOf(marker) && l.trim() === needle);
    assert.deepEqual(await definitionAt(lineAfter('kind: RoleBinding', 'name: deployer')), [nameLineOf('Role')]);
    assert.deepEqual(await definitionAt(lineAfter('kind: RoleBinding', 'name: ci')), [nameLineOf('ServiceAccount')]);
    assert.deepEqual(await definitionAt(lineAfter('kind: ClusterRoleBinding', 'name: viewer')), [nameLineOf('ClusterRole')]);
    // the User subject names no object; the ServiceAccount subject names its namespace itself
    assert.deepEqual(await definitionAt(lineAfter('kind: ClusterRoleBinding', 'name: ci')), []);
    assert.deepEqual(await definitionAt(lines.lastIndexOf('    name: ci')), [nameLineOf('ServiceAccount')]);
    assert.deepEqual(await definitionAt(lines.lastIndexOf('    name: builder')), [nameLineOf('Deployment')]);
    assert.deepEqual(await definitionAt(lines.indexOf('  storageClassName: fast')), [nameLineOf('StorageClass')]);
    const account = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: { line: nameLineOf('ServiceAccount'), character: 9 }, context: { includeDeclaration: false } });
    assert.equal(account.length, 2, 'both bindings name the service account');
  });

  it('follows an edit of the target: a renamed ConfigMap is no longer the definition', async () => {
    const uri = uriOf('base/config.yaml');
    await client.open(uri, config);
    await client.change(uri, [{ range: { start: { line: 3, character: 8 }, end: { line: 3, character: 18 } }, text: 'web-settings' }]);
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 18, character: 22 } });
    assert.deepEqual(locations, []);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 18, character: 22 } });
    assert.match((hover.contents as MarkupContent).value, /→ ConfigMap `web-config`: not defined in the workspace$/);
  });

  it('falls back to the file on disk when an edited file is closed unsaved', async () => {
    // the previous test renamed the ConfigMap in the open editor only
    await client.close(uriOf('base/config.yaml'));
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 18, character: 22 } });
    assert.deepEqual(locations.map((l) => l.uri), [uriOf('base/config.yaml')]);
  });

  it('indexes files the client reports created on disk, and forgets deleted ones', async () => {
    const uri = uriOf('late.yaml');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  serviceAccountName: late\n  containers:\n    - name: c\n      image: busybox\n';
    await client.open(uriOf('pod.yaml'), pod);
    const definitionOfAccount = () => client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf('pod.yaml') }, position: { line: 5, character: 23 } });
    assert.deepEqual(await definitionOfAccount(), []);
    writeFileSync(path.join(dir, 'late.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: late\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
    assert.deepEqual(await definitionOfAccount(), [{ uri, range: { start: { line: 3, character: 8 }, end: { line: 3, character: 12 } } }]);
    rmSync(path.join(dir, 'late.yaml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 3 }] });
    assert.deepEqual(await definitionOfAccount(), []);
  });

  it('renames a Secret in its definition and every reference, from a reference', async () => {
    const position = { line: 28, character: 26 };
    const range = await client.request<Range>('textDocument/prepareRename', { textDocument: { uri: uriOf('app.yaml') }, position });
    assert.deepEqual(range, { start: { line: 28, character: 24 }, end: { line: 28, character: 38 } });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uriOf('app.yaml') }, position, newName: 'db-login' });
    const summary = Object.entries(edit.changes ?? {}).map(([uri, edits]) => [path.basename(uri), edits.map((e) => `${e.range.start.line}:${e.range.start.character} ${e.newText}`)]);
    assert.deepEqual(summary, [
      ['config.yaml', ['10:8 db-login']],
      ['app.yaml', ['28:24 db-login']],
    ]);
  });

  it('refuses a new name the API server would reject', async () => {
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: uriOf('app.yaml') }, position: { line: 28, character: 26 }, newName: 'DB_Login' }),
      /Invalid Secret name "DB_Login": a lowercase RFC 1123 subdomain must consist of/,
    );
  });
});
