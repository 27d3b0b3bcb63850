// The Cluster dashboard panel on the VS Code side: one WebviewPanel fed by a DashboardModel over the
// running cluster's cache. The model lives only while the webview does (from its `ready` to the
// panel being hidden or closed), since a hidden panel's page is discarded and asks again when shown;
// a window reload brings the panel back through the serializer.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { ClusterPanel, type Connection, type ClusterDeps, errorText, messageOf, OpenPanels } from './clusterPanel';
import { DashboardModel } from './dashboardModel';
import { type HostMessage, isWebviewMessage, type NodeAction, type WebviewMessage } from './protocol/dashboard';

export const dashboardViewType = 'kubeside.dashboard';
export const openDashboardCommand = 'kubeside.openDashboard';

/** The cluster the dashboard shows, as the extension's ClusterManager provides it. */
export interface DashboardDeps {
  /** The running cluster, started first if it is not. */
  connect(): Promise<Connection>;
  /** The running cluster, if there is one now. */
  current(): Connection | undefined;
  /** Fires when the cluster starts, stops or is replaced: the panel rebinds to the new cache. */
  readonly onDidChangeCluster: vscode.Event<unknown>;
}

const kindTypes = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Node: { group: '', version: 'v1', resource: 'nodes' },
} as const;

/** There is one dashboard: its key among the open panels. */
const key = '';

export class DashboardPanel extends ClusterPanel<HostMessage, WebviewMessage, DashboardModel> {
  /** Reveals the dashboard, creating it first if it is not open. */
  static show(panels: OpenPanels<DashboardPanel>, context: vscode.ExtensionContext, deps: ClusterDeps): DashboardPanel {
    return panels.show(key, 'Cluster', (panel) => new DashboardPanel(panel, panels, context, deps));
  }

  /** Takes over a panel VS Code restored after a reload (its page state comes back through getState). */
  static restore(panels: OpenPanels<DashboardPanel>, panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: ClusterDeps): DashboardPanel {
    return panels.restore(key, panel, (restored) => new DashboardPanel(restored, panels, context, deps));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly panels: OpenPanels<DashboardPanel>,
    context: vscode.ExtensionContext,
    deps: ClusterDeps,
  ) {
    super(panel, context.extensionUri, deps, { page: 'dashboard', title: 'Cluster', isWebviewMessage });
  }

  override dispose(): void {
    this.panels.delete(key, this);
    super.dispose();
  }

  protected async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.start().catch((err: unknown) => void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${messageOf(err)}`));
      case 'nodeAction':
        return this.runNodeAction(message.node, message.action);
      case 'reveal': {
        const ref = { kind: message.kind, type: kindTypes[message.kind], name: message.name, ...(message.namespace ? { namespace: message.namespace } : {}) };
        await vscode.commands.executeCommand('kubeside.resource.describe', { ref });
        return;
      }
    }
  }

  protected createModel({ cache, backend }: Connection): DashboardModel {
    const nodes = backend.nodes;
    return new DashboardModel(cache, { clock: new RealClock(), nodeActions: !!nodes, failedNodes: () => nodes?.failed() ?? [] });
  }

  protected emptyPage(): HostMessage {
    return { type: 'init', nodes: [], pods: [], events: [], history: [], nodeActions: false };
  }

  private async runNodeAction(node: string, action: NodeAction): Promise<void> {
    const nodes = this.connection?.backend.nodes;
    // The page offers node actions only when told it may; a message claiming otherwise changes nothing.
    if (!nodes) return;
    try {
      if (action === 'drain') await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Draining ${node}…` }, () => nodes.drain(node));
      else await nodes[action](node);
      this.model?.refreshNode(node);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kubeside: could not ${action} ${node}: ${errorText(err)}`);
    }
  }
}

/** The dashboard's command and serializer; extension.ts calls this once. */
export function registerDashboard(context: vscode.ExtensionContext, deps: DashboardDeps): vscode.Disposable {
  const clusters: ClusterDeps = { connection: () => deps.current(), ensureStarted: () => deps.connect(), onDidChangeState: deps.onDidChangeCluster };
  const panels = new OpenPanels<DashboardPanel>(dashboardViewType, context.extensionUri);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openDashboardCommand, () => void DashboardPanel.show(panels, context, clusters)),
    panels.serializer((panel) => DashboardPanel.restore(panels, panel, context, clusters)),
    panels,
  );
}
