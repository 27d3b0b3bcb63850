// Entry of the Kubeside extension: the composition root that wires commands and views to VS Code.
// Everything registered here is a Disposable owned by the extension context, so deactivation is free.
import * as vscode from 'vscode';
import { ClusterTreeDataProvider } from './views/clusterTreeDataProvider';

export function activate(context: vscode.ExtensionContext): void {
  const clusterTree = new ClusterTreeDataProvider();
  context.subscriptions.push(
    vscode.window.createTreeView('kubeside.cluster', { treeDataProvider: clusterTree }),
    vscode.commands.registerCommand('kubeside.showVersion', () => showVersion(context)),
  );
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
