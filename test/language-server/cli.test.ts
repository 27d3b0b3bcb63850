// `kubeside lsp --stdio` serves the same language server as dist/server.js, for editors other than VS Code.
import assert from 'node:assert/strict';
import type { DocumentSymbol } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri } from './lspClient';

describe('kubeside lsp', () => {
  it('serves the language server over stdio through the CLI', async () => {
    const client = await LspClient.start({ serverArgs: ['-e', "require('./cli/main.ts').main(['lsp', '--stdio'])"] });
    try {
      const uri = memoryUri('cli.yaml');
      const published = await client.open(uri, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['DuplicateField']);
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(symbols.map((s) => s.name), ['ConfigMap b']);
    } finally {
      await client.stop();
    }
  });
});
