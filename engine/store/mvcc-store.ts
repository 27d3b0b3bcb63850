// The embedded cluster's etcd, in memory: one global revision, a key index from each key to its
// revisions, the revision-ordered event history that watches replay, and compaction. Synchronous
// and free of I/O; persistence sits beside it (store.ts) and sees each commit through `onCommit`.
// Design after etcd's server/storage/mvcc (key index, watchable store, compaction).

import { StoreError, storeErrors } from './errors';
import { Lessor } from './lessor';
import { SortedIndex } from './sorted-index';
import type { Compare, KeyValue, LeaseInfo, RangeOptions, RangeResponse, RequestOp, ResponseOp, TxnRequest, TxnResponse, Value, WatchEvent } from './types';
import { flatten } from '../util/strings';
import { Watch, type WatchHost, type WatchOptions } from './watch';

export interface MvccStoreOptions {
  /** Events a watch may have buffered before it is moved to the unsynced group. */
  watchBufferLimit?: number;
  /**
   * An unsynced watch more than this many revisions behind the store is cancelled rather than
   * left to replay an ever longer history (kube-apiserver likewise closes watchers that stop
   * reading). Unlimited by default: compaction is then what ends a watch that never catches up.
   */
  watchMaxLagRevisions?: number;
  /**
   * Largest write accepted, in bytes of keys and values (etcd's --max-request-bytes, default
   * 1.5 MiB): kube-apiserver relies on it to refuse oversized objects.
   */
  maxRequestBytes?: number;
}

/**
 * A key's revisions since the compact revision, oldest first; a deletion is a tombstone key-value
 * with version 0. The last element is the key's current state.
 */
interface KeyEntry {
  readonly key: string;
  revisions: KeyValue[];
  /** The last element of `revisions`, kept beside it so current reads touch one object less. */
  last: KeyValue;
}

/** One committed change, as the persistence layer records it. */
export type Change = { type: 'put'; key: string; value: Value; lease: number } | { type: 'delete'; key: string };

/** A lease change, as the persistence layer records it. */
export type LeaseChange = { type: 'grant'; id: number; ttl: number } | { type: 'revoke'; id: number };

const emptyValue = '';

export class MvccStore implements WatchHost {
  /** The revision of the last applied commit. */
  private rev = 0;
  /**
   * The revision reads and watches see: every commit up to it is durable. Equal to `rev` unless a
   * persistence layer asked to hold commits back until their log records are synced.
   */
  private visibleRev = 0;
  private holdUntilDurable = false;
  private compactRev = 0;
  private readonly index = new Map<string, KeyEntry>();
  /** The same entries as `index`, in key order, for ranges. */
  private readonly keys = new SortedIndex<KeyEntry>();
  /** Every event after the compact revision, in revision order (events of one revision in op order). */
  private history: WatchEvent[] = [];
  /** Watches on a single key, by key, and watches on ranges: the synced group. */
  private readonly syncedByKey = new Map<string, Set<Watch>>();
  private readonly syncedRanges = new Set<Watch>();
  private readonly unsynced = new Set<Watch>();
  private readonly watchBufferLimit: number;
  private readonly watchMaxLag: number;
  private readonly maxRequestBytes: number;
  /** Events of the transaction being applied. */
  private pending: WatchEvent[] = [];
  private liveKeys = 0;
  private readonly lessor = new Lessor();

  /**
   * Called synchronously with every commit, before watches see it: the persistence layer appends
   * it to the log. Replays from the log do not call it.
   */
  onCommit: ((revision: number, events: readonly WatchEvent[]) => void) | undefined;
  onCompact: ((revision: number) => void) | undefined;
  onLease: ((change: LeaseChange) => void) | undefined;

  constructor(options: MvccStoreOptions = {}) {
    this.watchBufferLimit = options.watchBufferLimit ?? 1024;
    this.watchMaxLag = options.watchMaxLagRevisions ?? Infinity;
    this.maxRequestBytes = options.maxRequestBytes ?? 1.5 * 1024 * 1024;
  }

  /** The store's current revision as reads and watches see it; 0 for an empty store. */
  get revision(): number {
    return this.visibleRev;
  }

  /** The revision of the last applied commit, which may not be durable (and visible) yet. */
  get appliedRevision(): number {
    return this.rev;
  }

