// Time for the whole engine comes from a Clock: real time for users, a virtual clock that tests and
// benchmarks advance explicitly, so every scenario is deterministic and fast.
import { flatten } from './strings';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): Timer;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }
}

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. Timers fire in (due time, creation order), and a timer
 * scheduled by a firing timer within the advanced window fires in the same `advance` call.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly heap: Scheduled[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const entry: Scheduled = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    return { cancel: () => { entry.cancelled = true; } };
  }

  /** Number of timers still due to fire. */
  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way, in order. With `maxTimers` (at
   * least 1), stops after firing that many, at the time of the last one, and says whether it got to
   * the end: a driver that calls again on its next turn lets other work run between timers, as
   * timers due together on a real clock are each a task of their own. The timers fire in the order
   * one call would fire them, except that a timer the work in between sets for that moment fires
   * before those still due later, as it would on a real clock.
   */
  advance(ms: number, maxTimers = Infinity): boolean {
    if (!(maxTimers >= 1)) throw new RangeError(`maxTimers must be at least 1, not ${maxTimers}`);
    const target = this.current + Math.max(0, ms);
    let fired = 0;
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > target) break;
      if (fired === maxTimers) return false;
      this.pop();
      if (next.cancelled) continue;
      this.current = next.at;
      fired++;
      next.fn();
    }
    this.current = target;
    return true;
  }

  /**
   * Advances in steps of `step` ms, awaiting pending promise work between steps, so async code
   * driven by timers (controllers, kubelets) makes progress as it would in real time.
   */
  async advanceAsync(ms: number, step = 100): Promise<void> {
    const target = this.current + ms;
    while (this.current < target) {
      this.advance(Math.min(step, target - this.current));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Scheduled): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/**
 * RFC 3339 to the second (`2026-11-23T12:00:00Z`), the form of the API's timestamps, formatted once
 * per second asked for: a busy writer stamps many objects within one.
 */
export class SecondTimestamps {
  private second = NaN;
  private text = '';

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = rfc3339(second * 1000);
    }
    return this.text;
  }
}

// The API's timestamps, as Go's encoders write them. Each is one flat string: objects keep them for
// as long as they live (see flatten).

/** RFC 3339 to the second, as metav1.Time serialises (`2026-11-23T12:00:00Z`). */
export function rfc3339(ms: number): string {
  return flatten(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

/** RFC 3339 to the microsecond, as metav1.MicroTime serialises (`2026-11-23T12:00:00.250000Z`). */
export function rfc3339Micro(ms: number): string {
  return flatten(new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'));
}

/** RFC 3339 with nine fractional digits, as container runtimes stamp log lines (`…:00.250000000Z`). */
export function rfc3339Nano(ms: number): string {
  return flatten(new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z'));
}
