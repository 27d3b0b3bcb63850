// The Topology front end in headless Chromium, fed the messages the extension sent while a real
// embedded cluster ran the shop example (recorded in fixtures/topology-stream.json): the app graph's
// nodes and edges are drawn, changes apply in place, a big ReplicaSet becomes one "pods ×N" node,
// clicks post the right intents, a request's path lights up hop by hop, the CSP holds, and the
// filters survive a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { HostMessage, InitMessage, RequestPathMessage, TopologyEdge, TopologyNode } from '../../extension/webviews/protocol/topology';
import type { RecordedStream } from './fixtures/recordTopology';
import { assertCspBlocksInjectedScript, openPanel, posted, savedState, screenshot, send, suiteBrowser, transitionsDone, warningsWhile } from './harness';
import { computedColours } from './themes';
import { syntheticTopology } from './topologySynthetic';

const stream: RecordedStream = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/topology-stream.json'), 'utf8'));

function messagesOf(step: string): readonly HostMessage[] {
  const found = stream.steps.find((s) => s.step === step);
  assert.ok(found, `no recorded step ${step}`);
  return found.messages;
}

function requestsOf(step: string): RequestPathMessage[] {
  return messagesOf(step).filter((m): m is RequestPathMessage => m.type === 'requestPath');
}

/** The graph the extension described after the steps so far. */
function graphAfter(...steps: string[]): { nodes: Map<string, TopologyNode>; edges: Map<string, TopologyEdge> } {
  const nodes = new Map(stream.init.nodes.map((n) => [n.id, n]));
  const edges = new Map(stream.init.edges.map((e) => [e.id, e]));
  for (const step of steps) {
    for (const m of messagesOf(step)) {
      if (m.type !== 'changes') continue;
      for (const n of m.nodes) nodes.set(n.id, n);
      for (const e of m.edges) edges.set(e.id, e);
      for (const id of m.removed) nodes.delete(id) || edges.delete(id);
    }
  }
  return { nodes, edges };
}

const changesOf = (step: string) => messagesOf(step).filter((m) => m.type === 'changes');
const shopApplied = () => [stream.init, ...changesOf('apply examples/shop')];
const ids = (page: Page, selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!).sort());
const node = (page: Page, id: string) => page.locator(`.node[data-id="${id}"]`);