  /**
   * From now on, commits become visible to reads and watches only through `markDurable`: a
   * reader never sees a write that a crash could still take back. Compare-and-swap decisions
   * use every applied commit, so writers still serialize correctly.
   */
  holdCommitsUntilDurable(): void {
    this.holdUntilDurable = true;
  }

  /** Makes every commit up to `revision` visible, delivering their events to synced watches. */
  markDurable(revision: number): void {
    const to = Math.min(revision, this.rev);
    if (to <= this.visibleRev) return;
    const from = this.visibleRev;
    this.visibleRev = to;
    const h = this.history;
    let i = firstEventAtOrAfter(h, from + 1);
    while (i < h.length) {
      const rev = h[i]!.kv.modRevision;
      if (rev > to) break;
      let j = i + 1;
      while (j < h.length && h[j]!.kv.modRevision === rev) j++;
      this.notify(rev, h, i, j);
      i = j;
    }
    if (this.unsynced.size > 0 && this.watchMaxLag !== Infinity) this.cancelLaggingWatches();
  }

  /** Reads below this revision fail with `compacted`. */
  get compactRevision(): number {
    return this.compactRev;
  }

  /** Number of keys that currently exist. */
  get size(): number {
    return this.liveKeys;
  }

  /** Number of events kept for watches (history after the compact revision). */
  get historyLength(): number {
    return this.history.length;
  }

  /**
   * The newest revision that can be compacted without cancelling a watch: every watch has read
   * everything up to it (a watch that fell behind still needs the history after its position).
   */
  get watchedRevision(): number {
    let oldest = this.visibleRev;
    for (const w of this.unsynced) oldest = Math.min(oldest, w.nextRevision - 1);
    return oldest;
  }

  /**
   * Where to compact to next on the way to `target` so that one step discards about `maxEvents`
   * events of history (never splitting a revision): compaction is synchronous and takes time in
   * proportion to what it discards, so a large backlog is compacted in steps between other work.
   */
  compactionStep(target: number, maxEvents: number): number {
    const h = this.history;
    const end = firstEventAfter(h, target);
    if (end <= maxEvents) return target;
    return Math.min(target, h[Math.max(0, maxEvents - 1)]!.kv.modRevision);
  }

  /** Number of watches in the synced and unsynced groups. */
  get watchCounts(): { synced: number; unsynced: number } {
    let synced = this.syncedRanges.size;
    for (const set of this.syncedByKey.values()) synced += set.size;
    return { synced, unsynced: this.unsynced.size };
  }

  // ---- reads ----

  /** The key's key-value at `revision` (default: current), or undefined when it does not exist then. */
  get(key: string, revision = 0): KeyValue | undefined {
    const rev = this.checkReadRevision(revision);
    const entry = this.index.get(key);
    return entry && this.at(entry, rev);
  }

  /** etcd's Range: keys in [key, end) (or the single key), optionally at a past revision, limited. */
  range(key: string, options: RangeOptions = {}): RangeResponse {
    return this.rangeAt(key, options, this.checkReadRevision(options.revision ?? 0));
  }

  /**
   * The keys in [key, end) written or deleted after revision `after` and up to `through`, read
   * from the event history; undefined when that history was compacted away. A reader that knows
   * the range as of `after` (an index kept from a watch) learns from it what to read again.
   */
  keysChanged(key: string, end: string, after: number, through: number): Set<string> | undefined {
    if (after < this.compactRev) return undefined;
    const keys = new Set<string>();
    const h = this.history;
    for (let i = firstEventAfter(h, after); i < h.length; i++) {
      const kv = h[i]!.kv;
      if (kv.modRevision > through) break;
      if (kv.key >= key && kv.key < end) keys.add(kv.key);
    }
    return keys;
  }

  /**
   * The key's latest key-value including commits not yet durable: what a guarded write compares
   * against and reports. Reads should use `get`.
   */
  latest(key: string): KeyValue | undefined {
    return this.current(key);
  }

  private rangeAt(key: string, options: RangeOptions, rev: number): RangeResponse {
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const kvs: KeyValue[] = [];
    let count = 0;
    if (options.end === undefined) {
      const entry = this.index.get(key);
      const kv = entry && this.at(entry, rev);
      if (kv) {
        count = 1;
        if (!options.countOnly) kvs.push(kv);
      }
      return { kvs, more: false, count, revision: this.visibleRev };
    }
    const wantKvs = !options.countOnly;
    this.keys.forEachInRange(key, options.end, (entry) => {
      const kv = this.at(entry, rev);
      if (!kv) return;
      count++;
      if (wantKvs && kvs.length < limit) kvs.push(kv);
    });
    return { kvs, more: count > kvs.length && wantKvs, count, revision: this.visibleRev };
  }

