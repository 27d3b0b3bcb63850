// One resource's storage in the store, as kube-apiserver's etcd3 storage layer keeps it: the key
// layout (`/registry/services/specs/<ns>/<name>`, `/registry/minions/<name>`…), objects as JSON with
// their resourceVersion taken from the store's modRevision, and the compare-and-swap loop every
// write goes through (GuaranteedUpdate).
import { defaultInPlace } from '../../api/defaults/index';
import type { KindInfo } from '../../api/kinds/index';
import { apiVersionOf } from '../../api/kinds/index';
import { prefixEnd, registryKey, type KeyValue, type Store, type Value } from '../../store/index';
import { deepFreeze } from '../../util/mutationDetector';
import type { Obj, Strategy } from './strategy';

/** Resources whose etcd prefix is not their plural name (kube-apiserver's storage quirks, kept for fidelity). */
const storagePrefixes: Record<string, string> = {
  '/services': 'services/specs',
  '/nodes': 'minions',
  'networking.k8s.io/ingresses': 'ingress',
};

/** Groups whose resources are stored under `/registry/<group>/<resource>` (CRDs and custom resources). */
const groupedStorage = new Set(['apiextensions.k8s.io']);

/** How many of the latest writes per resource `decode` can copy instead of parsing. */
const writtenLimit = 256;

export class ResourceStorage {
  readonly prefix: string;
  readonly apiVersion: string;
  /**
   * Decoded objects for the server's own read-only lookups (authorization's bindings and roles,
   * admission's namespaces and service accounts), per stored version: these are read on nearly
   * every request and change rarely. Deep-frozen, since they are shared; they go with their key-value.
   */
  private readonly shared = new WeakMap<KeyValue, Obj>();
  /**
   * The objects the latest writes are storing, by key, with the text they are stored as: the watch
   * fan-out, the Node authorizer's graph and a quick next write decode that key-value soon after,
   * and copying the object (decodeWritten) costs half of parsing its text. Noted before the write
   * commits, since the fan-out may read the commit before the writer resumes; a key-value whose
   * value is not that text (another write won) is parsed as ever. A writer hands its object over
   * here and never changes it again.
   */
  private readonly written = new Map<string, { text: Value; obj: Obj }>();

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
    const written = this.written.get(kv.key);
    if (written !== undefined && written.text === kv.value) return this.decodeWritten(written.obj, kv);
    const obj = JSON.parse(typeof kv.value === 'string' ? kv.value : new TextDecoder().decode(kv.value)) as Obj;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.info.kind;
    (obj.metadata ??= {}).resourceVersion = String(kv.modRevision);
    return obj;
  }

  /**
   * What `decode(kv)` returns for the key-value a write just stored from `obj` (`kv.value` is
   * `encode(obj)`), built from `obj` instead of parsing the stored text again: a fresh copy with
   * JSON's treatment of every value and decode's stamps, so the two cannot be told apart.
   */
  decodeWritten(obj: Obj, kv: KeyValue): Obj {
    const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
    const out = jsonCopy({ ...obj, apiVersion: this.apiVersion, kind: this.info.kind, metadata }) as Obj;
    out.apiVersion = this.apiVersion;
    out.kind = this.info.kind;
    (out.metadata ??= {}).resourceVersion = String(kv.modRevision);
    return out;
  }

  /**
   * What `decode(kv)` returns, for consumers that share the result and never change it (the watch
   * fan-out hands one to every watcher). For the key-value a write just stored, it is built around
   * the writing object's own members instead of a copy, when they are already the JSON values a
   * decode would give (`isJsonValue`): only the top level and metadata are new, to carry the stamps.
   */
  decodeToShare(kv: KeyValue): Obj {
    const written = this.written.get(kv.key);
    if (written === undefined || written.text !== kv.value || !isJsonValue(written.obj)) return this.decode(kv);
    const { resourceVersion: _rv, ...metadata } = written.obj.metadata ?? {};
    metadata.resourceVersion = String(kv.modRevision);
    return { ...written.obj, apiVersion: this.apiVersion, kind: this.info.kind, metadata };
  }

  /**
   * The object `kv` stores, for a reader that neither changes nor keeps it (nor its resourceVersion,
   * apiVersion and kind, which may be missing): the object a write is storing when it is at hand,
   * else a decode.
   */
  peek(kv: KeyValue): Readonly<Obj> {
    const written = this.written.get(kv.key);
    return written !== undefined && written.text === kv.value ? written.obj : this.decode(kv);
  }

  /** Remembers that `obj`, encoded as `text`, is being written at `key`; `obj` must not change from now on. */
  noteWritten(key: string, text: Value, obj: Obj): void {
    if (!this.written.delete(key) && this.written.size >= writtenLimit) this.written.delete(this.written.keys().next().value!);
    this.written.set(key, { text, obj });
  }

  /**
   * encode, for a write of `obj` at `key` about to be sent to the store: the object is noted with
   * its text (noteWritten), so readers of the commit copy it instead of parsing the text.
   */
  encodeForWrite(key: string, obj: Obj): string {
    const text = this.encode(obj);
    this.noteWritten(key, text, obj);
    return text;
  }

  /** Encodes for storage: the resourceVersion lives in the store's revision, never in the value. */
  encode(obj: Obj): string {
    const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
    return JSON.stringify({ ...obj, apiVersion: this.apiVersion, kind: this.info.kind, metadata });
  }

  /** Applies this version's defaults to a decoded request body (the request's own copy), and returns it. */
  defaultInPlace(obj: Obj): Obj {
    return defaultInPlace(obj);
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

  /** The stored version decoded once and frozen, for readers that never change what they read. */
  sharedDecode(kv: KeyValue): Readonly<Obj> {
    let obj = this.shared.get(kv);
    if (!obj) this.shared.set(kv, (obj = deepFreeze(this.decode(kv))));
    return obj;
  }

  /** `get` for read-only lookups: the shared, frozen decode. */
  getShared(namespace: string | undefined, name: string): Readonly<Obj> | undefined {
    const kv = this.getKV(namespace, name);
    return kv ? this.sharedDecode(kv) : undefined;
  }

  /** `listAll` for read-only lookups: the shared, frozen decodes (in a new array). */
  listShared(namespace: string | undefined): Readonly<Obj>[] {
    const prefix = this.collectionPrefix(namespace);
    return this.store.range(prefix, { end: this.rangeEnd(prefix) }).kvs.map((kv) => this.sharedDecode(kv));
  }
}

