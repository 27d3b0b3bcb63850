// The Logs front end in headless Chromium, fed the messages the extension sent while a real embedded
// cluster ran the shop and a pod that crashes every 30 s (recorded in fixtures/logs-stream.json):
// lines show with their pod/container, only the rows in view exist in the DOM, the ring keeps 50,000
// lines, follow, search, source chips and previous behave, the CSP holds, and the view state
// survives a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { HostMessage, LinesMessage } from '../../extension/webviews/protocol/logs';
import type { RecordedLogStreams } from './fixtures/recordLogs';
import { assertCspBlocksInjectedScript, clearPosted, inTheme, openPanel, posted, reload, savedState, screenshot, send, suiteBrowser, warningsWhile } from './harness';
import { computedColours } from './themes';

const recorded: RecordedLogStreams = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/logs-stream.json'), 'utf8'));
const { workload, crashing, previous } = recorded;

const linesIn = (messages: readonly HostMessage[]) => messages.flatMap((m) => (m.type === 'lines' ? m.text.map((text, i) => ({ source: m.source[i]!, text })) : []));

/** `count` numbered lines from source 0, in batches of `perBatch`. */
function synthetic(count: number, perBatch: number, from = 0): LinesMessage[] {
  const batches: LinesMessage[] = [];
  for (let i = from; i < from + count; i += perBatch) {
    const n = Math.min(perBatch, from + count - i);
    batches.push({ type: 'lines', source: new Array<number>(n).fill(0), text: Array.from({ length: n }, (_, j) => `line ${i + j} GET /index.html 200`) });
  }
  return batches;
}

interface Shown {
  rows: { seq: number; text: string; current: boolean; marks: string[] }[];
  lineCount: string;
  matchCount: string;
  chips: { label: string; classes: string[]; pressed: string }[];
  follow: string;
  previous: string;
  scrollTop: number;
  scrollMax: number;
}

function read(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.viewport')!;
    return {
      rows: [...document.querySelectorAll<HTMLElement>('.line')].map((l) => ({ seq: Number(l.dataset.seq), text: l.textContent!, current: l.classList.contains('current'), marks: [...l.querySelectorAll('mark')].map((m) => m.textContent!) })),
      lineCount: document.querySelector('.line-count')!.textContent!,
      matchCount: document.querySelector('.match-count')!.textContent!,
      chips: [...document.querySelectorAll<HTMLElement>('.chip')].map((c) => ({ label: c.textContent!, classes: [...c.classList], pressed: c.getAttribute('aria-pressed')! })),
      follow: document.querySelector('[data-action="follow"]')!.getAttribute('aria-pressed')!,
      previous: document.querySelector('[data-action="previous"]')!.getAttribute('aria-pressed')!,
      scrollTop: viewport.scrollTop,
      scrollMax: viewport.scrollHeight - viewport.clientHeight,
    };
  });
}

const frame = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

