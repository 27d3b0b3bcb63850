// Entry of the Kubeside extension: the composition root that wires commands and views to VS Code.
// Everything registered here is a Disposable owned by the extension context, so deactivation is free.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { startLanguageClient } from './languageClient';
import { ClusterTreeDataProvider } from './views/clusterTreeDataProvider';

let client: LanguageClient | undefined;

/** What the extension exports to other extensions and to its own integration tests. */
export interface KubesideApi {
  readonly languageClient: LanguageClient;
}

export function activate(context: vscode.ExtensionContext): KubesideApi {
  const clusterTree = new ClusterTreeDataProvider();
  client = startLanguageClient(context);
  context.subscriptions.push(
    vscode.window.createTreeView('kubeside.cluster', { treeDataProvider: clusterTree }),
    vscode.commands.registerCommand('kubeside.showVersion', () => showVersion(context)),
  );
  return { languageClient: client };
}

/**
 * Shows the installed version. Returns the message rather than awaiting the notification, which only
 * settles when the user dismisses it, so callers (keybindings, tests) are never held up.
 */
function showVersion(context: vscode.ExtensionContext): string {
  const version: string = context.extension.packageJSON.version;
  const message = `Kubeside ${version}`;
  void vscode.window.showInformationMessage(message);
  return message;
}

/** Stops the language server; VS Code waits for the returned promise. */
export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
