// The language server through VS Code: the extension starts it, and manifests get its diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KubesideApi } from '../../extension/extension';

async function diagnosticsOf(uri: vscode.Uri, until: (d: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<readonly vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kubeside');
    if (until(diagnostics)) return diagnostics;
    if (Date.now() > deadline) assert.fail(`timed out waiting for diagnostics; have: ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Kubeside language server in VS Code', () => {
  it('marks a misspelt field and a wrong type in a manifest being edited, on the exact keys', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: three', '  selector:', '    matchLabels: {app: web}', '  template:', '    metadata:', '      labels: {app: web}', '    spec:', '      contaners: []', ''].join('\n'),
    });
    await vscode.window.showTextDocument(document);
    const diagnostics = await diagnosticsOf(document.uri, (d) => d.length >= 2);
    const byLine = new Map(diagnostics.map((d) => [d.range.start.line, d.message]));
    assert.match(byLine.get(5) ?? '', /spec\.replicas/, 'the replicas line');
    assert.match(byLine.get(12) ?? '', /contaners/, 'the misspelt field');
  });

  it('finds nothing wrong in the example web tier once the server has checked it', async () => {
    const api = (await vscode.extensions.getExtension<KubesideApi>('kubeside.kubeside')!.activate());
    const stats = () => api.languageClient.sendRequest<{ publishes: number }>('kubeside/stats');
    const [web] = await vscode.workspace.findFiles('shop/10-web.yaml', undefined, 1);
    assert.ok(web, 'examples/shop/10-web.yaml is missing from the test workspace');
    // A fresh copy: other tests may have opened (and the server checked) the file itself already.
    const text = (await vscode.workspace.openTextDocument(web)).getText();
    const before = (await stats()).publishes;
    const copy = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
    await vscode.window.showTextDocument(copy);
    const deadline = Date.now() + 15_000;
    while ((await stats()).publishes === before) {
      if (Date.now() > deadline) assert.fail('the server never published diagnostics for the opened file');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(vscode.languages.getDiagnostics(copy.uri).filter((d) => d.source === 'kubeside').map((d) => d.message), []);
  });

  it('lints with the rules the settings choose: latest-tag flagged, then silenced by kubeside.lint.rules', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '    - name: c', '      image: nginx:latest', ''].join('\n'),
    });
    await vscode.window.showTextDocument(document);
    const lint = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'kubeside-lint');
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const deadline = Date.now() + 15_000;
    while (!lint().some((d) => codeOf(d) === 'latest-tag')) {
      if (Date.now() > deadline) assert.fail(`no latest-tag finding; have ${JSON.stringify(lint().map(codeOf))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(lint().find((d) => codeOf(d) === 'latest-tag')!.range.start.line, 7);
    const settings = vscode.workspace.getConfiguration('kubeside.lint');
    await settings.update('rules', { 'latest-tag': 'off' }, vscode.ConfigurationTarget.Global);
    try {
      const until = Date.now() + 15_000;
      while (lint().some((d) => codeOf(d) === 'latest-tag')) {
        if (Date.now() > until) assert.fail('latest-tag still reported after it was turned off');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await settings.update('rules', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
