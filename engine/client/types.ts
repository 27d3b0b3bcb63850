// What the cluster's own components (and the extension) need from an API: list and watch one
// resource, with Kubernetes' resourceVersion semantics. The in-process API server and the REST
// client both provide it, so informers work the same against the embedded cluster and a real one.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[];
  deletionTimestamp?: string;
}

/** Any Kubernetes object: plain JSON with metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchHandle {
  stop(): void;
}

export interface ListerWatcher<T extends KubeObject> {
  list(options: { resourceVersion?: string }): Promise<ListResult<T>>;
  /**
   * Streams every change after `resourceVersion`. `onClose` is called once when the stream ends:
   * with no error for a normal close, or with the error (a StatusError with code 410 means the
   * version is too old and the caller must list again).
   */
  watch(options: { resourceVersion: string; allowWatchBookmarks?: boolean }, onEvent: (e: WatchEvent<T>) => void, onClose: (err?: Error) => void): WatchHandle;
}

/** `namespace/name`, or `name` for cluster-scoped objects: client-go's MetaNamespaceKeyFunc. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
