// Owns the extension's one connection to a cluster: which backend (the embedded engine, or a real
// cluster through a kubeconfig, per `kubeside.cluster.source`), its informer cache, and their life —
// started lazily (off the activation path), stopped, reset, restarted on a restored snapshot. The
// backends are separate bundles loaded on first start, so activating the extension stays cheap.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterBackend, LocalClusterBackend } from './backend/clusterBackend';
import type { ThreadedOptions } from './backend/threadedBackend';
import { loadBundle } from './bundles';
import { ClusterCache } from './cache/clusterCache';

export interface Connection {
  readonly backend: ClusterBackend;
  readonly cache: ClusterCache;
}

export type ClusterState =
  | { readonly status: 'stopped' }
  | { readonly status: 'starting'; readonly source: string }
  | { readonly status: 'running'; readonly connection: Connection }
  | { readonly status: 'failed'; readonly error: string };

export class ClusterManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterState>();
  /** Fires whenever the cluster starts, stops, fails or is replaced (views rebuild on their new cache). */
  readonly onDidChangeState = this.changed.event;
  private current: ClusterState = { status: 'stopped' };
  private starting: Promise<Connection> | undefined;
  /** The last stop's close, while it runs. */
  private closing: Promise<void> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {}

  get state(): ClusterState {
    return this.current;
  }

  get connection(): Connection | undefined {
    return this.current.status === 'running' ? this.current.connection : undefined;
  }

  /** Where the embedded cluster of this workspace keeps its state (per workspace; global without one). */
  get stateDir(): string {
    return path.join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, 'cluster');
  }

  /** The running connection, starting the configured cluster first if needed (callers share one start). */
  ensureStarted(): Promise<Connection> {
    const connection = this.connection;
    if (connection) return Promise.resolve(connection);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const connection = this.connection;
    this.set({ status: 'stopped' });
    if (!connection) return;
    const closing = this.close(connection);
    const tracked: Promise<void> = closing.finally(() => {
      if (this.closing === tracked) this.closing = undefined;
    });
    this.closing = tracked;
    await closing;
  }

  /** The embedded backend, when that is what runs (node and snapshot commands need it). */
  embedded(): LocalClusterBackend | undefined {
    const backend = this.connection?.backend;
    return backend?.name === 'embedded' ? (backend as LocalClusterBackend) : undefined;
  }

  /**
   * Runs an operation that replaces the cluster under the backend (reset, snapshot restore): the views
   * let go of the old cache first and get a new one after, whether the operation succeeded or not.
   */
  async replaceCluster<T>(operation: (backend: LocalClusterBackend) => Promise<T>): Promise<T> {
    const backend = this.embedded();
    const connection = this.connection;
    if (!backend || !connection) throw new Error('the embedded cluster is not running');
    this.set({ status: 'starting', source: 'embedded' });
    connection.cache.dispose();
    try {
      return await operation(backend);
    } finally {
      const lost = backend.lost;
      if (lost) this.set({ status: 'failed', error: lost.message });
      else {
        const cache = new ClusterCache(backend);
        try {
          await unlessLost(cache, backend);
          this.set({ status: 'running', connection: { backend, cache } });
        } catch (err) {
          this.set({ status: 'failed', error: (err as Error).message });
        }
      }
    }
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private async start(): Promise<Connection> {
    const config = vscode.workspace.getConfiguration('kubeside');
    const source = config.get<string>('cluster.source', 'embedded');
    this.set({ status: 'starting', source });
    // A cluster still stopping holds its state directory until it has.
    await this.closing?.catch(() => undefined);
    let backend: ClusterBackend | undefined;
    try {
      if (source === 'kubeconfig') {
        const { KubeconfigBackend } = loadBundle('kubeconfigBackend');
        const kubeconfigPath = config.get<string>('kubeconfig.path') || undefined;
        const context = config.get<string>('kubeconfig.context') || undefined;
        backend = await KubeconfigBackend.connect({ ...(kubeconfigPath ? { kubeconfigPath } : {}), ...(context ? { context } : {}) });
      } else {
        const { ThreadedBackend } = loadBundle('threadedBackend');
        const options: ThreadedOptions = {
          stateDir: this.stateDir,
          workers: config.get<number>('cluster.workers', 3),
          controlPlaneNodes: config.get<number>('cluster.controlPlaneNodes', 1),
          onExit: (error, lost) => this.lost(lost, error),
          onInternalError: (error) => this.output.appendLine(`embedded cluster: unexpected error: ${error.message}`),
        };
        backend = await ThreadedBackend.start(options);
      }
      const started: ClusterBackend = backend;
      const cache = new ClusterCache(started);
      await unlessLost(cache, started);
      const connection = { backend: started, cache };
      this.set({ status: 'running', connection });
      return connection;
    } catch (err) {
      await backend?.dispose().catch(() => undefined);
      const error = err instanceof Error ? err.message : String(err);
      this.set({ status: 'failed', error });
      throw err;
    }
  }

  /** The embedded cluster's thread ended on its own: the views let go of it and say why. */
  private lost(backend: ClusterBackend, error: Error): void {
    this.output.appendLine(error.message);
    // While a reset or restore runs, replaceCluster says so when it ends.
    const connection = this.connection;
    if (connection?.backend !== backend) return;
    connection.cache.dispose();
    this.set({ status: 'failed', error: error.message });
  }

  private async close(connection: Connection): Promise<void> {
    connection.cache.dispose();
    await connection.backend.dispose();
  }

  private set(state: ClusterState): void {
    this.current = state;
    this.changed.fire(state);
  }
}

/**
 * Starts the cache (its informers' first lists), unless the embedded cluster's thread ends first:
 * informers over a cluster that is gone would retry for ever.
 */
async function unlessLost(cache: ClusterCache, backend: ClusterBackend): Promise<void> {
  const exited = (backend as Partial<LocalClusterBackend>).exited;
  if (!exited) return cache.start();
  try {
    await Promise.race([cache.start(), exited.then((error) => Promise.reject(error))]);
  } catch (err) {
    cache.dispose();
    throw err;
  }
}
