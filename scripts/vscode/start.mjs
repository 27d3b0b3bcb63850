// `npm start`: VS Code in the browser with Kubeside installed and the examples open. Installs the
// VS Code server on first use, prints the address (and opens it when a desktop browser exists), and
// stops everything on Ctrl-C. With a desktop VS Code: `code --extensionDevelopmentPath=. examples/`.
//
//   node scripts/vscode/start.mjs [--port N] [--folder DIR] [--no-open] [--verbose]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCodeServer, workbenchUrl } from './code-server.mjs';
import { DisposableStore, disposeOnSignals } from './disposables.mjs';
import { ensureInstalled } from './install.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.KUBESIDE_PORT ?? '0' },
    folder: { type: 'string', default: join(root, 'examples') },
    'no-open': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

/** The desktop's browser opener, if this machine has a desktop (an X11 or Wayland display). */
function desktopOpener() {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'linux' && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) return 'xdg-open';
  return undefined;
}

const store = new DisposableStore();
disposeOnSignals(store);
try {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  if (!existsSync(join(root, manifest.main))) throw new Error(`${manifest.main} is missing: run \`npm run build\` first`);
  const folder = resolve(values.folder);
  if (!existsSync(folder)) throw new Error(`${folder} does not exist`);
  const layout = await ensureInstalled({ log: (line) => console.log(line) });
  const server = await startCodeServer({
    layout,
    store,
    port: Number(values.port),
    // Kept between runs, so the workbench layout and the extension's workspace state survive a restart.
    userDataDir: join(root, '.kubeside', 'vscode-user-data'),
    // Installed the way VS Code installs extensions, but as a link to this checkout, so a rebuild and a
    // window reload pick up changes.
    installedExtensions: { [`${manifest.publisher}.${manifest.name}-${manifest.version}`]: root },
    log: values.verbose ? (line) => console.error(`[code-server] ${line}`) : undefined,
  });
  const url = workbenchUrl(server.url, { folder });
  console.log(`\nKubeside ${manifest.version} in VS Code: ${url.href}\nOpen it in a browser; Ctrl-C stops it.\n`);
  const opener = values['no-open'] ? undefined : desktopOpener();
  if (opener) spawn(opener, [url.href], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  const code = await new Promise((resolveExit) => server.process.once('exit', (c, signal) => resolveExit(signal ? 1 : (c ?? 1))));
  console.error(`code-server stopped (${code})`);
  process.exitCode = code === 0 ? 0 : 1;
} catch (err) {
  console.error(values.verbose ? (err?.stack ?? err) : `npm start: ${err?.message ?? err}`);
  process.exitCode = 1;
} finally {
  await store.dispose();
}
