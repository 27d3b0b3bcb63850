// The Logs panels on the VS Code side: one WebviewPanel per pod, container or workload, fed by a
// LogsModel over the running cluster while its page is shown. The page says on `ready` whether it
// wants the previous containers' logs, and asks again when the toggle changes; a hidden page is
// discarded and its streams stopped, and when shown again the last lines are read back (as
// `kubectl logs --tail`). A window reload brings each panel back through the serializer.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { type ClusterDeps, ClusterPanel, type Connection, type ItemArgument, messageOf, OpenPanels } from './clusterPanel';
import { logWorkloads, LogsModel } from './logsModel';
import { isObject } from './protocol/guards';
import { type HostMessage, isLogTarget, isWebviewMessage, type LogTarget, type WebviewMessage } from './protocol/logs';

export const logsViewType = 'kubeside.logs';
export const openLogsCommand = 'kubeside.openLogs';

const keyOf = (t: LogTarget) => `${t.kind}/${t.namespace}/${t.name}/${t.container ?? ''}`;

export class LogsPanel extends ClusterPanel<HostMessage, WebviewMessage, LogsModel> {
  private previous = false;

  /** Reveals the panel of this target, creating it first if it is not open. */
  static show(panels: OpenPanels<LogsPanel>, context: vscode.ExtensionContext, deps: ClusterDeps, target: LogTarget): LogsPanel {
    return panels.show(keyOf(target), 'Logs', (panel) => new LogsPanel(panel, panels, context, deps, target));
  }

  /** Takes over a panel VS Code restored after a reload. */
  static restore(panels: OpenPanels<LogsPanel>, panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: ClusterDeps, target: LogTarget): LogsPanel {
    return panels.restore(keyOf(target), panel, (restored) => new LogsPanel(restored, panels, context, deps, target));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly panels: OpenPanels<LogsPanel>,
    context: vscode.ExtensionContext,
    deps: ClusterDeps,
    private readonly target: LogTarget,
  ) {
    super(panel, context.extensionUri, deps, { page: 'logs', title: `Logs: ${target.name}${target.container ? ` (${target.container})` : ''}`, isWebviewMessage });
  }

  override dispose(): void {
    this.panels.delete(keyOf(this.target), this);
    super.dispose();
  }

  protected async receive(message: WebviewMessage): Promise<void> {
    this.previous = message.previous;
    if (message.type === 'setPrevious' && !this.live) return;
    await this.start().catch((err: unknown) => void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${messageOf(err)}`));
  }

  /** Streams from this cluster: the sources first, then lines in batches. */
  protected createModel(connection: Connection): LogsModel {
    return new LogsModel(connection.cache, connection.backend, { clock: new RealClock(), target: this.target, previous: this.previous });
  }

  protected emptyPage(): HostMessage {
    return { type: 'init', target: this.target, previous: this.previous, sources: [] };
  }
}

const hasTarget = isObject<{ target: LogTarget }>({ target: isLogTarget });

/** The logs command (a pod, one of its containers, or a workload's tree item) and the serializer; extension.ts calls this once. */
export function registerLogs(context: vscode.ExtensionContext, deps: ClusterDeps): vscode.Disposable {
  const panels = new OpenPanels<LogsPanel>(logsViewType, context.extensionUri);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openLogsCommand, (item?: ItemArgument) => {
      const ref = item?.ref;
      if (!ref?.namespace || !logWorkloads[ref.kind]) return;
      LogsPanel.show(panels, context, deps, { kind: ref.kind, namespace: ref.namespace, name: ref.name, ...(item?.container ? { container: item.container } : {}) });
    }),
    panels.serializer((panel, state) => (hasTarget(state) && logWorkloads[state.target.kind] ? LogsPanel.restore(panels, panel, context, deps, state.target) : undefined)),
    panels,
  );
}
