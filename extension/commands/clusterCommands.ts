// Commands on the cluster and its objects: start, stop, reset, snapshot save and restore; add, fail,
// recover, cordon, uncordon and drain nodes; and, from the views' context menus, delete, scale,
// restart, roll back, logs, describe, show YAML, reveal a Secret, copy the name, reveal in file.
// A command run from a tree item gets the item (a TreeNode with the object's ref); from the palette
// it asks which object with a quick pick.
import * as vscode from 'vscode';
import { restart, rollback, rolloutHistory, scale } from '../actions/resourceActions';
import type { KubeObj, ObjectRef } from '../backend/clusterBackend';
import { kindOf, refOf, type WatchedKind } from '../cache/clusterCache';
import type { ClusterManager } from '../clusterManager';
import { resourceUri } from '../documents/resourceDocuments';
import type { SourceIndex } from '../sourceIndex';

type Ref = ObjectRef & { kind: string };

/** What a tree item hands a command: the object it stands for, and for a container its name. */
interface ItemArgument {
  ref?: Ref;
  container?: string;
}

/** The kinds a command asks for with a quick pick when it is run from the palette. */
const pickableKinds: readonly WatchedKind[] = ['nodes', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'replicationcontrollers', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'services', 'ingresses', 'configmaps', 'secrets', 'persistentvolumeclaims'];

