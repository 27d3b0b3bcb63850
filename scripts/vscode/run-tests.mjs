// Runs the extension tests described by a @vscode/test-cli config (.vscode-test.mjs) in a real VS Code
// without a desktop or a VS Code download: code-server in a throwaway profile, opened in headless Chromium with
// the extensionDevelopmentPath/extensionTestsPath payload. Exits with the suite's code (0 pass, 1 fail).
//
//   node scripts/vscode/run-tests.mjs [--config .vscode-test.mjs] [--label L] [--ui] [--timeout SECONDS] [--verbose]
//
// --ui adds the workbench UI checks (scripts/vscode/ui-checks.mjs); --verbose prints code-server's and the
// workbench's own log. KUBESIDE_VSCODE_SERVER_DIR moves the server cache, KUBESIDE_CHROMIUM the browser.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'glob';
import { chromium } from 'playwright-core';
import { remoteUri, startCodeServer, workbenchUrl } from './code-server.mjs';
import { DisposableStore, disposeOnSignals } from './disposables.mjs';
import { ensureInstalled } from './install.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Exit codes besides the suite's own 0/1: the harness itself failed, or the overall timeout hit. */
export const HARNESS_ERROR = 2;
export const TIMED_OUT = 124;

/** Marks mocha's reporter lines among the workbench log (see reporterLinePrefix in the tests module). */
const REPORTER_LINE_PREFIX = '[extension-tests] ';

/**
 * Reads a @vscode/test-cli config and resolves it as test-cli does: `files` are globs relative to the
 * config file, `extensionDevelopmentPath` defaults to the config's directory.
 */
export async function loadTestConfig(configPath, label) {
  const absolute = resolve(configPath);
  const base = dirname(absolute);
  const loaded = (await import(pathToFileURL(absolute).href)).default;
  const configs = [loaded].flat();
  const config = label === undefined ? configs[0] : configs.find((c) => c.label === label);
  if (!config) throw new Error(`${configPath} has no test configuration${label === undefined ? '' : ` labelled "${label}"`}`);
  const patterns = [config.files].flat().map((pattern) => (isAbsolute(pattern) ? pattern : join(base, pattern)));
  const files = (await Promise.all(patterns.map((pattern) => glob(pattern, { absolute: true, nodir: true })))).flat().sort();
  if (files.length === 0) throw new Error(`no test files match ${patterns.join(', ')} (did the build run?)`);
  const extensionDevelopmentPath = [config.extensionDevelopmentPath ?? base].flat().map((p) => resolve(base, p));
  const workspaceFolder = config.workspaceFolder === undefined ? undefined : resolve(base, config.workspaceFolder);
  return { label: config.label, files, extensionDevelopmentPath, workspaceFolder, mocha: config.mocha ?? {} };
}

/**
 * Runs one test configuration and resolves with an exit code. `uiChecks(page, url)` runs afterwards in
 * the same server and browser with the extension loaded normally (the test run stops its extension
 * host), in a fresh browser context: the workbench keeps its UI state in the browser, so a new context
 * opens it as a new user would see it rather than as the tests left it.
 *
 * `timeoutMs` bounds everything after the one-off install (server, browser, suite, UI checks): when it
 * passes, the run resolves TIMED_OUT and the caller's teardown stops whatever is still going.
 */
