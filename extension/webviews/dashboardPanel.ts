// The Cluster dashboard panel on the VS Code side: one WebviewPanel fed by a DashboardModel over the
// running cluster's cache. The model lives only while the webview does (from its `ready` to the
// panel being hidden or closed), since a hidden panel's page is discarded and asks again when shown;
// a window reload brings the panel back through the serializer.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { ClusterError, type ClusterBackend } from '../backend/clusterBackend';
import type { ClusterCache } from '../cache/clusterCache';
import { DashboardModel } from './dashboardModel';
import { type HostMessage, isWebviewMessage, type NodeAction, type WebviewMessage } from './protocol/dashboard';
import { panelHtml, webviewOptions } from './webviewHtml';

export const dashboardViewType = 'kubeside.dashboard';
export const openDashboardCommand = 'kubeside.openDashboard';

/** The cluster the dashboard shows, as the extension's ClusterManager provides it. */
export interface DashboardDeps {
  /** The running cluster, started first if it is not. */
  connect(): Promise<{ readonly cache: ClusterCache; readonly backend: ClusterBackend }>;
  /** The running cluster, if there is one now. */
  current(): { readonly cache: ClusterCache; readonly backend: ClusterBackend } | undefined;
  /** Fires when the cluster starts, stops or is replaced: the panel rebinds to the new cache. */
  readonly onDidChangeCluster: vscode.Event<unknown>;
}

const kindTypes = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Node: { group: '', version: 'v1', resource: 'nodes' },
} as const;

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private model: DashboardModel | undefined;
  private modelSubscription: { dispose(): void } | undefined;
  private backend: ClusterBackend | undefined;
  /** The page has said `ready` and not been discarded since. */
  private live = false;

  /** Reveals the dashboard, creating it first if it is not open. */
  static show(context: vscode.ExtensionContext, deps: DashboardDeps): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(dashboardViewType, 'Cluster', vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return (DashboardPanel.current = new DashboardPanel(panel, context, deps));
  }

  /** Takes over a panel VS Code restored after a reload (its page state comes back through getState). */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: DashboardDeps): DashboardPanel {
    DashboardPanel.current?.dispose();
    panel.webview.options = webviewOptions(context.extensionUri);
    return (DashboardPanel.current = new DashboardPanel(panel, context, deps));
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly deps: DashboardDeps,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'kubeside.svg');
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, 'dashboard', 'Cluster');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.receive(message);
        else console.warn('kubeside: the dashboard sent a message of unexpected shape', message);
      }),
      panel.onDidChangeViewState(() => {
        // A hidden panel's page is gone; it says `ready` again when shown.
        if (!panel.visible) this.unbind();
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.onDidChangeCluster(() => {
        if (this.live) this.bind(deps.current());
      }),
    );
  }

  /** Closes the open dashboard, if any (the extension deactivating). */
  static close(): void {
    DashboardPanel.current?.dispose();
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    this.unbind();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.live = true;
        try {
          const connection = await this.deps.connect();
          // Hidden or closed while the cluster was starting: the next `ready` binds.
          if (this.live) this.bind(connection);
        } catch (err) {
          void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      case 'nodeAction':
        return this.runNodeAction(message.node, message.action);
      case 'reveal': {
        const ref = { kind: message.kind, type: kindTypes[message.kind], name: message.name, ...(message.namespace ? { namespace: message.namespace } : {}) };
        await vscode.commands.executeCommand('kubeside.resource.describe', { ref });
        return;
      }
    }
  }

  /** Starts showing this cluster: a snapshot first, then its changes. */
  private bind(connection: { readonly cache: ClusterCache; readonly backend: ClusterBackend } | undefined): void {
    this.unbind();
    this.live = true;
    if (!connection) {
      this.post({ type: 'init', nodes: [], pods: [], events: [], history: [], nodeActions: false });
      return;
    }
    const { cache, backend } = connection;
    this.backend = backend;
    const nodes = backend.nodes;
    this.model = new DashboardModel(cache, { clock: new RealClock(), nodeActions: !!nodes, failedNodes: () => nodes?.failed() ?? [] });
    this.post(this.model.snapshot());
    this.modelSubscription = this.model.onDidChange((changes) => this.post(changes));
  }

  private unbind(): void {
    this.live = false;
    this.modelSubscription?.dispose();
    this.model?.dispose();
    this.model = this.modelSubscription = this.backend = undefined;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async runNodeAction(node: string, action: NodeAction): Promise<void> {
    const nodes = this.backend?.nodes;
    // The page offers node actions only when told it may; a message claiming otherwise changes nothing.
    if (!nodes) return;
    try {
      if (action === 'drain') await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Draining ${node}…` }, () => nodes.drain(node));
      else await nodes[action](node);
      this.model?.refreshNode(node);
    } catch (err) {
      const message = err instanceof ClusterError ? err.display : err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`Kubeside: could not ${action} ${node}: ${message}`);
    }
  }
}

/** Brings the dashboard back after a window reload, if it was open. */
export function registerDashboardSerializer(context: vscode.ExtensionContext, deps: DashboardDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(dashboardViewType, {
    deserializeWebviewPanel: async (panel) => void DashboardPanel.restore(panel, context, deps),
  });
}

/** The dashboard's command and serializer; extension.ts calls this once. */
export function registerDashboard(context: vscode.ExtensionContext, deps: DashboardDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openDashboardCommand, () => void DashboardPanel.show(context, deps)),
    registerDashboardSerializer(context, deps),
    { dispose: () => DashboardPanel.close() },
  );
}
