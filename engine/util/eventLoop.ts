// Where the embedded cluster's components pause between chunks of work. Each one yields after a
// bounded chunk (a kubelet's 50 pod syncs, the scheduler's 32 cycles), but with thousands of
// kubelets, callbacks that merely wait for the next turn would all run in that one turn; here they
// queue, and only a few resume per turn of the event loop, first come first served, so timers and
// I/O (a user's request) get theirs. Counted in resumptions, not time, so a run replays exactly.

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

/** How many yielded chunks wait to be resumed: 0 once every component has caught up. */
export function chunksWaiting(): number {
  return waiting.length;
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
