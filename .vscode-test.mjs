// The one description of the extension tests, in @vscode/test-cli's format. `npx vscode-test` runs it
// in a desktop VS Code; `npm run test:vscode` runs the same files, workspace and mocha options offline
// in code-server (scripts/vscode/run-tests.mjs). Build first: the files are esbuild bundles.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension',
  files: 'dist/test/extension/**/*.test.js',
  workspaceFolder: 'examples',
  mocha: { ui: 'bdd', timeout: 20_000, color: false },
});