/**
 * A copy of `v` as JSON.parse(JSON.stringify(v)) makes it, without the text in between: object
 * members that are undefined, functions or symbols are left out (in arrays they become null),
 * numbers that are not finite become null and -0 becomes 0, and toJSON is honoured (dates).
 */
export function jsonCopy(v: unknown): unknown {
  if (typeof v === 'object' && v !== null) {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return jsonCopy((v as { toJSON(key: string): unknown }).toJSON(''));
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        out[i] = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : jsonCopy(item);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const proto = Object.getPrototypeOf(v);
    // JSON takes own enumerable members. For the plain objects API objects are made of, for…in
    // gives exactly those without allocating an array of keys; anything else goes by Object.keys.
    if (proto === Object.prototype || proto === null) for (const k in v) copyMember(out, v as Record<string, unknown>, k);
    else for (const k of Object.keys(v)) copyMember(out, v as Record<string, unknown>, k);
    return out;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  return v;
}

/**
 * Whether `v` is already what `jsonCopy(v)` makes of it, so that sharing it is as good as a copy:
 * plain objects and dense arrays of strings, booleans, finite numbers (not -0) and null, with no
 * undefined member and nothing with a toJSON. Reads `v` without allocating.
 */
export function isJsonValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isJsonValue(v[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
      for (const k in v) if (!isJsonValue((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

function copyMember(out: Record<string, unknown>, from: Record<string, unknown>, k: string): void {
  const item = from[k];
  if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return;
  // JSON.parse makes "__proto__" an own member; plain assignment would set the prototype.
  if (k === '__proto__') Object.defineProperty(out, k, { value: jsonCopy(item), enumerable: true, writable: true, configurable: true });
  else out[k] = jsonCopy(item);
}

