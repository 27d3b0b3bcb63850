// The store the API server talks to: the in-memory MVCC core plus, when given a directory, a
// write-ahead log and periodic snapshots, so a restarted process comes back with exactly the
// acknowledged state. Writes apply to memory at once; their promises settle when durable.
//
// A persisted store applies a write to memory at once (so compare-and-swap serializes writers)
// but shows it to reads and watches only once its log record is synced: nobody ever observes a
// write that a crash could take back.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { RealClock, type Clock, type Timer } from '../util/clock';
import { RecordType } from './codec';
import { StoreError, storeErrors } from './errors';
import { prefixEnd } from './keys';
import { MvccStore, type MvccStoreOptions } from './mvcc-store';
import { readSnapshot, syncDirectory, writeSnapshot } from './snapshot';
import type { Compare, GuardedWriteResult, KeyValue, LeaseInfo, RangeOptions, RangeResponse, TxnRequest, TxnResponse, Value } from './types';
import { listSegments, readLog, WriteAheadLog } from './wal';
import type { Watch, WatchOptions } from './watch';

/** Keep the last N revisions, or the revisions of the last T milliseconds (etcd's --auto-compaction-mode). */
export type AutoCompaction = { mode: 'revision'; retain: number; intervalMs?: number } | { mode: 'periodic'; retainMs: number; intervalMs?: number };

export interface StoreOptions extends MvccStoreOptions {
  /** Persist to this directory; without it the store lives in memory only. */
  dir?: string;
  /** Skip fsync (tests that only check formats); never for real use. Default true. */
  fsync?: boolean;
  /**
   * Take a snapshot and rotate the log once this many bytes were logged since the last snapshot,
   * or as many as the last snapshot's size if that is larger (so rewriting a big state never
   * costs more than the log it replaces). Default 64 MiB.
   */
  snapshotThresholdBytes?: number;
  autoCompaction?: AutoCompaction;
  clock?: Clock;
}

const snapshotPattern = /^([0-9a-f]{16})\.snap$/;

function snapshotFileName(revision: number): string {
  return `${revision.toString(16).padStart(16, '0')}.snap`;
}

export interface RecoveryReport {
  /** Snapshot the state was loaded from, if any. */
  snapshot?: { file: string; revision: number };
  /** Log records replayed on top of it. */
  replayed: number;
  /** A torn tail cut off the last log segment (a crash mid-append). */
  truncated?: { file: string; from: number; to: number };
}

export class Store {
  /**
   * The in-memory core, for diagnostics (history length, watch groups) and tests. Writes made on
   * it directly are still logged, but nobody waits for them to be durable: write through Store.
   */
  readonly mvcc: MvccStore;
  private wal: WriteAheadLog | undefined;
  private snapshotting: Promise<void> | undefined;
  private lastSnapshotBytes = 0;
  private closed = false;
  private compactionTimer: Timer | undefined;
  private readonly revisionSamples: { at: number; revision: number }[] = [];
  /** Expiry of each lease on the clock; reset by keep-alives, and to the full TTL after a restart (as etcd does). */
  private readonly leaseExpiry = new Map<number, { timer: Timer; expiresAt: number }>();
  private readonly clock: Clock;
  /** What `open` found on disk. */
  recovery: RecoveryReport = { replayed: 0 };

  private constructor(private readonly options: StoreOptions) {
    this.mvcc = new MvccStore(options);
    this.clock = options.clock ?? new RealClock();
  }

  /** An in-memory store. */
  static inMemory(options: Omit<StoreOptions, 'dir'> = {}): Store {
    const s = new Store(options);
    s.start();
    return s;
  }

  /**
   * Opens (or creates) a store persisted in `options.dir`: loads the newest snapshot, replays the
   * log after it, truncates a torn tail, and refuses damaged data with a `corrupt` error.
   */
  static async open(options: StoreOptions & { dir: string }): Promise<Store> {
    const s = new Store(options);
    await s.recover(options.dir);
    s.start();
    return s;
  }

