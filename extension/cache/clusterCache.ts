// The extension's view of a cluster: one informer per resource type the views show, each an indexed
// local cache fed by list+watch through the ClusterBackend. Views read from here (never from the API
// on a redraw) and hear about changes in batches, so a burst of watch events (a 1,000-pod scale-up)
// becomes a handful of targeted refreshes. Secret values never enter the cache: they are redacted on
// the way in and fetched from the cluster only when a user asks to reveal one.
import type { IndexFunc } from '../../engine/client/indexer';
import { Informer } from '../../engine/client/informer';
import type { ListerWatcher, WatchEvent } from '../../engine/client/types';
import { type Clock, RealClock, type Timer } from '../../engine/util/clock';
import type { ClusterBackend, Disposable, KubeObj, ObjectRef, ResourceType } from '../backend/clusterBackend';

/** Every resource type the extension's views show, by a short name used throughout the extension. */
export const watchedResources = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  persistentvolumes: { group: '', version: 'v1', resource: 'persistentvolumes' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  horizontalpodautoscalers: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  events: { group: '', version: 'v1', resource: 'events' },
} as const satisfies Record<string, ResourceType>;

export type WatchedKind = keyof typeof watchedResources;

export const watchedKinds = Object.keys(watchedResources) as WatchedKind[];

/** The Kubernetes kind of each watched resource. */
export const kindOf: Record<WatchedKind, string> = {
  namespaces: 'Namespace',
  nodes: 'Node',
  pods: 'Pod',
  services: 'Service',
  endpointslices: 'EndpointSlice',
  ingresses: 'Ingress',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  persistentvolumes: 'PersistentVolume',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  events: 'Event',
};

/** The watched resource of each Kubernetes kind the views show: kindOf the other way round. */
export const watchedKindOf: Readonly<Record<string, WatchedKind | undefined>> = Object.fromEntries(watchedKinds.map((k) => [kindOf[k], k]));

/** The ref of a cached object of a watched kind: what views hand to commands. */
export function refOf(kind: WatchedKind, obj: KubeObj): ObjectRef & { kind: string } {
  const namespace: string | undefined = obj.metadata?.namespace;
  return { type: watchedResources[kind], ...(namespace ? { namespace } : {}), name: obj.metadata?.name ?? '', kind: kindOf[kind] };
}

/** The secondary indexes every cache keeps: by namespace, by the node a pod runs on, by controller uid. */
export type IndexName = 'namespace' | 'node' | 'controller';

const indexers: Record<IndexName, IndexFunc<KubeObj>> = {
  namespace: (o) => [o.metadata?.namespace ?? ''],
  node: (o) => (o.spec?.nodeName ? [o.spec.nodeName] : []),
  controller: (o) => (o.metadata?.ownerReferences ?? []).filter((r: KubeObj) => r.controller).map((r: KubeObj) => r.uid),
};

export interface CacheChange {
  readonly kind: WatchedKind;
  readonly type: 'added' | 'modified' | 'deleted';
  /** The object after the change (for a deletion: as it was last seen). */
  readonly object: KubeObj;
  /** The object before a modification. */
  readonly old?: KubeObj;
}

export interface ClusterCacheOptions {
  /** Real time by default; tests pass a virtual clock. */
  readonly clock?: Clock;
  /** How long changes are gathered before listeners hear of them (default 50 ms). */
  readonly batchMs?: number;
  /** Which resource types to watch (default all of watchedResources). */
  readonly kinds?: readonly WatchedKind[];
}

/** Replaces each Secret value by an empty string: keys stay visible, values only on request. */
export function redactSecret(secret: KubeObj): KubeObj {
  const blank = (data?: Record<string, string>) => (data ? Object.fromEntries(Object.keys(data).map((k) => [k, ''])) : undefined);
  const { data, stringData, ...rest } = secret;
  const redacted: KubeObj = { ...rest };
  if (data) redacted.data = blank(data);
  if (stringData) redacted.stringData = blank(stringData);
  // kubectl's client-side apply copies the whole object, values included, into this annotation.
  const annotations = secret.metadata?.annotations;
  if (annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    const { ['kubectl.kubernetes.io/last-applied-configuration']: _, ...others } = annotations;
    redacted.metadata = { ...secret.metadata, annotations: others };
  }
  return redacted;
}

