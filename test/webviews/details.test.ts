// The Resource details front end in headless Chromium, fed the messages the extension sent while a
// real embedded cluster ran the shop (recorded in fixtures/details-stream.json): each section shows
// what describe would, updates redraw only what changed, clicks post the right intents, a Secret
// shows keys and never values, the CSP holds, and the collapsed sections survive a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { humanDuration } from '../../engine/http/printers';
import type { InitMessage, UpdateMessage } from '../../extension/webviews/protocol/details';
import type { RecordedDetails, RecordedPage } from './fixtures/recordDetails';
import { assertCspBlocksInjectedScript, clearPosted, inTheme, openPanel, posted, reload, savedState, screenshot, send, suiteBrowser, warningsWhile } from './harness';
import { computedColours } from './themes';

const fixture = path.join(__dirname, 'fixtures/details-stream.json');
const recorded: RecordedDetails = JSON.parse(readFileSync(fixture, 'utf8'));

/** The messages of a recorded page's steps up to and including `last`. */
function through(page: RecordedPage, last: string): (InitMessage | UpdateMessage)[] {
  const names = page.steps.map((s) => s.step);
  assert.ok(names.includes(last), `no recorded step ${last}`);
  return page.steps.slice(0, names.indexOf(last) + 1).flatMap((s) => s.messages);
}

interface Shown {
  title: string;
  status: string;
  fields: Record<string, string>;
  visibleSections: string[];
  rows: Record<string, string[]>;
}

function read(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const dts = [...document.querySelectorAll('dl.fields dt')];
    return {
      title: document.querySelector('h1')!.textContent!,
      status: document.querySelector('.status')!.textContent!,
      fields: Object.fromEntries(dts.map((dt) => [dt.textContent!, dt.nextElementSibling!.textContent!])),
      visibleSections: [...document.querySelectorAll<HTMLElement>('section.section:not([hidden])')].map((s) => s.dataset.section!),
      rows: Object.fromEntries([...document.querySelectorAll<HTMLElement>('section.section')].map((s) => [s.dataset.section!, [...s.querySelectorAll('ol.rows > li')].map((li) => [...li.childNodes].map((c) => c.textContent!.trim()).filter(Boolean).join(' '))])),
    };
  });
}

/** Marks the current row elements, to tell later whether the DOM kept or replaced them. */
const markRows = (page: Page) => page.evaluate(() => document.querySelectorAll('ol.rows > li').forEach((li) => li.setAttribute('data-marked', '')));
const marked = (page: Page, section: string) => page.evaluate((s) => [...document.querySelectorAll<HTMLElement>(`section[data-section="${s}"] ol.rows > li`)].map((li) => li.hasAttribute('data-marked')), section);

