// One watch on the store: a bounded buffer of events between the store and one consumer. The store
// fills it as revisions commit while the watch is synced; a watch whose consumer falls behind is
// moved to the unsynced group and refills from history on its own pulls, so neither writers nor
// other watches wait on it (etcd's watchableStore: synced/unsynced groups, server/storage/mvcc).

import { StoreError } from './errors';
import type { WatchEvent } from './types';

export interface WatchOptions {
  /** Watch this key, or with `end` the range [key, end). */
  key: string;
  /** Exclusive end of the watched range; `prefixEnd(prefix)` watches a prefix. */
  end?: string;
  /**
   * Deliver every event after this revision (Kubernetes' resourceVersion semantics: events with
   * revision > sinceRevision). Omitted or 0 means "from now on".
   */
  sinceRevision?: number;
  /** Attach the previous key-value to each event (etcd's WithPrevKV). */
  prevKv?: boolean;
}

/** One delivery to the consumer. */
export interface WatchResponse {
  events: WatchEvent[];
  /**
   * Every event of this watch with a revision up to and including this one has been delivered:
   * what the API server reports as a bookmark's resourceVersion.
   */
  revision: number;
  /** Set when the response carries no events and only reports progress (etcd's progress notify). */
  progressNotify?: boolean;
}

/** What a Watch needs from its store; implemented by MvccStore. */
export interface WatchHost {
  readonly revision: number;
  /** Moves events after `watch.nextRevision - 1` into the watch's buffer; see MvccStore.catchUp. */
  catchUp(watch: Watch): void;
  /** Called once when the watch ends, to drop it from the store's groups. */
  removeWatch(watch: Watch): void;
}

let nextWatchId = 1;

export class Watch implements AsyncIterableIterator<WatchResponse, undefined> {
  readonly id = nextWatchId++;
  readonly key: string;
  readonly end: string | undefined;
  readonly prevKv: boolean;
  /** Events ready for the consumer. */
  buffer: WatchEvent[] = [];
  /** The first revision not yet in `buffer` or delivered; the catch-up point while unsynced. */
  nextRevision: number;
  /** Revision of the last event put in `buffer`; a revision's events always travel together. */
  lastRevision = 0;
  /** True while the store pushes commits into this watch directly. */
  synced = false;
  /** Why the store ended this watch, delivered after the events already buffered. */
  private failure: StoreError | undefined;
  private ended = false;
  private progressRequested = false;
  private waiter: { resolve: (r: IteratorResult<WatchResponse, undefined>) => void; reject: (e: unknown) => void } | undefined;

  constructor(
    private readonly host: WatchHost,
    options: WatchOptions,
    /** Events buffered before the store stops pushing and the watch must catch up from history. */
    readonly bufferLimit: number,
  ) {
    this.key = options.key;
    this.end = options.end;
    this.prevKv = options.prevKv ?? false;
    this.nextRevision = (options.sinceRevision || host.revision) + 1;
  }

  matches(key: string): boolean {
    return this.end === undefined ? key === this.key : key >= this.key && key < this.end;
  }

  /** True once the watch ended: cancelled by its consumer or by the store. */
  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /**
   * While the consumer waits on a synced watch with nothing buffered, it has been handed, and has
   * done with, every commit up to the store's revision: that revision. Otherwise undefined.
   */
  get idleThrough(): number | undefined {
    return this.waiter && this.synced && this.buffer.length === 0 && !this.closed ? this.host.revision : undefined;
  }

  /** Why the store cancelled this watch, if it did. */
  get cancelReason(): StoreError | undefined {
    return this.failure;
  }

  /** Stops the watch; a pending `next()` resolves as done. */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer = [];
    this.host.removeWatch(this);
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve({ done: true, value: undefined });
  }

  /**
   * Asks for a progress notification (etcd's RequestProgress): once every event up to the current
   * revision has been delivered, the consumer receives an empty response carrying that revision.
   */
  requestProgress(): void {
    this.progressRequested = true;
    this.wake();
  }

  /** Called by the store after it appended to `buffer` or changed state. */
  wake(): void {
    const w = this.waiter;
    if (!w) return;
    const r = this.take();
    if (r === undefined) return;
    this.waiter = undefined;
    if (r instanceof StoreError) w.reject(r);
    else w.resolve(r);
  }

  /** Called by the store when the watch cannot continue; buffered events are still delivered first. */
  fail(reason: StoreError): void {
    if (this.closed) return;
    this.failure = reason;
    this.host.removeWatch(this);
    this.wake();
  }

  next(): Promise<IteratorResult<WatchResponse, undefined>> {
    if (this.waiter) return Promise.reject(new Error('Watch.next called while a previous call is pending'));
    const r = this.take();
    if (r instanceof StoreError) return Promise.reject(r);
    if (r !== undefined) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * Takes every event the store has for this watch now, without waiting (refilled from history
   * while unsynced): for an in-process consumer that must have seen each commit before it answers.
   * Throws the reason the store ended the watch; an ended watch gives nothing.
   */
  drain(): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (;;) {
      const r = this.take();
      if (r instanceof StoreError) throw r;
      if (r === undefined || r.done || r.value.events.length === 0) return events;
      for (const e of r.value.events) events.push(e);
    }
  }

  return(): Promise<IteratorResult<WatchResponse, undefined>> {
    this.cancel();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next thing to hand the consumer, or undefined when it must wait. */
  private take(): IteratorResult<WatchResponse, undefined> | StoreError | undefined {
    if (this.ended) return { done: true, value: undefined };
    if (this.buffer.length === 0 && !this.synced && this.failure === undefined) this.host.catchUp(this);
    if (this.buffer.length > 0) {
      const events = this.buffer;
      this.buffer = [];
      // A synced watch has been handed every commit so far; an unsynced one, up to its catch-up point.
      const revision = this.synced ? this.host.revision : this.nextRevision - 1;
      // A synced watch's response reports the current revision: it answers a pending progress request.
      if (this.synced) this.progressRequested = false;
      // Refill right away so a lagging consumer finds its next batch ready.
      if (!this.synced && this.failure === undefined) this.host.catchUp(this);
      return { done: false, value: { events, revision } };
    }
    if (this.failure !== undefined) {
      this.ended = true;
      return this.failure;
    }
    if (this.progressRequested && this.synced) {
      this.progressRequested = false;
      return { done: false, value: { events: [], revision: this.host.revision, progressNotify: true } };
    }
    return undefined;
  }
}
