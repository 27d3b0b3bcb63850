// Custom resources are checked against the CustomResourceDefinitions of the workspace, as a cluster
// with those CRDs installed would check them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri, messageText } from './lspClient';

function crd(kind: string, plural: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: ${kind}
    plural: ${plural}
    singular: ${kind.toLowerCase()}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size:
                  type: integer
                  description: How many replicas of the ${kind.toLowerCase()} to run.
`;
}

const brief = (d: Diagnostic) => `${d.code} ${messageText(d.message)}`;

describe('language server: custom resources', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-crd-'));
    writeFileSync(path.join(dir, 'widgets-crd.yaml'), crd('Widget', 'widgets'));
    client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    await client.workspaceScanned;
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks a custom resource against the schema of a CRD on disk', async () => {
    const published = await client.open(memoryUri('widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n');
    assert.deepEqual(published.diagnostics.map(brief), ['TypeInvalid spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"']);
  });

  it('completes a custom resource’s fields with the CRD’s descriptions', async () => {
    const uri = memoryUri('widget-completion.yaml');
    await client.open(uri, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  \n');
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } });
    const size = items.find((i) => i.label === 'size');
    assert.equal(size?.detail, 'integer (required)');
    assert.equal((size.documentation as MarkupContent).value, 'How many replicas of the widget to run.');
  });

  it('re-checks open custom resources when a CRD for their kind is opened, and again when it is closed', async () => {
    const sprocket = memoryUri('sprocket.yaml');
    const unknown = await client.open(sprocket, 'apiVersion: example.com/v1\nkind: Sprocket\nmetadata:\n  name: s\nspec:\n  size: 3\n');
    assert.deepEqual(unknown.diagnostics.map(brief), ['Invalid kind: Invalid value: "Sprocket": no matches for kind "Sprocket" in version "example.com/v1"; ensure CRDs are installed first']);
    // A group Kubernetes does not define: the CRD may well be in the cluster, so a warning, not an error.
    assert.equal(unknown.diagnostics[0]!.severity, 2);
    const rechecked = client.nextPublication(sprocket);
    await client.open(memoryUri('sprockets-crd.yaml'), crd('Sprocket', 'sprockets'));
    assert.deepEqual((await rechecked).diagnostics, []);
    const again = client.nextPublication(sprocket);
    await client.close(memoryUri('sprockets-crd.yaml'));
    assert.equal((await again).diagnostics.length, 1);
  });

  it('re-checks only custom resources, not built-in objects, while a CRD is edited', async () => {
    await client.open(memoryUri('builtin.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    const widget = memoryUri('widget-2.yaml');
    await client.open(widget, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n');
    const crdUri = memoryUri('widgets-crd-edit.yaml');
    // opening a second definition of Widget re-registers the kind: let those re-checks settle first
    const settled = client.nextPublication(widget);
    await client.open(crdUri, crd('Widget', 'widgets'));
    await settled;
    const before = await client.request<{ checks: number }>('kubeside/stats', {});
    // the description of `size` changes: a new CRD object, so the Widget kind is registered anew
    const rechecked = client.nextPublication(widget);
    await client.change(crdUri, [{ range: { start: { line: 29, character: 43 }, end: { line: 29, character: 43 } }, text: ' at once' }]);
    await rechecked;
    const after = await client.request<{ checks: number }>('kubeside/stats', {});
    // the edited CRD, and every open custom resource: three Widgets and the Sprocket (a CRD might
    // define its kind), but not the ConfigMap, whose kind is built in
    assert.equal(after.checks - before.checks, 5);
  });

  it("checks a custom resource against its CRD's CEL validation rules, and a CRD whose rule does not compile", async () => {
    const rule = (expression: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gauges.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gauge, plural: gauges}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "${expression}"
                  message: min must not exceed max
              properties:
                min: {type: integer}
                max: {type: integer}
`;
    const crdUri = memoryUri('gauges-crd.yaml');
    assert.deepEqual((await client.open(crdUri, rule('self.min <= self.max'))).diagnostics.map(brief), []);
    const gauge = await client.open(memoryUri('gauge.yaml'), 'apiVersion: example.com/v1\nkind: Gauge\nmetadata:\n  name: g\nspec:\n  min: 5\n  max: 3\n');
    assert.deepEqual(gauge.diagnostics.map(brief), ['Invalid spec: Invalid value: "object": min must not exceed max']);
    const broken = await client.open(memoryUri('gauges-crd-broken.yaml'), rule('selff.min <= self.max').replace('gauges.example.com', 'meters.example.com').replace('{kind: Gauge, plural: gauges}', '{kind: Meter, plural: meters}'));
    assert.equal(broken.diagnostics.length, 1);
    assert.match(messageText(broken.diagnostics[0]!.message), /x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed: /);
  });
});
