// Teardown for the VS Code scripts: everything they start (code-server's process group, the browser,
// temp dirs) is registered here and released once, in reverse order — on success, on error, on Ctrl-C.
// Modelled on VS Code's DisposableStore.

export class DisposableStore {
  #disposals = [];
  #disposing;

  /**
   * Registers an async release function; returns it so callers can also release early. Once the store
   * is disposed (a timeout or Ctrl-C while something was still starting), what is added is released at
   * once and the caller is stopped with an error, so nothing started late outlives the teardown.
   */
  add(dispose) {
    if (this.#disposing) {
      void Promise.resolve()
        .then(dispose)
        .catch(() => {});
      throw new Error('stopped: teardown has already begun');
    }
    this.#disposals.push(dispose);
    return dispose;
  }

  /** Releases everything once; concurrent callers (a signal during normal teardown) share the promise. */
  dispose() {
    this.#disposing ??= (async () => {
      while (this.#disposals.length > 0) {
        const dispose = this.#disposals.pop();
        try {
          await dispose();
        } catch (err) {
          console.error(`cleanup failed: ${err?.message ?? err}`);
        }
      }
    })();
    return this.#disposing;
  }
}

/**
 * Disposes `store` and exits when the process is interrupted (128 + signal number, as shells do).
 * Repeated signals while stopping are ignored: `npm run` forwards the terminal's Ctrl-C to a script
 * that has already received it, and teardown is bounded anyway (stragglers get SIGKILL).
 * Returns a function that removes the handlers.
 */
export function disposeOnSignals(store) {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  let stopping = false;
  const handler = (signal) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping…`);
    void store.dispose().finally(() => process.exit(codes[signal]));
  };
  for (const signal of Object.keys(codes)) process.on(signal, handler);
  return () => {
    for (const signal of Object.keys(codes)) process.off(signal, handler);
  };
}