  // ---- writes ----

  /** Puts one key; returns the new key-value and the previous one, if any. */
  put(key: string, value: Value, options: { lease?: number } = {}): { kv: KeyValue; prevKv?: KeyValue } {
    if (key === '') throw keyNotProvided();
    const lease = options.lease ?? 0;
    this.checkLease(lease);
    this.checkSize(byteSizeAtMost(key) + byteSizeAtMost(value), () => byteSize(key) + byteSize(value));
    const prev = this.putInternal(key, value, this.rev + 1, lease);
    const kv = this.pending[this.pending.length - 1]!.kv;
    this.commit();
    return prev ? { kv, prevKv: prev } : { kv };
  }

  /** Deletes the key, or with `end` every key in [key, end); returns what was deleted. */
  deleteRange(key: string, end?: string): { deleted: KeyValue[]; revision: number } {
    if (key === '') throw keyNotProvided();
    const deleted = this.deleteInternal(key, end, this.rev + 1);
    this.commit();
    return { deleted, revision: this.rev };
  }

  /** etcd's Txn: evaluates every compare, then applies `success` or `failure` as one revision. */
  txn(request: TxnRequest): TxnResponse {
    const succeeded = (request.compare ?? []).every((c) => this.compare(c));
    const ops = (succeeded ? request.success : request.failure) ?? [];
    checkNoDuplicateWrites(ops);
    // Everything that can fail is checked before the first write, so a transaction is all or nothing.
    let bound = 0;
    for (const op of ops) {
      if (op.type === 'range') this.checkReadRevision(op.revision ?? 0);
      else if (op.type === 'put') {
        this.checkLease(op.lease ?? 0);
        bound += byteSizeAtMost(op.key) + byteSizeAtMost(op.value);
      }
    }
    this.checkSize(bound, () => ops.reduce((sum, op) => (op.type === 'put' ? sum + byteSize(op.key) + byteSize(op.value) : sum), 0));
    const next = this.rev + 1;
    const responses: ResponseOp[] = [];
    for (const op of ops) {
      switch (op.type) {
        case 'put': {
          const prevKv = this.putInternal(op.key, op.value, next, op.lease ?? 0);
          responses.push(prevKv ? { type: 'put', prevKv } : { type: 'put' });
          break;
        }
        case 'delete': {
          const prevKvs = this.deleteInternal(op.key, op.end, next);
          responses.push({ type: 'delete', deleted: prevKvs.length, prevKvs });
          break;
        }
        case 'range': {
          // Reads inside a transaction see the transaction's earlier writes, as in etcd.
          const { type: _type, key, ...options } = op;
          responses.push({ type: 'range', ...this.rangeInTxn(key, options, next) });
          break;
        }
      }
    }
    this.commit();
    return { succeeded, revision: this.rev, responses };
  }

  /**
   * Replays one logged commit during recovery: the changes must be the next revision's. Nothing is
   * reported to `onCommit`, since it is already in the log.
   */
  replay(revision: number, changes: readonly Change[]): void {
    if (revision !== this.rev + 1) {
      throw new StoreError('corrupt', `log replay: expected revision ${this.rev + 1}, found ${revision}`);
    }
    for (const c of changes) {
      if (c.type === 'put') this.putInternal(c.key, c.value, revision, c.lease);
      else this.deleteInternal(c.key, undefined, revision);
    }
    const hook = this.onCommit;
    this.onCommit = undefined;
    try {
      this.commit();
    } finally {
      this.onCommit = hook;
    }
    if (this.rev !== revision) throw new StoreError('corrupt', `log replay: revision ${revision} changed nothing`);
  }

