// `npm run bench logs`: the Logs viewer in headless Chromium, fed `lines` messages as the extension
// batches them. Append throughput (lines per second, from the first message to the frame after the
// last) following, and with a search highlighting matches; the page's JS heap and DOM size holding
// 50,000 lines (after 200,000 went through the ring); the longest frame while 2,000 lines a second
// stream in. And on the extension side, how fast the LogsModel turns streamed text into batches.
import { VirtualClock } from '../engine/util/clock';
import type { ClusterBackend, KubeObj } from '../extension/backend/clusterBackend';
import type { ClusterCache } from '../extension/cache/clusterCache';
import { LogsModel } from '../extension/webviews/logsModel';
import type { InitMessage, LinesMessage } from '../extension/webviews/protocol/logs';
import { deliver, fmt, heap, printRows, type Rows, runBenchmark, stream, withPanels } from './support/webview';

const rows: Rows = [];

const sources = Array.from({ length: 8 }, (_, i) => ({ id: i, pod: `web-5574cc56f7-${String(i).padStart(5, 'x')}`, container: 'web', state: 'streaming' as const, message: '' }));
const init: InitMessage = { type: 'init', target: { kind: 'Deployment', namespace: 'shop', name: 'web' }, previous: false, sources };

/** An nginx access-log line, as the simulated runtime writes them, varied by index. */
function line(i: number): string {
  return `10.244.${i % 4}.${i % 250} - - [04/Dec/2026:12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0000] "GET /api/items/${i} HTTP/1.1" ${i % 97 === 0 ? 503 : 200} 615 "-" "kube-probe/1.36"`;
}

function batches(total: number, perBatch: number, from = 0): LinesMessage[] {
  const out: LinesMessage[] = [];
  for (let i = from; i < from + total; i += perBatch) {
    const n = Math.min(perBatch, from + total - i);
    out.push({ type: 'lines', source: Array.from({ length: n }, (_, j) => (i + j) % sources.length), text: Array.from({ length: n }, (_, j) => line(i + j)) });
  }
  return out;
}

async function viewer(): Promise<void> {
  await withPanels(async (bench) => {
    for (const search of ['', 'items/1']) {
      const page = await bench.open('logs');
      await page.evaluate(`window.postMessage(${JSON.stringify(init)}, '*')`);
      if (search) await page.locator('input.search').fill(search);
      const empty = await heap(page);
      // Warm-up, then the measured run: 200,000 lines in batches of 1,000 (one 100 ms batch of a busy workload).
      await deliver(page, batches(10_000, 1_000));
      const total = 200_000;
      const ms = await deliver(page, batches(total, 1_000, 10_000));
      const label = search ? `, searching "${search}"` : '';
      rows.push([`append ${fmt(total)} lines in batches of 1,000${label}: lines / s`, fmt((total / ms) * 1000)]);
      const full = await heap(page);
      const kept = await page.evaluate(`document.querySelector('.line-count').textContent`);
      if (!search) {
        rows.push([`  JS heap holding ${kept} (empty page ${fmt(empty.used / 2 ** 20, 1)} MiB)`, `${fmt(full.used / 2 ** 20, 1)} MiB`]);
        rows.push(['  DOM elements at 50,000 lines', fmt(full.elements)]);
        const { longest } = await stream(page, batches(2_000, 200, 300_000), 100);
        rows.push(['2,000 lines / s as 10 batches a second: longest frame', `${fmt(longest, 1)} ms`]);
      } else {
        rows.push([`  matches kept`, String(await page.evaluate(`document.querySelector('.match-count').textContent`))]);
      }
      await page.close();
    }
  });
}

/** The extension side: text from followLogs split into lines and batched, with no cluster behind it. */
function model(): void {
  const clock = new VirtualClock(0);
  const pod: KubeObj = { metadata: { uid: 'p', name: 'web-0', namespace: 'shop' }, spec: { containers: [{ name: 'web' }] }, status: { containerStatuses: [{ name: 'web', containerID: 'sim://1', state: { running: {} } }] } };
  const cache = { get: () => pod, byIndex: () => [], onDidChange: () => ({ dispose() {} }) } as unknown as ClusterCache;
  let write: (text: string) => void = () => {};
  const backend: Pick<ClusterBackend, 'logs' | 'followLogs'> = {
    logs: async () => '',
    followLogs: (_ns, _pod, _c, _o, onData) => {
      write = onData;
      return { dispose() {} };
    },
  };
  const logs = new LogsModel(cache, backend, { clock, target: { kind: 'Pod', namespace: 'shop', name: 'web-0' }, previous: false });
  let sent = 0;
  logs.onDidChange((m) => (sent += m.type === 'lines' ? m.text.length : 0));
  const chunk = `${Array.from({ length: 100 }, (_, i) => line(i)).join('\n')}\n`;
  const total = 1_000_000;
  const start = performance.now();
  for (let i = 0; i < total / 100; i++) {
    write(chunk);
    if (i % 10 === 9) logs.flush();
  }
  logs.flush();
  const ms = performance.now() - start;
  logs.dispose();
  if (sent !== total) throw new Error(`sent ${sent} lines of ${total}`);
  rows.push([`LogsModel: ${fmt(total)} streamed lines split and batched: lines / s`, fmt((total / ms) * 1000)]);
}

async function main(): Promise<void> {
  model();
  await viewer();
  printRows(rows);
}

runBenchmark(main);
