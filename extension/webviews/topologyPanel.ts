// The Topology panel in VS Code: one webview showing the running cluster's app graph (TopologyModel)
// and kept current from the informer cache; it reveals what a node stands for through the existing
// resource commands and answers simulated requests. Restored after a reload by its serializer.
import * as vscode from 'vscode';
import type { ClusterManager } from '../clusterManager';
import { type HostMessage, isWebviewMessage, type RevealMessage, type TopologyKind } from './protocol/topology';
import { TopologyModel } from './topologyModel';
import { messageOf, showPage } from './clusterPanel';
import { webviewOptions } from './webviewHtml';

export const topologyViewType = 'kubeside.topology';
const title = 'Kubeside Topology';

/** What the panel needs of the cluster: the running connection's cache, its changes, and a start. */
export type TopologyClusters = Pick<ClusterManager, 'connection' | 'onDidChangeState' | 'ensureStarted'>;

/** The sidebar view that lists each kind, for "Reveal in Sidebar". */
const treeViewOf: Record<TopologyKind, string> = {
  Ingress: 'kubeside.network',
  Service: 'kubeside.network',
  Deployment: 'kubeside.workloads',
  StatefulSet: 'kubeside.workloads',
  ReplicaSet: 'kubeside.workloads',
  ReplicationController: 'kubeside.workloads',
  Pod: 'kubeside.workloads',
  PodGroup: 'kubeside.workloads',
  ConfigMap: 'kubeside.config',
  Secret: 'kubeside.config',
  PersistentVolumeClaim: 'kubeside.config',
};

/** Registers `kubeside.openTopology` and the serializer that brings the panel back after a reload. */
export function registerTopology(context: vscode.ExtensionContext, clusters: TopologyClusters): vscode.Disposable {
  let current: TopologyPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel) => {
    current = new TopologyPanel(panel, context.extensionUri, clusters, () => (current = undefined));
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('kubeside.openTopology', () => {
      if (current) current.reveal();
      else adopt(vscode.window.createWebviewPanel(topologyViewType, title, vscode.ViewColumn.Active, webviewOptions(context.extensionUri)));
    }),
    vscode.window.registerWebviewPanelSerializer(topologyViewType, {
      // The webview restores its own filters from getState; the graph comes afresh from the cache.
      deserializeWebviewPanel: async (panel) => {
        panel.webview.options = webviewOptions(context.extensionUri);
        adopt(panel);
      },
    }),
    { dispose: () => current?.dispose() },
  );
}

class TopologyPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private model: TopologyModel | undefined;
  private modelSubscription: { dispose(): void } | undefined;
  /** The page has said `ready` since it last loaded: it can take the graph. */
  private pageReady = false;
  private disposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly clusters: TopologyClusters,
    private readonly onDispose: () => void,
  ) {
    showPage(panel, extensionUri, 'topology', title);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden panel's page is discarded; it says `ready` again when shown and gets a new snapshot.
      panel.onDidChangeViewState(() => !panel.visible && (this.pageReady = false)),
      // Started, stopped, reset or restored: the graph of the new cache (or none).
      clusters.onDidChangeState(() => this.pageReady && this.connect()),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.modelSubscription?.dispose();
    this.model?.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.onDispose();
  }

  private receive(message: unknown): void {
    // The page is untrusted: a message is acted on only once it has the protocol's shape.
    if (!isWebviewMessage(message)) return;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.connect();
        this.clusters.ensureStarted().catch((err: unknown) => void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${messageOf(err)}`));
        break;
      case 'reveal':
        this.revealObject(message).catch((err: unknown) => void vscode.window.showErrorMessage(`Kubeside: ${messageOf(err)}`));
        break;
      case 'sendRequest': {
        const path = this.model?.sendRequest(message.id, message.path);
        if (path) this.post(path);
        break;
      }
    }
  }

  /** Shows the graph of the cache that runs now: a full snapshot, then the changes of each cache batch. */
  private connect(): void {
    this.modelSubscription?.dispose();
    this.model?.dispose();
    const cache = this.clusters.connection?.cache;
    this.model = cache && new TopologyModel(cache);
    this.modelSubscription = this.model?.onDidChange((message) => this.post(message));
    this.post(this.model?.snapshot() ?? { type: 'init', nodes: [], edges: [] });
  }

  private async revealObject(message: RevealMessage): Promise<void> {
    const ref = this.model?.ref(message.id);
    if (!ref) return;
    switch (message.target) {
      case 'yaml':
        await vscode.commands.executeCommand('kubeside.resource.showYaml', { ref });
        break;
      case 'file':
        await vscode.commands.executeCommand('kubeside.resource.revealInFile', { ref });
        break;
      case 'tree':
        // The sidebar view listing the kind; selecting the very item needs the trees to offer a reveal by object.
        await vscode.commands.executeCommand(`${treeViewOf[ref.kind as TopologyKind]}.focus`);
        break;
    }
  }

  private post(message: HostMessage): void {
    // Messages to a page that is not loaded are lost; it asks for a snapshot when it loads.
    if (this.pageReady) void this.panel.webview.postMessage(message);
  }
}
