// What the webview benchmarks share: a headless Chromium with the panels' bundles, a panel page with
// the page-side measuring helpers, the page's heap and DOM size, and the printed table.
import type { Browser, Page } from 'playwright-core';
import { buildMedia, launchChromium, openPanel } from '../../test/webviews/harness';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** What label measured what, in the order measured. */
export type Rows = [string, string][];

export function printRows(rows: Rows): void {
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(12)}`);
}

// Page-side helpers as source text: the bench runner's transpiler would rewrite a function passed
// to the page in a way the page cannot run.
const pageHelpers = `
window.bench = {
  /** Posts every message at once; ms until the frame after the one that applied the last. */
  deliver(messages) {
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
  /** Posts one message every intervalMs while counting animation frames; frames per second and the longest frame. */
  stream(messages, intervalMs) {
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
        window.postMessage(messages[i++], '*');
        if (i < messages.length) return;
        clearInterval(timer);
        // One more frame for the last message, then stop counting.
        requestAnimationFrame(() => requestAnimationFrame(() => {
          running = false;
          const seconds = (performance.now() - start) / 1000;
          resolve({ fps: frames / seconds, longest, seconds });
        }));
      }, intervalMs);
    });
  },
};`;

/** Ms from posting `messages` to the frame after the one that applied the last. */
export async function deliver(page: Page, messages: readonly unknown[]): Promise<number> {
  return (await page.evaluate(`bench.deliver(${JSON.stringify(messages)})`)) as number;
}

export interface StreamRun {
  readonly fps: number;
  /** The longest frame, ms. */
  readonly longest: number;
  readonly seconds: number;
}

/** Posts one message every `intervalMs` while counting the page's frames. */
export async function stream(page: Page, messages: readonly unknown[], intervalMs: number): Promise<StreamRun> {
  return (await page.evaluate(`bench.stream(${JSON.stringify(messages)}, ${intervalMs})`)) as StreamRun;
}

/** The page's JS heap after a full garbage collection, and how many elements its DOM holds. */
export async function heap(page: Page): Promise<{ used: number; elements: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return { used: usedSize, elements: await page.evaluate('document.getElementsByTagName("*").length') };
}

export interface PanelBench {
  readonly browser: Browser;
  /** The folder of the bundles, for a benchmark that builds its panel otherwise. */
  readonly media: string;
  /** A fresh page of `panel` at 1400×900, with `bench.deliver` and `bench.stream`. */
  open(panel: string): Promise<Page>;
}

/** Runs `measure` with a browser and the panels' bundles, closed after it whatever happens. */
export async function withPanels(measure: (bench: PanelBench) => Promise<void>): Promise<void> {
  const [browser, media] = await Promise.all([launchChromium(), buildMedia()]);
  try {
    await measure({
      browser,
      media: media.dir,
      open: async (panel) => {
        const page = await openPanel(browser, { media: media.dir, panel, viewport: { width: 1400, height: 900 } });
        await page.evaluate(pageHelpers);
        return page;
      },
    });
  } finally {
    await browser.close();
    media.dispose();
  }
}

/** Runs the benchmark's main, exiting non-zero with the error if it fails. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
