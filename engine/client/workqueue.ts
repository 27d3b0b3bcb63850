// A controller's work queue: keys, not objects; a key queued many times before a worker takes it is
// processed once; a key being processed is never handed to a second worker, and a change that
// arrives meanwhile queues it again afterwards. Failed keys come back with per-key exponential
// back-off. After client-go's util/workqueue (Type + delaying + rate-limiting queues).
import type { Clock, Timer } from '../util/clock';

export interface RateLimiterOptions {
  /** First retry delay; doubles per failure of the same key (client-go: 5 ms). */
  baseDelayMs?: number;
  /** Longest retry delay (client-go: 1000 s). */
  maxDelayMs?: number;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly waiting = new Map<K, { at: number; timer: Timer }>();
  private shuttingDown = false;
  /** Told when a key is queued, and when the queue shuts down (runWorkers). */
  private listener: (() => void) | undefined;

  constructor(private readonly clock: Clock, private readonly limits: RateLimiterOptions = {}) {}

  get length(): number {
    return this.queue.length - this.head;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued by done()
    this.queue.push(key);
    this.listener?.();
  }

  /** Queues `key` after `ms`; an earlier pending time for the same key wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Re-queues a key that failed, after its exponential back-off. */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const base = this.limits.baseDelayMs ?? 5;
    const max = this.limits.maxDelayMs ?? 1_000_000;
    this.addAfter(key, Math.min(base * 2 ** n, max));
  }

  /** Clears a key's failure count once it has been processed successfully. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The next key to process if one is queued, else undefined. Call `done(key)` after. */
  take(): K | undefined {
    if (this.length === 0) return undefined;
    const key = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Calls `listener` whenever a key is queued, and on shutdown. One at a time. */
  onQueued(listener: (() => void) | undefined): void {
    if (listener && this.listener) throw new Error('the work queue already has workers');
    this.listener = listener;
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    this.listener?.();
  }
}

/**
 * Runs up to `workers` loops that take keys and call `sync`; a throw requeues the key with back-off
 * and is reported through `onError`, so one failing object never stops the controller. A loop
 * starts when a key is queued and ends when the queue is empty, rather than waiting on it: an idle
 * queue holds no suspended workers, which matters with a queue in each of thousands of kubelets.
 * Resolves once the queue has shut down and the last loop has ended.
 */
export function runWorkers<K>(queue: WorkQueue<K>, workers: number, sync: (key: K) => Promise<void> | void, onError?: (key: K, err: unknown) => void): Promise<void> {
  /** Loops running, and those of them started but not yet at their first key. */
  let active = 0;
  let starting = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const loop = async () => {
    starting--;
    for (let key = queue.take(); key !== undefined; key = queue.take()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
    active--;
    if (queue.isShuttingDown && active === 0) end();
  };
  const end = () => {
    queue.onQueued(undefined);
    finish();
  };
  // A loop starts on the next microtask, as a worker waiting on the queue would resume: never
  // inside the add() that queued the key (an informer's handler, say).
  const wake = () => {
    if (queue.isShuttingDown && active === 0 && queue.length === 0) return end();
    // Every running loop is busy with a key; one starting will take one of those queued.
    while (active < workers && starting < queue.length) {
      active++;
      starting++;
      queueMicrotask(() => void loop());
    }
  };
  queue.onQueued(wake);
  wake();
  return finished;
}
