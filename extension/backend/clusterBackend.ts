// The seam between the extension and a cluster. Everything above it — commands, trees, status bar,
// webviews — talks to a ClusterBackend and never to the engine or a REST client directly, so the
// same views work on the embedded cluster (ThreadedBackend, the default, or EmbeddedBackend in the
// caller's thread) and on a real one through a kubeconfig (KubeconfigBackend). Nothing here imports `vscode`: backends are tested with plain mocha.
import type { ListerWatcher } from '../../engine/client/types';

/** A Kubernetes object as plain JSON. */
export type KubeObj = Record<string, any>;

/** A resource type: `{ group: 'apps', version: 'v1', resource: 'deployments' }` (core group: ''). */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** A resource type as discovery serves it for one apiVersion and kind. */
export interface ServedResource extends ResourceType {
  readonly kind: string;
  readonly namespaced: boolean;
}

/** One object of the cluster, by type and name. */
export interface ObjectRef {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name: string;
}

/** A `metav1.Status` cause: which field was wrong and why. */
export interface StatusCause {
  readonly field?: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * A call the cluster refused, in Kubernetes' terms (code, reason, message and the per-field causes
 * of a 422), whichever backend made it — so errors can be shown on the exact field of a manifest.
 */
const clusterErrorBrand = Symbol.for('kubeside.ClusterError');

export class ClusterError extends Error {
  /** Whether `err` is a ClusterError from any bundle (`instanceof` only knows this bundle's class). */
  static is(err: unknown): err is ClusterError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[clusterErrorBrand] === true;
  }

  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    readonly causes: readonly StatusCause[] = [],
  ) {
    super(message);
    this.name = 'ClusterError';
    // Marks ClusterErrors across bundles: each backend is its own bundle with its own copy of this class.
    Object.defineProperty(this, clusterErrorBrand, { value: true });
  }

  /** As kubectl prints it: `Error from server (NotFound): deployments.apps "web" not found`. */
  get display(): string {
    return `Error from server${this.reason ? ` (${this.reason})` : ''}: ${this.message}`;
  }

  /** From a metav1.Status-shaped object (what both backends receive from the API server). */
  static fromStatus(status: { code?: number; reason?: string; message?: string; details?: { causes?: StatusCause[] } }): ClusterError {
    return new ClusterError(status.message ?? status.reason ?? 'unknown error', status.code ?? 500, status.reason ?? '', status.details?.causes ?? []);
  }
}

export interface ApplyOptions {
  /** The field manager of server-side apply (default `kubeside`). */
  readonly fieldManager?: string;
  /** Take over fields another manager owns instead of failing with a conflict. */
  readonly force?: boolean;
  /** Run admission and validation but store nothing: what "Diff with cluster" shows. */
  readonly dryRun?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly gracePeriodSeconds?: number;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface LogOptions {
  readonly previous?: boolean;
  readonly tailLines?: number;
  readonly timestamps?: boolean;
}

export interface Disposable {
  dispose(): void;
}

/** What only a cluster Kubeside runs itself can do: change its nodes. */
export interface NodeOperations {
  /** Adds a worker (or control-plane) node and resolves with its name once it is registered. */
  add(options?: { controlPlane?: boolean }): Promise<string>;
  /** The node stops heartbeating: after the grace period it goes NotReady and its pods are evicted. */
  fail(name: string): Promise<void>;
  recover(name: string): Promise<void>;
  cordon(name: string): Promise<void>;
  uncordon(name: string): Promise<void>;
  /** Cordons, then evicts the node's pods through the eviction API (honouring disruption budgets). */
  drain(name: string): Promise<void>;
  /** Nodes whose kubelet has been failed on purpose (they are still Nodes in the API). */
  failed(): readonly string[];
}

/** An etcd-style backup of the whole cluster state. */
export interface SnapshotOperations {
  /** Writes a snapshot file and resolves with the store revision it holds. */
  save(file: string): Promise<{ revision: number }>;
  /** Replaces the cluster's state with a snapshot's (the cluster restarts on it). */
  restore(file: string): Promise<{ revision: number }>;
}

export interface ClusterBackend {
  /** `embedded` or the kubeconfig context's name, for the status bar and messages. */
  readonly name: string;
  /** The API server's URL, when it has one a user's kubectl can reach. */
  readonly server?: string;
  /** A kubeconfig file for this cluster (the embedded cluster writes one), for terminals. */
  readonly kubeconfigPath?: string;
  /** Present on the embedded cluster only. */
  readonly nodes?: NodeOperations;
  readonly snapshots?: SnapshotOperations;

  /** A list+watch source for an informer over one resource type. */
  listerWatcher(type: ResourceType, namespace?: string): ListerWatcher<KubeObj>;
  /** How an apiVersion and kind are served (built-in or custom), or undefined when they are not. */
  resourceFor(apiVersion: string, kind: string): Promise<ServedResource | undefined>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObj | undefined>;
  /** Server-side apply of one whole object; resolves with what the server stored (or would store). */
  apply(obj: KubeObj, options?: ApplyOptions): Promise<KubeObj>;
  patch(ref: ObjectRef, patchType: PatchType, patch: unknown, subresource?: string): Promise<KubeObj>;
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>;
  /** A container's log (the pods/log subresource). */
  logs(namespace: string, pod: string, container: string | undefined, options?: LogOptions): Promise<string>;
  /** Streams a container's log as it grows, until disposed or the container ends. */
  followLogs(namespace: string, pod: string, container: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd?: (err?: Error) => void): Disposable;
  /** Stops what the backend started (the embedded cluster, kept-alive connections). */
  dispose(): Promise<void>;
}

/** A cluster Kubeside runs itself (the embedded one): its nodes and snapshots can be changed, and it can start over. */
export interface LocalClusterBackend extends ClusterBackend {
  readonly nodes: NodeOperations;
  readonly snapshots: SnapshotOperations;
  /** Throws the cluster away and starts a new one (in the same state directory, emptied). */
  reset(): Promise<void>;
  /** Settles, with why, if the cluster stops without being disposed (its thread ended); never otherwise. */
  readonly exited?: Promise<Error>;
  /** Why the cluster stopped without being disposed, once it has. */
  readonly lost?: Error;
}
