// The Logs panels on the VS Code side: one WebviewPanel per pod, container or workload, fed by a
// LogsModel over the running cluster while its page is shown. The page says on `ready` whether it
// wants the previous containers' logs, and asks again when the toggle changes; a hidden page is
// discarded and its streams stopped, and when shown again the last lines are read back (as
// `kubectl logs --tail`). A window reload brings each panel back through the serializer.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { type ClusterDeps, type Connection, type ItemArgument } from './detailsPanel';
import { logWorkloads, LogsModel } from './logsModel';
import { isObject } from './protocol/guards';
import { type HostMessage, isLogTarget, isWebviewMessage, type LogTarget, type WebviewMessage } from './protocol/logs';
import { panelHtml, webviewOptions } from './webviewHtml';

export const logsViewType = 'kubeside.logs';
export const openLogsCommand = 'kubeside.openLogs';

const keyOf = (t: LogTarget) => `${t.kind}/${t.namespace}/${t.name}/${t.container ?? ''}`;

export class LogsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, LogsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private model: LogsModel | undefined;
  private modelSubscription: { dispose(): void } | undefined;
  private previous = false;
  /** The page has said `ready` and not been discarded since. */
  private live = false;

  /** Reveals the panel of this target, creating it first if it is not open. */
  static show(context: vscode.ExtensionContext, deps: ClusterDeps, target: LogTarget): LogsPanel {
    const existing = LogsPanel.open.get(keyOf(target));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(logsViewType, 'Logs', vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new LogsPanel(panel, context, deps, target);
  }

  /** Takes over a panel VS Code restored after a reload. */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: ClusterDeps, target: LogTarget): LogsPanel {
    LogsPanel.open.get(keyOf(target))?.dispose();
    panel.webview.options = webviewOptions(context.extensionUri);
    return new LogsPanel(panel, context, deps, target);
  }

  static closeAll(): void {
    for (const panel of [...LogsPanel.open.values()]) panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly deps: ClusterDeps,
    private readonly target: LogTarget,
  ) {
    LogsPanel.open.set(keyOf(target), this);
    panel.title = `Logs: ${target.name}${target.container ? ` (${target.container})` : ''}`;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'kubeside.svg');
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, 'logs', panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.receive(message);
        else console.warn('kubeside: the logs page sent a message of unexpected shape', message);
      }),
      panel.onDidChangeViewState(() => {
        // A hidden page is gone, and nobody reads its streams: stop them until it is shown again.
        if (!panel.visible) this.unbind();
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.onDidChangeState(() => {
        if (this.live) this.bind(deps.connection());
      }),
    );
  }

  dispose(): void {
    if (LogsPanel.open.get(keyOf(this.target)) === this) LogsPanel.open.delete(keyOf(this.target));
    this.unbind();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async receive(message: WebviewMessage): Promise<void> {
    this.previous = message.previous;
    if (message.type === 'setPrevious' && !this.live) return;
    this.live = true;
    try {
      const connection = await this.deps.ensureStarted();
      if (this.live) this.bind(connection);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Starts streaming from this cluster: the sources first, then lines in batches. */
  private bind(connection: Connection | undefined): void {
    this.unbind();
    this.live = true;
    if (!connection) {
      this.post({ type: 'init', target: this.target, previous: this.previous, sources: [] });
      return;
    }
    this.model = new LogsModel(connection.cache, connection.backend, { clock: new RealClock(), target: this.target, previous: this.previous });
    this.post(this.model.snapshot());
    this.modelSubscription = this.model.onDidChange((message) => this.post(message));
  }

  private unbind(): void {
    this.live = false;
    this.modelSubscription?.dispose();
    this.model?.dispose();
    this.model = this.modelSubscription = undefined;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }
}

const hasTarget = isObject<{ target: LogTarget }>({ target: isLogTarget });

/** The logs command (a pod, one of its containers, or a workload's tree item) and the serializer; extension.ts calls this once. */
export function registerLogs(context: vscode.ExtensionContext, deps: ClusterDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openLogsCommand, (item?: ItemArgument) => {
      const ref = item?.ref;
      if (!ref?.namespace || !logWorkloads[ref.kind]) return;
      LogsPanel.show(context, deps, { kind: ref.kind, namespace: ref.namespace, name: ref.name, ...(item?.container ? { container: item.container } : {}) });
    }),
    vscode.window.registerWebviewPanelSerializer(logsViewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (hasTarget(state) && logWorkloads[state.target.kind]) LogsPanel.restore(panel, context, deps, state.target);
        else panel.dispose();
      },
    }),
    { dispose: () => LogsPanel.closeAll() },
  );
}
