// The Resource details panels on the VS Code side: one WebviewPanel per object, fed by a DetailsModel
// over the running cluster's cache while its page is shown (a hidden panel's page is discarded and
// asks again when shown). The page's intents become actions: roll back through resourceActions,
// Show YAML and Logs through their commands, an owner opens its own panel. A window reload brings
// each panel back through the serializer, from the object the page kept in its state.
import * as vscode from 'vscode';
import { RealClock } from '../../engine/util/clock';
import { rollback } from '../actions/resourceActions';
import type { ObjectRef } from '../backend/clusterBackend';
import { watchedResources } from '../cache/clusterCache';
import { type ClusterDeps, ClusterPanel, type Connection, errorText, type ItemArgument, OpenPanels } from './clusterPanel';
import { DetailsModel, detailsKinds } from './detailsModel';
import { type HostMessage, isObjectLink, isWebviewMessage, type ObjectLink, type WebviewMessage } from './protocol/details';
import { isObject } from './protocol/guards';

export const detailsViewType = 'kubeside.details';
export const openDetailsCommand = 'kubeside.openDetails';
/** The Logs panel's command, which the page's Logs buttons run. */
const openLogsCommand = 'kubeside.openLogs';

/** The object a page shows, as a ref the backend and the other commands take. */
export function refOf(link: ObjectLink): (ObjectRef & { kind: string }) | undefined {
  const watched = detailsKinds[link.kind];
  if (!watched) return undefined;
  return { type: watchedResources[watched], ...(link.namespace ? { namespace: link.namespace } : {}), name: link.name, kind: link.kind };
}

const keyOf = (link: ObjectLink) => `${link.kind}/${link.namespace}/${link.name}`;

export class DetailsPanel extends ClusterPanel<HostMessage, WebviewMessage, DetailsModel> {
  /** Reveals the panel of this object, creating it first if it is not open. */
  static show(panels: OpenPanels<DetailsPanel>, context: vscode.ExtensionContext, deps: ClusterDeps, target: ObjectLink): DetailsPanel {
    return panels.show(keyOf(target), target.name, (panel) => new DetailsPanel(panel, panels, context, deps, target));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly panels: OpenPanels<DetailsPanel>,
    private readonly context: vscode.ExtensionContext,
    deps: ClusterDeps,
    private readonly target: ObjectLink,
  ) {
    super(panel, context.extensionUri, deps, { page: 'details', title: `${target.name} (${target.kind})`, isWebviewMessage });
  }

  /** Takes over a panel VS Code restored after a reload. */
  static restore(panels: OpenPanels<DetailsPanel>, panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: ClusterDeps, target: ObjectLink): DetailsPanel {
    return panels.restore(keyOf(target), panel, (restored) => new DetailsPanel(restored, panels, context, deps, target));
  }

  override dispose(): void {
    this.panels.delete(keyOf(this.target), this);
    super.dispose();
  }

  protected createModel(connection: Connection): DetailsModel {
    return new DetailsModel(connection.cache, this.target, { clock: new RealClock() });
  }

  protected emptyPage(): HostMessage {
    return { type: 'init', target: this.target, details: null, now: Date.now(), logs: false };
  }

  protected async receive(message: WebviewMessage): Promise<void> {
    const ref = refOf(this.target);
    switch (message.type) {
      case 'ready':
        return this.start().catch((err: unknown) => void vscode.window.showErrorMessage(`Kubeside: the cluster did not start: ${errorText(err)}`));
      case 'showYaml':
        if (ref) await vscode.commands.executeCommand('kubeside.resource.showYaml', { ref });
        return;
      case 'logs':
        if (ref) await vscode.commands.executeCommand(openLogsCommand, { ref, ...(message.container ? { container: message.container } : {}) });
        return;
      case 'open':
        if (detailsKinds[message.target.kind]) DetailsPanel.show(this.panels, this.context, this.deps, message.target);
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
}

const hasTarget = isObject<{ target: ObjectLink }>({ target: isObjectLink });

/** The details command (from a tree item: its object; a container item: its pod) and the serializer; extension.ts calls this once. */
export function registerDetails(context: vscode.ExtensionContext, deps: ClusterDeps): vscode.Disposable {
  const panels = new OpenPanels<DetailsPanel>(detailsViewType, context.extensionUri);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(openDetailsCommand, (item?: ItemArgument) => {
      const ref = item?.ref;
      if (!ref || !detailsKinds[ref.kind]) return;
      DetailsPanel.show(panels, context, deps, { kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
    }),
    // A page closed before it was first drawn kept nothing to reopen.
    panels.serializer((panel, state) => (hasTarget(state) && detailsKinds[state.target.kind] ? DetailsPanel.restore(panels, panel, context, deps, state.target) : undefined)),
    panels,
  );
}