/**
 * The object without its managedFields, which the views never show (a read for the details page has
 * them): often the larger part of a small object, as client-go's informers drop them with a transform.
 */
export function withoutManagedFields(obj: KubeObj): KubeObj {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** `source` with each object it lists or watches passed through `transform` on the way in. */
function transformed(source: ListerWatcher<KubeObj>, transform: (obj: KubeObj) => KubeObj): ListerWatcher<KubeObj> {
  return {
    list: async (o) => {
      const list = await source.list(o);
      return { ...list, items: list.items.map(transform) };
    },
    watch: (o, onEvent, onClose) => source.watch(o, (e: WatchEvent<KubeObj>) => onEvent(e.type === 'BOOKMARK' || e.type === 'ERROR' ? e : { ...e, object: transform(e.object) }), onClose),
  };
}

const redactedWithoutManagedFields = (secret: KubeObj) => redactSecret(withoutManagedFields(secret));

export class ClusterCache {
  private readonly informers = new Map<WatchedKind, Informer<KubeObj>>();
  private readonly listeners = new Set<(changes: readonly CacheChange[]) => void>();
  private readonly clock: Clock;
  private readonly batchMs: number;
  private pending: CacheChange[] = [];
  private timer: Timer | undefined;
  private disposed = false;

  constructor(backend: ClusterBackend, options: ClusterCacheOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this.batchMs = options.batchMs ?? 50;
    for (const kind of options.kinds ?? watchedKinds) {
      const source = backend.listerWatcher(watchedResources[kind]);
      const informer = new Informer<KubeObj>(transformed(source, kind === 'secrets' ? redactedWithoutManagedFields : withoutManagedFields), { clock: this.clock, indexers });
      informer.addEventHandler({
        onAdd: (object) => this.queue({ kind, type: 'added', object }),
        onUpdate: (old, object) => {
          if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.queue({ kind, type: 'modified', object, old });
        },
        onDelete: (object) => this.queue({ kind, type: 'deleted', object }),
      });
      this.informers.set(kind, informer);
    }
  }

  /** Starts every informer and resolves once each has its first list (the views can draw). */
  async start(): Promise<void> {
    for (const informer of this.informers.values()) informer.start();
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  get synced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced);
  }

  list(kind: WatchedKind): KubeObj[] {
    return [...(this.informers.get(kind)?.store.list() ?? [])];
  }

  count(kind: WatchedKind): number {
    return this.informers.get(kind)?.store.size ?? 0;
  }

  get(kind: WatchedKind, namespace: string | undefined, name: string): KubeObj | undefined {
    return this.informers.get(kind)?.store.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Objects of a kind by a secondary index: `byIndex('pods', 'node', 'worker-1')`. */
  byIndex(kind: WatchedKind, index: IndexName, value: string): KubeObj[] {
    return this.informers.get(kind)?.store.byIndex(index, value) ?? [];
  }

  /** Hears batches of changes (gathered for `batchMs`), in the order the cluster made them. */
  onDidChange(listener: (changes: readonly CacheChange[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Delivers pending changes now (tests, and a view that is about to read). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const changes = this.pending;
    if (changes.length === 0) return;
    this.pending = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (err) {
        // One broken view must not starve the others of updates.
        console.error('kubeside: a cluster view failed to apply changes', err);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    for (const informer of this.informers.values()) informer.stop();
    this.listeners.clear();
  }

  private queue(change: CacheChange): void {
    if (this.disposed) return;
    this.pending.push(change);
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.batchMs);
  }
}
