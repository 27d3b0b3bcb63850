// How many writes the API server admits per turn of the event loop. Every component of the
// embedded cluster runs in one thread and talks to the API server through promises that settle at
// once, so a cascade (a ReplicaSet creating pods, their watch events, the scheduler binding them,
// kubelets writing statuses…) would otherwise run to its end before a timer or an I/O callback —
// a user's request — got a turn. Past the budget, writers wait for the next turn, first come first
// served. Counted in writes, not milliseconds, so a run on the VirtualClock replays exactly.

import { TurnBudget } from '../util/eventLoop';

/** Writes waiting for their turn, over every budget in the process. */
let waitingWrites = 0;

/**
 * How many writes wait for a later turn, over all API servers: 0 once the backlog has drained. A
 * driver of the VirtualClock moves time on only then, so timers do not add work faster than the
 * API server takes it.
 */
export function writesWaiting(): number {
  return waitingWrites;
}

/** The API server's budget of writes per turn; the writes it holds back count in `writesWaiting`. */
export class WriteBudget extends TurnBudget {
  protected override waited(delta: number): void {
    waitingWrites += delta;
  }
}
