// Objects a watch delivers are shared by every watcher the event reaches, as client-go's informers
// share their cache: nobody may change them. Freezing each one proves it, but costs about as much as
// decoding it, on every event of a busy cluster. So, as client-go's cache mutation detector
// (KUBE_CACHE_MUTATION_DETECTOR) is switched on in Kubernetes' own tests and off in production, the
// objects are frozen only when KUBESIDE_CACHE_MUTATION_DETECTOR=true: the test suite runs with it
// (.mocharc), so a consumer that changes a shared object fails there with a TypeError.

const detecting = process.env.KUBESIDE_CACHE_MUTATION_DETECTOR === 'true';

/**
 * Whether caches kept up by events are checked against a full count where they are used (on
 * with the mutation detector, as in the tests): a difference fails the test that met it.
 */
export const verifyCaches = detecting;

/** `obj`, deep-frozen when mutations are being detected: for objects shared among consumers. */
export function shareReadOnly<T>(obj: T): T {
  return detecting ? deepFreeze(obj) : obj;
}

/** Freezes `v` and everything in it; returns it. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
