// The offline extension test runner must be able to fail: a suite with a failing test, a suite that
// outruns the timeout and a Ctrl-C all end in a non-zero exit, and each time the runner stops the
// code-server it started and removes its throwaway profile. Slow (a real VS Code per test), so it runs
// in `npm run test:vscode`, not in the unit suite.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const runner = join(root, 'scripts', 'vscode', 'run-tests.mjs');
const fixtureConfig = join(root, 'test', 'vscode-harness', 'fixture', '.vscode-test.mjs');

interface RunnerResult {
  code: number | null;
  output: string;
  /** The throwaway profile code-server was started with, from its own startup log. */
  profile: string;
}

/** Runs the runner on the fixture; `onOutput` may act on the output as it streams (e.g. interrupt it). */
function runFixture(args: string[], onOutput?: (output: string, child: ReturnType<typeof spawn>) => void): Promise<RunnerResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [runner, '--config', fixtureConfig, '--verbose', ...args], { cwd: root });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output, child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      const profile = /throwaway profile (\S+)/.exec(output)?.[1] ?? /Using user-data-dir (\S+)\/user-data/.exec(output)?.[1];
      if (!profile) reject(new Error(`the runner never started code-server:\n${output}`));
      else resolvePromise({ code, output, profile });
    });
  });
}

/** Processes still running with the profile on their command line: code-server or its children. */
function processesUsing(profile: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return commandLine.includes(profile) ? [`${pid}: ${commandLine}`] : [];
      } catch {
        return []; // exited while we looked
      }
    });
}

function assertCleanedUp({ profile }: RunnerResult): void {
  assert.equal(existsSync(profile), false, `the profile ${profile} was left behind`);
  assert.deepEqual(processesUsing(profile), [], 'code-server processes outlived the runner');
}

describe('the offline extension test runner', function () {
  this.timeout(120_000);

  it('exits 1 when a test fails, after printing the failure', async () => {
    const result = await runFixture([]);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /1 passing/);
    assert.match(result.output, /1 failing/);
    assert.match(result.output, /fails on purpose/);
    assert.match(result.output, /this failure must make the runner exit non-zero/);
    assertCleanedUp(result);
  });

  it('exits 124 when the suite outruns the overall timeout', async () => {
    const result = await runFixture(['--timeout', '2']);
    assert.equal(result.code, 124, result.output);
    assert.match(result.output, /overall timeout of 2 s reached/);
    assertCleanedUp(result);
  });

  it('stops everything it started on Ctrl-C and exits 130', async () => {
    let interrupted = false;
    const result = await runFixture([], (output, child) => {
      // Interrupt once the extension host is up: the worst moment, with every process running.
      if (!interrupted && output.includes('Launched Extension Host Process')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(interrupted, 'the extension host never started');
    assert.equal(result.code, 130, result.output);
    assertCleanedUp(result);
  });
});
