// The Resource details panels on the VS Code side: one WebviewPanel per object, fed by a DetailsModel
// over the running cluster's cache while its page is shown (a hidden panel's page is discarded and
// asks again when shown). The page's intents become actions: roll back through resourceActions,
// Show YAML and Logs through their commands, an owner opens its own panel. A window reload brings
// each panel back through the serializer, from the object the page kept in its state.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { rollback } from '../actions/resourceActions';
import { type ClusterBackend, ClusterError, type ObjectRef } from '../backend/clusterBackend';
import { type ClusterCache, watchedResources } from '../cache/clusterCache';
import { DetailsModel, detailsKinds } from './detailsModel';
import { type HostMessage, isObjectLink, isWebviewMessage, type ObjectLink, type WebviewMessage } from './protocol/details';
import { isObject } from './protocol/guards';
import { panelHtml, webviewOptions } from './webviewHtml';

export const detailsViewType = 'kubeside.details';
export const openDetailsCommand = 'kubeside.openDetails';
/** The Logs panel's command, which the page's Logs buttons run. */
const openLogsCommand = 'kubeside.openLogs';

export interface Connection {
  readonly cache: ClusterCache;
  readonly backend: ClusterBackend;
}

/** The cluster the panels show, as the extension's ClusterManager provides it. */
export interface ClusterDeps {
  /** The running cluster, if there is one now. */
  connection(): Connection | undefined;
  /** The running cluster, started first if it is not. */
  ensureStarted(): Promise<Connection>;
  /** Fires when the cluster starts, stops or is replaced: open panels rebind to the new cache. */
  readonly onDidChangeState: vscode.Event<unknown>;
}

/** What a tree item hands a command: the object it stands for, and for a container its name. */
export interface ItemArgument {
  readonly ref?: ObjectRef & { readonly kind: string };
  readonly container?: string;
}

/** The object a page shows, as a ref the backend and the other commands take. */
export function refOf(link: ObjectLink): (ObjectRef & { kind: string }) | undefined {
  const watched = detailsKinds[link.kind];
  if (!watched) return undefined;
  return { type: watchedResources[watched], ...(link.namespace ? { namespace: link.namespace } : {}), name: link.name, kind: link.kind };
}

const keyOf = (link: ObjectLink) => `${link.kind}/${link.namespace}/${link.name}`;

export class DetailsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DetailsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private model: DetailsModel | undefined;
  private modelSubscription: { dispose(): void } | undefined;
  private connection: Connection | undefined;
  /** The page has said `ready` and not been discarded since. */
  private live = false;

  /** Reveals the panel of this object, creating it first if it is not open. */
  static show(context: vscode.ExtensionContext, deps: ClusterDeps, target: ObjectLink): DetailsPanel {
    const existing = DetailsPanel.open.get(keyOf(target));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(detailsViewType, target.name, vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new DetailsPanel(panel, context, deps, target);
  }

  /** Takes over a panel VS Code restored after a reload. */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: ClusterDeps, target: ObjectLink): DetailsPanel {
    DetailsPanel.open.get(keyOf(target))?.dispose();
    panel.webview.options = webviewOptions(context.extensionUri);
    return new DetailsPanel(panel, context, deps, target);
  }

  /** Closes every details panel (the extension deactivating). */
  static closeAll(): void {
    for (const panel of [...DetailsPanel.open.values()]) panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ClusterDeps,
    private readonly target: ObjectLink,
  ) {
    DetailsPanel.open.set(keyOf(target), this);
    panel.title = `${target.name} (${target.kind})`;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'kubeside.svg');
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, 'details', panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.receive(message);
        else console.warn('kubeside: the details page sent a message of unexpected shape', message);
      }),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.unbind();
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.onDidChangeState(() => {
        if (this.live) this.bind(deps.connection());
      }),
    );
  }

  dispose(): void {
    if (DetailsPanel.open.get(keyOf(this.target)) === this) DetailsPanel.open.delete(keyOf(this.target));
    this.unbind();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async receive(message: WebviewMessage): Promise<void> {
    const ref = refOf(this.target);
    switch (message.type) {
      case 'ready':
        this.live = true;
        try {
          const connection = await this.deps.ensureStarted();
          if (this.live) this.bind(connection);
        } catch (err) {
          void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${errorText(err)}`);
        }
        return;
      case 'showYaml':
        if (ref) await vscode.commands.executeCommand('kubeside.resource.showYaml', { ref });
        return;
      case 'logs':
        if (ref) await vscode.commands.executeCommand(openLogsCommand, { ref, ...(message.container ? { container: message.container } : {}) });
        return;
      case 'open':
        if (detailsKinds[message.target.kind]) DetailsPanel.show(this.context, this.deps, message.target);
        return;
      case 'rollback':
        return this.rollback(message.revision);
    }
  }

  /** `kubectl rollout undo --to-revision`, after the user confirms: it replaces every pod. */
  private async rollback(revision: number): Promise<void> {
    const ref = refOf(this.target);
    const connection = this.connection;
    // The page offers rollback only on a Deployment; a message claiming otherwise changes nothing.
    if (this.target.kind !== 'Deployment' || !ref || !connection) return;
    const answer = await vscode.window.showWarningMessage(`Roll back Deployment ${this.target.name} to revision ${revision}? Its pods are replaced by ones of that revision's template.`, { modal: true }, 'Roll Back');
    if (answer !== 'Roll Back') return;
    try {
      await rollback(connection.backend, ref, (uid) => connection.cache.byIndex('replicasets', 'controller', uid), revision);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kubeside: could not roll back ${this.target.name}: ${errorText(err)}`);
    }
  }

  /** Starts showing the object from this cluster: a snapshot first, then its changes. */
  private bind(connection: Connection | undefined): void {
    this.unbind();
    this.live = true;
    if (!connection) {
      this.post({ type: 'init', target: this.target, details: null, now: Date.now(), logs: false });
      return;
    }
    this.connection = connection;
    this.model = new DetailsModel(connection.cache, this.target, { clock: new RealClock() });
    this.post(this.model.snapshot());
    this.modelSubscription = this.model.onDidChange((message) => this.post(message));
  }

  private unbind(): void {
    this.live = false;
    this.modelSubscription?.dispose();
    this.model?.dispose();
    this.model = this.modelSubscription = this.connection = undefined;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }
}

function errorText(err: unknown): string {
  return ClusterError.is(err) ? err.display : err instanceof Error ? err.message : String(err);
}

const hasTarget = isObject<{ target: ObjectLink }>({ target: isObjectLink });

/** The details command (from a tree item: its object; a container item: its pod) and the serializer; extension.ts calls this once. */
export function registerDetails(context: vscode.ExtensionContext, deps: ClusterDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openDetailsCommand, (item?: ItemArgument) => {
      const ref = item?.ref;
      if (!ref || !detailsKinds[ref.kind]) return;
      DetailsPanel.show(context, deps, { kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
    }),
    vscode.window.registerWebviewPanelSerializer(detailsViewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (hasTarget(state) && detailsKinds[state.target.kind]) DetailsPanel.restore(panel, context, deps, state.target);
        // A page closed before it was first drawn kept nothing to reopen.
        else panel.dispose();
      },
    }),
    { dispose: () => DetailsPanel.closeAll() },
  );
}
