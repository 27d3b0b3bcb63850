// The Cluster dashboard front end in headless Chromium, fed the messages the extension sent while a
// real embedded cluster ran the shop example (recorded in fixtures/dashboard-stream.json): nodes and
// pods show where the cluster put them, changes apply in place, clicks post the right intents, the
// CSP holds, and the view state survives a reload. One page serves every test (a new `init`
// replaces all it shows), as opening a browser page costs far more than the tests themselves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { ChangesMessage, HostMessage, PodChip } from '../../extension/webviews/protocol/dashboard';
import { chipCap, chipsPerNode } from '../../media/dashboard/dashboardView';
import type { RecordedStream } from './fixtures/recordDashboard';
import { assertCspBlocksInjectedScript, clearPosted, inTheme, openPanel, posted, reload, savedState, screenshot, send, suiteBrowser, warningsWhile } from './harness';
import { computedColours } from './themes';
import { syntheticCluster } from './synthetic';

const stream: RecordedStream = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/dashboard-stream.json'), 'utf8'));
const steps = stream.steps.map((s) => s.step);

/** The messages of the recorded steps up to and including `last`. */
function through(last: string): ChangesMessage[] {
  assert.ok(steps.includes(last), `no recorded step ${last}`);
  return stream.steps.slice(0, steps.indexOf(last) + 1).flatMap((s) => s.messages);
}

/** Each pod as the extension last described it in these messages. */
function podsIn(messages: readonly HostMessage[]): Map<string, PodChip> {
  const pods = new Map<string, PodChip>();
  for (const m of messages) {
    if (m.type === 'init') for (const p of m.pods) pods.set(p.uid, p);
    else {
      for (const p of m.pods.updated) pods.set(p.uid, p);
      for (const uid of m.pods.deleted) pods.delete(uid);
    }
  }
  return pods;
}

interface Shown {
  cards: { node: string; classes: string[]; badges: string[]; bars: string[]; chips: { uid: string; classes: string[]; title: string }[]; more: string | undefined; menu: boolean }[];
  counts: Record<string, string>;
  events: number;
  namespace: string;
}

/** What the dashboard shows, read in one round trip (chips on their way out are not counted). */
function read(page: Page): Promise<Shown> {
  return page.evaluate(() => ({
    cards: [...document.querySelectorAll<HTMLElement>('.node-card')].map((card) => ({
      node: card.dataset.node!,
      classes: [...card.classList],
      badges: [...card.querySelectorAll('.badge')].map((b) => b.textContent!),
      bars: [...card.querySelectorAll('.bar-value')].map((b) => b.textContent!),
      chips: [...card.querySelectorAll<HTMLElement>('.chip:not(.leaving)')].map((c) => ({ uid: c.dataset.uid!, classes: [...c.classList], title: c.title })),
      more: card.querySelector<HTMLElement>('.chip-more:not([hidden])')?.textContent ?? undefined,
      menu: !!card.querySelector('.node-menu'),
    })),
    counts: Object.fromEntries([...document.querySelectorAll<HTMLElement>('.count')].map((c) => [c.dataset.phase!, c.querySelector('.count-value')!.textContent!])),
    events: document.querySelectorAll('.events .event').length,
    namespace: document.querySelector<HTMLSelectElement>('select.namespace')!.value,
  }));
}

const card = (shown: Shown, node: string) => shown.cards.find((c) => c.node === node)!;

/** Every pod has exactly one chip, in the card of the node it is bound to. */
function assertChipsMatch(shown: Shown, pods: Map<string, PodChip>): void {
  const where = new Map(shown.cards.flatMap((c) => c.chips.map((chip) => [chip.uid, c.node] as const)));
  assert.equal(shown.cards.reduce((n, c) => n + c.chips.length, 0), pods.size);
  for (const pod of pods.values()) assert.equal(where.get(pod.uid), pod.node || '', `${pod.name} (${pod.status})`);
}

/** Marks the current chip elements, to tell later whether the DOM kept them or replaced them. */
const markChips = (page: Page) => page.evaluate(() => document.querySelectorAll('.chip').forEach((c) => c.setAttribute('data-marked', '')));
const markedChips = (page: Page) => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.chip[data-marked]:not(.leaving)')].map((c) => c.dataset.uid!));