describe('Resource details webview', function () {
  this.timeout(60_000);
  const chromium = suiteBrowser();
  let page: Page;
  const { deployment, pod, secret, webPod } = recorded;

  before(async () => {
    page = await openPanel(chromium.browser, { media: chromium.media, panel: 'details' });
  });
  beforeEach(() => clearPosted(page));

  it('says it is ready, then shows a Deployment: status, replica counts, conditions, events and its one revision', async () => {
    await reload(page);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await send(page, [deployment.init]);
    const shown = await read(page);
    assert.equal(shown.title.trim(), 'web');
    assert.equal(shown.status, 'Available');
    assert.equal(shown.fields.Ready, '2/2');
    assert.equal(shown.fields.Selector, 'app.kubernetes.io/name=web');
    assert.deepEqual(shown.visibleSections, ['conditions', 'rollout', 'events']);
    assert.deepEqual(shown.rows.conditions!.map((r) => r.split(' ')[0]), ['Available', 'Progressing']);
    assert.match(shown.rows.conditions![0]!, /^Available MinimumReplicasAvailable: Deployment has minimum availability\. 19s$/);
    assert.equal(shown.rows.rollout!.length, 1);
    assert.match(shown.rows.rollout![0]!, /^#1 web-\w+ nginx:1\.27\.3 2\/2 ready current$/);
    assert.ok(shown.rows.events!.some((e) => e.includes('ScalingReplicaSet')));
  });

  it('applies an image update in place: a second revision with a rollback button, unchanged rows kept', async () => {
    await send(page, [deployment.init]);
    await markRows(page);
    await send(page, through(deployment, 'set image nginx:1.27.4'));
    const shown = await read(page);
    assert.equal(shown.rows.rollout!.length, 2);
    assert.match(shown.rows.rollout![0]!, /^#2 web-\w+ nginx:1\.27\.4 2\/2 ready current$/);
    assert.match(shown.rows.rollout![1]!, /^#1 web-\w+ nginx:1\.27\.3 0\/0 ready Roll back$/);
    // Events are drawn newest first: the earlier ones are still the same elements, the new ones are not.
    const events = await marked(page, 'events');
    assert.ok(events.includes(false) && events.at(-1) === true, JSON.stringify(events));
    const before = deployment.init.details!.events.length;
    assert.equal(events.filter(Boolean).length, before);
    // A kept row's age moves on with each update's clock.
    const messages = through(deployment, 'set image nginx:1.27.4');
    const oldest = deployment.init.details!.events[0]!;
    assert.equal((await read(page)).rows.events!.at(-1), `${oldest.reason} ${oldest.message} ${humanDuration(messages.at(-1)!.now - oldest.last)} · ${oldest.source}`);
  });

  it('redraws only the sections an update carries', async () => {
    await send(page, [deployment.init, ...through(deployment, 'set image nginx:1.27.4')]);
    await markRows(page);
    const rolloutOnly = through(deployment, 'roll back to revision 1').find((m) => m.type === 'update' && Object.keys(m.details).join() === 'rollout');
    assert.ok(rolloutOnly, 'the recording has an update of the rollout alone');
    await send(page, [rolloutOnly]);
    assert.ok((await marked(page, 'events')).every(Boolean));
    assert.ok((await marked(page, 'conditions')).every(Boolean));
  });

  it('posts a rollback to the revision whose button is clicked, and Show YAML and Logs', async () => {
    await send(page, [deployment.init, ...through(deployment, 'set image nginx:1.27.4')]);
    await page.locator('button.rollback').click();
    await page.locator('button.action', { hasText: 'Show YAML' }).click();
    await page.locator('button.action', { hasText: 'Logs' }).click();
    assert.deepEqual(await posted(page), [{ type: 'rollback', revision: 1 }, { type: 'showYaml' }, { type: 'logs' }]);
    await screenshot(page, 'details-light');
  });

  it('shows the rollback done: revision 3 is the old template, current again', async () => {
    await send(page, [deployment.init, ...through(deployment, 'roll back to revision 1')]);
    const rows = (await read(page)).rows.rollout!;
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^#3 web-\w+ nginx:1\.27\.3 2\/2 ready current$/);
    assert.match(rows[1]!, /^#2 .* Roll back$/);
  });

  it('shows a crashing pod: restarts, the last termination, and its probes with what the kubelet reported', async () => {
    await send(page, [pod.init, ...through(pod, 'crash again')]);
    const shown = await read(page);
    assert.equal(shown.title.trim(), 'checkout');
    assert.deepEqual(shown.visibleSections, ['containers', 'conditions', 'events']);
    const container = await page.evaluate(() => {
      const li = document.querySelector('li.container')!;
      return {
        facts: Object.fromEntries([...li.querySelectorAll('dt')].map((dt) => [dt.textContent!, dt.nextElementSibling!.textContent!])),
        probes: [...li.querySelectorAll('.probe')].map((p) => ({ type: p.querySelector('.probe-type')!.textContent!, description: p.querySelector('code')!.textContent!, result: p.className })),
      };
    });
    assert.equal(container.facts.Image, 'nginx:1.27.3');
    assert.ok(Number(container.facts.Restarts) >= 2, container.facts.Restarts);
    assert.equal(shown.fields.Restarts, container.facts.Restarts);
    assert.match(container.facts['Last termination']!, /^Error, exit code 1 \(/);
    assert.deepEqual(container.probes.map((p) => p.type), ['Startup', 'Liveness', 'Readiness']);
    assert.equal(container.probes[1]!.description, 'http-get http://:80/ delay=0s timeout=1s period=5s #success=1 #failure=3');
    assert.equal(container.probes[0]!.description, 'tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3');
    assert.ok(shown.rows.events!.some((e) => e.startsWith('BackOff')));
    await page.locator('li.container button[data-action="logs"]').click();
    assert.deepEqual(await posted(page), [{ type: 'logs', container: 'checkout' }]);
  });

  it('follows the owner chain of a pod up to its Deployment and asks to open an owner when clicked', async () => {
    await send(page, [webPod.init]);
    const owners = (await read(page)).rows.owners!;
    assert.equal(owners.length, 2);
    assert.match(owners[0]!, /^ReplicaSet web-\w+$/);
    assert.equal(owners[1], 'Deployment web');
    await page.locator('button.link', { hasText: 'Deployment web' }).click();
    assert.deepEqual(await posted(page), [{ type: 'open', target: { kind: 'Deployment', namespace: 'shop', name: 'web' } }]);
  });

  it('lists the keys of a Secret and never receives or shows a value', async () => {
    const raw = readFileSync(fixture, 'utf8');
    // The shop's Secret values, base64 and decoded.
    for (const value of ['czNjcjN0LXBhc3M=', 's3cr3t-pass', 'c2hvcA==']) assert.ok(!raw.includes(value), value);
    await send(page, [secret.init]);
    const shown = await read(page);
    assert.deepEqual(shown.visibleSections, ['conditions', 'dataKeys', 'events']);
    assert.deepEqual(shown.rows.dataKeys, ['DB_PASSWORD value hidden', 'DB_USER value hidden']);
    assert.equal(await page.locator('button.action', { hasText: 'Logs' }).count(), 0);
  });

  it('says so when the object is gone', async () => {
    await send(page, [{ ...deployment.init, details: null }]);
    assert.equal(await page.locator('.missing').textContent(), 'Deployment web does not exist in the cluster (any more).');
    assert.deepEqual((await read(page)).visibleSections, []);
  });

  it('ignores a message that does not have the protocol shape', async () => {
    await send(page, [deployment.init]);
    const warnings = await warningsWhile(page, () => send(page, [{ type: 'update', details: { rollout: [{ revision: '<img src=x onerror=alert(1)>' }] }, now: 0 }, { type: 'update', details: { secretValues: { a: 'b' } }, now: 0 }]));
    assert.equal((await read(page)).rows.rollout!.length, 1);
    assert.equal(warnings.filter((w) => w.includes('unexpected shape')).length, 2, warnings.join('\n'));
  });

  it('lets its Content-Security-Policy block an injected inline script and event handler', async () => {
    await assertCspBlocksInjectedScript(page);
  });

  it('keeps collapsed sections with setState and shows them collapsed after VS Code reloads the hidden panel', async () => {
    await send(page, [deployment.init]);
    await page.locator('section[data-section="events"] .section-toggle').click();
    assert.deepEqual(await savedState(page), { target: { kind: 'Deployment', namespace: 'shop', name: 'web' }, collapsed: ['events'], scrollY: 0 });
    await reload(page);
    await send(page, [deployment.init]);
    assert.equal(await page.locator('section[data-section="events"] .section-body').isHidden(), true);
    assert.equal(await page.locator('section[data-section="conditions"] .section-body').isVisible(), true);
    await page.locator('section[data-section="events"] .section-toggle').click();
    assert.deepEqual(await savedState(page), { target: { kind: 'Deployment', namespace: 'shop', name: 'web' }, collapsed: [], scrollY: 0 });
  });

  for (const theme of ['dark', 'high-contrast'] as const) {
    it(`follows VS Code to the ${theme} theme`, async () => {
      await send(page, [pod.init, ...through(pod, 'crash again')]);
      await inTheme(page, theme, async () => {
        const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(body, computedColours[theme].background);
        await screenshot(page, `details-${theme}`);
        await send(page, [deployment.init, ...through(deployment, 'set image nginx:1.27.4')]);
        await screenshot(page, `details-deployment-${theme}`);
      });
    });
  }
});