  /**
   * Loads a snapshot into an empty store: `kvs` is the state at the snapshot's compact revision,
   * and `commits` the history after it, replayed so reads and watches after the compact revision
   * behave exactly as in the store the snapshot was taken from.
   */
  load(snapshot: {
    compactRevision: number;
    leases: Iterable<LeaseInfo>;
    nextLeaseId: number;
    kvs: Iterable<KeyValue>;
    commits: Iterable<{ revision: number; changes: readonly Change[] }>;
  }): void {
    if (this.rev !== 0 || this.index.size !== 0) throw new Error('MvccStore.load: store is not empty');
    for (const l of snapshot.leases) this.lessor.grant(l.ttl, l.id);
    this.lessor.reserveIds(snapshot.nextLeaseId);
    for (const kv of snapshot.kvs) {
      if (this.index.has(kv.key)) throw new Error(`MvccStore.load: duplicate key ${kv.key}`);
      const entry: KeyEntry = { key: kv.key, revisions: [kv], last: kv };
      this.index.set(kv.key, entry);
      this.keys.add(entry);
      this.liveKeys++;
      if (kv.lease !== 0) this.lessor.attach(kv.lease, kv.key);
    }
    this.rev = snapshot.compactRevision;
    this.visibleRev = this.rev;
    this.compactRev = snapshot.compactRevision;
    for (const c of snapshot.commits) this.replay(c.revision, c.changes);
  }

  /**
   * What a snapshot saves, captured now without copying values: the state at the compact revision
   * and the history after it (etcd's snapshot likewise holds every revision since compaction).
   */
  snapshotContents(): { revision: number; compactRevision: number; leases: LeaseInfo[]; nextLeaseId: number; kvs: KeyValue[]; history: WatchEvent[] } {
    const kvs: KeyValue[] = [];
    const compactRevision = this.compactRev;
    this.keys.forEachInRange('', undefined, (entry) => {
      const kv = this.at(entry, compactRevision);
      if (kv) kvs.push(kv);
    });
    const leases = [...this.lessor.all()].map((l) => ({ id: l.id, ttl: l.ttl }));
    return { revision: this.rev, compactRevision, leases, nextLeaseId: this.lessor.nextLeaseId, kvs, history: this.history.slice() };
  }

  // ---- leases ----

  /** etcd's LeaseGrant: a new lease of `ttl` seconds; its expiry is the caller's (Store's) clock. */
  grantLease(ttl: number): LeaseInfo {
    if (!Number.isInteger(ttl) || ttl < 1) throw new StoreError('invalidRequest', `lease TTL must be a positive number of seconds, got ${ttl}`);
    const lease = this.lessor.grant(ttl);
    this.onLease?.({ type: 'grant', id: lease.id, ttl });
    return { id: lease.id, ttl };
  }

  /** etcd's LeaseRevoke: deletes every key attached to the lease in one revision, then the lease. */
  revokeLease(id: number): { revision: number; deleted: KeyValue[] } {
    const lease = this.lessor.get(id);
    if (!lease) throw leaseNotFound(id);
    const deleted: KeyValue[] = [];
    const next = this.rev + 1;
    for (const key of [...lease.keys].sort()) deleted.push(...this.deleteInternal(key, undefined, next));
    this.commit();
    this.lessor.remove(id);
    this.onLease?.({ type: 'revoke', id });
    return { revision: this.rev, deleted };
  }

  /** The lease and its attached keys, or undefined when it does not exist (etcd's LeaseTimeToLive). */
  lease(id: number): (LeaseInfo & { keys: string[] }) | undefined {
    const l = this.lessor.get(id);
    return l && { id: l.id, ttl: l.ttl, keys: [...l.keys].sort() };
  }

  /** Every lease, for scheduling their expiry after a restart. */
  leases(): LeaseInfo[] {
    return [...this.lessor.all()].map((l) => ({ id: l.id, ttl: l.ttl }));
  }

  /** Replays a logged lease change during recovery; idempotent, as segments may overlap a snapshot. */
  replayLease(change: LeaseChange): void {
    if (change.type === 'grant') {
      if (!this.lessor.get(change.id)) this.lessor.grant(change.ttl, change.id);
    } else {
      // Its keys were deleted by the commit logged just before the revocation.
      this.lessor.remove(change.id);
    }
  }

  // ---- compaction ----

