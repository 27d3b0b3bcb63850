// The extension's heavy parts (the engine, the kubeconfig client, the describer) are bundles of
// their own beside extension.js (see scripts/build.mjs), loaded on first use so activation stays cheap.
import * as path from 'node:path';

export interface Bundles {
  threadedBackend: typeof import('./backend/threadedBackend');
  kubeconfigBackend: typeof import('./backend/kubeconfigBackend');
  describe: typeof import('./actions/describe');
}

export function loadBundle<K extends keyof Bundles>(name: K): Bundles[K] {
  // A computed path keeps esbuild from inlining the module into extension.js.
  const file = path.join(__dirname, `${name}.js`);
  return require(file) as Bundles[K];
}
