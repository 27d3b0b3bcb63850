// A shared informer: lists once, then watches from that resourceVersion, keeping an indexed local
// cache and telling handlers what changed. It relists when the watch says 410 Gone (the version was
// compacted away) and resumes from the last seen version after any other drop, so handlers see every
// change exactly as the cluster made it. After client-go's Reflector + sharedIndexInformer.
import type { Clock, Timer } from '../util/clock';
import { type IndexFunc, Indexer } from './indexer';
import { type KubeObject, type ListerWatcher, objectKey, type WatchEvent, type WatchHandle } from './types';

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  clock: Clock;
  indexers?: Record<string, IndexFunc<T>>;
  /** Re-deliver every cached object as an update this often (0: never), for level-triggered repair. */
  resyncPeriodMs?: number;
  /** First delay before re-watching after a dropped watch; doubles up to 30 s. */
  backoffMs?: number;
}

export class Informer<T extends KubeObject> {
  readonly store: Indexer<T>;
  private readonly handlers: EventHandlers<T>[] = [];
  private watchHandle: WatchHandle | undefined;
  private timer: Timer | undefined;
  private resyncTimer: Timer | undefined;
  private lastResourceVersion = '';
  private synced = false;
  private stopped = true;
  private backoff: number;
  private readonly syncWaiters: (() => void)[] = [];
  /** Counts of relists and re-watches, for tests and diagnostics. */
  readonly stats = { lists: 0, watches: 0, events: 0 };

  constructor(private readonly source: ListerWatcher<T>, private readonly options: InformerOptions<T>) {
    this.store = new Indexer<T>(options.indexers);
    this.backoff = options.backoffMs ?? 100;
  }

  addEventHandler(h: EventHandlers<T>): { dispose(): void } {
    this.handlers.push(h);
    // A late handler first hears of everything already cached, as client-go does.
    if (this.synced) for (const obj of this.store.list()) h.onAdd?.(obj);
    return { dispose: () => { const i = this.handlers.indexOf(h); if (i >= 0) this.handlers.splice(i, 1); } };
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** Resolves once the first list is in the cache and delivered to handlers. */
  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.listAndWatch();
    const period = this.options.resyncPeriodMs ?? 0;
    if (period > 0) {
      const tick = () => {
        if (this.stopped) return;
        for (const obj of this.store.list()) for (const h of this.handlers) h.onUpdate?.(obj, obj);
        this.resyncTimer = this.options.clock.setTimeout(tick, period);
      };
      this.resyncTimer = this.options.clock.setTimeout(tick, period);
    }
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.stop();
    this.watchHandle = undefined;
    this.timer?.cancel();
    this.resyncTimer?.cancel();
  }

  private async listAndWatch(): Promise<void> {
    if (this.stopped) return;
    let list;
    try {
      this.stats.lists++;
      list = await this.source.list({});
    } catch {
      this.retry(() => this.listAndWatch());
      return;
    }
    if (this.stopped) return;
    this.replace(list.items);
    this.lastResourceVersion = list.resourceVersion;
    this.backoff = this.options.backoffMs ?? 100;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    this.watch();
  }

  private watch(): void {
    if (this.stopped) return;
    this.stats.watches++;
    let closed = false;
    this.watchHandle = this.source.watch(
      { resourceVersion: this.lastResourceVersion, allowWatchBookmarks: true },
      (e) => { if (!closed) this.apply(e); },
      (err) => {
        if (closed) return;
        closed = true;
        this.watchHandle = undefined;
        if (this.stopped) return;
        if (err && (err as { code?: number }).code === 410) this.retry(() => this.listAndWatch(), 0);
        else this.retry(() => this.watch(), err ? undefined : 0);
      },
    );
  }

  private apply(e: WatchEvent<T>): void {
    this.stats.events++;
    const rv = e.object.metadata?.resourceVersion;
    if (e.type === 'ERROR') return;
    if (rv) this.lastResourceVersion = rv;
    switch (e.type) {
      case 'BOOKMARK':
        return;
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.store.upsert(e.object);
        for (const h of this.handlers) old ? h.onUpdate?.(old, e.object) : h.onAdd?.(e.object);
        return;
      }
      case 'DELETED': {
        const old = this.store.delete(objectKey(e.object));
        for (const h of this.handlers) h.onDelete?.(e.object ?? old);
        return;
      }
    }
  }

  /** Replaces the cache with a fresh list, telling handlers only what differs (client-go's Replace). */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.store.upsert(obj);
      for (const h of this.handlers) old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj);
    }
    for (const key of [...this.store.keys()]) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key)!;
      for (const h of this.handlers) h.onDelete?.(old);
    }
  }

  private retry(fn: () => void, delay = this.backoff): void {
    if (this.stopped) return;
    this.backoff = Math.min(this.backoff * 2, 30_000);
    this.timer = this.options.clock.setTimeout(fn, delay);
  }
}