  /**
   * Discards history at and below `revision`, keeping each live key's latest key-value (etcd's
   * Compact). Reads and watches that need an older revision then fail with `compacted`; unsynced
   * watches that still need it are cancelled with that reason.
   */
  compact(revision: number): void {
    if (revision <= this.compactRev) throw storeErrors.compacted(this.compactRev);
    if (revision > this.visibleRev) throw storeErrors.futureRevision(this.visibleRev);
    this.compactRev = revision;
    // Only keys with an event in the discarded history can have a revision to drop.
    const h = this.history;
    const cut = firstEventAfter(h, revision);
    const touched = new Set<string>();
    for (let i = 0; i < cut; i++) touched.add(h[i]!.kv.key);
    if (cut > 0) h.splice(0, cut);
    for (const key of touched) {
      const entry = this.index.get(key);
      if (!entry) continue;
      const revs = entry.revisions;
      // Keep the last revision at or below the compact revision, unless it is a deletion.
      let keep = upperBoundRevision(revs, revision) - 1;
      if (keep >= 0 && revs[keep]!.version === 0) keep++;
      if (keep > 0) entry.revisions = revs.slice(keep);
      if (entry.revisions.length === 0) {
        this.index.delete(key);
        this.keys.delete(key);
      }
    }
    for (const w of this.unsynced) {
      if (w.nextRevision <= revision) w.fail(storeErrors.compacted(revision));
    }
    this.onCompact?.(revision);
  }

  // ---- watches ----

  /**
   * Starts a watch on a key or range from `sinceRevision`. Fails with `compacted` when events
   * after `sinceRevision` were already discarded.
   */
  watch(options: WatchOptions): Watch {
    const since = options.sinceRevision ?? 0;
    if (since > 0 && since < this.compactRev) throw storeErrors.compacted(this.compactRev);
    const w = new Watch(this, options, this.watchBufferLimit);
    if (w.nextRevision > this.visibleRev) this.addSynced(w);
    else this.unsynced.add(w);
    return w;
  }

  /** WatchHost: refills an unsynced watch's buffer from history, rejoining the synced group when caught up. */
  catchUp(w: Watch): void {
    if (w.synced || w.closed) return;
    if (w.nextRevision <= this.compactRev) {
      w.fail(storeErrors.compacted(this.compactRev));
      return;
    }
    const h = this.history;
    let i = firstEventAtOrAfter(h, w.nextRevision);
    for (; i < h.length; i++) {
      const e = h[i]!;
      const rev = e.kv.modRevision;
      if (rev > this.visibleRev) break; // not durable yet: markDurable will deliver it
      // Stop between revisions once the buffer is full, so a revision is never split.
      if (rev !== w.lastRevision && w.buffer.length >= w.bufferLimit) break;
      if (w.matches(e.kv.key)) {
        w.buffer.push(w.prevKv || e.prevKv === undefined ? e : { type: e.type, kv: e.kv });
        w.lastRevision = rev;
      }
      w.nextRevision = rev + 1;
    }
    if (i === h.length || h[i]!.kv.modRevision > this.visibleRev) {
      w.nextRevision = Math.max(w.nextRevision, this.visibleRev + 1);
      this.unsynced.delete(w);
      this.addSynced(w);
    }
  }

  /** WatchHost: drops a watch from whichever group holds it. */
  removeWatch(w: Watch): void {
    if (!w.synced) {
      this.unsynced.delete(w);
      return;
    }
    w.synced = false;
    if (w.end !== undefined) {
      this.syncedRanges.delete(w);
      return;
    }
    const set = this.syncedByKey.get(w.key);
    set?.delete(w);
    if (set?.size === 0) this.syncedByKey.delete(w.key);
  }

  /** Cancels every watch with `reason` (the store is closing). */
  cancelWatches(reason: StoreError): void {
    for (const w of [...this.unsynced, ...this.syncedRanges, ...[...this.syncedByKey.values()].flatMap((s) => [...s])]) w.fail(reason);
  }

  // ---- internals ----

  private addSynced(w: Watch): void {
    w.synced = true;
    if (w.end !== undefined) {
      this.syncedRanges.add(w);
      return;
    }
    let set = this.syncedByKey.get(w.key);
    if (!set) this.syncedByKey.set(w.key, (set = new Set()));
    set.add(w);
  }

  private checkReadRevision(revision: number): number {
    if (revision <= 0) return this.visibleRev;
    if (revision > this.visibleRev) throw storeErrors.futureRevision(this.visibleRev);
    if (revision < this.compactRev) throw storeErrors.compacted(this.compactRev);
    return revision;
  }

  /** The key's live key-value at `rev`, if any. */
  private at(entry: KeyEntry, rev: number): KeyValue | undefined {
    const last = entry.last;
    if (last.modRevision <= rev) return last.version > 0 ? last : undefined;
    const revs = entry.revisions;
    const i = upperBoundRevision(revs, rev) - 1;
    const kv = i >= 0 ? revs[i]! : undefined;
    return kv && kv.version > 0 ? kv : undefined;
  }

