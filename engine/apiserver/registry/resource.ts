// One resource's storage in the store, as kube-apiserver's etcd3 storage layer keeps it: the key
// layout (`/registry/services/specs/<ns>/<name>`, `/registry/minions/<name>`…), objects as JSON with
// their resourceVersion taken from the store's modRevision, and the compare-and-swap loop every
// write goes through (GuaranteedUpdate).
import type { KindInfo } from '../../api/kinds/index';
import { apiVersionOf } from '../../api/kinds/index';
import { prefixEnd, registryKey, type KeyValue, type Store } from '../../store/index';
import type { Obj, Strategy } from './strategy';

/** Resources whose etcd prefix is not their plural name (kube-apiserver's storage quirks, kept for fidelity). */
const storagePrefixes: Record<string, string> = {
  '/services': 'services/specs',
  '/nodes': 'minions',
  'networking.k8s.io/ingresses': 'ingress',
};

/** Groups whose resources are stored under `/registry/<group>/<resource>` (CRDs and custom resources). */
const groupedStorage = new Set(['apiextensions.k8s.io']);

export class ResourceStorage {
  readonly prefix: string;
  readonly apiVersion: string;

  constructor(readonly info: KindInfo, readonly strategy: Strategy, private readonly store: Store, readonly custom = false) {
    const resource = storagePrefixes[`${info.group}/${info.plural}`] ?? info.plural;
    this.prefix = registryKey({ resource, ...(custom || groupedStorage.has(info.group) ? { group: info.group } : {}) });
    this.apiVersion = apiVersionOf(info.group, info.version);
  }

  key(namespace: string | undefined, name: string): string {
    return this.info.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The prefix of a namespace's objects, or of all of them. */
  collectionPrefix(namespace: string | undefined): string {
    return this.info.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  rangeEnd(prefix: string): string {
    return prefixEnd(prefix) ?? '\uffff';
  }

  /** Decodes a stored object, stamping its resourceVersion and type (each call returns a fresh copy). */
  decode(kv: KeyValue): Obj {
    const obj = JSON.parse(typeof kv.value === 'string' ? kv.value : new TextDecoder().decode(kv.value)) as Obj;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.info.kind;
    (obj.metadata ??= {}).resourceVersion = String(kv.modRevision);
    return obj;
  }

  /** Encodes for storage: the resourceVersion lives in the store's revision, never in the value. */
  encode(obj: Obj): string {
    const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
    return JSON.stringify({ ...obj, apiVersion: this.apiVersion, kind: this.info.kind, metadata });
  }

  getKV(namespace: string | undefined, name: string): KeyValue | undefined {
    return this.store.get(this.key(namespace, name));
  }

  get(namespace: string | undefined, name: string): Obj | undefined {
    const kv = this.getKV(namespace, name);
    return kv ? this.decode(kv) : undefined;
  }

  /** Every object under a namespace (or all), at the current revision. */
  listAll(namespace: string | undefined): Obj[] {
    const prefix = this.collectionPrefix(namespace);
    return this.store.range(prefix, { end: this.rangeEnd(prefix) }).kvs.map((kv) => this.decode(kv));
  }
}
