// The status bar item: whether the cluster is up, how many nodes are Ready, and pods by phase —
// `$(server-environment) embedded 4/4 · 12 running · 1 pending`. Clicking it focuses the Cluster view.
import * as vscode from 'vscode';
import type { ClusterCache } from './cache/clusterCache';
import type { ClusterManager, ClusterState } from './clusterManager';

/** Counts for the status bar, from the cache (a pass over pods and nodes per batch of changes). */
export function clusterSummary(cache: ClusterCache): { nodes: number; readyNodes: number; running: number; pending: number; failed: number } {
  let readyNodes = 0;
  for (const node of cache.list('nodes')) {
    if (node.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')) readyNodes++;
  }
  let running = 0;
  let pending = 0;
  let failed = 0;
  for (const pod of cache.list('pods')) {
    const phase = pod.status?.phase;
    if (phase === 'Running') running++;
    else if (phase === 'Pending' || !phase) pending++;
    else if (phase === 'Failed') failed++;
  }
  return { nodes: cache.count('nodes'), readyNodes, running, pending, failed };
}

export class ClusterStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kubeside.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private cacheSubscription: { dispose(): void } | undefined;

  constructor(clusters: ClusterManager) {
    this.item.name = 'Kubeside Cluster';
    this.item.command = 'kubeside.cluster.focus';
    this.subscriptions.push(clusters.onDidChangeState((state) => this.show(state)));
    this.show(clusters.state);
  }

  /** What the item says now (tests read it). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.cacheSubscription?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private show(state: ClusterState): void {
    this.cacheSubscription?.dispose();
    this.cacheSubscription = undefined;
    this.item.backgroundColor = undefined;
    switch (state.status) {
      case 'stopped':
        this.item.text = '$(debug-disconnect) Kubeside: stopped';
        this.item.tooltip = 'No cluster is running. Click to open the Kubeside view.';
        break;
      case 'starting':
        this.item.text = `$(loading~spin) Kubeside: starting ${state.source}…`;
        this.item.tooltip = `Starting the ${state.source} cluster`;
        break;
      case 'failed':
        this.item.text = '$(error) Kubeside: failed';
        this.item.tooltip = `The cluster failed to start: ${state.error}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'running': {
        const { cache, backend } = state.connection;
        const render = () => {
          const s = clusterSummary(cache);
          this.item.text = `$(server-environment) ${backend.name} ${s.readyNodes}/${s.nodes} · ${s.running} running · ${s.pending} pending${s.failed ? ` · ${s.failed} failed` : ''}`;
          this.item.tooltip = new vscode.MarkdownString(
            `**Kubeside** — ${backend.name} cluster${backend.server ? ` at \`${backend.server}\`` : ''}\n\n` +
              `Nodes Ready: ${s.readyNodes} of ${s.nodes}\n\nPods: ${s.running} running, ${s.pending} pending, ${s.failed} failed`,
          );
          this.item.backgroundColor = s.readyNodes < s.nodes ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
        };
        render();
        this.cacheSubscription = cache.onDidChange(render);
        break;
      }
    }
    this.item.show();
  }
}
