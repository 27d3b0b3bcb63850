// The embedded cluster as the extension runs it: in a worker thread of its own (clusterThread.ts),
// served on loopback with its token, and reached through its REST API as any kubeconfig cluster is
// (KubeconfigBackend). The cluster's work — every API write, every controller, kubelet and probe —
// then never holds up the extension host's event loop, which the whole of VS Code's extensions
// share; and the thread gets a larger young generation than the host's, which its allocation rate
// wants. Node operations, snapshots and reset go to the thread as calls over its message port.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type ApplyOptions,
  ClusterError,
  type DeleteOptions,
  type Disposable,
  type KubeObj,
  type LocalClusterBackend,
  type LogOptions,
  type NodeOperations,
  type ObjectRef,
  type PatchType,
  type ResourceType,
  type ServedResource,
  type SnapshotOperations,
  type StatusCause,
} from './clusterBackend';
import { KubeconfigBackend } from './kubeconfigBackend';
import type { ListerWatcher } from '../../engine/client/types';

/** What the thread starts its cluster with (EmbeddedOptions without a clock: the thread keeps real time). */
export interface ThreadInit {
  readonly stateDir: string;
  readonly workers?: number;
  readonly controlPlaneNodes?: number;
  readonly seed?: number;
}

/** A call to the thread: the operations the REST API does not offer. */
export type ThreadCall = { readonly id: number } & (
  | { readonly op: 'nodes.add'; readonly controlPlane?: boolean }
  | { readonly op: 'nodes.fail' | 'nodes.recover' | 'nodes.cordon' | 'nodes.uncordon' | 'nodes.drain'; readonly name: string }
  | { readonly op: 'snapshots.save' | 'snapshots.restore'; readonly file: string }
  | { readonly op: 'reset' | 'dispose' }
);

/** Where the thread serves its cluster, and which nodes it has failed on purpose. */
export interface ThreadServing {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly failed: readonly string[];
}

export interface ThreadError {
  readonly message: string;
  readonly code?: number;
  readonly reason?: string;
  readonly causes?: StatusCause[];
}

export interface ThreadReply {
  readonly type: 'reply';
  readonly id: number;
  readonly value?: unknown;
  readonly error?: ThreadError;
  /** Where the cluster runs after the call, or undefined when it no longer runs. */
  readonly serving: ThreadServing | undefined;
}

export type ThreadMessage =
  | { readonly type: 'ready'; readonly serving: ThreadServing }
  | { readonly type: 'failed'; readonly error: ThreadError }
  | { readonly type: 'internalError'; readonly error: ThreadError }
  | ThreadReply;

export interface ThreadedOptions extends ThreadInit {
  /** The thread's script; default `clusterThread.js` beside this bundle. */
  readonly threadFile?: string;
  /**
   * The cluster thread ended without being disposed (it crashed, or ran out of memory): the views
   * should say so. Calls still waiting are refused with the same error.
   */
  readonly onExit?: (error: Error, backend: ThreadedBackend) => void;
  /** An exception nothing in the thread caught: the cluster keeps running, and the error is reported here. */
  readonly onInternalError?: (error: Error) => void;
  /** How long the thread may take to serve its cluster before the start fails (default 2 minutes). */
  readonly startTimeoutMs?: number;
}

/**
 * The young generation the cluster thread may grow to: 48 MB, semi-spaces of 16 MB, V8's default on
 * a 64-bit machine, stated so the thread's heap is the one `npm run bench cluster` measures. Larger
 * semi-spaces (64 MB) bought no throughput in interleaved runs, 10,000 pods on 500 nodes in 26.0–26.4 s
 * against 26.4–27.1 s, while each scavenge then copied more survivors and paused the thread 35–50 ms,
 * so an API request arriving meanwhile waited longer: get p99 38–40 ms against 22–24 ms.
 */
export const youngGenerationMb = 48;

const disposeTimeoutMs = 10_000;
const defaultStartTimeoutMs = 120_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toError(e: ThreadError): Error {
  return e.code !== undefined ? new ClusterError(e.message, e.code, e.reason ?? '', e.causes ?? []) : new Error(e.message);
}

