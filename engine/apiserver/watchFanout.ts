// One store watch per resource, shared by every API watch on it, as kube-apiserver's cacher hands
// each etcd event to its cacheWatchers: an event is decoded once for every watch's selectors and as
// the object every watch it reaches delivers (consumers never change what a watch gives: frozen
// under the mutation detector, see util/mutationDetector.ts), and a
// watch whose field selector pins a trigger field (a pod's spec.nodeName, kube-apiserver's pod
// trigger function) is offered only the events of objects with that value — so 5,000 kubelets'
// watches cost nothing when a pod on another node changes.
import { withoutManagedFields } from '../api/meta/managedFields';
import { shareReadOnly } from '../util/mutationDetector';
import type { Store, Watch, WatchEvent } from '../store/index';
import type { Obj } from './registry/strategy';

/** An event's objects, decoded at most once and only when some watch asks; never to be mutated. */
export interface SharedDecode {
  obj(): Obj | undefined;
  /** `obj()` without metadata.managedFields, for watches that trim them; shares all else with it. */
  trimmed(): Obj | undefined;
  prev(): Obj | undefined;
}

export interface FanoutListener {
  /** The watched key, or with `end` the range [key, end). */
  readonly key: string;
  readonly end: string | undefined;
  /** The value its selector requires of the trigger field; undefined to be offered every event. */
  readonly trigger: string | undefined;
  /** Events up to this revision were delivered already, or precede the watch. */
  deliveredThrough: number;
  onEvent(e: WatchEvent, shared: SharedDecode): void;
  /** Every event up to `revision` has been offered (a progress notification of the store watch). */
  onProgress(revision: number): void;
  /** The shared store watch ended (compacted away, cancelled, store closed). */
  onEnd(err: unknown): void;
}

export class WatchFanout {
  /** Every event up to this revision has been offered to the listeners. */
  position: number;
  /**
   * Every event up to this revision has been offered and indexed. It trails `position` only while
   * the events of one revision are being offered, should a listener look at the index meanwhile.
   */
  settled: number;
  private readonly everyEvent = new Set<FanoutListener>();
  private readonly byTrigger = new Map<string, Set<FanoutListener>>();
  private readonly watch: Watch;
  private ended = false;
  /**
   * Per key, the last version some watch had decoded, shared and trimmed: the next event's previous
   * version is that one, so selectors and triggers reading it (a kubelet's watch, on every write of
   * a pod on its node) need not decode it again. Trimming watchers' caches hold the same objects.
   */
  private readonly lastDecoded = new Map<string, { revision: number; obj: Obj }>();
  /**
   * The keys of objects by their trigger value as of `position` (kube-apiserver's watch cache keeps
   * such an index on a pod's spec.nodeName), built on first use and then kept by every event.
   */
  private triggerIndex: { keys: Map<string, Set<string>>; valueOf: Map<string, string> } | undefined;

  constructor(
    private readonly store: Store,
    private readonly key: string,
    private readonly rangeEnd: string,
    private readonly decode: (kv: WatchEvent['kv']) => Obj,
    /** The trigger field's value of an object, for resources that have one. */
    private readonly triggerOf: ((obj: Obj) => string | undefined) | undefined,
    /** Called once the last listener left or the store watch ended. */
    private readonly onIdle: () => void,
  ) {
    this.position = this.settled = store.revision;
    this.watch = store.watch({ key, end: rangeEnd, sinceRevision: this.position, prevKv: true });
    void this.run();
  }

  get closed(): boolean {
    return this.ended;
  }

  add(l: FanoutListener): void {
    if (l.trigger === undefined || !this.triggerOf) {
      this.everyEvent.add(l);
      return;
    }
    let set = this.byTrigger.get(l.trigger);
    if (!set) this.byTrigger.set(l.trigger, (set = new Set()));
    set.add(l);
  }

  remove(l: FanoutListener): void {
    if (!this.everyEvent.delete(l) && l.trigger !== undefined) {
      const set = this.byTrigger.get(l.trigger);
      set?.delete(l);
      if (set?.size === 0) this.byTrigger.delete(l.trigger);
    }
    if (this.everyEvent.size === 0 && this.byTrigger.size === 0) this.end(undefined);
  }

  /**
   * Moves `position` up to the store's revision when the store watch is idle (its events all
   * offered, none waiting): writes elsewhere in the store do not leave it behind.
   */
  catchUp(): number {
    const idle = this.ended ? undefined : this.watch.idleThrough;
    if (idle !== undefined && idle > this.position) this.position = this.settled = idle;
    return this.position;
  }

