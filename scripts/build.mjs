// Builds every bundle of the product with esbuild: the CLI, the language server, the extension and
// the webview front ends. `--watch` rebuilds on change; `--minify` for packaging.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minify, logLevel: 'warning' };

/** Each extension test file is its own bundle, so the tests module can hand them to mocha one by one. */
const extensionTests = Object.fromEntries(
  (existsSync('test/extension') ? readdirSync('test/extension', { recursive: true }) : [])
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => [`test/extension/${file.slice(0, -'.ts'.length)}`, `test/extension/${file}`]),
);

/** Entry points that exist; later parts of the product add theirs here. */
const builds = [
  { ...node, entryPoints: { cli: 'cli/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'language-server/server.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // The extension's heavy parts, loaded on first use only (extension/bundles.ts), so activation stays cheap.
  // The embedded cluster runs in a worker thread of its own (clusterThread); threadedBackend starts it.
  { ...node, entryPoints: { threadedBackend: 'extension/backend/threadedBackend.ts', clusterThread: 'extension/backend/clusterThread.ts', kubeconfigBackend: 'extension/backend/kubeconfigBackend.ts', describe: 'extension/actions/describe.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'test/extension/index': 'test/extension/index.ts' }, outdir: 'dist', external: ['vscode', 'mocha'] },
  ...(Object.keys(extensionTests).length ? [{ ...node, entryPoints: extensionTests, outdir: 'dist', external: ['vscode'] }] : []),
  // Webview front ends: media/<panel>/main.ts and the CSS it imports become dist/media/<panel>/main.js and main.css.
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify, logLevel: 'warning', outdir: 'dist/media',
    entryPoints: Object.fromEntries(readdirSync('media', { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(`media/${d.name}/main.ts`)).map((d) => [`${d.name}/main`, `media/${d.name}/main.ts`])),
  },
  // Codicons for the webviews: the stylesheet and the font it loads, into dist/media/codicons.
  { bundle: true, minify, logLevel: 'warning', outdir: 'dist/media', entryPoints: { 'codicons/codicon': 'node_modules/@vscode/codicons/dist/codicon.css' }, loader: { '.ttf': 'file' }, assetNames: 'codicons/[name]' },
].filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));

const start = performance.now();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundles in ${Math.round(performance.now() - start)} ms`);
}
