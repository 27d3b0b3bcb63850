// The Kubeside sidebar: one tree view per model (Cluster, Workloads, Network, Config & Storage,
// Events), each showing the running cluster's cache. When the cluster starts, stops or is replaced
// (reset, snapshot restore) every view switches to models over the new cache; while none runs the
// views are empty, so VS Code shows their welcome content.
import * as vscode from 'vscode';
import type { ClusterManager, ClusterState } from '../clusterManager';
import { createTreeModels, type TreeNode, type TreeViewId, treeViewIds } from './model/index';
import { ModelTreeProvider } from './modelTreeProvider';

/** A tree view's data: the model tree of the current cache, or nothing while no cluster runs. */
class SwitchingTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private current: { provider: ModelTreeProvider; subscription: vscode.Disposable } | undefined;

  /** Shows a new provider (or none); the whole tree is redrawn from it. */
  use(provider: ModelTreeProvider | undefined): void {
    this.current?.subscription.dispose();
    this.current?.provider.dispose();
    this.current = provider && { provider, subscription: provider.onDidChangeTreeData((e) => this.changed.fire(e)) };
    this.changed.fire(undefined);
  }

  get provider(): ModelTreeProvider | undefined {
    return this.current?.provider;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    return this.current ? this.current.provider.getTreeItem(element) : new vscode.TreeItem(element.label);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    return this.current?.provider.getChildren(element) ?? [];
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.current?.provider.getParent(element);
  }

  dispose(): void {
    this.use(undefined);
    this.changed.dispose();
  }
}

export interface TreeViews extends vscode.Disposable {
  /** Whether any Kubeside view is visible now. */
  readonly visible: boolean;
  /** Fires when a Kubeside view becomes visible (the moment to start the cluster). */
  readonly onDidBecomeVisible: vscode.Event<void>;
  readonly views: ReadonlyMap<TreeViewId, { view: vscode.TreeView<TreeNode>; provider: SwitchingTreeProvider }>;
}

export function registerTreeViews(clusters: ClusterManager): TreeViews {
  const becameVisible = new vscode.EventEmitter<void>();
  const views = new Map<TreeViewId, { view: vscode.TreeView<TreeNode>; provider: SwitchingTreeProvider }>();
  const disposables: vscode.Disposable[] = [becameVisible];
  for (const id of treeViewIds) {
    const provider = new SwitchingTreeProvider();
    const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: id !== 'kubeside.events' });
    views.set(id, { view, provider });
    disposables.push(provider, view, view.onDidChangeVisibility((e) => e.visible && becameVisible.fire()));
  }
  const show = (state: ClusterState) => {
    const cache = state.status === 'running' ? state.connection.cache : undefined;
    const models = cache && createTreeModels(cache);
    for (const [id, { provider }] of views) provider.use(models && cache ? new ModelTreeProvider(models[id], cache) : undefined);
  };
  disposables.push(clusters.onDidChangeState(show));
  show(clusters.state);
  return {
    get visible() {
      return [...views.values()].some((v) => v.view.visible);
    },
    onDidBecomeVisible: becameVisible.event,
    views,
    dispose: () => {
      for (const d of disposables) d.dispose();
    },
  };
}
