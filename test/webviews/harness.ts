// Runs a webview front end in headless Chromium the way VS Code does: the page the extension builds
// (html.ts, with its real CSP and nonce) loaded from one origin, its bundles from another (the
// cspSource), and a stub acquireVsCodeApi that records posted messages and keeps getState/setState.
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createNonce, webviewHtml } from '../../extension/webviews/html';
import { bodyClass, themeCss, type ThemeKind } from './themes';

const root = path.resolve(__dirname, '../..');
const pageOrigin = 'http://webview.test';
/** What webview.cspSource is to the page: where its own files come from. */
export const cspSource = 'http://resources.test';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.KUBESIDE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/**
 * Bundles the panels as scripts/build.mjs does (browser IIFE, ES2022, CSS beside the script), into
 * a temporary folder: the tests always run the current sources, never a stale dist/.
 */
export async function buildMedia(): Promise<{ dir: string; dispose(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeside-media-'));
  const panels = readdirSync(path.join(root, 'media'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(root, 'media', d.name, 'main.ts')));
  const entryPoints = Object.fromEntries(panels.map((d) => [`${d.name}/main`, `media/${d.name}/main.ts`]));
  await esbuild.build({ absWorkingDir: root, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning', outdir: dir, entryPoints });
  await esbuild.build({ absWorkingDir: root, bundle: true, logLevel: 'warning', outdir: dir, entryPoints: { 'codicons/codicon': 'node_modules/@vscode/codicons/dist/codicon.css' }, loader: { '.ttf': 'file' }, assetNames: 'codicons/[name]' });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A browser and the panels' bundles for a suite: made before its tests, closed after them (opening
 * a browser costs far more than the tests themselves). Call it inside a `describe`.
 */
export function suiteBrowser(): { readonly browser: Browser; readonly media: string } {
  let browser: Browser | undefined;
  let media: { dir: string; dispose(): void } | undefined;
  before(async () => {
    [browser, media] = await Promise.all([launchChromium(), buildMedia()]);
  });
  after(async () => {
    await browser?.close();
    media?.dispose();
  });
  return {
    get browser() {
      assert.ok(browser, 'the browser starts before the tests');
      return browser;
    },
    get media() {
      assert.ok(media, 'the bundles are built before the tests');
      return media.dir;
    },
  };
}

export interface PanelOptions {
  readonly media: string;
  readonly panel: string;
  readonly theme?: ThemeKind;
  /** What getState returns at first load, as for a panel VS Code restores after a window reload. */
  readonly state?: unknown;
  readonly viewport?: { width: number; height: number };
}

const contentTypes: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Opens the panel in a fresh page; the page's stub API records messages in `window.posted`. */
export async function openPanel(browser: Browser, options: PanelOptions): Promise<Page> {
  const theme = options.theme ?? 'light';
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1100, height: 800 }, timezoneId: 'UTC', locale: 'en-US' });
  const html = webviewHtml({
    nonce: createNonce(),
    cspSource,
    title: options.panel,
    scriptUri: `${cspSource}/${options.panel}/main.js`,
    styleUris: [`${cspSource}/theme/${theme}.css`, `${cspSource}/codicons/codicon.css`, `${cspSource}/${options.panel}/main.css`],
    bodyAttributes: { class: bodyClass[theme], 'data-vscode-theme-kind': bodyClass[theme] },
  });
  await page.route(`${pageOrigin}/**`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.route(`${cspSource}/**`, (route) => {
    const file = new URL(route.request().url()).pathname;
    if (file.startsWith('/theme/')) return route.fulfill({ contentType: 'text/css', body: themeCss(path.basename(file, '.css') as ThemeKind) });
    try {
      return route.fulfill({ contentType: contentTypes[path.extname(file)] ?? 'application/octet-stream', body: readFileSync(path.join(options.media, file)) });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  // Init scripts run before the page's own and are not subject to its CSP, like VS Code's preload.
  // A string, not a function: the test runner's transpiler would wrap a function's inner functions
  // in a helper the page does not have.
  await page.addInitScript(`(() => {
    let acquired = false;
    window.posted = [];
    // Kept in sessionStorage so that a reload finds it, as a panel VS Code hid and restored does.
    const kept = sessionStorage.getItem('vscodeState');
    window.savedState = kept ? JSON.parse(kept) : ${JSON.stringify(options.state ?? null)} ?? undefined;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return {
        postMessage: (message) => { window.posted.push(structuredClone(message)); },
        getState: () => window.savedState,
        setState: (state) => {
          sessionStorage.setItem('vscodeState', JSON.stringify(state));
          return (window.savedState = structuredClone(state));
        },
      };
    };
    // Posts messages as VS Code does and resolves after the frame in which the panel applied them:
    // the panel asked for its frame on the first message, and this callback is queued after it.
    window.deliver = (messages) => new Promise((resolve) => {
      let left = messages.length;
      const listener = () => {
        if (--left > 0) return;
        window.removeEventListener('message', listener);
        requestAnimationFrame(() => resolve());
      };
      window.addEventListener('message', listener);
      for (const message of messages) window.postMessage(message, '*');
    });
  })();`);
  await page.goto(`${pageOrigin}/index.html`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
  return page;
}

/** Delivers messages as VS Code does (window message events) and resolves after the frame that applies them. */
export async function send(page: Page, messages: readonly unknown[]): Promise<void> {
  if (messages.length) await page.evaluate((all) => (window as unknown as { deliver(m: unknown[]): Promise<void> }).deliver(all), messages as unknown[]);
}

export function posted(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
}

/** Reloads the page as VS Code does when a hidden panel is shown again: same state, new document. */
export async function reload(page: Page): Promise<void> {
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
}

/** Switches the theme in place, as VS Code does: new colour variables and a new body class. */
export async function setTheme(page: Page, theme: ThemeKind): Promise<void> {
  await page.evaluate(
    ([href, className]) =>
      new Promise<void>((resolve, reject) => {
        const link = document.querySelector<HTMLLinkElement>('link[href*="/theme/"]')!;
        link.addEventListener('load', () => resolve(), { once: true });
        link.addEventListener('error', () => reject(new Error(`could not load ${href}`)), { once: true });
        link.href = href!;
        document.body.className = className!;
        document.body.dataset.vscodeThemeKind = className!;
      }),
    [`${cspSource}/theme/${theme}.css`, bodyClass[theme]],
  );
  // Colours change with the panel's short transitions: let them finish.
  await transitionsDone(page);
}

/**
 * Resolves once the page's running transitions have finished. A node that a later frame moved is
 * still on its way for the transition's length; its box is only where it ends after that.
 */
export function transitionsDone(page: Page): Promise<void> {
  return page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)).then(() => undefined));
}

/** Forgets the messages posted so far, for a test that reuses a page. */
export function clearPosted(page: Page): Promise<void> {
  return page.evaluate(() => void ((window as unknown as { posted: unknown[] }).posted = []));
}

export function savedState(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { savedState: unknown }).savedState);
}

