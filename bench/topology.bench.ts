// `npm run bench topology`: the Topology panel's front end in headless Chromium on an app graph of
// about 2,000 nodes (160 apps in 10 namespaces; one app in five has 200 pods, drawn as one
// "pods ×200" node, so ~7,400 pods in all). Time from `init` to the frame that shows the graph on a
// freshly opened panel (laid out over several frames, a 50 ms budget each, so the page keeps
// answering), split into dagre layout and DOM render; the same after a pod is added to one
// app (only that app is laid out again) and after 500 nodes change status (no layout at all).
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import type { ChangesMessage, InitMessage } from '../extension/webviews/protocol/topology';
import { syntheticTopology } from '../test/webviews/topologySynthetic';
import { fmt, printRows, type Rows, runBenchmark, withPanels } from './support/webview';

const rows: Rows = [];
const runs = 3;

// Page-side helper as source text: the bench runner's transpiler would rewrite a function passed
// to the page in a way the page cannot run. Added beside the shared ones.
const pageHelpers = `
Object.assign(window.bench, {
  /**
   * Posts a message; resolves when the panel has laid out and drawn all of it (a big graph takes
   * several frames, one layout budget each), with the time to the first frame that showed part of
   * it, the total, and the panel's own layout and render measures summed over those frames.
   */
  render(message) {
    return new Promise((resolve) => {
      const start = performance.now();
      const entries = (name) => performance.getEntriesByName(name);
      const marks = ['topology-layout', 'topology-layout-partial', 'topology-render', 'topology-render-partial'];
      const before = Object.fromEntries(marks.map((m) => [m, entries(m).length]));
      const since = (name) => entries(name).slice(before[name]).reduce((sum, e) => sum + e.duration, 0);
      let first = 0;
      const check = () => {
        first ||= performance.now() - start;
        const done = entries('topology-layout').length > before['topology-layout'];
        const started = done || entries('topology-layout-partial').length > before['topology-layout-partial'];
        if (started && !done) return requestAnimationFrame(check);
        requestAnimationFrame(() => resolve({
          first,
          total: performance.now() - start,
          layout: since('topology-layout') + since('topology-layout-partial'),
          render: since('topology-render') + since('topology-render-partial'),
        }));
      };
      // The panel's own listener, added first, books the frame that applies the message; this check runs after it.
      window.addEventListener('message', () => requestAnimationFrame(check), { once: true });
      window.postMessage(message, '*');
    });
  },
});`;

interface Timing {
  readonly first: number;
  readonly total: number;
  readonly layout: number;
  readonly render: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function report(label: string, timings: Timing[]): void {
  rows.push([`${label} (median of ${timings.length})`, `${fmt(median(timings.map((t) => t.total)))} ms`]);
  rows.push(['  first frame showing part of it', `${fmt(median(timings.map((t) => t.first)))} ms`]);
  rows.push(['  of which dagre layout', `${fmt(median(timings.map((t) => t.layout)))} ms`]);
  rows.push(['  of which DOM render', `${fmt(median(timings.map((t) => t.render)))} ms`]);
}

async function render(page: Page, message: unknown): Promise<Timing> {
  return (await page.evaluate(`bench.render(${JSON.stringify(message)})`)) as Timing;
}

async function main(): Promise<void> {
  const init: InitMessage = syntheticTopology(160, 10, (app) => (app % 5 === 0 ? 200 : 8));
  const pods = init.nodes.reduce((n, node) => n + (node.kind === 'Pod' ? 1 : node.kind === 'PodGroup' ? node.count! : 0), 0);
  rows.push(['graph', `${fmt(init.nodes.length)} nodes, ${fmt(init.edges.length)} edges, ${fmt(pods)} pods`]);
  const cold: Timing[] = [];
  const oneApp: Timing[] = [];
  const statuses: Timing[] = [];
  await withPanels(async (bench) => {
    // Minified, as a packaged extension ships it (scripts/build.mjs --minify).
    await esbuild.build({ absWorkingDir: path.resolve(__dirname, '..'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'warning', outdir: bench.media, entryPoints: { 'topology/main': 'media/topology/main.ts' } });
    for (let run = 0; run < runs; run++) {
      // A new page each time: the first layout of a freshly opened panel, with nothing cached.
      const page = await bench.open('topology');
      await page.evaluate(pageHelpers);
      cold.push(await render(page, init));
      const app = `app-${1 + run}`;
      const pod = { id: `Pod/team-${1 + run}/${app}-extra`, kind: 'Pod', namespace: `team-${1 + run}`, name: `${app}-extra`, labels: {}, status: 'progressing', detail: 'ContainerCreating 0/1' } as const;
      const rs = `ReplicaSet/team-${1 + run}/${app}-5d8f7`;
      const added: ChangesMessage = { type: 'changes', nodes: [pod], edges: [{ id: `${rs}>${pod.id}`, source: rs, target: pod.id, relation: 'owns' }], removed: [] };
      oneApp.push(await render(page, added));
      const flipped: ChangesMessage = { type: 'changes', nodes: init.nodes.slice(0, 500).map((n) => ({ ...n, status: 'failing' as const })), edges: [], removed: [] };
      statuses.push(await render(page, flipped));
      await page.close();
    }
  });
  report('init → graph shown, freshly opened panel', cold);
  report('one pod added to one app → shown', oneApp);
  report('500 nodes change status → shown', statuses);
  printRows(rows);
}

runBenchmark(main);
