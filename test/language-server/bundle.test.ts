// The bundled server (what scripts/build.mjs emits as dist/server.js) started directly over Node IPC,
// the way the extension launches it: one self-contained file with the schemas inlined.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri } from './lspClient';

describe('language server: the bundle over Node IPC', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-bundle-'));
    const outfile = path.join(dir, 'server.js');
    // The same options as the product build of language-server/server.ts.
    await build({ entryPoints: [path.resolve(__dirname, '..', '..', 'language-server', 'server.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
    client = await LspClient.start({ ipcModule: outfile });
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates against the inlined schemas and answers requests', async () => {
    const uri = memoryUri('ipc.yaml');
    const published = await client.open(uri, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n');
    // Validation finds nothing (lint rules, source kubeside-lint, have their own tests).
    assert.deepEqual(published.diagnostics.filter((d) => d.source === 'kubeside'), []);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Apply', 'Delete']);
    const typo = await client.change(uri, [{ text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  contaners: []\n' }]);
    assert.deepEqual(typo.diagnostics.map((d) => d.code).sort(), ['Required', 'UnknownField']);
  });
});
