// Shows a TreeModel in a VS Code tree view: TreeNodes become TreeItems, and each batch of cache
// changes refreshes only the items the model names, by handing VS Code back the very element objects
// it was given (a refresh of `undefined`, the whole tree, only when the top level changed).
import * as vscode from 'vscode';
import type { ClusterCache } from '../cache/clusterCache';
import type { TreeModel, TreeNode } from './model/treeModel';

const collapsibleStates = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export class ModelTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The element last returned for each id: VS Code knows elements by identity, so refreshes must use these. */
  private readonly shown = new Map<string, TreeNode>();
  /** The ids of the children last returned for each parent id, to forget what a refresh replaced. */
  private readonly childIds = new Map<string, readonly string[]>();
  /** Elements handed to a refresh whose item must be drawn afresh from the model. */
  private readonly stale = new Set<TreeNode>();
  private readonly subscription: { dispose(): void };

  /** Disposing the provider disposes the model. */
  constructor(
    private readonly model: TreeModel,
    cache: ClusterCache,
  ) {
    this.subscription = cache.onDidChange((changes) => {
      const { roots, ids } = model.affected(changes);
      if (roots) {
        this.shown.clear();
        this.childIds.clear();
        this.stale.clear();
        this.changed.fire(undefined);
        return;
      }
      const elements: TreeNode[] = [];
      for (const id of ids) {
        const element = this.shown.get(id);
        if (!element) continue;
        this.stale.add(element);
        elements.push(element);
      }
      if (elements.length) this.changed.fire(elements);
    });
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const node = this.stale.delete(element) ? (this.model.resolve(element) ?? element) : element;
    const item = new vscode.TreeItem(node.label, collapsibleStates[node.collapsible]);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(node.tooltip);
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.contextValue !== undefined) item.contextValue = node.contextValue;
    return item;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    const children = element ? this.model.children(element) : this.model.roots();
    const parentId = element?.id ?? '';
    for (const id of this.childIds.get(parentId) ?? []) this.forget(id);
    this.childIds.set(parentId, children.map((c) => c.id));
    for (const child of children) this.shown.set(child.id, child);
    return children;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    const parent = this.model.parent?.(element);
    // reveal() needs the parent VS Code already knows, when it has one.
    return parent ? (this.shown.get(parent.id) ?? parent) : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.model.dispose?.();
  }

  /** Drops an element replaced by a refresh of its parent, and everything below it. */
  private forget(id: string): void {
    this.shown.delete(id);
    const below = this.childIds.get(id);
    if (!below) return;
    this.childIds.delete(id);
    for (const child of below) this.forget(child);
  }
}
