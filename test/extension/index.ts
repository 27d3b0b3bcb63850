// The extension tests module: VS Code loads it in the extension host (extensionTestsPath) and awaits
// `run()`. It reads the same VSCODE_TEST_OPTIONS contract as @vscode/test-cli's own runner, so the
// offline runner (scripts/vscode/run-tests.mjs) and test-cli describe a run the same way.
import Mocha from 'mocha';
import { format } from 'node:util';

/** The run description @vscode/test-cli passes to its runner through the environment. */
interface TestOptions {
  files: string[];
  mochaOpts?: Mocha.MochaOptions & { require?: string | string[] };
  preload?: string[];
  colorDefault?: boolean;
  /**
   * Kubeside's addition: a prefix for every reporter line. In code-server the reporter's output reaches
   * the runner mixed with the workbench's own log; the prefix lets the runner pick the report out.
   */
  reporterLinePrefix?: string;
}

function readOptions(): TestOptions {
  const raw = process.env.VSCODE_TEST_OPTIONS;
  if (!raw) throw new Error('VSCODE_TEST_OPTIONS is not set: run the extension tests through `npm run test:vscode` or `npx vscode-test`');
  const options = JSON.parse(raw) as TestOptions;
  if (!Array.isArray(options.files) || options.files.length === 0) throw new Error('VSCODE_TEST_OPTIONS lists no test files');
  return options;
}

export async function run(): Promise<void> {
  const { files, mochaOpts = {}, preload = [], colorDefault = false, reporterLinePrefix } = readOptions();
  if (reporterLinePrefix !== undefined) {
    const consoleLog = Mocha.reporters.Base.consoleLog;
    Mocha.reporters.Base.consoleLog = (...data: unknown[]) => consoleLog(reporterLinePrefix + format(...data));
  }
  const { require: required, ...opts } = mochaOpts;
  const mocha = new Mocha({ ui: 'bdd', color: colorDefault, ...opts });
  for (const file of [...preload, ...(required === undefined ? [] : [required].flat())]) require(file);
  for (const file of files) mocha.addFile(file);
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (err) {
      // A test file that throws while loading never reaches the reporter; fail the run with its error.
      reject(err);
    }
  });
  if (failures > 0) throw new Error(`${failures} extension test${failures === 1 ? '' : 's'} failed`);
}