  private current(key: string): KeyValue | undefined {
    const entry = this.index.get(key);
    if (!entry) return undefined;
    const last = entry.last;
    return last.version > 0 ? last : undefined;
  }

  /**
   * Refuses a request over the size limit. `atMost` bounds its size from above; only when the bound
   * is over the limit is the exact size counted (encoding every value as UTF-8 on every write was
   * a measurable share of the write path).
   */
  private checkSize(atMost: number, exact: () => number): void {
    if (atMost <= this.maxRequestBytes) return;
    const bytes = exact();
    if (bytes > this.maxRequestBytes) throw new StoreError('requestTooLarge', `etcdserver: request is too large (${bytes} bytes, limit ${this.maxRequestBytes})`);
  }

  private checkLease(lease: number): void {
    if (lease !== 0 && !this.lessor.get(lease)) throw leaseNotFound(lease);
  }

  private compare(c: Compare): boolean {
    const kv = this.current(c.key);
    let order: number;
    if (c.target === 'value') {
      // A missing key fails every value comparison, as in etcd.
      if (!kv) return false;
      order = compareValues(kv.value, c.value);
    } else {
      const actual = kv ? kv[c.target] : 0;
      order = actual === c.value ? 0 : actual < c.value ? -1 : 1;
    }
    switch (c.result) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '>':
        return order > 0;
    }
  }

  /** Applies a put at revision `rev` (not yet committed); returns the previous key-value. */
  private putInternal(key: string, value: Value, rev: number, lease: number): KeyValue | undefined {
    // A value is kept until compaction, so as one string rather than the parts it was built from.
    if (typeof value === 'string') flatten(value);
    let entry = this.index.get(key);
    let prev: KeyValue | undefined;
    const kv: KeyValue = entry && entry.last.version > 0
      ? { key, value, createRevision: entry.last.createRevision, modRevision: rev, version: entry.last.version + 1, lease }
      : { key, value, createRevision: rev, modRevision: rev, version: 1, lease };
    if (entry) {
      if (entry.last.version > 0) prev = entry.last;
      // A put moves the key to the lease it names (or to none), as in etcd.
      if (prev && prev.lease !== 0 && prev.lease !== lease) this.lessor.detach(prev.lease, key);
      entry.revisions.push(kv);
      entry.last = kv;
    } else {
      entry = { key, revisions: [kv], last: kv };
      this.index.set(key, entry);
      this.keys.add(entry);
    }
    if (lease !== 0) this.lessor.attach(lease, key);
    if (!prev) this.liveKeys++;
    this.pending.push(prev ? { type: 'PUT', kv, prevKv: prev } : { type: 'PUT', kv });
    return prev;
  }

  /** Applies deletions of [key, end) (or the key) at revision `rev`; returns the deleted key-values. */
  private deleteInternal(key: string, end: string | undefined, rev: number): KeyValue[] {
    const deleted: KeyValue[] = [];
    const one = (entry: KeyEntry): void => {
      const last = entry.last;
      if (last.version === 0) return;
      const tombstone: KeyValue = { key: entry.key, value: emptyValue, createRevision: 0, modRevision: rev, version: 0, lease: 0 };
      if (last.lease !== 0) this.lessor.detach(last.lease, entry.key);
      entry.revisions.push(tombstone);
      entry.last = tombstone;
      this.liveKeys--;
      deleted.push(last);
      this.pending.push({ type: 'DELETE', kv: tombstone, prevKv: last });
    };
    if (end === undefined) {
      const entry = this.index.get(key);
      if (entry) one(entry);
    } else {
      // Deleting leaves entries in the index (as tombstones), so walking it while deleting is safe.
      this.keys.forEachInRange(key, end, one);
    }
    return deleted;
  }

  private rangeInTxn(key: string, options: RangeOptions, next: number): RangeResponse {
    if ((options.revision ?? 0) > 0) return this.range(key, options);
    // Like the compares, a read in a transaction sees every applied commit and this transaction's
    // own writes so far (they carry revision `next`).
    return this.rangeAt(key, options, next);
  }

  /** Makes the pending events revision `rev + 1`, logs them, and hands them to synced watches. */
  private commit(): void {
    const events = this.pending;
    if (events.length === 0) return;
    this.pending = [];
    const rev = ++this.rev;
    const h = this.history;
    const start = h.length;
    for (const e of events) h.push(e);
    this.onCommit?.(rev, events);
    if (this.holdUntilDurable) return;
    this.visibleRev = rev;
    this.notify(rev, h, start, h.length);
    if (this.unsynced.size > 0 && this.watchMaxLag !== Infinity) this.cancelLaggingWatches();
  }

  private cancelLaggingWatches(): void {
    for (const w of this.unsynced) {
      const behind = this.visibleRev - (w.nextRevision - 1);
      if (behind > this.watchMaxLag) {
        w.fail(new StoreError('watchCancelled', `watch fell ${behind} revisions behind the store (limit ${this.watchMaxLag}): its consumer is not reading fast enough`));
      }
    }
  }

  /** Hands the events of revision `rev`, events[start, end), to the synced watches they match. */
  private notify(rev: number, events: readonly WatchEvent[], start: number, end: number): void {
    if (this.syncedRanges.size === 0 && this.syncedByKey.size === 0) return;
    const woken: Watch[] = [];
    for (let i = start; i < end; i++) {
      const e = events[i]!;
      const key = e.kv.key;
      const byKey = this.syncedByKey.get(key);
      if (byKey) for (const w of byKey) this.deliver(w, e, rev, woken);
      for (const w of this.syncedRanges) if (w.matches(key)) this.deliver(w, e, rev, woken);
    }
    // Wake after every event of the revision is buffered, so a consumer never sees half a revision.
    for (const w of woken) w.wake();
  }

  private deliver(w: Watch, e: WatchEvent, rev: number, woken: Watch[]): void {
    if (!w.synced) return; // moved to unsynced earlier in this revision
    if (rev !== w.lastRevision) {
      if (rev < w.nextRevision) return; // a watch that starts at a future revision
      // First event of this revision for w: a full buffer moves it to the unsynced group, where it
      // will re-read this revision from history when its consumer drains the buffer.
      if (w.buffer.length >= w.bufferLimit) {
        this.removeWatch(w);
        w.nextRevision = rev;
        this.unsynced.add(w);
        return;
      }
      if (w.buffer.length === 0) woken.push(w);
      w.nextRevision = rev + 1;
      w.lastRevision = rev;
    }
    w.buffer.push(w.prevKv || e.prevKv === undefined ? e : { type: e.type, kv: e.kv });
  }
}

