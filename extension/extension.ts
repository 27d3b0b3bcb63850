// Entry of the Kubeside extension: the composition root that wires the cluster (through its
// ClusterBackend), commands, views, documents and the status bar to VS Code. Activation only wires;
// the cluster starts when a Kubeside view is shown or a command needs it, never on the startup path.
// Everything registered here is a Disposable owned by the extension context.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterManager, type ClusterState } from './clusterManager';
import { ApplyCommands } from './commands/applyCommands';
import { ClusterCommands } from './commands/clusterCommands';
import { ResourceDocumentProvider, resourceScheme } from './documents/resourceDocuments';
import { followClusterFacts, startLanguageClient } from './languageClient';
import { SourceIndex } from './sourceIndex';
import { ClusterStatusBar } from './statusBar';
import { registerTreeViews, type TreeViews } from './views/treeViews';
import { registerDashboard } from './webviews/dashboardPanel';
import { registerDetails } from './webviews/detailsPanel';
import { registerLogs } from './webviews/logsPanel';
import { registerTopology } from './webviews/topologyPanel';

let client: LanguageClient | undefined;
let manager: ClusterManager | undefined;

/** What the extension exports to other extensions and to its own integration tests. */
export interface KubesideApi {
  readonly languageClient: LanguageClient;
  readonly clusters: ClusterManager;
  readonly applyCommands: ApplyCommands;
  readonly statusBar: ClusterStatusBar;
  readonly trees: TreeViews;
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): KubesideApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Kubeside');
  const clusters = (manager = new ClusterManager(context, output));
  const sources = new SourceIndex(context.workspaceState);
  const applyCommands = new ApplyCommands(clusters, sources, output);
  const statusBar = new ClusterStatusBar(clusters);
  client = startLanguageClient(context);
  const panelDeps = { connection: () => clusters.connection, ensureStarted: () => clusters.ensureStarted(), onDidChangeState: clusters.onDidChangeState };
  const views = registerTreeViews(clusters);
  context.subscriptions.push(
    clusters,
    output,
    applyCommands,
    statusBar,
    views,
    new ClusterCommands(clusters, sources),
    registerResourceDocuments(clusters),
    // The language server checks open manifests against what the running cluster can do.
    followClusterFacts(client, clusters),
    registerDashboard(context, { connect: () => clusters.ensureStarted(), current: () => clusters.connection, onDidChangeCluster: clusters.onDidChangeState }),
    registerTopology(context, clusters),
    registerDetails(context, panelDeps),
    registerLogs(context, panelDeps),
    vscode.commands.registerCommand('kubeside.showVersion', () => showVersion(context)),
    clusters.onDidChangeState((state) => onStateChange(context, state, output)),
    // A view shown is the moment to bring the cluster up — in a trusted workspace, and if the user wants it.
    views.onDidBecomeVisible(() => autoStart(clusters, output)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => views.visible && autoStart(clusters, output)),
  );
  void vscode.commands.executeCommand('setContext', 'kubeside.state', 'stopped');
  if (views.visible) autoStart(clusters, output);
  return { languageClient: client, clusters, applyCommands, statusBar, trees: views, activationMs: performance.now() - started };
}

function registerResourceDocuments(clusters: ClusterManager): vscode.Disposable {
  const provider = new ResourceDocumentProvider(clusters);
  return vscode.Disposable.from(provider, vscode.workspace.registerTextDocumentContentProvider(resourceScheme, provider));
}

function autoStart(clusters: ClusterManager, output: vscode.OutputChannel): void {
  if (!vscode.workspace.isTrusted || !vscode.workspace.getConfiguration('kubeside').get<boolean>('cluster.autoStart', true)) return;
  if (clusters.state.status !== 'stopped') return;
  clusters.ensureStarted().catch((err) => output.appendLine(`The cluster failed to start: ${err instanceof Error ? err.message : String(err)}`));
}

/** Context keys for menus and welcome views, and KUBECONFIG in new terminals while a cluster runs. */
function onStateChange(context: vscode.ExtensionContext, state: ClusterState, output: vscode.OutputChannel): void {
  void vscode.commands.executeCommand('setContext', 'kubeside.state', state.status);
  const backend = state.status === 'running' ? state.connection.backend : undefined;
  void vscode.commands.executeCommand('setContext', 'kubeside.embedded', backend?.name === 'embedded');
  const terminals = context.environmentVariableCollection;
  if (backend?.kubeconfigPath && vscode.workspace.getConfiguration('kubeside').get<boolean>('terminal.kubeconfig', true)) {
    terminals.description = `KUBECONFIG of the ${backend.name} cluster, so kubectl in this terminal uses it`;
    terminals.replace('KUBECONFIG', backend.kubeconfigPath);
  } else if (state.status !== 'starting') terminals.clear();
  if (state.status === 'running') output.appendLine(`Cluster ${backend!.name} running${backend!.server ? ` at ${backend!.server}` : ''}${backend!.kubeconfigPath ? ` (kubeconfig: ${backend!.kubeconfigPath})` : ''}`);
  if (state.status === 'failed') output.appendLine(`Cluster failed: ${state.error}`);
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

/** Stops the language server and the cluster (its store flushed to disk); VS Code waits for the promise. */
export async function deactivate(): Promise<void> {
  await Promise.all([client?.stop(), manager?.stop()]);
}
