// Starts the installed code-server (VS Code served to a browser, with a real Node extension host) on
// 127.0.0.1 with a throwaway profile: extensions, XDG dirs and (unless one is kept) user data in a temp dir.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Workbench settings for a quiet window: no welcome page, no chat sidebar, no AI prompts. */
export const tidyWorkbenchSettings = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  // The examples live inside this repository; do not offer to open its git repository on every start.
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

/**
 * Starts code-server and resolves once it serves requests. `store` (a DisposableStore) receives the
 * teardown: the server's whole process group is stopped and the profile dir removed.
 *
 * @param {object} options
 * @param {ReturnType<import('./install.mjs').serverLayout>} options.layout the installed server
 * @param {import('./disposables.mjs').DisposableStore} options.store
 * @param {Record<string, unknown>} [options.settings] user settings.json
 * @param {string[]} [options.args] extra code-server arguments
 * @param {number} [options.port] 0 (default) lets the OS pick a free port
 * @param {string} [options.userDataDir] a user data dir to keep (settings, workspace state); default throwaway
 * @param {Record<string, string>} [options.installedExtensions] extension folders to link into the
 *   extensions dir, keyed by the name VS Code gives installed extensions: `<publisher>.<name>-<version>`
 * @param {boolean} [options.testDriver] enable the smoke-test driver, which runs extensionTestsPath
 *   payloads and reports through window.codeAutomationExit/Log (it also turns notification toasts off)
 * @param {(line: string) => void} [options.log] receives code-server's own output
 */
export async function startCodeServer({ layout, store, settings = tidyWorkbenchSettings, args = [], port = 0, userDataDir, installedExtensions = {}, testDriver = false, log = () => {} }) {
  const profile = await mkdtemp(join(tmpdir(), 'kubeside-vscode-'));
  store.add(() => rm(profile, { recursive: true, force: true, maxRetries: 3 }));
  // Said first, so a run stopped before code-server logs anything still names what it must clean up.
  log(`throwaway profile ${profile}`);
  const dirs = {
    userData: userDataDir ?? join(profile, 'user-data'),
    extensions: join(profile, 'extensions'),
    config: join(profile, 'xdg-config'),
    data: join(profile, 'xdg-data'),
    cache: join(profile, 'xdg-cache'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  await mkdir(join(dirs.userData, 'User'), { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  // A kept profile keeps the user's own settings; only a new one starts from ours.
  if (userDataDir === undefined || !existsSync(settingsFile)) await writeFile(settingsFile, JSON.stringify(settings, null, 2));
  for (const [name, path] of Object.entries(installedExtensions)) await symlink(path, join(dirs.extensions, name), 'dir');
  const configFile = join(profile, 'code-server.yaml');
  await writeFile(configFile, 'auth: none\ncert: false\n');

  const child = spawn(
    layout.node,
    [
      layout.codeServer,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time', '10',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      '--config', configFile,
      // Without the smoke-test driver the workbench ignores extensionTestsPath payloads silently.
      ...(testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...args,
    ],
    {
      // Its own process group, so stopping it also stops the extension hosts and file watchers it forks.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: layout.env({
        ...process.env,
        XDG_CONFIG_HOME: dirs.config,
        XDG_DATA_HOME: dirs.data,
        XDG_CACHE_HOME: dirs.cache,
        // No extension gallery: offline it only produces failing lookups, and tests must not depend on it.
        EXTENSIONS_GALLERY: '{}',
      }),
    },
  );
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  store.add(() => stopProcessGroup(child, exited));

  const output = [];
  const listening = new Promise((resolve, reject) => {
    const onLine = (line) => {
      output.push(line);
      log(line);
      // code-server prints the address it bound; with port 0 that is the only way to learn the port.
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) resolve(new URL(match[1]));
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop();
        lines.forEach(onLine);
      });
    }
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`code-server exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  listening.catch(() => {}); // a later exit is reported by whoever awaits the server, not here
  const url = await withTimeout(listening, 30_000, 'code-server to start listening');
  await waitForHealth(url);
  return { url, profile, dirs, process: child };
}

/** SIGTERM to the group, SIGKILL if it lingers; code-server stops its extension hosts on SIGTERM. */
async function stopProcessGroup(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch (err) {
      if (err.code !== 'ESRCH') throw err;
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  // Stragglers of the group (an extension host mid-shutdown) must not outlive the run either.
  signalGroup('SIGKILL');
}

async function waitForHealth(url) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) throw new Error(`code-server at ${url} did not become healthy`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The workbench URL for `folder`, with VS Code's command-line options carried as the `payload`. */
export function workbenchUrl(serverUrl, { folder, payload = [] }) {
  const url = new URL(serverUrl);
  url.searchParams.set('folder', folder);
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url;
}

/** code-server names its own machine's files with this authority in vscode-remote URIs. */
export const remoteUri = (path) => `vscode-remote://remote${path}`;