  /**
   * Loads a snapshot file (see `saveSnapshot`) into a new store, history included: in memory, or
   * with `options.dir` (which must be empty or absent) a persisted store that starts from it.
   */
  static async restoreSnapshot(file: string, options: StoreOptions = {}): Promise<Store> {
    const snap = await readSnapshot(file);
    if (options.dir !== undefined) {
      await fs.mkdir(options.dir, { recursive: true });
      const existing = await fs.readdir(options.dir);
      if (existing.length > 0) throw new StoreError('invalidRequest', `cannot restore into ${options.dir}: the directory is not empty`);
      // Through a temporary name and a rename, like every snapshot, so a crash leaves no half file.
      const target = path.join(options.dir, snapshotFileName(snap.revision));
      const tmp = `${target}.tmp`;
      const sync = options.fsync ?? true;
      await fs.copyFile(file, tmp);
      if (sync) {
        const fh = await fs.open(tmp, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      await fs.rename(tmp, target);
      if (sync) await syncDirectory(options.dir);
      return Store.open({ ...options, dir: options.dir });
    }
    const s = new Store(options);
    s.mvcc.load(snap);
    s.start();
    return s;
  }

  get revision(): number {
    return this.mvcc.revision;
  }

  get compactRevision(): number {
    return this.mvcc.compactRevision;
  }

  /** See MvccStore.watchedRevision: compacting beyond it cancels a watch that fell behind. */
  get watchedRevision(): number {
    return this.mvcc.watchedRevision;
  }

  /** See MvccStore.compactionStep. */
  compactionStep(target: number, maxEvents: number): number {
    return this.mvcc.compactionStep(target, maxEvents);
  }

  /** Whether `close` was called: writes and new watches are refused from then on. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** fdatasync calls made by the log so far (0 in memory). */
  get syncCount(): number {
    return this.wal?.syncCount ?? 0;
  }

  // ---- reads (synchronous: served from memory) ----

  get(key: string, revision = 0): KeyValue | undefined {
    return this.mvcc.get(key, revision);
  }

  range(key: string, options: RangeOptions = {}): RangeResponse {
    return this.mvcc.range(key, options);
  }

  /** Keys in [key, end) changed in revisions (after, through]; undefined if compacted. See MvccStore.keysChanged. */
  keysChanged(key: string, end: string, after: number, through: number): Set<string> | undefined {
    return this.mvcc.keysChanged(key, end, after, through);
  }

  /**
   * One page of the keys under `prefix`, as the API server lists: pass the previous page's last key
   * as `after`, and its `revision` to read every page at the same revision.
   */
  list(prefix: string, options: { limit?: number; after?: string; revision?: number } = {}): RangeResponse {
    const start = options.after !== undefined ? `${options.after}\0` : prefix;
    const end = prefixEnd(prefix);
    return this.mvcc.range(start, { ...(end !== undefined ? { end } : { end: '\uffff' }), limit: options.limit ?? 0, revision: options.revision ?? 0 });
  }

  // ---- writes (applied now, settled when durable) ----

  /** Puts a key, attached to `lease` if given (it is then deleted when the lease expires). */
  put(key: string, value: Value, options: { lease?: number } = {}): Promise<{ kv: KeyValue; prevKv?: KeyValue }> {
    return this.write(() => this.mvcc.put(key, value, options));
  }

  delete(key: string): Promise<{ deleted?: KeyValue; revision: number }> {
    return this.write(() => {
      const r = this.mvcc.deleteRange(key);
      return r.deleted[0] ? { deleted: r.deleted[0], revision: r.revision } : { revision: r.revision };
    });
  }

  deleteRange(key: string, end: string): Promise<{ deleted: KeyValue[]; revision: number }> {
    return this.write(() => this.mvcc.deleteRange(key, end));
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    return this.write(() => this.mvcc.txn(request));
  }

  /** Creates the key only if it does not exist (kube-apiserver's Create). */
  create(key: string, value: Value, options: { lease?: number } = {}): Promise<GuardedWriteResult> {
    return this.guarded(key, { key, target: 'modRevision', result: '=', value: 0 }, { type: 'put', key, value, lease: options.lease ?? 0 });
  }

  /**
   * Replaces the key's value only if its modRevision is still `modRevision` (the object's
   * resourceVersion): compare-and-swap, so of several concurrent writers exactly one wins.
   */
  update(key: string, value: Value, modRevision: number, options: { lease?: number } = {}): Promise<GuardedWriteResult> {
    return this.guarded(key, { key, target: 'modRevision', result: '=', value: modRevision }, { type: 'put', key, value, lease: options.lease ?? 0 });
  }

  /** Deletes the key only if its modRevision is still `modRevision`. */
  deleteIfUnchanged(key: string, modRevision: number): Promise<GuardedWriteResult> {
    return this.guarded(key, { key, target: 'modRevision', result: '=', value: modRevision }, { type: 'delete', key });
  }

  /** See MvccStore.watch. */
  watch(options: WatchOptions): Watch {
    if (this.closed) throw storeErrors.closed();
    return this.mvcc.watch(options);
  }

  // ---- leases ----

  /** etcd's LeaseGrant: a lease of `ttl` seconds on the store's clock. */
  grantLease(ttl: number): Promise<LeaseInfo> {
    return this.write(() => {
      const lease = this.mvcc.grantLease(ttl);
      this.scheduleLeaseExpiry(lease);
      return lease;
    });
  }

  /** etcd's LeaseRevoke: deletes the lease's keys in one revision, then the lease. */
  revokeLease(id: number): Promise<{ revision: number; deleted: KeyValue[] }> {
    return this.write(() => {
      const r = this.mvcc.revokeLease(id);
      this.leaseExpiry.get(id)?.timer.cancel();
      this.leaseExpiry.delete(id);
      return r;
    });
  }

  /** etcd's LeaseKeepAlive: the lease lives another full TTL from now. Not logged, as in etcd. */
  keepAliveLease(id: number): LeaseInfo {
    if (this.closed) throw storeErrors.closed();
    const lease = this.mvcc.lease(id);
    if (!lease) throw new StoreError('leaseNotFound', `etcdserver: requested lease not found (lease ${id})`);
    this.scheduleLeaseExpiry(lease);
    return { id: lease.id, ttl: lease.ttl };
  }

  /** etcd's LeaseTimeToLive: the lease's TTL, seconds remaining, and attached keys; undefined once gone. */
  leaseTimeToLive(id: number): (LeaseInfo & { remaining: number; keys: string[] }) | undefined {
    const lease = this.mvcc.lease(id);
    const expiry = this.leaseExpiry.get(id);
    if (!lease || !expiry) return undefined;
    return { ...lease, remaining: Math.max(0, Math.ceil((expiry.expiresAt - this.clock.now()) / 1000)) };
  }

  /** Discards history at and below `revision`; logged, so it survives a restart. */
  compact(revision: number): Promise<void> {
    return this.write(() => this.mvcc.compact(revision));
  }

  /** Writes the current state to `file` (atomically, checksummed); see Store.restoreSnapshot. */
  async saveSnapshot(file: string): Promise<{ revision: number }> {
    const contents = this.mvcc.snapshotContents();
    await writeSnapshot(file, contents, { fsync: this.options.fsync ?? true });
    return { revision: contents.revision };
  }

  /**
   * Snapshots the persisted store now and rotates the log: segments before the snapshot are
   * deleted once it is safely in place. Runs one at a time.
   */
  snapshotNow(): Promise<void> {
    if (!this.wal || !this.options.dir) return Promise.resolve();
    this.snapshotting ??= this.takeSnapshot(this.options.dir, this.wal).finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  /**
   * Resolves once every write applied so far is durable and visible, including writes the store
   * made itself (a lease expiring on the clock).
   */
  sync(): Promise<void> {
    const wal = this.wal;
    if (!wal) return Promise.resolve();
    return new Promise<void>((resolve, reject) => wal.whenDurable(resolve, reject));
  }

  /** Waits for pending writes, stops timers, ends every watch and closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.compactionTimer?.cancel();
    for (const { timer } of this.leaseExpiry.values()) timer.cancel();
    this.leaseExpiry.clear();
    this.mvcc.cancelWatches(storeErrors.closed());
    await this.snapshotting?.catch(() => undefined);
    await this.wal?.close();
  }

  // ---- internals ----

  private write<T>(apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(storeErrors.closed());
    const failed = this.wal?.failed;
    if (failed) return Promise.reject(failed);
    let result: T;
    try {
      result = apply();
    } catch (e) {
      return Promise.reject(e);
    }
    // Commits reached the log through mvcc.onCommit. Wait for the newest record to be durable,
    // even when this request wrote nothing: its answer may rest on writes not yet durable.
    const wal = this.wal;
    if (!wal) return Promise.resolve(result);
    return new Promise<T>((resolve, reject) => wal.whenDurable(() => resolve(result), reject));
  }

  private guarded(key: string, compare: Compare, op: { type: 'put'; key: string; value: Value; lease: number } | { type: 'delete'; key: string }): Promise<GuardedWriteResult> {
    return this.write(() => {
      const before = op.type === 'delete' ? this.mvcc.latest(key) : undefined;
      const r = this.mvcc.txn({ compare: [compare], success: [op], failure: [] });
      const now = this.mvcc.latest(key);
      if (!r.succeeded) return now ? { succeeded: false, current: now, revision: r.revision } : { succeeded: false, revision: r.revision };
      const kv = op.type === 'put' ? now : before;
      return kv ? { succeeded: true, kv, revision: r.revision } : { succeeded: true, revision: r.revision };
    });
  }

  private attachLog(wal: WriteAheadLog): void {
    this.wal = wal;
    this.mvcc.onCommit = (revision, events) => wal.appendCommit(revision, events);
    this.mvcc.onCompact = (revision) => wal.appendCompact(revision);
    this.mvcc.onLease = (change) => wal.appendLease(change);
    // Unobserved rejections are reported through the writers' own promises.
    this.mvcc.holdCommitsUntilDurable();
    wal.onFlushed = (revision) => {
      this.mvcc.markDurable(revision);
      const threshold = Math.max(this.options.snapshotThresholdBytes ?? 64 * 1024 * 1024, this.lastSnapshotBytes);
      if (wal.bytesSinceRotation >= threshold) void this.snapshotNow().catch(() => undefined);
    };
  }

  private async recover(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
    const names = await fs.readdir(dir);
    // A temporary file is a snapshot that never reached its rename: never acknowledged, drop it.
    for (const n of names) if (n.endsWith('.tmp')) await fs.rm(path.join(dir, n));
    const snapshots = names.filter((n) => snapshotPattern.test(n)).sort();
    const newest = snapshots[snapshots.length - 1];
    let snapshotRevision = 0;
    if (newest) {
      const file = path.join(dir, newest);
      const snap = await readSnapshot(file);
      this.mvcc.load(snap);
      snapshotRevision = snap.revision;
      this.lastSnapshotBytes = (await fs.stat(file)).size;
      this.recovery.snapshot = { file, revision: snap.revision };
    }
    const segments = await listSegments(dir);
    const replay = await readLog(segments, (entry, file, offset) => {
      if (entry.type === RecordType.Commit) {
        // Segments written before the snapshot may remain (a crash before their deletion).
        if (entry.revision <= snapshotRevision) return;
        // A gap (a lost segment) or a repeated revision is damage too, and is reported where found.
        if (entry.revision !== this.mvcc.revision + 1) throw storeErrors.corrupt(file, offset, `log record of revision ${entry.revision} where revision ${this.mvcc.revision + 1} was expected`);
        this.mvcc.replay(entry.revision, entry.changes);
      } else if (entry.type === RecordType.Compact) {
        if (entry.revision > this.mvcc.compactRevision && entry.revision <= this.mvcc.revision) this.mvcc.compact(entry.revision);
      } else {
        // Lease records carry no revision; replaying them is idempotent, so order alone suffices.
        this.mvcc.replayLease(entry.lease);
      }
      this.recovery.replayed++;
    });
    if (replay.truncated) this.recovery.truncated = replay.truncated;
    const last = segments[segments.length - 1];
    this.attachLog(new WriteAheadLog(dir, { seq: (last?.seq ?? 0) + 1, firstRevision: this.mvcc.revision + 1 }, this.options.fsync ?? true));
  }

  private async takeSnapshot(dir: string, wal: WriteAheadLog): Promise<void> {
    const contents = this.mvcc.snapshotContents();
    const revision = contents.revision;
    // Records after `revision` go to a new segment; older segments are covered by the snapshot.
    const segment = wal.rotate(revision + 1);
    const file = path.join(dir, snapshotFileName(revision));
    await writeSnapshot(file, contents, { fsync: this.options.fsync ?? true });
    this.lastSnapshotBytes = (await fs.stat(file)).size;
    for (const n of await fs.readdir(dir)) {
      const m = snapshotPattern.exec(n);
      if (m && parseInt(m[1]!, 16) < revision) await fs.rm(path.join(dir, n));
    }
    await wal.settledBefore(segment);
    for (const s of await listSegments(dir)) if (s.seq < segment.seq) await fs.rm(s.file);
  }

  /** Starts the clock-driven parts: lease expiry (full TTLs from now, as etcd after a restart) and auto-compaction. */
  private start(): void {
    for (const lease of this.mvcc.leases()) this.scheduleLeaseExpiry(lease);
    this.startAutoCompaction();
  }

  private scheduleLeaseExpiry(lease: LeaseInfo): void {
    this.leaseExpiry.get(lease.id)?.timer.cancel();
    const ms = lease.ttl * 1000;
    const timer = this.clock.setTimeout(() => {
      this.leaseExpiry.delete(lease.id);
      // A log failure is reported to the writers; a lease revoked meanwhile is already gone.
      this.revokeLease(lease.id).catch(() => undefined);
    }, ms);
    this.leaseExpiry.set(lease.id, { timer, expiresAt: this.clock.now() + ms });
  }

  private startAutoCompaction(): void {
    const policy = this.options.autoCompaction;
    if (!policy) return;
    const interval = policy.intervalMs ?? (policy.mode === 'periodic' ? Math.max(1000, policy.retainMs / 10) : 5 * 60 * 1000);
    const tick = (): void => {
      if (this.closed) return;
      this.autoCompact(policy);
      this.compactionTimer = this.clock.setTimeout(tick, interval);
    };
    this.compactionTimer = this.clock.setTimeout(tick, interval);
  }

  private autoCompact(policy: AutoCompaction): void {
    let target: number;
    if (policy.mode === 'revision') {
      target = this.mvcc.revision - policy.retain;
    } else {
      const now = this.clock.now();
      this.revisionSamples.push({ at: now, revision: this.mvcc.revision });
      let i = -1;
      while (i + 1 < this.revisionSamples.length && this.revisionSamples[i + 1]!.at <= now - policy.retainMs) i++;
      if (i < 0) return;
      target = this.revisionSamples[i]!.revision;
      this.revisionSamples.splice(0, i);
    }
    if (target > this.mvcc.compactRevision) {
      // A failure of the log is reported to the writers; there is no one else to tell here.
      this.compact(target).catch(() => undefined);
    }
  }
}
