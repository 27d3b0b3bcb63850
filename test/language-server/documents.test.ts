// The language server through a real LSP connection: syntax diagnostics, outline, folding, code
// lenses, and re-checking only the YAML documents an edit touched.
import assert from 'node:assert/strict';
import type { CodeLens, DocumentSymbol, FoldingRange } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri, messageText } from './lspClient';

const threeResources = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

interface Stats {
  parses: number;
  checks: number;
}

describe('language server: documents', () => {
  let client: LspClient;
  before(async () => {
    // The server's own quiet time, so a burst of edits arrives within it.
    client = await LspClient.start({ debounceMs: 100 });
  });
  after(async () => {
    await client.stop();
  });

  it('reports a YAML syntax error on the exact characters, in the right document of the stream', async () => {
    const uri = memoryUri('syntax.yaml');
    const published = await client.open(uri, 'apiVersion: v1\nkind: ConfigMap\n---\nkind: Pod\nmetadata: [a\n  b: c\n');
    // the flow sequence opened on line 4 spills onto line 5 and never closes
    const multiline = published.diagnostics.find((d) => d.code === 'multiline-implicit-key');
    assert.deepEqual(multiline?.range, { start: { line: 4, character: 11 }, end: { line: 5, character: 3 } }, JSON.stringify(published.diagnostics));
    assert.equal(multiline.severity, 1);
    assert.equal(multiline.source, 'kubeside');
    const unterminated = published.diagnostics.find((d) => d.code === 'bad-indent');
    assert.match(messageText(unterminated!.message), /must be sufficiently indented and end with a \]/);
  });

  it('reports a duplicate key on the second occurrence of the key', async () => {
    const uri = memoryUri('duplicate.yaml');
    const published = await client.open(uri, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    const duplicate = published.diagnostics.find((d) => d.code === 'DuplicateField');
    assert.ok(duplicate, JSON.stringify(published.diagnostics));
    assert.deepEqual(duplicate.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 6 } });
    assert.equal(messageText(duplicate.message), 'duplicate field "metadata.name"');
  });

  it('outlines one symbol per resource, named kind then name, with its top-level fields as children', async () => {
    const uri = memoryUri('outline.yaml');
    await client.open(uri, threeResources);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['ConfigMap web-config', 'Deployment web', 'Service web']);
    const deployment = symbols[1]!;
    assert.deepEqual(deployment.children?.map((c) => c.name), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(deployment.range.start, { line: 7, character: 0 });
    assert.deepEqual(deployment.selectionRange, { start: { line: 10, character: 8 }, end: { line: 10, character: 11 } });
    const spec = deployment.children![3]!;
    assert.equal(spec.range.start.line, 11);
    assert.deepEqual(spec.range.end, { line: 17, character: 22 });
  });

  it('folds each document and each multi-line block', async () => {
    const uri = memoryUri('folding.yaml');
    await client.open(uri, threeResources);
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    const spans = ranges.map((r) => `${r.startLine}-${r.endLine}`);
    // the three documents
    assert.ok(spans.includes('0-5') && spans.includes('7-17') && spans.includes('19-25'), spans.join(' '));
    // `spec:` of the Deployment, its `template:`, and the container item
    assert.ok(spans.includes('11-17') && spans.includes('13-17') && spans.includes('16-17'), spans.join(' '));
    // a one-line value does not fold
    assert.ok(!ranges.some((r) => r.startLine === 12));
  });

  it('puts Apply and Delete lenses over each resource with the uri and the document index', async () => {
    const uri = memoryUri('lenses.yaml');
    await client.open(uri, `# leading comment\n---\n${threeResources}---\n`);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, ...(l.command?.arguments ?? [])]),
      [
        [2, 'Apply', 'kubeside.applyDocument', uri, 0],
        [2, 'Delete', 'kubeside.deleteDocument', uri, 0],
        [9, 'Apply', 'kubeside.applyDocument', uri, 1],
        [9, 'Delete', 'kubeside.deleteDocument', uri, 1],
        [21, 'Apply', 'kubeside.applyDocument', uri, 2],
        [21, 'Delete', 'kubeside.deleteDocument', uri, 2],
      ],
    );
  });

  it('re-parses and re-checks only the document an edit touched', async () => {
    const uri = memoryUri('incremental.yaml');
    await client.open(uri, threeResources);
    const before = await client.request<Stats>('kubeside/stats', {});
    // replicas: 2 -> 3, inside the second document only
    await client.change(uri, [{ range: { start: { line: 12, character: 12 }, end: { line: 12, character: 13 } }, text: '3' }]);
    const after = await client.request<Stats>('kubeside/stats', {});
    assert.equal(after.parses - before.parses, 1);
    assert.equal(after.checks - before.checks, 1);
  });

  it('re-checks a document moved by an edit above it without parsing it again', async () => {
    const uri = memoryUri('shifted.yaml');
    await client.open(uri, threeResources);
    const before = await client.request<Stats>('kubeside/stats', {});
    // a new line in the first document shifts the other two
    await client.change(uri, [{ range: { start: { line: 5, character: 12 }, end: { line: 5, character: 12 } }, text: '\n  level: "3"' }]);
    const after = await client.request<Stats>('kubeside/stats', {});
    assert.equal(after.parses - before.parses, 1);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols[2]!.range.start, { line: 20, character: 0 });
  });

  it('checks only the latest version when edits arrive faster than the debounce', async () => {
    const uri = memoryUri('burst.yaml');
    await client.open(uri, 'apiVersion: v1\nkind: ConfigMap\n');
    const versions = [2, 3, 4, 5];
    let last;
    for (const v of versions) last = client.change(uri, [{ text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v${v}\n` }]);
    await last;
    assert.deepEqual(client.publications(uri).map((p) => p.version), [1, 5]);
  });

  it('checks a document as soon as it is opened, without waiting for the edit debounce', async () => {
    const patient = await LspClient.start({ debounceMs: 60_000 });
    try {
      const published = await patient.open(memoryUri('opened.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: 1\n');
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['TypeInvalid']);
    } finally {
      await patient.stop();
    }
  });
});
