// What the panels' entries do alike: the view state kept with setState (VS Code discards a hidden
// panel's page and reloads the window; both come back through getState), the extension's messages
// applied together once per animation frame, and the scroll position kept.
import type { Guard } from '../../extension/webviews/protocol/guards';
import { onHostMessage, savedState, vscodeApi } from './vscodeApi';

export interface ViewState<State> {
  /** What the page kept before this load, if it kept a state that passes the guard. */
  readonly saved: State | undefined;
  /** The state now: the saved one, or `initial`. */
  readonly current: State;
  /** Changes part of the state and keeps the whole with setState. */
  save(change: Partial<State>): void;
}

export function viewState<State extends object>(guard: Guard<State>, initial: State): ViewState<State> {
  const saved = savedState(guard);
  let current = saved ?? initial;
  return {
    saved,
    get current() {
      return current;
    },
    save(change) {
      current = { ...current, ...change };
      vscodeApi<State, unknown>().setState(current);
    },
  };
}

/**
 * Queues the extension's messages that pass `guard` and hands them to `flush` in one animation frame,
 * so a burst of cluster changes costs one redraw. A snapshot (`init`) supersedes the messages queued
 * before it, except those `outlivesInit` keeps.
 */
export function onHostMessagesPerFrame<T extends { readonly type: string }>(guard: Guard<T>, flush: (messages: T[]) => void, outlivesInit: (message: T) => boolean = () => false): void {
  let queue: T[] = [];
  onHostMessage(guard, (message) => {
    const idle = !queue.length;
    if (message.type === 'init') queue = queue.filter(outlivesInit);
    queue.push(message);
    if (idle)
      requestAnimationFrame(() => {
        const messages = queue;
        queue = [];
        flush(messages);
      });
  });
}

/** Reports the page's scroll position at most once per animation frame. */
export function onScrollY(save: (scrollY: number) => void): void {
  let frame = 0;
  window.addEventListener('scroll', () => {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      save(Math.round(window.scrollY));
    });
  });
}
