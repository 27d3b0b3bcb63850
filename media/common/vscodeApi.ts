// The one handle a webview has on VS Code. acquireVsCodeApi may be called only once per page load,
// so every module of a panel shares this accessor; typed by the panel's own state and messages.
import type { Guard } from '../../extension/webviews/protocol/guards';

interface WebviewApi<State, Out> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State, Out>(): WebviewApi<State, Out>;

let api: WebviewApi<unknown, unknown> | undefined;

export function vscodeApi<State, Out>(): WebviewApi<State, Out> {
  api ??= acquireVsCodeApi<unknown, unknown>();
  return api as WebviewApi<State, Out>;
}

/**
 * Hears the extension's messages that pass `guard`; anything else is dropped with a warning, as the
 * page must not act on data whose shape it has not checked. Returns the unsubscribe function.
 */
export function onHostMessage<T>(guard: Guard<T>, handler: (message: T) => void): () => void {
  const listener = (event: MessageEvent) => {
    if (guard(event.data)) handler(event.data);
    else console.warn('kubeside: ignored a message of unexpected shape', event.data);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}

/** The panel's saved view state, if it has one that passes `guard` (an older version's may not). */
export function savedState<State>(guard: Guard<State>): State | undefined {
  const state = vscodeApi<unknown, unknown>().getState();
  return guard(state) ? state : undefined;
}
