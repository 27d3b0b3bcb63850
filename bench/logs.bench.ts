// `npm run bench logs`: the Logs viewer in headless Chromium, fed `lines` messages as the extension
// batches them. Append throughput (lines per second, from the first message to the frame after the
// last) following, and with a search highlighting matches; the page's JS heap and DOM size holding
// 50,000 lines (after 200,000 went through the ring); the longest frame while 2,000 lines a second
// stream in. And on the extension side, how fast the LogsModel turns streamed text into batches.
import type { Page } from 'playwright-core';
import { VirtualClock } from '../engine/util/clock';
import type { ClusterBackend, KubeObj } from '../extension/backend/clusterBackend';
import type { ClusterCache } from '../extension/cache/clusterCache';
import { LogsModel } from '../extension/webviews/logsModel';
import type { InitMessage, LinesMessage } from '../extension/webviews/protocol/logs';
import { buildMedia, launchChromium, openPanel } from '../test/webviews/harness';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows: [string, string][] = [];

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

// Page-side helpers as source text: the bench runner's transpiler would rewrite a function passed
// to the page in a way the page cannot run.
const pageHelpers = `
window.bench = {
  /** Posts every message at once; ms until the frame after the one that drew the last. */
  append(messages) {
    return new Promise((resolve) => {
      const start = performance.now();
      let left = messages.length;
      const listener = () => {
        if (--left > 0) return;
        window.removeEventListener('message', listener);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
      };
      window.addEventListener('message', listener);
      for (const m of messages) window.postMessage(m, '*');
    });
  },
  /** Posts one message every intervalMs while counting frames; the longest frame. */
  stream(messages, intervalMs) {
    return new Promise((resolve) => {
      let longest = 0;
      let last = performance.now();
      let running = true;
      const tick = (now) => {
        longest = Math.max(longest, now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      let i = 0;
      const timer = setInterval(() => {
        window.postMessage(messages[i++], '*');
        if (i < messages.length) return;
        clearInterval(timer);
        requestAnimationFrame(() => requestAnimationFrame(() => { running = false; resolve(longest); }));
      }, intervalMs);
    });
  },
};`;

async function heap(page: Page): Promise<{ used: number; elements: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return { used: usedSize, elements: await page.evaluate('document.getElementsByTagName("*").length') };
}

async function viewer(): Promise<void> {
  const [browser, media] = await Promise.all([launchChromium(), buildMedia()]);
  try {
    for (const search of ['', 'items/1']) {
      const page = await openPanel(browser, { media: media.dir, panel: 'logs', viewport: { width: 1400, height: 900 } });
      await page.evaluate(pageHelpers);
      await page.evaluate(`window.postMessage(${JSON.stringify(init)}, '*')`);
      if (search) await page.locator('input.search').fill(search);
      const empty = await heap(page);
      // Warm-up, then the measured run: 200,000 lines in batches of 1,000 (one 100 ms batch of a busy workload).
      await page.evaluate(`bench.append(${JSON.stringify(batches(10_000, 1_000))})`);
      const total = 200_000;
      const ms = (await page.evaluate(`bench.append(${JSON.stringify(batches(total, 1_000, 10_000))})`)) as number;
      const label = search ? `, searching "${search}"` : '';
      rows.push([`append ${fmt(total)} lines in batches of 1,000${label}: lines / s`, fmt((total / ms) * 1000)]);
      const full = await heap(page);
      const kept = await page.evaluate(`document.querySelector('.line-count').textContent`);
      if (!search) {
        rows.push([`  JS heap holding ${kept} (empty page ${fmt(empty.used / 2 ** 20, 1)} MiB)`, `${fmt(full.used / 2 ** 20, 1)} MiB`]);
        rows.push(['  DOM elements at 50,000 lines', fmt(full.elements)]);
        const longest = (await page.evaluate(`bench.stream(${JSON.stringify(batches(2_000, 200, 300_000))}, 100)`)) as number;
        rows.push(['2,000 lines / s as 10 batches a second: longest frame', `${fmt(longest, 1)} ms`]);
      } else {
        rows.push([`  matches kept`, String(await page.evaluate(`document.querySelector('.match-count').textContent`))]);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    media.dispose();
  }
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
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(12)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
