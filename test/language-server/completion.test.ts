// Completion and hover from the kind's schema, through a real LSP connection.
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, Hover, MarkupContent, Position } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri } from './lspClient';

/** Opens `text` with `|` marking the cursor and asks for completions there. */
async function completeAt(client: LspClient, name: string, marked: string, triggerCharacter?: string): Promise<CompletionItem[]> {
  const { text, position } = cursor(marked);
  const uri = memoryUri(name);
  await client.open(uri, text);
  const context = triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 };
  const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position, context });
  return Array.isArray(result) ? result : result.items;
}

async function hoverAt(client: LspClient, name: string, marked: string): Promise<string> {
  const { text, position } = cursor(marked);
  const uri = memoryUri(name);
  await client.open(uri, text);
  const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  return result ? (result.contents as MarkupContent).value : '';
}

function cursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|');
  const before = marked.slice(0, at);
  const lines = before.split('\n');
  return { text: before + marked.slice(at + 1), position: { line: lines.length - 1, character: lines[lines.length - 1]!.length } };
}

const sorted = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));

const podSpec = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
`;

describe('language server: completion and hover', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  it('offers kinds with the apiVersion that serves them, the current version first', async () => {
    const items = await completeAt(client, 'kind.yaml', 'apiVersion: apps/v1\nkind: Dep|\n');
    const deployment = items.find((i) => i.label === 'Deployment');
    assert.equal(deployment?.detail, 'apps/v1');
    assert.equal(deployment.additionalTextEdits, undefined);
    assert.ok(deployment.sortText!.startsWith('0'));
    const service = items.find((i) => i.label === 'Service');
    assert.equal(service?.detail, 'v1');
    assert.ok(service.sortText!.startsWith('1'));
  });

  it('sets apiVersion along with the kind when the document has none', async () => {
    const items = await completeAt(client, 'kind-only.yaml', 'kind: |\n');
    const cronJob = items.find((i) => i.label === 'CronJob');
    assert.deepEqual(cronJob?.additionalTextEdits, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'apiVersion: batch/v1\n' }]);
  });

  it('offers the group/versions that serve the kind for apiVersion', async () => {
    const items = await completeAt(client, 'version.yaml', 'apiVersion: |\nkind: Ingress\n');
    assert.deepEqual(sorted(items).map((i) => i.label)[0], 'networking.k8s.io/v1');
    assert.ok(items.every((i) => i.label.startsWith('networking.k8s.io/') || i.label.startsWith('extensions/')), items.map((i) => i.label).join());
  });

  it('offers a container’s fields with types and docs, required first, without those already set', async () => {
    const items = await completeAt(client, 'container.yaml', `${podSpec}      containers:\n        - name: web\n          im|\n`);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('image') && labels.includes('imagePullPolicy') && labels.includes('ports'));
    assert.ok(!labels.includes('name'), 'name is already set');
    const image = items.find((i) => i.label === 'image')!;
    assert.equal(image.detail, 'string');
    assert.match((image.documentation as MarkupContent).value, /Container image name/);
    assert.equal((image.documentation as MarkupContent).kind, 'markdown');
    const ports = items.find((i) => i.label === 'ports')!;
    assert.equal(ports.detail, '[]ContainerPort');
    assert.equal(ports.textEdit && 'newText' in ports.textEdit ? ports.textEdit.newText : '', 'ports:\n  - $0');
    assert.deepEqual(ports.textEdit && 'range' in ports.textEdit ? ports.textEdit.range : undefined, { start: { line: 9, character: 10 }, end: { line: 9, character: 12 } });
  });

  it('lists required fields first in a new list item', async () => {
    const items = await completeAt(client, 'new-item.yaml', `${podSpec}      containers:\n        - |\n`);
    assert.equal(sorted(items)[0]!.label, 'name');
    assert.equal(sorted(items)[0]!.detail, 'string (required)');
  });

  it('offers enum values for a field that has them', async () => {
    const items = await completeAt(client, 'enum.yaml', `${podSpec}      containers:\n        - name: web\n          imagePullPolicy: |\n`);
    assert.deepEqual(items.map((i) => i.label).sort(), ['Always', 'IfNotPresent', 'Never']);
  });

  it('offers fields of the pod spec at the right depth', async () => {
    const items = await completeAt(client, 'podspec.yaml', `${podSpec}      |\n`);
    const containers = items.find((i) => i.label === 'containers');
    assert.equal(containers?.detail, '[]Container (required)');
    assert.ok(items.some((i) => i.label === 'restartPolicy'));
    assert.ok(!items.some((i) => i.label === 'replicas'), 'replicas belongs to the Deployment spec');
  });

  it('opens on a space after `key: ` and `- `, but not while indenting', async () => {
    assert.equal((await completeAt(client, 'space-value.yaml', `${podSpec}      restartPolicy: |\n`, ' ')).length, 3);
    assert.ok((await completeAt(client, 'space-item.yaml', `${podSpec}      containers:\n        - |\n`, ' ')).length > 10);
    assert.deepEqual(await completeAt(client, 'space-indent.yaml', `${podSpec}      |\n`, ' '), []);
  });

  it('offers a snippet for each common kind in an empty document', async () => {
    const items = await completeAt(client, 'empty.yaml', '|');
    const snippets = items.filter((i) => i.kind === 15).map((i) => i.label);
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'Ingress', 'StatefulSet', 'Job', 'CronJob', 'PersistentVolumeClaim']) assert.ok(snippets.includes(kind), kind);
    assert.ok(items.some((i) => i.label === 'apiVersion') && items.some((i) => i.label === 'kind'));
    const service = items.find((i) => i.kind === 15 && i.label === 'Service')!;
    assert.match((service.documentation as MarkupContent).value, /\n {2}selector:\n {4}app: name\n {2}ports:\n {4}- port: 80\n/);
    assert.match(service.textEdit && 'newText' in service.textEdit ? service.textEdit.newText : '', /app: \$\{2:\$\{1:name\}\}/);
  });

  it('hovers a field with its type, required-ness and description', async () => {
    const text = await hoverAt(client, 'hover.yaml', `${podSpec}      conta|iners:\n        - name: web\n`);
    assert.match(text, /^\*\*containers\*\* `\[\]Container` · required/);
    assert.match(text, /List of containers belonging to the pod/);
    const replicas = await hoverAt(client, 'hover2.yaml', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  repl|icas: 3\n');
    assert.match(replicas, /^\*\*replicas\*\* `integer`\n/);
    assert.match(replicas, /Number of desired pods/);
  });

  it('hovers a kind with what the kind is', async () => {
    const text = await hoverAt(client, 'hover-kind.yaml', 'apiVersion: v1\nkind: Name|space\n');
    assert.match(text, /^\*\*Namespace\*\* `v1` · cluster-scoped/);
    assert.match(text, /Namespace provides a scope for Names/);
  });
});
