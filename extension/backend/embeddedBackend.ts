// The engine's whole cluster running in the calling thread. With a state directory it is persisted
// there and also served on a loopback REST endpoint with a kubeconfig, so kubectl in a terminal sees
// the same cluster; without one it lives in memory (tests, on a virtual clock). Calls go straight to
// the in-process API server as the admin user, through the same authorization, admission and
// validation as every other client. The extension runs it in a thread of its own (ThreadedBackend).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StatusError } from '../../engine/api/errors';
import { ApiClient } from '../../engine/apiserver/client';
import type { ListerWatcher } from '../../engine/client/types';
import { Cluster } from '../../engine/cluster/index';
import { restoreStateDir, type StartedServer, startServer } from '../../engine/http/index';
import type { Clock } from '../../engine/util/clock';
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
} from './clusterBackend';

export interface EmbeddedOptions {
  /** Persist the cluster here and serve it on loopback; without it the cluster lives in memory. */
  readonly stateDir?: string;
  /** Worker nodes of a new cluster (default 3). */
  readonly workers?: number;
  /** Control-plane nodes of a new cluster (default 1). */
  readonly controlPlaneNodes?: number;
  /** Real time by default; tests pass a virtual clock. */
  readonly clock?: Clock;
  readonly seed?: number;
}

const fieldManager = 'kubeside';

/** Runs a call against the in-process API server, turning its Status errors into ClusterErrors. */
async function call<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StatusError) throw ClusterError.fromStatus(err.status);
    throw err;
  }
}

export class EmbeddedBackend implements LocalClusterBackend {
  readonly name = 'embedded';
  readonly nodes: NodeOperations;
  readonly snapshots: SnapshotOperations;
  private cluster!: Cluster;
  private served: StartedServer | undefined;
  private client!: ApiClient;

  private constructor(private readonly options: EmbeddedOptions) {
    const backend = this;
    this.nodes = {
      async add(o = {}) {
        const kubelet = await call(() => backend.cluster.addNode(undefined, { controlPlane: !!o.controlPlane }));
        return kubelet.nodeName;
      },
      fail: (name) => call(() => this.cluster.failNode(name)),
      recover: (name) => call(() => this.cluster.recoverNode(name)),
      cordon: (name) => call(() => this.cluster.cordon(name)),
      uncordon: (name) => call(() => this.cluster.uncordon(name)),
      drain: (name) => call(() => this.cluster.drain(name)),
      failed: () => this.cluster.nodeNames().filter((n) => this.cluster.kubelet(n)?.isRunning === false),
    };
    this.snapshots = {
      save: (file) => this.cluster.store.saveSnapshot(file),
      restore: (file) => this.restore(file),
    };
  }

  /** Starts the cluster (or brings a persisted one back) and resolves once its nodes are registered. */
  static async start(options: EmbeddedOptions = {}): Promise<EmbeddedBackend> {
    const backend = new EmbeddedBackend(options);
    await backend.boot();
    return backend;
  }

  get server(): string | undefined {
    return this.served?.url;
  }

  get kubeconfigPath(): string | undefined {
    return this.served?.kubeconfigPath;
  }

  /** The running engine, for tests and the CLI-style commands that need more than the seam offers. */
  get engine(): Cluster {
    return this.cluster;
  }

  listerWatcher(type: ResourceType, namespace?: string): ListerWatcher<KubeObj> {
    // Resolved per call, so informers keep working across a restore (which replaces the cluster).
    // The views never show managedFields: their caches share the trimmed objects the cluster's own
    // components hold, rather than keeping a second, whole copy of each.
    const options = { trimManagedFields: true };
    return {
      list: (o) => this.client.listerWatcher(type, namespace, options).list(o),
      watch: (o, onEvent, onClose) => this.client.listerWatcher(type, namespace, options).watch(o, onEvent, onClose),
    };
  }

  async resourceFor(apiVersion: string, kind: string): Promise<ServedResource | undefined> {
    const served = this.client.resourceFor(apiVersion, kind);
    return served ? { group: served.group, version: served.version, resource: served.resource, kind, namespaced: served.namespaced } : undefined;
  }

  get(ref: ObjectRef): Promise<KubeObj | undefined> {
    return call(() => this.client.tryGet(ref.type, ref.namespace, ref.name));
  }

  async apply(obj: KubeObj, options: ApplyOptions = {}): Promise<KubeObj> {
    const result = await call(() => this.client.apply(obj, options.fieldManager ?? fieldManager, { ...(options.force ? { force: true } : {}), ...(options.dryRun ? { dryRun: true } : {}) }));
    return result.object;
  }

  async patch(ref: ObjectRef, patchType: PatchType, patch: unknown, subresource?: string): Promise<KubeObj> {
    const result = await call(() => this.client.patch(ref.type, ref.namespace, ref.name, patchType, patch, { fieldManager }, subresource));
    return result.object;
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    await call(() => this.client.delete(ref.type, ref.namespace, ref.name, options));
  }

  logs(namespace: string, pod: string, container: string | undefined, options: LogOptions = {}): Promise<string> {
    return call(() => this.cluster.logs(namespace, pod, container, options));
  }

  followLogs(namespace: string, pod: string, container: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd?: (err?: Error) => void): Disposable {
    try {
      return this.cluster.followLogs(namespace, pod, container, options, onData, () => onEnd?.());
    } catch (err) {
      queueMicrotask(() => onEnd?.(err instanceof StatusError ? ClusterError.fromStatus(err.status) : (err as Error)));
      return { dispose() {} };
    }
  }

  async dispose(): Promise<void> {
    const served = this.served;
    // Served no more: a reset or restore whose start fails leaves no server to point at.
    this.served = undefined;
    if (served) await served.close();
    else await this.cluster?.stop();
  }

  /** Throws the cluster away and starts a new one (in the same state directory, emptied). */
  async reset(): Promise<void> {
    await this.dispose();
    if (this.options.stateDir) await fs.rm(this.options.stateDir, { recursive: true, force: true });
    await this.boot();
  }

  private async restore(file: string): Promise<{ revision: number }> {
    if (!this.options.stateDir) throw new Error('an in-memory cluster cannot restore a snapshot: it has no state directory');
    await this.dispose();
    try {
      const { revision } = await restoreStateDir(this.options.stateDir, file, this.cluster.clock);
      return { revision };
    } finally {
      // Whether the snapshot was good or not, the cluster runs again (on its previous state if not).
      await this.boot();
    }
  }

  private async boot(): Promise<void> {
    const { stateDir, workers, controlPlaneNodes, clock, seed } = this.options;
    const sizes = { ...(workers !== undefined ? { workers } : {}), ...(controlPlaneNodes !== undefined ? { controlPlaneNodes } : {}) };
    if (stateDir) {
      await fs.mkdir(path.dirname(stateDir), { recursive: true });
      this.served = await startServer({ stateDir, ...sizes, ...(clock ? { clock } : {}), ...(seed !== undefined ? { seed } : {}) });
      this.cluster = this.served.cluster;
      this.client = this.served.client;
    } else {
      this.cluster = await Cluster.start({ ...sizes, ...(clock ? { clock } : {}), ...(seed !== undefined ? { seed } : {}) });
      this.client = this.cluster.adminClient('kubeside');
    }
  }
}
