// The offline runner and @vscode/test-cli must read .vscode-test.mjs the same way: for each config,
// the runner's test files, workspace folder and extension path equal what test-cli itself resolves.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(__dirname, '..', '..');

interface ResolvedConfig {
  files: string[];
  extensionDevelopmentPath: string[];
  workspaceFolder?: string;
}

/** What `vscode-test --list-configuration` says it would run: files, workspace (first launch arg), extension. */
async function resolvedByTestCli(configPath: string): Promise<ResolvedConfig> {
  const bin = join(root, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [bin, '--list-configuration', '--config', configPath], { cwd: root });
  const [listed] = JSON.parse(stdout);
  return {
    files: JSON.parse(listed.env.VSCODE_TEST_OPTIONS).files,
    extensionDevelopmentPath: listed.extensionDevelopmentPath,
    workspaceFolder: listed.config.launchArgs[0],
  };
}

async function resolvedByRunner(configPath: string): Promise<ResolvedConfig> {
  const { loadTestConfig } = await import(pathToFileURL(join(root, 'scripts', 'vscode', 'run-tests.mjs')).href);
  const { files, extensionDevelopmentPath, workspaceFolder } = await loadTestConfig(configPath);
  return { files, extensionDevelopmentPath, workspaceFolder };
}

describe('the offline runner reads .vscode-test.mjs as @vscode/test-cli does', function () {
  this.timeout(30_000);

  for (const config of ['.vscode-test.mjs', 'test/vscode-harness/fixture/.vscode-test.mjs']) {
    it(`resolves ${config} to the same files, workspace and extension`, async () => {
      const path = join(root, config);
      const [runner, testCli] = await Promise.all([resolvedByRunner(path), resolvedByTestCli(path)]);
      assert.ok(runner.files.length > 0, 'no test files: run the build first');
      assert.deepEqual({ ...runner, files: [...runner.files].sort() }, { ...testCli, files: [...testCli.files].sort() });
    });
  }

  it('names the label it cannot find', async () => {
    const { loadTestConfig } = await import(pathToFileURL(join(root, 'scripts', 'vscode', 'run-tests.mjs')).href);
    await assert.rejects(loadTestConfig(join(root, '.vscode-test.mjs'), 'no-such-label'), /labelled "no-such-label"/);
  });
});