describe('Cluster dashboard webview', function () {
  this.timeout(60_000);
  const chromium = suiteBrowser();
  let page: Page;

  before(async () => {
    page = await openPanel(chromium.browser, { media: chromium.media, panel: 'dashboard' });
  });
  beforeEach(async () => {
    await page.keyboard.press('Escape');
    await clearPosted(page);
  });

  it('says it is ready, then shows each node as a card, control plane first, with its allocatable resources', async () => {
    await reload(page);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await send(page, [stream.init]);
    const shown = await read(page);
    assert.deepEqual(shown.cards.map((c) => c.node), ['control-plane', 'worker-1', 'worker-2', 'worker-3']);
    assert.ok(card(shown, 'control-plane').classes.includes('control-plane'));
    assert.deepEqual(card(shown, 'worker-1').badges, ['Ready']);
    assert.deepEqual(card(shown, 'worker-1').bars, ['0 / 4', '0 / 8Gi', '0 / 110']);
  });

  it('puts every pod of the applied shop in the node the scheduler bound it to, and counts them by phase', async () => {
    const messages = [stream.init, ...through('apply examples/shop')];
    await send(page, messages);
    const shown = await read(page);
    const pods = podsIn(messages);
    assert.equal(pods.size, 7);
    assertChipsMatch(shown, pods);
    const chip = shown.cards.flatMap((c) => c.chips).find((c) => c.uid === [...pods.values()].find((p) => p.name === 'db-0')!.uid)!;
    assert.equal(chip.title, 'shop/db-0: Running');
    assert.ok(chip.classes.includes('phase-running') && chip.classes.includes('ready'));
    assert.equal(shown.counts.Running, '7');
    assert.equal(shown.counts.Pending, '0');
    // Each node's requests add up on its bars: nothing on the control plane, something on every worker.
    assert.equal(card(shown, 'control-plane').bars[0], '0 / 4');
    for (const worker of ['worker-1', 'worker-2', 'worker-3']) assert.notEqual(card(shown, worker).bars[0], '0 / 4', worker);
    assert.ok(shown.events > 10);
  });

  it('applies changes in place: a pod that becomes Running keeps its chip element', async () => {
    await send(page, [stream.init]);
    const messages = stream.steps[0]!.messages;
    const first = messages.findIndex((m) => m.pods.updated.some((pod) => pod.phase === 'Pending' && pod.node));
    assert.ok(first >= 0, 'the recording has a bound Pending pod');
    const pod = messages[first]!.pods.updated.find((p) => p.phase === 'Pending' && p.node)!;
    await send(page, messages.slice(0, first + 1));
    const before = card(await read(page), pod.node).chips.find((c) => c.uid === pod.uid)!;
    assert.ok(before.classes.includes('phase-pending'));
    await markChips(page);
    // One message per frame, as they would arrive.
    for (const m of messages.slice(first + 1)) await send(page, [m]);
    const after = card(await read(page), pod.node).chips.find((c) => c.uid === pod.uid)!;
    assert.ok(after.classes.includes('phase-running'));
    assert.ok((await markedChips(page)).includes(pod.uid));
  });

  it('scales web to 8 by adding chips, leaving the existing ones untouched', async () => {
    const before = [stream.init, ...through('apply examples/shop')];
    await send(page, before);
    await markChips(page);
    const scaled = stream.steps[steps.indexOf('scale web to 8')]!.messages;
    await send(page, scaled);
    const pods = podsIn([...before, ...scaled]);
    assertChipsMatch(await read(page), pods);
    assert.equal(pods.size, 13);
    assert.deepEqual((await markedChips(page)).sort(), [...podsIn(before).keys()].sort());
  });

  it('shows a cordoned node, then a failed one NotReady, its pods Terminating and their replacements on other nodes', async () => {
    await send(page, [stream.init, ...through('cordon worker-3')]);
    assert.deepEqual(card(await read(page), 'worker-3').badges, ['Ready', 'SchedulingDisabled']);
    const messages = [stream.init, ...through('fail worker-1')];
    await send(page, messages.slice(1 + through('cordon worker-3').length));
    const shown = await read(page);
    const worker1 = card(shown, 'worker-1');
    assert.ok(worker1.classes.includes('not-ready'));
    assert.deepEqual(worker1.badges, ['NotReady', 'kubelet stopped']);
    const pods = podsIn(messages);
    assertChipsMatch(shown, pods);
    const stranded = [...pods.values()].filter((p) => p.node === 'worker-1');
    assert.ok(stranded.length > 0 && stranded.every((p) => p.status === 'Terminating'), JSON.stringify(stranded));
    const earlier = podsIn([stream.init, ...through('cordon worker-3')]);
    assert.ok([...pods.values()].some((p) => p.node === 'worker-2' && p.status === 'Running' && !earlier.has(p.uid)));
    // The chart spans the samples so far (one every 5 s, at most 60) and scales to their peak.
    assert.equal(await page.locator('.chart figcaption').textContent(), `Pods by phase, all namespaces, last 5 min (peak ${pods.size})`);
    await screenshot(page, 'dashboard-light');
  });

  it('posts a nodeAction from the node menu, which offers what fits the node (uncordon, recover)', async () => {
    await send(page, [stream.init, ...through('fail worker-1')]);
    const menuOf = async (node: string) => {
      await page.locator(`.node-card[data-node="${node}"] .node-menu`).click();
      return page.locator(`.ks-menu[data-node="${node}"] [role=menuitem]`);
    };
    let items = await menuOf('worker-2');
    assert.deepEqual(await items.allTextContents(), ['Cordon', 'Drain', 'Fail']);
    await items.getByText('Drain').click();
    assert.equal(await page.locator('.ks-menu').count(), 0);
    items = await menuOf('worker-3');
    assert.deepEqual(await items.allTextContents(), ['Uncordon', 'Drain', 'Fail']);
    await items.getByText('Uncordon').click();
    await (await menuOf('worker-1')).getByText('Recover').click();
    await menuOf('worker-2');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.ks-menu').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Actions for worker-2');
    assert.deepEqual(await posted(page), [
      { type: 'nodeAction', node: 'worker-2', action: 'drain' },
      { type: 'nodeAction', node: 'worker-3', action: 'uncordon' },
      { type: 'nodeAction', node: 'worker-1', action: 'recover' },
    ]);
  });

  it('asks the extension to reveal a pod when its chip is clicked, and a node by its name', async () => {
    const messages = [stream.init, ...through('apply examples/shop')];
    await send(page, messages);
    const pod = [...podsIn(messages).values()].find((p) => p.name === 'db-0')!;
    await page.locator(`.chip[data-uid="${pod.uid}"]`).click();
    await page.locator('.node-card[data-node="worker-2"] .node-name').click();
    assert.deepEqual(await posted(page), [
      { type: 'reveal', kind: 'Pod', namespace: 'shop', name: 'db-0' },
      { type: 'reveal', kind: 'Node', name: 'worker-2' },
    ]);
  });

  it('has no node menu when the cluster cannot change its nodes (a real cluster)', async () => {
    await send(page, [{ ...stream.init, nodeActions: false }]);
    const shown = await read(page);
    assert.equal(shown.cards.length, 4);
    assert.ok(shown.cards.every((c) => !c.menu));
  });

  it('ignores a message that does not have the protocol shape', async () => {
    await send(page, [stream.init]);
    const bogus = { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated: [{ uid: 'x', name: '<img src=x onerror=alert(1)>', namespace: 'shop', node: 'worker-1', phase: 'Exploded', status: '', ready: true }], deleted: [] }, events: [], samples: [] };
    const warnings = await warningsWhile(page, () => send(page, [bogus]));
    assert.equal((await read(page)).cards.reduce((n, c) => n + c.chips.length, 0), 0);
    assert.ok(warnings.some((w) => w.includes('unexpected shape')), warnings.join('\n'));
  });

  it('lets its Content-Security-Policy block an injected inline script and event handler', async () => {
    await assertCspBlocksInjectedScript(page);
  });

  it('keeps the chosen namespace with setState and shows it again after VS Code reloads the hidden panel', async () => {
    const other: PodChip = { uid: 'other', name: 'probe', namespace: 'default', node: 'worker-2', phase: 'Pending', status: 'ContainerCreating', ready: false };
    const extra: ChangesMessage = { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated: [other], deleted: [] }, events: [], samples: [] };
    const messages = [stream.init, ...through('apply examples/shop'), extra];
    await send(page, messages);
    assert.equal((await read(page)).counts.Pending, '1');
    await page.locator('select.namespace').selectOption('shop');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    let shown = await read(page);
    assertChipsMatch(shown, podsIn(messages.slice(0, -1)));
    assert.equal(shown.counts.Pending, '0');
    assert.deepEqual(await savedState(page), { namespace: 'shop', scrollY: 0 });

    await reload(page);
    await send(page, messages);
    shown = await read(page);
    assert.equal(shown.namespace, 'shop');
    assertChipsMatch(shown, podsIn(messages.slice(0, -1)));
    await page.locator('select.namespace').selectOption('*');
  });

  it(`shows at most ${chipsPerNode} chips per node and counts the rest in a "+N" chip`, async () => {
    await send(page, [syntheticCluster(4, 1_000)]);
    const shown = await read(page);
    assert.equal(card(shown, 'worker-1').chips.length, chipsPerNode);
    assert.equal(card(shown, 'worker-1').more, `+${250 - chipsPerNode}`);
    assert.equal(shown.counts.Running, '1,000');
  });

  it('shares out fewer chips per node when there are many nodes, so the page stays a few thousand elements', async () => {
    await send(page, [syntheticCluster(200, 10_000)]);
    const shown = await read(page);
    const cap = chipCap(200);
    assert.ok(cap < chipsPerNode);
    assert.equal(shown.cards.length, 200);
    assert.ok(shown.cards.every((c) => c.chips.length === cap && c.more === `+${50 - cap}`));
    assert.equal(shown.counts.Running, '10,000');
    await send(page, [stream.init]);
    assert.equal((await read(page)).cards.length, 4);
  });

  for (const theme of ['dark', 'high-contrast'] as const) {
    it(`follows VS Code to the ${theme} theme`, async () => {
      await send(page, [stream.init, ...through('fail worker-1')]);
      await inTheme(page, theme, async () => {
        const colours = await page.evaluate(() => ({
          chip: getComputedStyle(document.querySelector('.chip.phase-running.ready')!).backgroundColor,
          body: getComputedStyle(document.body).backgroundColor,
        }));
        assert.deepEqual(colours, { chip: computedColours[theme].green, body: computedColours[theme].background });
        await screenshot(page, `dashboard-${theme}`);
      });
    });
  }
});