export class ThreadedBackend implements LocalClusterBackend {
  readonly name = 'embedded';
  readonly nodes: NodeOperations;
  readonly snapshots: SnapshotOperations;
  private rest!: KubeconfigBackend;
  private where!: ThreadServing;
  private readonly waiting = new Map<number, { op: ThreadCall['op']; resolve(value: unknown): void; reject(err: Error): void }>();
  private nextId = 1;
  private disposed = false;
  /** Whether the thread took the state directory's lock (it did once its cluster was served). */
  private locked = false;
  /** Why the thread is being ended from here (a reset or restore left no cluster running). */
  private abandoned: Error | undefined;
  private lostWith!: (error: Error) => void;
  /** Settles when the thread ends without being disposed, with the error the views should show. */
  readonly exited = new Promise<Error>((resolve) => (this.lostWith = resolve));
  /** That error, once the thread has ended so (`exited` for those that cannot wait). */
  lost: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly options: ThreadedOptions,
  ) {
    const nodeCall = (op: 'nodes.fail' | 'nodes.recover' | 'nodes.cordon' | 'nodes.uncordon' | 'nodes.drain') => (name: string) => this.call({ op, name }) as Promise<void>;
    this.nodes = {
      add: (o = {}) => this.call({ op: 'nodes.add', ...(o.controlPlane ? { controlPlane: true } : {}) }) as Promise<string>,
      fail: nodeCall('nodes.fail'),
      recover: nodeCall('nodes.recover'),
      cordon: nodeCall('nodes.cordon'),
      uncordon: nodeCall('nodes.uncordon'),
      drain: nodeCall('nodes.drain'),
      failed: () => this.where.failed,
    };
    this.snapshots = {
      save: (file) => this.call({ op: 'snapshots.save', file }) as Promise<{ revision: number }>,
      restore: (file) => this.call({ op: 'snapshots.restore', file }) as Promise<{ revision: number }>,
    };
  }

  /** Starts the cluster thread and resolves once the cluster is served and its API answers. */
  static async start(options: ThreadedOptions): Promise<ThreadedBackend> {
    const init: ThreadInit = {
      stateDir: options.stateDir,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.controlPlaneNodes !== undefined ? { controlPlaneNodes: options.controlPlaneNodes } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    };
    const worker = new Worker(options.threadFile ?? path.join(__dirname, 'clusterThread.js'), {
      name: 'kubeside cluster',
      workerData: init,
      resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
    });
    const backend = new ThreadedBackend(worker, options);
    try {
      let onError!: (err: Error) => void;
      let onExit!: (code: number) => void;
      let onMessage!: (m: ThreadMessage) => void;
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = options.startTimeoutMs ?? defaultStartTimeoutMs;
      const serving = await new Promise<ThreadServing>((resolve, reject) => {
        onError = reject;
        onExit = (code) => reject(new Error(`the embedded cluster's thread ended while starting (exit code ${code})`));
        onMessage = (m) => {
          if (m.type === 'ready') resolve(m.serving);
          else if (m.type === 'failed') reject(toError(m.error));
        };
        worker.on('error', onError).on('exit', onExit).on('message', onMessage);
        timer = setTimeout(() => reject(new Error(`the embedded cluster did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      }).finally(() => {
        clearTimeout(timer);
        worker.off('error', onError).off('exit', onExit).off('message', onMessage);
      });
      backend.locked = true;
      backend.listen();
      await backend.adopt(serving, true);
    } catch (err) {
      backend.disposed = true;
      await worker.terminate();
      // A thread that never served its cluster never held the lock: another may hold it.
      if (backend.locked) await backend.releaseLock();
      throw err;
    }
    return backend;
  }

  get server(): string {
    return this.where.server;
  }

  get kubeconfigPath(): string {
    return this.where.kubeconfigPath;
  }

  listerWatcher(type: ResourceType, namespace?: string): ListerWatcher<KubeObj> {
    // Resolved per call, so informers keep working across a reset or restore (which serves anew).
    return {
      list: (o) => this.rest.listerWatcher(type, namespace).list(o),
      watch: (o, onEvent, onClose) => this.rest.listerWatcher(type, namespace).watch(o, onEvent, onClose),
    };
  }

  resourceFor(apiVersion: string, kind: string): Promise<ServedResource | undefined> {
    return this.rest.resourceFor(apiVersion, kind);
  }

  get(ref: ObjectRef): Promise<KubeObj | undefined> {
    return this.rest.get(ref);
  }

  apply(obj: KubeObj, options?: ApplyOptions): Promise<KubeObj> {
    return this.rest.apply(obj, options);
  }

  patch(ref: ObjectRef, patchType: PatchType, patch: unknown, subresource?: string): Promise<KubeObj> {
    return this.rest.patch(ref, patchType, patch, subresource);
  }

  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void> {
    return this.rest.delete(ref, options);
  }

  logs(namespace: string, pod: string, container: string | undefined, options?: LogOptions): Promise<string> {
    return this.rest.logs(namespace, pod, container, options);
  }

  followLogs(namespace: string, pod: string, container: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd?: (err?: Error) => void): Disposable {
    return this.rest.followLogs(namespace, pod, container, options, onData, onEnd);
  }

  /** Throws the cluster away and starts a new one in the same state directory, emptied. */
  async reset(): Promise<void> {
    await this.call({ op: 'reset' });
  }

  /**
   * Stops the cluster (its state stays on disk) and ends the thread; a thread that does not finish
   * stopping within 10 s is ended anyway (its store's write-ahead log keeps every acknowledged write).
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.rest?.dispose();
    let timer: NodeJS.Timeout | undefined;
    const stopped = this.call({ op: 'dispose' }, true).then(
      () => true,
      () => false,
    );
    const done = await Promise.race([stopped, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), disposeTimeoutMs)))]);
    clearTimeout(timer);
    await this.worker.terminate();
    // A thread that stopped its cluster let go of the lock itself; one ended before that could not.
    if (!done) await this.releaseLock();
  }

  private listen(): void {
    this.worker.on('message', (m: ThreadMessage) => {
      if (m.type === 'reply') void this.settle(m);
      else if (m.type === 'internalError') this.options.onInternalError?.(toError(m.error));
    });
    let crash: Error | undefined;
    this.worker.on('error', (err) => (crash = err));
    this.worker.on('exit', (code) => {
      const cause = this.abandoned ?? crash;
      const error = new Error(`the embedded cluster stopped${cause ? `: ${cause.message}` : ` (its thread exited with code ${code})`}`, { cause });
      const unexpected = !this.disposed;
      this.disposed = true;
      // Told before the calls waiting on the thread fail, so their callers find the cluster lost.
      if (unexpected) {
        this.lost = error;
        this.lostWith(error);
        this.options.onExit?.(error, this);
      }
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
      if (!unexpected) return;
      void this.rest?.dispose();
      // The thread held the state directory's lock under this process's id: let a new start take it.
      if (this.locked) this.releaseLock().catch(() => undefined);
    });
  }

  /**
   * A reply: follows the cluster to where it is served now, then settles its call. A reset or
   * restore after which no cluster runs (it could not start again) ends the thread: the cluster is lost.
   */
  private async settle(reply: ThreadReply): Promise<void> {
    const call = this.waiting.get(reply.id);
    if (!call) return;
    this.waiting.delete(reply.id);
    const replaces = call.op === 'reset' || call.op === 'snapshots.restore';
    const failure = reply.error ? toError(reply.error) : undefined;
    if (replaces && !reply.serving) {
      const error = failure ?? new Error('the embedded cluster did not start again');
      this.abandoned = error;
      call.reject(error);
      void this.worker.terminate();
      return;
    }
    try {
      // A reset or restore serves a new store, maybe with new credentials: always a new client then.
      if (reply.serving) await this.adopt(reply.serving, replaces);
    } catch (err) {
      // What the thread said went wrong comes first; the client that could not follow is its consequence.
      if (failure) (failure as Error & { cause?: unknown }).cause ??= err;
      call.reject(failure ?? (err as Error));
      return;
    }
    if (failure) call.reject(failure);
    else call.resolve(reply.value);
  }

  /** Takes `serving` as where the cluster is, with a new client when it was served anew. */
  private async adopt(serving: ThreadServing, anew: boolean): Promise<void> {
    this.where = serving;
    if (!anew) return;
    const previous = this.rest;
    this.rest = await KubeconfigBackend.connect({ kubeconfigPath: serving.kubeconfigPath });
    await previous?.dispose();
  }

  private call(call: DistributiveOmit<ThreadCall, 'id'>, evenIfDisposed = false): Promise<unknown> {
    if (this.disposed && !evenIfDisposed) return Promise.reject(new Error('the embedded cluster is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { op: call.op, resolve, reject });
      this.worker.postMessage({ ...call, id });
    });
  }

  private async releaseLock(): Promise<void> {
    const file = path.join(path.resolve(this.options.stateDir), 'serve.pid');
    const holder = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
    if (holder === String(process.pid)) await fs.rm(file, { force: true });
  }
}