describe('Topology webview', function () {
  this.timeout(30_000);
  const chromium = suiteBrowser();
  let page: Page | undefined;

  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  const open = async (options: { state?: unknown; theme?: 'light' | 'dark' | 'high-contrast'; viewport?: { width: number; height: number } } = {}) => (page = await openPanel(chromium.browser, { media: chromium.media, panel: 'topology', ...options }));

  it('asks for its data, then draws every node and edge of the shop the extension described', async () => {
    const p = await open();
    assert.deepEqual(await posted(p), [{ type: 'ready' }]);
    await send(p, shopApplied());
    const expected = graphAfter('apply examples/shop');
    assert.deepEqual(await ids(p, '.node'), [...expected.nodes.keys()].sort());
    assert.deepEqual(await ids(p, 'path.edge'), [...expected.edges.keys()].sort());
    // The chain the issue names: Ingress → Service → pods ← ReplicaSet ← Deployment, pods ← StatefulSet, pods → config.
    const edge = (id: string) => p.locator(`path.edge[data-id="${id}"]`);
    assert.equal(await edge('Ingress/shop/shop>Service/shop/api').count(), 1);
    const apiPods = [...expected.nodes.values()].filter((n) => n.kind === 'Pod' && n.name.startsWith('api-'));
    assert.equal(apiPods.length, 2);
    for (const pod of apiPods) {
      assert.equal(await edge(`Service/shop/api>${pod.id}`).count(), 1);
      assert.equal(await edge(`ReplicaSet/shop/${pod.name.replace(/-[^-]+$/, '')}>${pod.id}`).count(), 1);
      assert.equal(await edge(`${pod.id}>Secret/shop/api-credentials`).count(), 1);
      assert.equal(await edge(`${pod.id}>ConfigMap/shop/api-config`).count(), 1);
    }
    assert.equal(await edge('StatefulSet/shop/db>Pod/shop/db-0').count(), 1);
    assert.equal(await edge('Pod/shop/db-0>PersistentVolumeClaim/shop/data-db-0').count(), 1);
    assert.equal(await node(p, 'Pod/shop/db-1').locator('.node-detail').textContent(), 'Running 1/1');
    assert.match((await node(p, 'Pod/shop/db-1').getAttribute('class'))!, /status-ready/);
    assert.equal(await node(p, 'Secret/shop/api-credentials').locator('.node-detail').textContent(), 'Opaque');
  });

  it('lays the graph out left to right: Ingress, Service, pods, then their owners', async () => {
    const p = await open();
    await send(p, shopApplied());
    // On a busy machine the messages can land over two frames, and nodes the second frame moves
    // glide there: read the boxes where they end.
    await transitionsDone(p);
    const x = (id: string) => node(p, id).evaluate((el) => el.getBoundingClientRect().left);
    const pod = [...graphAfter('apply examples/shop').nodes.values()].find((n) => n.kind === 'Pod' && n.name.startsWith('web-'))!;
    const [ingress, service, podX, rs, deployment] = await Promise.all([x('Ingress/shop/shop'), x('Service/shop/web'), x(pod.id), x(`ReplicaSet/shop/${pod.name.replace(/-[^-]+$/, '')}`), x('Deployment/shop/web')]);
    assert.ok(ingress < service && service < podX && podX < rs && rs < deployment, `${ingress} ${service} ${podX} ${rs} ${deployment}`);
    // Nodes do not overlap.
    const boxes = await p.locator('.node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ l: r.left, t: r.top, r: r.right, b: r.bottom })));
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) assert.ok(a.r <= b.l || b.r <= a.l || a.b <= b.t || b.b <= a.t, 'overlapping nodes');
  });

  it('applies the recorded changes incrementally: nodes that stay keep their elements', async () => {
    const p = await open();
    await send(p, [stream.init]);
    assert.deepEqual(await ids(p, '.node'), stream.init.nodes.map((n) => n.id).sort());
    await p.locator('.node').evaluateAll((els) => els.forEach((e) => ((e as HTMLElement & { marked?: boolean }).marked = true)));
    // One message per frame, as the cache batches came.
    for (const m of changesOf('apply examples/shop')) await send(p, [m]);
    const kept = await p.locator('.node').evaluateAll((els) => els.filter((e) => (e as HTMLElement & { marked?: boolean }).marked).map((e) => (e as HTMLElement).dataset.id));
    assert.deepEqual(kept, stream.init.nodes.map((n) => n.id));
    await p.locator('.node').evaluateAll((els) => els.forEach((e) => ((e as HTMLElement & { marked?: boolean }).marked = true)));
    await send(p, changesOf('scale web to 25'));
    const after = graphAfter('apply examples/shop', 'scale web to 25');
    assert.deepEqual(await ids(p, '.node'), [...after.nodes.keys()].sort());
    const unmarked = await p.locator('.node').evaluateAll((els) => els.filter((e) => !(e as HTMLElement & { marked?: boolean }).marked).map((e) => (e as HTMLElement).dataset.id));
    assert.deepEqual(unmarked, ['PodGroup/shop/ReplicaSet/web-5574cc56f7']);
  });

  it('shows the 25 web pods as one "pods ×25" node wired to their Service and ReplicaSet', async () => {
    const p = await open();
    await send(p, [...shopApplied(), ...changesOf('scale web to 25')]);
    const group = node(p, 'PodGroup/shop/ReplicaSet/web-5574cc56f7');
    assert.equal(await group.locator('.node-name').textContent(), 'pods ×25');
    assert.equal(await group.locator('.node-detail').textContent(), '25/25 ready');
    assert.equal(await p.locator('.node.kind-pod[data-id^="Pod/shop/web-"]').count(), 0);
    assert.equal(await p.locator('path.edge[data-id="Service/shop/web>PodGroup/shop/ReplicaSet/web-5574cc56f7"]').count(), 1);
    assert.equal(await p.locator('path.edge[data-id="ReplicaSet/shop/web-5574cc56f7>PodGroup/shop/ReplicaSet/web-5574cc56f7"]').count(), 1);
  });

  it('posts reveal with the chosen target from a node menu, and sendRequest with the typed path', async () => {
    const p = await open();
    await send(p, shopApplied());
    await node(p, 'Pod/shop/db-0').click();
    let menu = p.locator('.node-menu[data-id="Pod/shop/db-0"]');
    assert.deepEqual(await menu.locator('[role=menuitem]').allTextContents(), ['Reveal in Sidebar', 'Show YAML', 'Reveal in File']);
    await menu.getByText('Show YAML').click();
    assert.equal(await p.locator('.node-menu').count(), 0);
    await node(p, 'Deployment/shop/web').click();
    await p.locator('.node-menu').getByText('Reveal in File').click();
    await node(p, 'Secret/shop/api-credentials').click();
    await p.locator('.node-menu').getByText('Reveal in Sidebar').click();
    await node(p, 'Ingress/shop/shop').click();
    menu = p.locator('.node-menu[data-id="Ingress/shop/shop"]');
    await menu.locator('input.request-path').fill('shop.example.com/api/orders');
    await menu.getByText('Send Request').click();
    await node(p, 'Service/shop/db').click();
    await p.locator('.node-menu input.request-path').press('Enter');
    assert.deepEqual((await posted(p)).slice(1), [
      { type: 'reveal', id: 'Pod/shop/db-0', target: 'yaml' },
      { type: 'reveal', id: 'Deployment/shop/web', target: 'file' },
      { type: 'reveal', id: 'Secret/shop/api-credentials', target: 'tree' },
      { type: 'sendRequest', id: 'Ingress/shop/shop', path: 'shop.example.com/api/orders' },
      { type: 'sendRequest', id: 'Service/shop/db', path: '/' },
    ]);
  });

  it('lights the path of a request hop by hop, edges included, and says where it went', async () => {
    const p = await open();
    await send(p, shopApplied());
    const [first] = requestsOf('send requests to the Ingress');
    assert.equal(first!.hops.length, 3);
    const lit = () => p.evaluate(() => [...document.querySelectorAll('.node.on-path')].map((e) => (e as HTMLElement).dataset.id));
    // The order in which nodes and edges light is recorded as it happens, so the order is checked, not just the end state.
    await p.evaluate(() => {
      const w = window as unknown as { litOrder: string[] };
      w.litOrder = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement;
          if (el.classList.contains('on-path') && el.dataset.id && !w.litOrder.includes(el.dataset.id)) w.litOrder.push(el.dataset.id);
        }
      }).observe(document.querySelector('.canvas')!, { subtree: true, attributes: true, attributeFilter: ['class'] });
    });
    await send(p, [first]);
    assert.ok((await lit()).length < 3, 'the hops light one after another, not at once');
    await p.waitForSelector('.request-result.ok');
    const [ingress, service, pod] = first!.hops;
    assert.deepEqual(await p.evaluate(() => (window as unknown as { litOrder: string[] }).litOrder), [ingress, `${ingress}>${service}`, service, `${service}>${pod}`, pod]);
    assert.deepEqual(await ids(p, 'path.edge.on-path'), ['Ingress/shop/shop>Service/shop/api', `Service/shop/api>${first!.hops[2]}`].sort());
    assert.match((await node(p, first!.hops[2]!).getAttribute('class'))!, /path-end path-ok/);
    assert.equal(await p.locator('.request-result .request').textContent(), 'GET http://shop.example.com/api/orders');
    assert.match((await p.locator('.request-result .message').textContent())!, /→ pod api-.* \(1 of 2 ready\)$/);

    // The next request goes to the other endpoint: the old path is cleared first.
    const second = requestsOf('send requests to the Ingress')[1]!;
    await send(p, [second]);
    await p.waitForFunction((pod) => document.querySelector(`.node[data-id="${pod}"]`)?.classList.contains('path-end'), second.hops[2]);
    assert.deepEqual(await ids(p, '.node.on-path'), [...second.hops].sort());
  });

  it('stops the path at the Service when it has no ready endpoint, with the refusal', async () => {
    const p = await open();
    await send(p, [...shopApplied(), ...changesOf('scale web to 25'), ...changesOf('scale api to 0')]);
    const [viaIngress, direct] = requestsOf('send requests to api');
    await send(p, [direct!]);
    await p.waitForSelector('.request-result.failed');
    assert.deepEqual(await ids(p, '.node.on-path'), ['Service/shop/api']);
    assert.match((await node(p, 'Service/shop/api').getAttribute('class'))!, /path-failed/);
    assert.equal(await p.locator('.request-result .message').textContent(), 'Service api port http → connection refused: no endpoints');
    await send(p, [viaIngress!]);
    await p.waitForFunction(() => document.querySelector('.request-result .message')?.textContent?.includes('503'));
    assert.deepEqual(await ids(p, '.node.on-path'), ['Ingress/shop/shop', 'Service/shop/api']);
  });

  it('filters by namespace and label selector, keeps the filters in its state and restores them', async () => {
    const p = await open();
    await send(p, shopApplied());
    assert.deepEqual(await p.locator('select.namespace option').allTextContents(), ['All namespaces', 'default', 'shop']);
    await p.locator('select.namespace').selectOption('default');
    assert.deepEqual(await ids(p, '.node'), ['Service/default/kubernetes']);
    await p.locator('select.namespace').selectOption('shop');
    await p.locator('input.selector').fill('app.kubernetes.io/name=db');
    // The StatefulSet, its pods and Service match; the claims and the Secret the pods use come along.
    const shown = await ids(p, '.node');
    assert.deepEqual(shown, ['PersistentVolumeClaim/shop/data-db-0', 'PersistentVolumeClaim/shop/data-db-1', 'PersistentVolumeClaim/shop/data-db-2', 'Pod/shop/db-0', 'Pod/shop/db-1', 'Pod/shop/db-2', 'Secret/shop/api-credentials', 'Service/shop/db', 'StatefulSet/shop/db']);
    assert.match((await p.locator('.summary').textContent())!, /^9 of \d+ objects$/);
    const state = await savedState(p);
    assert.deepEqual(state, { namespace: 'shop', selector: 'app.kubernetes.io/name=db' });
    await p.locator('input.selector').fill('app in (');
    assert.match((await p.locator('input.selector').getAttribute('class'))!, /invalid/);
    assert.ok((await p.locator('input.selector').getAttribute('title'))!.length > 0);
    await p.locator('input.selector').fill('app.kubernetes.io/name=db');
    await p.close();

    // VS Code discards a hidden panel (retainContextWhenHidden is off) and reloads it with the state.
    const restored = await open({ state });
    await send(restored, shopApplied());
    assert.equal(await restored.locator('select.namespace').inputValue(), 'shop');
    assert.equal(await restored.locator('input.selector').inputValue(), 'app.kubernetes.io/name=db');
    assert.deepEqual(await ids(restored, '.node'), shown);
  });

  it('ignores a message that does not have the protocol shape', async () => {
    const p = await open();
    await send(p, [stream.init]);
    const bogus = { type: 'changes', nodes: [{ id: 'Pod/x/<img src=x onerror=alert(1)>', kind: 'Daemon', namespace: 'x', name: 'y', labels: {}, status: 'ready', detail: '' }], edges: [], removed: [] };
    const warnings = await warningsWhile(p, () => send(p, [bogus]));
    assert.equal(await p.locator('.node').count(), stream.init.nodes.length);
    assert.ok(warnings.some((w) => w.includes('unexpected shape')), warnings.join('\n'));
  });

  it('lets its Content-Security-Policy block an injected inline script and event handler', async () => {
    const p = await open();
    await assertCspBlocksInjectedScript(p);
  });

  it('draws a graph of 2,000 objects over several frames, then lays out again only the app that changed', async () => {
    const p = await open();
    const big: InitMessage = syntheticTopology(150, 10, (app) => (app % 5 === 0 ? 200 : 8));
    assert.ok(big.nodes.length > 1_800, `${big.nodes.length} nodes`);
    await send(p, [big]);
    // The first frame spent its layout budget on part of the graph: some apps show at once, none overlap later ones.
    const first = await p.locator('.node').count();
    assert.ok(first > 0 && first < big.nodes.length, `${first} nodes in the first frame`);
    await p.waitForFunction((n) => document.querySelectorAll('.node').length === n, big.nodes.length, { timeout: 25_000 });
    assert.equal(await p.locator('path.edge').count(), big.edges.length);
    assert.equal(await p.locator('.node.kind-podgroup').count(), 30);
    const layouts = () => p.evaluate(() => performance.getEntriesByName('topology-layout').length);
    assert.equal(await layouts(), 1);
    // A pod added to app-1: the layout of that app alone is computed, within one frame.
    const rs = 'ReplicaSet/team-1/app-1-5d8f7';
    const pod = { id: 'Pod/team-1/app-1-extra', kind: 'Pod', namespace: 'team-1', name: 'app-1-extra', labels: {}, status: 'progressing', detail: 'Pending 0/1' };
    await send(p, [{ type: 'changes', nodes: [pod], edges: [{ id: `${rs}>${pod.id}`, source: rs, target: pod.id, relation: 'owns' }], removed: [] }]);
    assert.equal(await p.locator('.node').count(), big.nodes.length + 1);
    assert.equal(await layouts(), 2);
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`renders in the ${theme} theme`, async () => {
      // Wide enough for the whole shop graph in the screenshot.
      const p = await open({ theme, viewport: { width: 1700, height: 760 } });
      await send(p, [...shopApplied(), ...changesOf('scale web to 25'), requestsOf('send requests to the Ingress')[0]!]);
      await p.waitForSelector('.request-result.ok');
      const colours = await p.evaluate(() => ({
        ready: getComputedStyle(document.querySelector('.node.status-ready')!).borderLeftColor,
        body: getComputedStyle(document.body).backgroundColor,
      }));
      assert.deepEqual(colours, { ready: computedColours[theme].green, body: computedColours[theme].background });
      await screenshot(p, `topology-${theme}`);
    });
  }
});