export class ClusterCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly logs = new Map<string, { channel: vscode.OutputChannel; follow?: { dispose(): void } }>();

  constructor(private readonly clusters: ClusterManager, private readonly sources: SourceIndex) {
    const command = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, fn);
    this.subscriptions.push(
      command('kubeside.start', () => this.clusters.ensureStarted().then(() => this.clusters.state)),
      command('kubeside.stop', () => this.clusters.stop()),
      command('kubeside.reset', () => this.reset()),
      command('kubeside.snapshot.save', (file?: vscode.Uri) => this.saveSnapshot(file)),
      command('kubeside.snapshot.restore', (file?: vscode.Uri) => this.restoreSnapshot(file)),
      command('kubeside.openTerminal', () => this.openTerminal()),
      command('kubeside.node.add', () => this.embedded().then((b) => b.nodes.add())),
      command('kubeside.node.fail', (item?: ItemArgument) => this.nodeAction('fail', item)),
      command('kubeside.node.recover', (item?: ItemArgument) => this.nodeAction('recover', item)),
      command('kubeside.node.cordon', (item?: ItemArgument) => this.nodeAction('cordon', item)),
      command('kubeside.node.uncordon', (item?: ItemArgument) => this.nodeAction('uncordon', item)),
      command('kubeside.node.drain', (item?: ItemArgument) => this.nodeAction('drain', item)),
      command('kubeside.resource.delete', (item?: ItemArgument) => this.deleteResource(item)),
      command('kubeside.resource.scale', (item?: ItemArgument, replicas?: number) => this.scaleResource(item, replicas)),
      command('kubeside.resource.restart', (item?: ItemArgument) => this.restartResource(item)),
      command('kubeside.resource.rollback', (item?: ItemArgument, revision?: number) => this.rollbackResource(item, revision)),
      command('kubeside.resource.logs', (item?: ItemArgument) => this.showLogs(item)),
      command('kubeside.resource.describe', (item?: ItemArgument) => this.open('describe', item)),
      command('kubeside.resource.showYaml', (item?: ItemArgument) => this.open('yaml', item)),
      command('kubeside.resource.revealSecret', (item?: ItemArgument) => this.revealSecret(item)),
      command('kubeside.resource.copyName', (item?: ItemArgument) => this.copyName(item)),
      command('kubeside.resource.revealInFile', (item?: ItemArgument) => this.revealInFile(item)),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const { channel, follow } of this.logs.values()) {
      follow?.dispose();
      channel.dispose();
    }
  }

  private async embedded() {
    await this.clusters.ensureStarted();
    const backend = this.clusters.embedded();
    if (!backend) throw new Error('Only the embedded cluster can change its nodes or restore snapshots; this one comes from a kubeconfig.');
    return backend;
  }

  /** A terminal whose kubectl talks to the running cluster (KUBECONFIG set to the cluster's kubeconfig). */
  private async openTerminal(): Promise<vscode.Terminal | undefined> {
    const { backend } = await this.clusters.ensureStarted();
    if (!backend.kubeconfigPath) {
      void vscode.window.showWarningMessage(`Kubeside: the ${backend.name} cluster has no kubeconfig file to give a terminal.`);
      return undefined;
    }
    const terminal = vscode.window.createTerminal({ name: `kubectl · ${backend.name}`, env: { KUBECONFIG: backend.kubeconfigPath }, iconPath: new vscode.ThemeIcon('terminal') });
    terminal.show();
    return terminal;
  }

  private async reset(): Promise<void> {
    const answer = await vscode.window.showWarningMessage('Reset the embedded cluster? Every object in it is deleted and a new cluster starts.', { modal: true }, 'Reset');
    if (answer !== 'Reset') return;
    await this.embedded();
    await this.clusters.replaceCluster((b) => b.reset());
  }

  private async saveSnapshot(file?: vscode.Uri): Promise<number> {
    const backend = await this.embedded();
    const target = file ?? (await vscode.window.showSaveDialog({ filters: { 'Kubeside snapshot': ['db', 'snapshot'] }, saveLabel: 'Save Snapshot', title: 'Save a snapshot of the embedded cluster' }));
    if (!target) return -1;
    const { revision } = await backend.snapshots.save(target.fsPath);
    void vscode.window.showInformationMessage(`Kubeside: saved a snapshot at revision ${revision} to ${target.fsPath}.`);
    return revision;
  }

  private async restoreSnapshot(file?: vscode.Uri): Promise<number> {
    await this.embedded();
    const source = file ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Kubeside snapshot': ['db', 'snapshot'], 'All files': ['*'] }, openLabel: 'Restore Snapshot' }))?.[0];
    if (!source) return -1;
    // A corrupted snapshot is refused and the cluster comes back on the state it had (see EmbeddedBackend.restore).
    const { revision } = await this.clusters.replaceCluster((b) => b.snapshots.restore(source.fsPath));
    void vscode.window.showInformationMessage(`Kubeside: restored the cluster to revision ${revision} from ${source.fsPath}.`);
    return revision;
  }

  private async nodeAction(action: 'fail' | 'recover' | 'cordon' | 'uncordon' | 'drain', item?: ItemArgument): Promise<void> {
    const backend = await this.embedded();
    const name = item?.ref?.name ?? (await this.pick('nodes', `Node to ${action}`))?.name;
    if (!name) return;
    if (action === 'drain') {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Draining ${name}…` }, () => backend.nodes.drain(name));
    } else await backend.nodes[action](name);
  }

  private async deleteResource(item?: ItemArgument): Promise<void> {
    const ref = item?.ref ?? (await this.pickAny('Object to delete'));
    if (!ref) return;
    const { backend } = await this.clusters.ensureStarted();
    await backend.delete(ref, { propagationPolicy: 'Background' });
  }

  private async scaleResource(item?: ItemArgument, replicas?: number): Promise<void> {
    const ref = item?.ref ?? (await this.pick('deployments', 'Deployment to scale'));
    if (!ref) return;
    const { backend } = await this.clusters.ensureStarted();
    let count = replicas;
    if (count === undefined) {
      const current = (await backend.get(ref))?.spec?.replicas ?? 1;
      const input = await vscode.window.showInputBox({ title: `Scale ${ref.kind} ${ref.name}`, prompt: 'Replicas', value: String(current), validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number ≥ 0') });
      if (input === undefined) return;
      count = Number(input.trim());
    }
    await scale(backend, ref, count);
  }

  private async restartResource(item?: ItemArgument): Promise<void> {
    const ref = item?.ref ?? (await this.pick('deployments', 'Deployment to restart'));
    if (!ref) return;
    const { backend } = await this.clusters.ensureStarted();
    await restart(backend, ref);
  }

  private async rollbackResource(item?: ItemArgument, revision?: number): Promise<number | undefined> {
    const ref = item?.ref ?? (await this.pick('deployments', 'Deployment to roll back'));
    if (!ref) return undefined;
    const { backend, cache } = await this.clusters.ensureStarted();
    const replicaSetsOf = (uid: string) => cache.byIndex('replicasets', 'controller', uid);
    let target = revision;
    if (target === undefined) {
      const deployment = await backend.get(ref);
      if (!deployment) return undefined;
      const history = rolloutHistory(deployment, replicaSetsOf);
      const picked = await vscode.window.showQuickPick(
        history.slice(1).map((h) => ({ label: `revision ${h.revision}`, description: h.replicaSet.spec.template.spec.containers.map((c: KubeObj) => c.image).join(', '), revision: h.revision })),
        { title: `Roll back ${ref.name} to` },
      );
      if (!picked) return undefined;
      target = picked.revision;
    }
    return rollback(backend, ref, replicaSetsOf, target);
  }

  /** Streams a container's log into an output channel (one per container), following it. */
  private async showLogs(item?: ItemArgument): Promise<void> {
    const ref = item?.ref ?? (await this.pick('pods', 'Pod whose logs to show'));
    if (!ref?.namespace) return;
    const { backend } = await this.clusters.ensureStarted();
    const key = `${ref.namespace}/${ref.name}/${item?.container ?? ''}`;
    let entry = this.logs.get(key);
    if (!entry) {
      entry = { channel: vscode.window.createOutputChannel(`Kubeside Logs: ${ref.name}${item?.container ? ` (${item.container})` : ''}`) };
      this.logs.set(key, entry);
    }
    const { channel } = entry;
    entry.follow?.dispose();
    channel.clear();
    channel.show(true);
    entry.follow = backend.followLogs(ref.namespace, ref.name, item?.container, { tailLines: 1000 }, (text) => channel.append(text), (err) => {
      if (err) channel.appendLine(`\n[log stream ended: ${err.message}]`);
    });
  }

  private async open(view: 'yaml' | 'describe', item?: ItemArgument): Promise<void> {
    const ref = item?.ref ?? (await this.pickAny(view === 'yaml' ? 'Object to show as YAML' : 'Object to describe'));
    if (!ref) return;
    const doc = await vscode.workspace.openTextDocument(resourceUri(view, ref));
    await vscode.languages.setTextDocumentLanguage(doc, view === 'yaml' ? 'yaml' : 'plaintext');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  /** Secret values are shown only on an explicit request, and say so. */
  private async revealSecret(item?: ItemArgument): Promise<void> {
    const ref = item?.ref ?? (await this.pick('secrets', 'Secret to reveal'));
    if (!ref) return;
    const doc = await vscode.workspace.openTextDocument(resourceUri('yaml', ref, { reveal: true }));
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private async copyName(item?: ItemArgument): Promise<string | undefined> {
    const name = item?.ref?.name;
    if (name) await vscode.env.clipboard.writeText(name);
    return name;
  }

  private async revealInFile(item?: ItemArgument): Promise<boolean> {
    const ref = item?.ref;
    if (!ref) return false;
    const found = await this.sources.find(ref);
    if (!found) {
      void vscode.window.showInformationMessage(`Kubeside: no manifest in this workspace declares ${ref.kind} ${ref.name}.`);
      return false;
    }
    await vscode.window.showTextDocument(found.uri, { selection: found.range });
    return true;
  }

  private async pick(kind: WatchedKind, title: string): Promise<Ref | undefined> {
    const { cache } = await this.clusters.ensureStarted();
    const items = cache.list(kind).map((o) => ({ label: o.metadata.name as string, description: o.metadata.namespace as string | undefined, obj: o }));
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
    return picked && refOf(kind, picked.obj);
  }

  private async pickAny(title: string): Promise<Ref | undefined> {
    const kind = await vscode.window.showQuickPick(pickableKinds.map((k) => ({ label: kindOf[k], resource: k })), { title: `${title}: kind` });
    return kind ? this.pick(kind.resource, title) : undefined;
  }
}