describe('Logs webview', function () {
  this.timeout(60_000);
  const chromium = suiteBrowser();
  let page: Page;

  before(async () => {
    page = await openPanel(chromium.browser, { media: chromium.media, panel: 'logs', viewport: { width: 1100, height: 600 } });
  });
  beforeEach(() => clearPosted(page));

  it('says it is ready, then shows every pod of web with each line prefixed by its pod/container, a chip per source', async () => {
    await reload(page);
    assert.deepEqual(await posted(page), [{ type: 'ready', previous: false }]);
    await send(page, [workload.init, ...workload.messages]);
    const shown = await read(page);
    const lines = linesIn(workload.messages);
    assert.equal(shown.lineCount, `${lines.length} lines`);
    // Following: the rows drawn are the newest, each the line of its sequence number.
    assert.ok(shown.rows.length > 20 && shown.rows.length < lines.length, `${shown.rows.length} rows drawn`);
    assert.equal(shown.rows.at(-1)!.seq, lines.length - 1);
    const sources = new Map([...workload.init.sources, ...workload.messages.flatMap((m) => (m.type === 'sources' ? m.sources : []))].map((s) => [s.id, s]));
    assert.equal(sources.size, 3, 'the scale-up added a third pod');
    for (const row of shown.rows) assert.equal(row.text, `${sources.get(lines[row.seq]!.source)!.pod}/web ${lines[row.seq]!.text}`);
    assert.deepEqual(shown.chips.map((c) => c.label), [...sources.values()].map((s) => `${s.pod}/web`));
    assert.ok(shown.chips.every((c) => c.classes.includes('state-streaming') && c.pressed === 'true'));
    assert.equal(shown.follow, 'true');
  });

  it('appends lines without redrawing the rows already drawn', async () => {
    await send(page, [workload.init, ...workload.messages.slice(0, 6)]);
    await page.evaluate(() => document.querySelectorAll('.line').forEach((l) => l.setAttribute('data-marked', '')));
    const before = (await read(page)).rows.length;
    const next = workload.messages.slice(6).find((m) => m.type === 'lines')!;
    await send(page, [next]);
    const kept = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.line')].map((l) => l.hasAttribute('data-marked')));
    assert.equal(kept.filter(Boolean).length, before);
    assert.ok(kept.length > before);
  });

  it('follows a crashing container through its restarts, and the chip tells where its stream is', async () => {
    await send(page, [crashing.init, ...crashing.messages]);
    const shown = await read(page);
    assert.equal(shown.rows.filter((r) => r.text.startsWith('start worker processes')).length, 3, 'one start per instance');
    // One source: no prefix.
    assert.ok(shown.rows.every((r) => !r.text.startsWith('checkout/')));
    assert.ok(shown.chips[0]!.classes.includes('state-streaming'));
    const ended = crashing.messages.findIndex((m) => m.type === 'sources' && m.sources[0]!.state === 'ended');
    await send(page, [crashing.init, ...crashing.messages.slice(0, ended + 1)]);
    const chip = (await read(page)).chips[0]!;
    assert.ok(chip.classes.includes('state-ended'));
    assert.equal(await page.locator('.chip').getAttribute('title'), 'checkout/checkout: ended (container exited)');
  });

  it('asks for the previous container with the Previous toggle and shows its log', async () => {
    await send(page, [crashing.init, ...crashing.messages]);
    await page.locator('[data-action="previous"]').click();
    assert.deepEqual(await posted(page), [{ type: 'setPrevious', previous: true }]);
    await send(page, [previous.init, ...previous.messages]);
    const shown = await read(page);
    assert.equal(shown.previous, 'true');
    assert.deepEqual(shown.rows.map((r) => r.text), linesIn(previous.messages).map((l) => l.text));
    assert.equal((await savedState(page) as { previous: boolean }).previous, true);
    await page.locator('[data-action="previous"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'setPrevious', previous: false });
  });

  it('keeps at most 50,000 lines and only the rows in view in the DOM', async () => {
    await send(page, [{ ...workload.init, sources: [workload.init.sources[0]!] }]);
    await send(page, synthetic(60_000, 5_000));
    let shown = await read(page);
    assert.equal(shown.lineCount, '50,000 lines');
    assert.ok(shown.rows.length < 60, `${shown.rows.length} rows in the DOM`);
    assert.equal(shown.rows.at(-1)!.text, 'line 59999 GET /index.html 200');
    assert.equal(shown.scrollTop, shown.scrollMax);
    await page.locator('.viewport').evaluate((v) => (v.scrollTop = 0));
    await frame(page);
    shown = await read(page);
    assert.equal(shown.rows[0]!.text, 'line 10000 GET /index.html 200');
    assert.equal(shown.follow, 'false', 'scrolling up stops following');
  });

  it('keeps the lines in view still while not following, even as old lines fall off the ring', async () => {
    await send(page, [{ ...workload.init, sources: [workload.init.sources[0]!] }, ...synthetic(50_000, 10_000)]);
    await page.locator('.viewport').evaluate((v) => (v.scrollTop = 18 * 20_000));
    await frame(page);
    const top = (await read(page)).rows.find((r) => r.text === 'line 20000 GET /index.html 200');
    assert.ok(top);
    await send(page, synthetic(1_000, 1_000, 50_000));
    const shown = await read(page);
    assert.equal(shown.follow, 'false');
    // 1,000 lines fell off the front and the view moved up by as many rows: the same line is at the top.
    assert.equal(shown.scrollTop, 18 * 19_000);
    assert.ok(shown.rows.some((r) => r.text === 'line 20000 GET /index.html 200'));
    await page.locator('[data-action="follow"]').click();
    await frame(page);
    const following = await read(page);
    assert.equal(following.follow, 'true');
    assert.equal(following.scrollTop, following.scrollMax);
  });

  it('highlights search matches and steps through them with Enter, Shift+Enter and the arrows', async () => {
    await send(page, [workload.init, ...workload.messages]);
    const lines = linesIn(workload.messages);
    const expected = lines.filter((l) => l.text.toLowerCase().includes('listening')).length;
    await page.locator('input.search').fill('LISTENING');
    await frame(page);
    let shown = await read(page);
    assert.equal(shown.matchCount, String(expected));
    assert.ok(expected >= 3);
    assert.deepEqual(shown.rows.filter((r) => r.marks.length).map((r) => r.seq), shown.rows.filter((r) => r.text.includes('listening')).map((r) => r.seq));
    assert.ok(shown.rows.every((r) => r.marks.every((m) => m === 'listening')));
    await page.locator('input.search').press('Enter');
    shown = await read(page);
    assert.equal(shown.matchCount, `1 of ${expected}`);
    assert.ok(shown.rows.find((r) => r.current)!.text.includes('listening'));
    await page.locator('[data-action="next-match"]').click();
    assert.equal((await read(page)).matchCount, `2 of ${expected}`);
    await page.locator('input.search').press('Shift+Enter');
    await page.locator('input.search').press('Shift+Enter');
    assert.equal((await read(page)).matchCount, `${expected} of ${expected}`, 'wraps around');
    assert.equal((await savedState(page) as { query: string }).query, 'LISTENING');
    await page.locator('input.search').fill('');
    await frame(page);
    assert.equal((await read(page)).matchCount, '');
  });

  it('filters a source out with its chip, and keeps it filtered out after VS Code reloads the hidden panel', async () => {
    await send(page, [workload.init, ...workload.messages]);
    const lines = linesIn(workload.messages);
    const first = workload.init.sources[0]!;
    await page.locator('.chip', { hasText: first.pod }).click();
    await frame(page);
    let shown = await read(page);
    const rest = lines.filter((l) => l.source !== first.id);
    assert.equal(shown.lineCount, `${rest.length} lines of ${lines.length}`);
    assert.ok(shown.rows.every((r) => !r.text.startsWith(first.pod)));
    assert.equal(shown.chips[0]!.pressed, 'false');
    assert.deepEqual(await savedState(page), { target: workload.init.target, follow: true, previous: false, query: '', hidden: [`${first.pod}/web`] });

    await reload(page);
    await send(page, [workload.init, ...workload.messages]);
    shown = await read(page);
    assert.equal(shown.lineCount, `${rest.length} lines of ${lines.length}`);
    await page.locator('.chip', { hasText: first.pod }).click();
    await frame(page);
    assert.equal((await read(page)).lineCount, `${lines.length} lines`);
  });

  it('ignores a message that does not have the protocol shape', async () => {
    await send(page, [workload.init]);
    const warnings = await warningsWhile(page, () => send(page, [{ type: 'lines', source: [0, 0], text: ['only one'] }, { type: 'lines', source: [0], text: [{ toString: 1 }] }]));
    assert.equal((await read(page)).lineCount, '0 lines');
    assert.equal(warnings.filter((w) => w.includes('unexpected shape')).length, 2, warnings.join('\n'));
  });

  it('lets its Content-Security-Policy block an injected inline script and event handler', async () => {
    await assertCspBlocksInjectedScript(page);
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`draws in VS Code's ${theme} theme`, async () => {
      await inTheme(page, theme, async () => {
        await send(page, [workload.init, ...workload.messages]);
        await page.locator('input.search').fill('listening');
        await page.locator('input.search').press('Enter');
        const colours = await page.evaluate(() => ({ body: getComputedStyle(document.body).backgroundColor, prefix: getComputedStyle(document.querySelector('.prefix.source-1')!).color }));
        assert.deepEqual(colours, { body: computedColours[theme].background, prefix: computedColours[theme].green });
        await screenshot(page, `logs-${theme}`, false);
        await page.locator('input.search').fill('');
      });
    });
  }
});
