// `npm run bench webview`: the Cluster dashboard's front end in headless Chromium, fed the messages
// the extension would send. Time from an `init` of 10,000 pods to the frame that shows them; frames
// per second while a 1,000-pod scale-up streams in (every pod Pending, then bound, then Running, in
// batches every 50 ms as the informer cache delivers them) and the longest frame when 1,000 pods
// change phase in one batch; the page's JS heap and DOM size at 10,000 pods.
import type { ChangesMessage, InitMessage, PodChip } from '../extension/webviews/protocol/dashboard';
import { phaseChanges, syntheticCluster } from '../test/webviews/synthetic';
import { deliver, fmt, heap, printRows, type Rows, runBenchmark, stream, withPanels } from './support/webview';

const rows: Rows = [];

function changes(updated: PodChip[]): ChangesMessage {
  return { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated, deleted: [] }, events: [], samples: [] };
}

/** A Deployment scaled up by `count` pods on top of `base`: created Pending, bound, then Running, `perBatch` at a time. */
function scaleUp(base: InitMessage, count: number, perBatch: number): ChangesMessage[] {
  const pods: PodChip[] = Array.from({ length: count }, (_, i) => ({ uid: `scale-${i}`, name: `scale-${i}`, namespace: 'scale', node: '', phase: 'Pending', status: 'Pending', ready: false }));
  const batches: ChangesMessage[] = [];
  const stages: ((p: PodChip, i: number) => PodChip)[] = [
    (p) => p,
    (p, i) => ({ ...p, node: base.nodes[i % base.nodes.length]!.name, status: 'ContainerCreating' }),
    (p, i) => ({ ...p, node: base.nodes[i % base.nodes.length]!.name, phase: 'Running', status: 'Running', ready: true }),
  ];
  for (const stage of stages) for (let i = 0; i < count; i += perBatch) batches.push(changes(pods.slice(i, i + perBatch).map((p, j) => stage(p, i + j))));
  return batches;
}

async function main(): Promise<void> {
  await withPanels(async (bench) => {
    for (const [nodes, pods] of [[20, 10_000], [200, 10_000]] as const) {
      const page = await bench.open('dashboard');
      const empty = await heap(page);
      const init = syntheticCluster(nodes, pods);
      // Each init replaces the whole view; the median of three damps a busy machine's noise.
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await deliver(page, [init]));
      const median = times.sort((a, b) => a - b)[1]!;
      rows.push([`render ${fmt(pods)} pods on ${nodes} nodes (init → next frame, median of 3)`, `${fmt(median)} ms`]);
      const full = await heap(page);
      rows.push([`  JS heap at ${fmt(pods)} pods (empty page ${fmt(empty.used / 2 ** 20, 1)} MiB)`, `${fmt(full.used / 2 ** 20, 1)} MiB`]);
      rows.push([`  DOM elements at ${fmt(pods)} pods`, fmt(full.elements)]);
      if (nodes === 20) {
        const batches = scaleUp(init, 1_000, 25);
        const scaled = await stream(page, batches, 50);
        rows.push([`1,000-pod scale-up, ${batches.length} batches every 50 ms: frames / s`, fmt(scaled.fps, 1)]);
        rows.push(['  longest frame', `${fmt(scaled.longest, 1)} ms`]);
        const flip = phaseChanges(init, 0, 1_000, 'Failed');
        const once = await stream(page, [flip], 50);
        rows.push(['1,000 pods change phase in one batch: longest frame', `${fmt(once.longest, 1)} ms`]);
        const after = await heap(page);
        rows.push([`  JS heap after ${fmt(pods + 1_000)} pods and 4,000 changes`, `${fmt(after.used / 2 ** 20, 1)} MiB`]);
      }
      await page.close();
    }
  });
  printRows(rows);
}

runBenchmark(main);