  /**
   * The keys whose object's trigger value is `value` as of `settled`, and perhaps some events of
   * the revision after it. The first call reads every object at `position` once; from then on
   * events keep the answer current. Undefined for a resource without a trigger field, a closed
   * fanout, or a position already compacted.
   */
  keysWithTrigger(value: string): ReadonlySet<string> | undefined {
    if (!this.triggerOf || this.ended) return undefined;
    if (!this.triggerIndex) {
      if (this.position < this.store.compactRevision) return undefined;
      this.triggerIndex = { keys: new Map(), valueOf: new Map() };
      for (const kv of this.store.range(this.key, { end: this.rangeEnd, revision: this.position }).kvs) {
        this.index(kv.key, this.triggerOf(this.decode(kv)));
      }
    }
    return this.triggerIndex.keys.get(value) ?? noKeys;
  }

  /** Asks the store for a progress notification, which every listener then hears of. */
  requestProgress(): void {
    this.watch.requestProgress();
  }

  private async run(): Promise<void> {
    try {
      for await (const resp of this.watch) {
        for (const e of resp.events) this.dispatch(e);
        if (resp.revision > this.position) this.position = resp.revision;
        this.settled = this.position;
        if (resp.progressNotify) for (const l of this.listeners()) l.onProgress(resp.revision);
      }
      this.end(undefined);
    } catch (err) {
      this.end(err);
    }
  }

  private dispatch(e: WatchEvent): void {
    const rev = e.kv.modRevision;
    // A watch that starts while this revision is being offered replays all of it from history.
    this.position = rev;
    let obj: Obj | undefined;
    let trimmed: Obj | undefined;
    let prev: Obj | undefined;
    const key = e.kv.key;
    const last = this.lastDecoded.get(key);
    const shared: SharedDecode = {
      obj: () => (e.type === 'PUT' ? (obj ??= shareReadOnly(this.decode(e.kv))) : undefined),
      trimmed: () => (e.type === 'PUT' ? (trimmed ??= shareReadOnly(withoutManagedFields(shared.obj()!))) : undefined),
      prev: () => (e.prevKv ? (prev ??= last?.revision === e.prevKv.modRevision ? last.obj : this.decode(e.prevKv)) : undefined),
    };
    try {
      if (this.triggerIndex) this.index(key, e.type === 'PUT' ? this.triggerOf!(shared.obj()!) : undefined);
      this.offer(e, shared);
    } finally {
      if (obj) this.lastDecoded.set(key, { revision: rev, obj: shared.trimmed()! });
      else if (last) this.lastDecoded.delete(key);
    }
  }

  private offer(e: WatchEvent, shared: SharedDecode): void {
    const rev = e.kv.modRevision;
    const offer = (l: FanoutListener) => {
      if (rev > l.deliveredThrough && (l.end === undefined ? e.kv.key === l.key : e.kv.key >= l.key && e.kv.key < l.end)) l.onEvent(e, shared);
    };
    for (const l of this.everyEvent) offer(l);
    if (this.byTrigger.size === 0 || !this.triggerOf) return;
    const now = shared.obj() ? this.triggerOf(shared.obj()!) : undefined;
    const before = shared.prev() ? this.triggerOf(shared.prev()!) : undefined;
    if (now !== undefined) for (const l of this.byTrigger.get(now) ?? []) offer(l);
    if (before !== undefined && before !== now) for (const l of this.byTrigger.get(before) ?? []) offer(l);
  }

  /** Files `key` under its object's trigger value now (undefined: none, or deleted). */
  private index(key: string, value: string | undefined): void {
    const index = this.triggerIndex!;
    const before = index.valueOf.get(key);
    if (before === value) return;
    if (before !== undefined) {
      const keys = index.keys.get(before)!;
      keys.delete(key);
      if (keys.size === 0) index.keys.delete(before);
      index.valueOf.delete(key);
    }
    if (value === undefined) return;
    let keys = index.keys.get(value);
    if (!keys) index.keys.set(value, (keys = new Set()));
    keys.add(key);
    index.valueOf.set(key, value);
  }

  private listeners(): FanoutListener[] {
    return [...this.everyEvent, ...[...this.byTrigger.values()].flatMap((s) => [...s])];
  }

  private end(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.watch.cancel();
    const listeners = this.listeners();
    this.everyEvent.clear();
    this.byTrigger.clear();
    this.lastDecoded.clear();
    this.triggerIndex = undefined;
    this.onIdle();
    for (const l of listeners) l.onEnd(err);
  }
}

const noKeys: ReadonlySet<string> = new Set();
