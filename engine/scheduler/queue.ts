// The scheduling queue: activeQ (a heap by priority, then by time queued), backoffQ (pods waiting
// out their retry back-off on the Clock), and unschedulable pods parked until a cluster event that
// could help them, or five minutes, whichever comes first. After kube-scheduler's
// internal/queue PriorityQueue.
import type { Clock, Timer } from '../util/clock';
import type { PodInfo } from './podInfo';

export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod last entered the queue. */
  timestamp: number;
  attempts: number;
  /** Events that could make it schedulable (from the plugins that rejected it). */
  interest: number;
  where: 'active' | 'backoff' | 'unschedulable' | 'inFlight';
  heapIndex: number;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may stay parked as unschedulable before it is retried anyway. */
  maxInUnschedulableMs?: number;
}

function gated(info: PodInfo): boolean {
  return (info.pod.spec?.schedulingGates?.length ?? 0) > 0;
}

type Less = (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;

/** A binary heap whose items know their index, so removal and update are O(log n). */
class Heap {
  readonly items: QueuedPodInfo[] = [];
  constructor(private readonly less: Less) {}
  get length(): number { return this.items.length; }
  peek(): QueuedPodInfo | undefined { return this.items[0]; }
  push(x: QueuedPodInfo): void {
    x.heapIndex = this.items.length;
    this.items.push(x);
    this.up(x.heapIndex);
  }
  pop(): QueuedPodInfo | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }
  remove(x: QueuedPodInfo): void {
    const i = x.heapIndex;
    const last = this.items.pop()!;
    if (last !== x) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    x.heapIndex = -1;
  }
  fix(x: QueuedPodInfo): void {
    this.down(x.heapIndex);
    this.up(x.heapIndex);
  }
  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.items[l]!, this.items[m]!)) m = l;
      if (r < n && this.less(this.items[r]!, this.items[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPodInfo>();
  // PrioritySort: higher priority first, then whoever was queued earlier.
  private readonly activeQ = new Heap((a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp));
  private readonly backoffQ = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private backoffTimer: Timer | undefined;
  private backoffTimerAt = Infinity;
  private flushTimer: Timer | undefined;
  private waiter: (() => void) | undefined;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;

  constructor(private readonly clock: Clock, options: QueueOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = options.maxInUnschedulableMs ?? 5 * 60_000;
    this.scheduleFlush();
  }

  get activeLength(): number { return this.activeQ.length; }
  get backoffLength(): number { return this.backoffQ.length; }
  get unschedulableLength(): number { return this.unschedulable.size; }

  has(key: string): boolean {
    return this.pods.has(key);
  }

  /**
   * A new pending pod. One with scheduling gates waits, parked, until an update removes the last
   * gate (the SchedulingGates PreEnqueue plugin).
   * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-scheduling-readiness/
   */
  add(info: PodInfo): void {
    if (this.closed || this.pods.has(info.key)) return this.update(info);
    const q: QueuedPodInfo = { info, timestamp: this.clock.now(), attempts: 0, interest: 0, where: 'active', heapIndex: -1 };
    this.pods.set(info.key, q);
    if (gated(info)) {
      q.where = 'unschedulable';
      this.unschedulable.set(info.key, q);
      return;
    }
    this.activeQ.push(q);
    this.wake();
  }

  /** Pods waiting for their scheduling gates to be removed. */
  get gatedLength(): number {
    let n = 0;
    for (const q of this.unschedulable.values()) if (gated(q.info)) n++;
    return n;
  }

  /**
   * A pending pod changed. A parked pod whose spec or labels changed may fit now, so it moves on;
   * a status-only change (such as the scheduler's own PodScheduled condition) leaves it parked.
   */
  update(info: PodInfo, specChanged = true): void {
    const q = this.pods.get(info.key);
    if (!q) return this.add(info);
    q.info = info;
    if (q.where === 'active') this.activeQ.fix(q);
    else if (q.where === 'unschedulable' && specChanged && !gated(info)) {
      this.unschedulable.delete(info.key);
      this.requeue(q);
    }
  }

  delete(key: string): void {
    const q = this.pods.get(key);
    if (!q) return;
    this.pods.delete(key);
    if (q.where === 'active') this.activeQ.remove(q);
    else if (q.where === 'backoff') this.backoffQ.remove(q);
    else if (q.where === 'unschedulable') this.unschedulable.delete(key);
  }

  /** The next pod to schedule, if any is active now. It stays known to the queue until done(). */
  pop(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.where = 'inFlight';
    q.attempts++;
    return q;
  }

  /** Resolves when a pod becomes active (or the queue closes). */
  wait(): Promise<void> {
    if (this.activeQ.length > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  /** The pod was bound (or given up on): forget it. */
  done(key: string): void {
    const q = this.pods.get(key);
    if (q?.where === 'inFlight') this.pods.delete(key);
  }

  /** No node fits: park the pod until an event in `interest` happens. */
  addUnschedulable(q: QueuedPodInfo, interest: number): void {
    if (this.pods.get(q.info.key) !== q) return; // deleted meanwhile
    q.timestamp = this.clock.now();
    q.interest = interest;
    q.where = 'unschedulable';
    this.unschedulable.set(q.info.key, q);
  }

  /** Something went wrong that is not the pod's fault (a failed binding): retry after back-off. */
  addBackoff(q: QueuedPodInfo): void {
    if (this.pods.get(q.info.key) !== q) return;
    q.timestamp = this.clock.now();
    this.toBackoff(q);
  }

  /** A cluster event happened: move every parked pod it could help (never a gated one). */
  moveOnEvent(event: number): void {
    if (this.unschedulable.size === 0) return;
    for (const [key, q] of this.unschedulable) {
      if ((q.interest & event) === 0) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.cancel();
    this.flushTimer?.cancel();
    this.wake();
  }

  private requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.clock.now()) this.toBackoff(q);
    else this.toActive(q);
  }

  private toActive(q: QueuedPodInfo): void {
    q.where = 'active';
    this.activeQ.push(q);
    this.wake();
  }

  private toBackoff(q: QueuedPodInfo): void {
    q.where = 'backoff';
    this.backoffQ.push(q);
    this.armBackoffTimer();
  }

  /** 1 s after the first failure, doubling per attempt, at most 10 s (kube-scheduler's defaults). */
  private backoffExpiry(q: QueuedPodInfo): number {
    if (q.attempts === 0) return q.timestamp;
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts && d < this.maxBackoffMs; i++) d *= 2;
    return q.timestamp + Math.min(d, this.maxBackoffMs);
  }

  private armBackoffTimer(): void {
    const head = this.backoffQ.peek();
    if (!head || this.closed) return;
    const at = this.backoffExpiry(head);
    if (at >= this.backoffTimerAt) return;
    this.backoffTimer?.cancel();
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Infinity;
      const now = this.clock.now();
      for (let head = this.backoffQ.peek(); head && this.backoffExpiry(head) <= now; head = this.backoffQ.peek()) {
        this.backoffQ.pop();
        this.toActive(head);
      }
      this.armBackoffTimer();
    }, at - this.clock.now());
  }

  /** Every 30 s, pods parked longer than maxInUnschedulableMs are retried anyway. */
  private scheduleFlush(): void {
    this.flushTimer = this.clock.setTimeout(() => {
      if (this.closed) return;
      const now = this.clock.now();
      for (const [key, q] of this.unschedulable) {
        if (now - q.timestamp < this.maxInUnschedulableMs || gated(q.info)) continue;
        this.unschedulable.delete(key);
        this.requeue(q);
      }
      this.scheduleFlush();
    }, 30_000);
  }

  private wake(): void {
    const w = this.waiter;
    if (!w || (this.activeQ.length === 0 && !this.closed)) return;
    this.waiter = undefined;
    w();
  }
}
