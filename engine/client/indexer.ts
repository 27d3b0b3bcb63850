// The informer's local cache: objects by `namespace/name` plus named secondary indexes (by
// namespace, by node, by owner…), so every lookup a controller makes is O(1), never a scan.
// After client-go's tools/cache ThreadSafeStore.
import { type KubeObject, objectKey } from './types';

export type IndexFunc<T> = (obj: T) => readonly string[];

export const byNamespace: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];
export const byOwnerUid: IndexFunc<KubeObject> = (obj) => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid);
export const byControllerUid: IndexFunc<KubeObject> = (obj) => (obj.metadata?.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid);

export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /**
   * By index name, then indexed value: the keys of the objects filed there, in the order they were
   * filed (client-go's Index, a set of keys per value).
   */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndex(name, fn);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index ${name} already exists`);
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): IterableIterator<T> {
    return this.items.values();
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** Objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): T[] {
    const filed = this.index(name).get(value);
    if (!filed) return [];
    const out: T[] = [];
    for (const key of filed) out.push(this.items.get(key)!);
    return out;
  }

  /** How many objects index `name` files under `value`, without materialising them. */
  countByIndex(name: string, value: string): number {
    return this.index(name).get(value)?.size ?? 0;
  }

  /**
   * Adds or replaces; returns the previous object. An index whose values for the object did not
   * change is left as it is, as client-go's updateSingleIndex does for the common case of one value.
   */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const values = fn(obj);
      const before = old ? fn(old) : none;
      if (values.length === 1 && before.length === 1 && values[0] === before[0]) continue;
      const index = this.indices.get(name)!;
      for (const v of before) removeFrom(index, v, key);
      for (const v of values) addTo(index, v, key);
    }
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  clear(): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
  }

  private index(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no index named ${name}`);
    return index;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) removeFrom(index, v, key);
    }
  }
}

const none: readonly string[] = [];

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let filed = index.get(value);
  if (!filed) index.set(value, (filed = new Set()));
  filed.add(key);
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const filed = index.get(value);
  if (!filed) return;
  filed.delete(key);
  if (filed.size === 0) index.delete(value);
}
