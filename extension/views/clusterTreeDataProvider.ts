// The Cluster view: the cluster's nodes and workloads as a tree. Until a cluster backend feeds it, the
// tree has no elements and VS Code shows the view's welcome content (package.json `viewsWelcome`).
import * as vscode from 'vscode';

export class ClusterTreeDataProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  /** No backend yet, so no roots: an empty root is what makes VS Code show the welcome content. */
  getChildren(): vscode.TreeItem[] {
    return [];
  }
}
