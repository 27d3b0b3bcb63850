// The extension in a real VS Code: it activates, contributes its commands and its Kubeside views.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'kubeside.kubeside';

function kubeside(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded in this VS Code`);
  return extension;
}

describe('Kubeside in VS Code', () => {
  it('activates when a YAML file is opened', async () => {
    const extension = kubeside();
    assert.equal(extension.isActive, false, 'activated before any YAML file was opened');
    const [manifest] = await vscode.workspace.findFiles('**/*.yaml', undefined, 1);
    assert.ok(manifest, 'the test workspace has no YAML file');
    const document = await vscode.workspace.openTextDocument(manifest);
    assert.equal(document.languageId, 'yaml');
    await vscode.window.showTextDocument(document);
    await waitFor(() => extension.isActive, 'extension to activate on a YAML document');
  });

  it('registers kubeside.showVersion, which reports the extension version', async () => {
    await kubeside().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('kubeside.showVersion'));
    const message = await vscode.commands.executeCommand<string>('kubeside.showVersion');
    assert.equal(message, `Kubeside ${kubeside().packageJSON.version}`);
  });

  it('contributes the Kubeside view container with the Cluster view, which can be opened', async () => {
    const contributes = kubeside().packageJSON.contributes;
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((c: { id: string; title: string }) => [c.id, c.title]),
      [['kubeside', 'Kubeside']],
    );
    assert.deepEqual(contributes.views.kubeside.map((v: { id: string; name: string }) => [v.id, v.name]), [
      ['kubeside.cluster', 'Cluster'],
      ['kubeside.workloads', 'Workloads'],
      ['kubeside.network', 'Network'],
      ['kubeside.config', 'Config & Storage'],
      ['kubeside.events', 'Events'],
    ]);
    // VS Code derives these commands from the contributions; they exist only if it accepted them.
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('workbench.view.extension.kubeside'), 'no command to open the Kubeside container');
    assert.ok(commands.includes('kubeside.cluster.focus'), 'no command to focus the Cluster view');
    await vscode.commands.executeCommand('kubeside.cluster.focus');
  });
});

/** Polls a condition the extension host reaches asynchronously, failing with what was awaited. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
