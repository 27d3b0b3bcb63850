// Where the embedded cluster's components pause between chunks of work. Each one yields after a
// bounded chunk (a kubelet's 50 pod syncs, the scheduler's 32 cycles), but with thousands of
// kubelets, callbacks that merely wait for the next turn would all run in that one turn; here they
// queue, and only a few resume per turn of the event loop, first come first served, so timers and
// I/O (a user's request) get theirs. Counted in resumptions, not time, so a run replays exactly.
// Components whose units of work are spread over many instances (a kubelet per node) pace each
// unit instead, against one budget per turn for the whole process (`pace`).

/** Chunks resumed per turn: a few tens of milliseconds of work at most. */
const resumesPerTurn = 4;

const waiting: (() => void)[] = [];
let scheduled = false;

/** Resolves on a later turn of the event loop, after those that yielded earlier. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}

/** How many yielded chunks and paced units wait to be resumed: 0 once every component has caught up. */
export function chunksWaiting(): number {
  return waiting.length + paced.waiting;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    for (const resolve of waiting.splice(0, resumesPerTurn)) resolve();
    if (waiting.length) schedule();
  });
}

/**
 * A budget of `perTurn` units of work per turn of the event loop: `take()` is undefined while this
 * turn's budget lasts (go ahead now), otherwise a promise that settles on a later turn, first come
 * first served. Counted in units, not milliseconds, so a run on the VirtualClock replays exactly.
 */
export class TurnBudget {
  private spent = 0;
  private readonly waiters: (() => void)[] = [];
  private resetScheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Units waiting for a later turn. */
  get waiting(): number {
    return this.waiters.length;
  }

  take(): Promise<void> | undefined {
    this.scheduleReset();
    if (this.waiters.length === 0 && this.spent < this.perTurn) {
      this.spent++;
      return undefined;
    }
    this.waited(1);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Told +1 as a unit starts waiting and -1 as it resumes: for a count over several budgets. */
  protected waited(_delta: number): void {}

  private scheduleReset(): void {
    if (this.resetScheduled) return;
    this.resetScheduled = true;
    setImmediate(() => {
      this.resetScheduled = false;
      this.spent = 0;
      for (const resolve of this.waiters.splice(0, this.perTurn)) {
        this.spent++;
        this.waited(-1);
        resolve();
      }
      if (this.spent > 0) this.scheduleReset();
    });
  }
}

/**
 * Units of work (one pod sync, one container started after its image arrived) done per turn of the
 * event loop, over every component that paces itself. A kubelet's own work is small, but thousands
 * of kubelets whose timers fire on the same virtual millisecond (every image pull finishing at
 * once) would otherwise do all of it in one turn: half a second for 4,000 pods.
 */
const paced = new TurnBudget(64);

/**
 * Counts one unit of work against this turn's budget, shared by every caller in the process:
 * undefined while the budget lasts (go ahead now), otherwise a promise that settles on a later
 * turn, first come first served.
 */
export function pace(): Promise<void> | undefined {
  return paced.take();
}
