// `npm run bench webview`: the Cluster dashboard's front end in headless Chromium, fed the messages
// the extension would send. Time from an `init` of 10,000 pods to the frame that shows them; frames
// per second while a 1,000-pod scale-up streams in (every pod Pending, then bound, then Running, in
// batches every 50 ms as the informer cache delivers them) and the longest frame when 1,000 pods
// change phase in one batch; the page's JS heap and DOM size at 10,000 pods.
import type { Page } from 'playwright-core';
import type { ChangesMessage, InitMessage, PodChip } from '../extension/webviews/protocol/dashboard';
import { buildMedia, launchChromium, openPanel } from '../test/webviews/harness';
import { phaseChanges, syntheticCluster } from '../test/webviews/synthetic';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows: [string, string][] = [];

// Page-side helpers as source text: the bench runner's transpiler would rewrite a function passed
// to the page in a way the page cannot run.
const pageHelpers = `
window.bench = {
  /** Posts a message and resolves with the ms until the frame after the one that applied it. */
  render(message) {
    return new Promise((resolve) => {
      const start = performance.now();
      window.addEventListener('message', () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start))), { once: true });
      window.postMessage(message, '*');
    });
  },
  /** Posts the batches every intervalMs while counting animation frames; frames per second and the longest frame. */
  stream(batches, intervalMs) {
    return new Promise((resolve) => {
      let frames = 0;
      let longest = 0;
      let running = true;
      const start = performance.now();
      let last = start;
      const tick = (now) => {
        frames++;
        longest = Math.max(longest, now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      let i = 0;
      const timer = setInterval(() => {
        window.postMessage(batches[i++], '*');
        if (i < batches.length) return;
        clearInterval(timer);
        // One more frame for the last batch, then stop counting.
        requestAnimationFrame(() => requestAnimationFrame(() => {
          running = false;
          const seconds = (performance.now() - start) / 1000;
          resolve({ fps: frames / seconds, longest, seconds });
        }));
      }, intervalMs);
    });
  },
};`;

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

async function heap(page: Page): Promise<{ used: number; elements: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return { used: usedSize, elements: await page.evaluate('document.getElementsByTagName("*").length') };
}

async function main(): Promise<void> {
  const [browser, media] = await Promise.all([launchChromium(), buildMedia()]);
  try {
    for (const [nodes, pods] of [[20, 10_000], [200, 10_000]] as const) {
      const page = await openPanel(browser, { media: media.dir, panel: 'dashboard', viewport: { width: 1400, height: 900 } });
      await page.evaluate(pageHelpers);
      const empty = await heap(page);
      const init = syntheticCluster(nodes, pods);
      // Each init replaces the whole view; the median of three damps a busy machine's noise.
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push((await page.evaluate(`bench.render(${JSON.stringify(init)})`)) as number);
      const median = times.sort((a, b) => a - b)[1]!;
      rows.push([`render ${fmt(pods)} pods on ${nodes} nodes (init → next frame, median of 3)`, `${fmt(median)} ms`]);
      const full = await heap(page);
      rows.push([`  JS heap at ${fmt(pods)} pods (empty page ${fmt(empty.used / 2 ** 20, 1)} MiB)`, `${fmt(full.used / 2 ** 20, 1)} MiB`]);
      rows.push([`  DOM elements at ${fmt(pods)} pods`, fmt(full.elements)]);
      if (nodes === 20) {
        const batches = scaleUp(init, 1_000, 25);
        const run = (await page.evaluate(`bench.stream(${JSON.stringify(batches)}, 50)`)) as { fps: number; longest: number; seconds: number };
        rows.push([`1,000-pod scale-up, ${batches.length} batches every 50 ms: frames / s`, fmt(run.fps, 1)]);
        rows.push(['  longest frame', `${fmt(run.longest, 1)} ms`]);
        const flip = phaseChanges(init, 0, 1_000, 'Failed');
        const once = (await page.evaluate(`bench.stream(${JSON.stringify([flip])}, 50)`)) as { fps: number; longest: number };
        rows.push(['1,000 pods change phase in one batch: longest frame', `${fmt(once.longest, 1)} ms`]);
        const after = await heap(page);
        rows.push([`  JS heap after ${fmt(pods + 1_000)} pods and 4,000 changes`, `${fmt(after.used / 2 ** 20, 1)} MiB`]);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    media.dispose();
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(12)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