export async function runExtensionTests({
  config,
  extensionTestsPath = join(root, 'dist', 'test', 'extension', 'index.js'),
  timeoutMs = 180_000,
  uiChecks,
  verbose = false,
  store,
}) {
  // Without a caller's store (which a signal handler may also dispose), the run owns its teardown.
  if (store === undefined) {
    const ownStore = new DisposableStore();
    try {
      return await runExtensionTests({ config, extensionTestsPath, timeoutMs, uiChecks, verbose, store: ownStore });
    } finally {
      await ownStore.dispose();
    }
  }
  if (!existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} is missing: run \`npm run build\` first`);
  const layout = await ensureInstalled();
  const run = { phase: 'starting code-server' };
  const running = runWithServer({ config, extensionTestsPath, uiChecks, verbose, store, layout, run });
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs)));
  try {
    const code = await Promise.race([running, timedOut]);
    if (code === TIMED_OUT) {
      // The abandoned run fails once teardown pulls the server and browser from under it; that is expected,
      // including rejections inside the browser driver that nobody awaits any more.
      running.catch(() => {});
      abandoned = true;
      console.error(`overall timeout of ${timeoutMs / 1000} s reached while ${run.phase}`);
    }
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/** Set once a run is abandoned at its timeout: what fails after that is teardown, not the suite. */
let abandoned = false;

async function runWithServer({ config, extensionTestsPath, uiChecks, verbose, store, layout, run }) {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const server = await startCodeServer({ layout, store, testDriver: true, log: verbose ? (line) => console.error(`[code-server] ${line}`) : undefined });
  if (verbose) console.error(`code-server up at ${server.url} after ${elapsed()}`);

  run.phase = 'starting the browser';
  const browser = await chromium.launch({
    executablePath: process.env.KUBESIDE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
    // Signals are handled by disposeOnSignals, which also stops code-server.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  store.add(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  let settle;
  const exitCode = new Promise((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  // Every workbench log line arrives here, the extension host's console included. The tests module
  // tags mocha's reporter lines; those are the run's output. The rest is kept for diagnosing failures.
  const workbenchErrors = [];
  let suiteStartedAfter;
  await page.exposeFunction('codeAutomationLog', (level, args) => {
    const line = format(...[args].flat());
    if (line.startsWith(REPORTER_LINE_PREFIX)) {
      suiteStartedAfter ??= elapsed();
      console.log(line.slice(REPORTER_LINE_PREFIX.length));
    } else if (verbose) {
      console.error(`[workbench ${level}] ${line}`);
    } else if (level === 'error') {
      workbenchErrors.push(line);
    }
  });

  run.phase = `running the extension tests (${config.label ?? 'unlabelled'})`;
  const folder = config.workspaceFolder ?? config.extensionDevelopmentPath[0];
  const testOptions = { files: config.files, mochaOpts: config.mocha, preload: [], colorDefault: false, reporterLinePrefix: REPORTER_LINE_PREFIX };
  const url = workbenchUrl(server.url, {
    folder,
    payload: [
      ...config.extensionDevelopmentPath.map((path) => ['extensionDevelopmentPath', remoteUri(path)]),
      ['extensionTestsPath', remoteUri(extensionTestsPath)],
      ['extensionEnvironment', JSON.stringify({ VSCODE_TEST_OPTIONS: JSON.stringify(testOptions) })],
    ],
  });
  await page.goto(url.href);
  let code = await exitCode;
  if (code !== 0 && workbenchErrors.length > 0) {
    console.error(`workbench errors during the run (all log lines with --verbose):\n${workbenchErrors.join('\n')}`);
  }
  console.error(`extension tests ${code === 0 ? 'passed' : 'failed'} (exit ${code}): first report after ${suiteStartedAfter ?? '–'}, done after ${elapsed()}`);
  if (code === 0 && uiChecks) {
    run.phase = 'running the UI checks';
    const uiUrl = workbenchUrl(server.url, {
      folder,
      payload: config.extensionDevelopmentPath.map((path) => ['extensionDevelopmentPath', remoteUri(path)]),
    });
    const uiPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if ((await uiChecks(uiPage, uiUrl)) > 0) code = 1;
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: join(root, '.vscode-test.mjs') },
      label: { type: 'string' },
      ui: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '180' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const store = new DisposableStore();
  disposeOnSignals(store);
  // Once a run is abandoned at its timeout, teardown closes the browser under the driver, which may
  // then throw from its own callbacks (e.g. "Cannot find parent object page@…"): that is teardown
  // noise, not a result. Anything else escaping is the harness failing: clean up and say so.
  const onStray = (kind) => (err) => {
    if (abandoned) return;
    console.error(`run-tests: ${kind}`, err);
    void store.dispose().finally(() => process.exit(HARNESS_ERROR));
  };
  process.on('unhandledRejection', onStray('unhandled rejection'));
  process.on('uncaughtException', onStray('uncaught exception'));
  let code;
  try {
    const config = await loadTestConfig(values.config, values.label);
    const uiChecks = values.ui ? (await import('./ui-checks.mjs')).runUiChecks : undefined;
    code = await runExtensionTests({ config, timeoutMs: Number(values.timeout) * 1000, uiChecks, verbose: values.verbose, store });
  } catch (err) {
    console.error(values.verbose ? (err?.stack ?? err) : `run-tests: ${err?.message ?? err}`);
    code = HARNESS_ERROR;
  } finally {
    await store.dispose();
  }
  process.exitCode = code;
}