/** etcd rejects an empty key, and a transaction that writes the same key twice ("duplicate key given in txn request"). */
function checkNoDuplicateWrites(ops: readonly RequestOp[]): void {
  for (const op of ops) if (op.key === '') throw keyNotProvided();
  if (ops.length < 2) return;
  const puts = new Set<string>();
  const deletes: { key: string; end?: string }[] = [];
  for (const op of ops) {
    if (op.type === 'put') {
      if (puts.has(op.key)) throw duplicate(op.key);
      puts.add(op.key);
    } else if (op.type === 'delete') {
      deletes.push(op);
    }
  }
  for (const d of deletes) {
    for (const k of puts) {
      if (d.end === undefined ? k === d.key : k >= d.key && k < d.end) throw duplicate(k);
    }
  }
}

function leaseNotFound(id: number): StoreError {
  return new StoreError('leaseNotFound', `etcdserver: requested lease not found (lease ${id})`);
}

function keyNotProvided(): StoreError {
  return new StoreError('invalidRequest', 'etcdserver: key is not provided');
}

function duplicate(key: string): StoreError {
  return new StoreError('invalidRequest', `etcdserver: duplicate key given in txn request: ${JSON.stringify(key)}`);
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  return Buffer.compare(toBytes(a), toBytes(b));
}

/** An upper bound of byteSize without encoding: a UTF-16 code unit is at most 3 bytes of UTF-8. */
function byteSizeAtMost(v: Value): number {
  return typeof v === 'string' ? v.length * 3 : v.length;
}

/** A value's size in UTF-8 bytes (a fast native count, not an encoding). */
function byteSize(v: Value): number {
  return typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
}

function toBytes(v: Value): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** Index of the first key-value with modRevision > rev. */
function upperBoundRevision(revs: readonly KeyValue[], rev: number): number {
  let lo = 0;
  let hi = revs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (revs[mid]!.modRevision <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event with revision > rev. */
function firstEventAfter(h: readonly WatchEvent[], rev: number): number {
  return firstEventAtOrAfter(h, rev + 1);
}

/** Index of the first event with revision >= rev. */
function firstEventAtOrAfter(h: readonly WatchEvent[], rev: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (h[mid]!.kv.modRevision < rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
