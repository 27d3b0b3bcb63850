// The workspace scan runs in the background: a document opened while hundreds of files are still
// being indexed gets its diagnostics first, and the index is complete once the scan reports.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, Location } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri } from './lspClient';

const files = 300;

describe('language server: workspace scan', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-scan-'));
    for (let i = 0; i < files; i++) {
      const team = path.join(dir, `team-${i % 10}`);
      mkdirSync(team, { recursive: true });
      writeFileSync(path.join(team, `config-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\ndata:\n  mode: fast\n`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes diagnostics for an open document before the scan of the workspace completes', async () => {
    const client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    try {
      const order: string[] = [];
      const scanned = client.workspaceScanned.then((n) => order.push(`scanned ${n}`));
      const uri = memoryUri('editing.yaml');
      const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      envFrom:\n        - configMapRef:\n            name: \n';
      const diagnosed = client.open(uri, text).then(() => order.push('diagnostics'));
      await Promise.all([scanned, diagnosed]);
      assert.deepEqual(order, ['diagnostics', `scanned ${files}`]);
      // once scanned, every ConfigMap of the workspace is a candidate name
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 10, character: 18 } });
      assert.equal(items.length, files);
    } finally {
      await client.stop();
    }
  });

  it('indexes a workspace folder added later and forgets one that is removed', async () => {
    const client = await LspClient.start({ capabilities: { workspace: { workspaceFolders: true } } });
    try {
      assert.equal(await client.workspaceScanned, 0);
      const uri = memoryUri('pod.yaml');
      await client.open(uri, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes:\n    - name: c\n      configMap:\n        name: config-7\n');
      const definitionOfConfig = () => client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 8, character: 16 } });
      assert.deepEqual(await definitionOfConfig(), []);
      const folder = { uri: pathToFileURL(dir).toString(), name: 'teams' };
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
      assert.equal(await client.scanReport(2), files);
      assert.deepEqual((await definitionOfConfig()).map((l) => path.basename(l.uri)), ['config-7.yaml']);
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
      assert.deepEqual(await definitionOfConfig(), []);
    } finally {
      await client.stop();
    }
  });
});