/** Console warnings the page printed while `act` ran. */
export async function warningsWhile(page: Page, act: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => void (m.type() === 'warning' && warnings.push(m.text()));
  page.on('console', onConsole);
  try {
    await act();
  } finally {
    page.off('console', onConsole);
  }
  return warnings;
}

/**
 * Adds what injected markup would (an inline <script>, an <img> with inline event handlers) and
 * asserts that none of it ran and that the page's CSP reported both kinds of inline script.
 */
export async function assertCspBlocksInjectedScript(page: Page): Promise<void> {
  const result = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
    const img = document.createElement('img');
    img.setAttribute('src', 'data:,');
    img.setAttribute('onload', 'window.injected = true');
    img.setAttribute('onerror', 'window.injected = true');
    document.body.append(img);
    await new Promise((resolve) => setTimeout(resolve, 100));
    img.remove();
    return { injected: (window as unknown as { injected?: boolean }).injected ?? false, violations };
  });
  assert.equal(result.injected, false);
  assert.ok(result.violations.includes('script-src-elem'), result.violations.join());
  assert.ok(result.violations.includes('script-src-attr'), result.violations.join());
}

/** Runs `act` with the page in `theme`, then switches it back to light for the tests after it. */
export async function inTheme(page: Page, theme: ThemeKind, act: () => Promise<void>): Promise<void> {
  if (theme !== 'light') await setTheme(page, theme);
  try {
    await act();
  } finally {
    if (theme !== 'light') await setTheme(page, 'light');
  }
}

const screenshotDir = path.resolve(root, 'test-results/webviews');

/** Saves what the page shows as test-results/webviews/<name>.png, for people to look at. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
}
