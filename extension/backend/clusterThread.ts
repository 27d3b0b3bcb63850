// The worker thread the extension runs its embedded cluster in (see threadedBackend.ts): the whole
// engine, persisted in its state directory and served on loopback as EmbeddedBackend serves it.
// What the REST API does not offer (nodes, snapshots, reset) arrives here as calls over the
// thread's message port; everything else reaches the cluster through its API server, as kubectl does.
import { parentPort, workerData } from 'node:worker_threads';
import { ClusterError } from './clusterBackend';
import { EmbeddedBackend } from './embeddedBackend';
import type { ThreadCall, ThreadError, ThreadInit, ThreadMessage, ThreadServing } from './threadedBackend';

const port = parentPort!;
const init = workerData as ThreadInit;
let backend: EmbeddedBackend;

/**
 * Where the cluster is served now (a restore or reset starts it again, maybe on another port), or
 * undefined when it is not running (it failed to start again).
 */
function serving(): ThreadServing | undefined {
  const { server, kubeconfigPath } = backend;
  return server && kubeconfigPath ? { server, kubeconfigPath, failed: [...backend.nodes.failed()] } : undefined;
}

/** An error as plain data: a ClusterError keeps its code, reason and causes across the thread. */
function errorData(err: unknown): ThreadError {
  if (ClusterError.is(err)) return { message: err.message, code: err.code, reason: err.reason, causes: [...err.causes] };
  return { message: err instanceof Error ? err.message : String(err) };
}

async function run(call: ThreadCall): Promise<unknown> {
  switch (call.op) {
    case 'nodes.add':
      return backend.nodes.add(call.controlPlane ? { controlPlane: true } : {});
    case 'nodes.fail':
      return backend.nodes.fail(call.name);
    case 'nodes.recover':
      return backend.nodes.recover(call.name);
    case 'nodes.cordon':
      return backend.nodes.cordon(call.name);
    case 'nodes.uncordon':
      return backend.nodes.uncordon(call.name);
    case 'nodes.drain':
      return backend.nodes.drain(call.name);
    case 'snapshots.save':
      return backend.snapshots.save(call.file);
    case 'snapshots.restore':
      return backend.snapshots.restore(call.file);
    case 'reset':
      return backend.reset();
    case 'dispose':
      return backend.dispose();
  }
}

port.on('message', (call: ThreadCall) => {
  void run(call).then(
    (value) => port.postMessage({ type: 'reply', id: call.id, value, serving: call.op === 'dispose' ? undefined : serving() } satisfies ThreadMessage),
    // A failed restore still leaves a cluster running (on its previous state): say where.
    (err) => port.postMessage({ type: 'reply', id: call.id, error: errorData(err), serving: call.op === 'dispose' ? undefined : serving() } satisfies ThreadMessage),
  );
});

// As the extension host does for an extension's stray exception: report it, and keep the cluster running.
process.on('uncaughtException', (err) => port.postMessage({ type: 'internalError', error: errorData(err) } satisfies ThreadMessage));

EmbeddedBackend.start(init).then(
  (started) => {
    backend = started;
    port.postMessage({ type: 'ready', serving: serving()! } satisfies ThreadMessage);
  },
  (err) => port.postMessage({ type: 'failed', error: errorData(err) } satisfies ThreadMessage),
);
