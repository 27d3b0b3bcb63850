// `kubectl describe` for the extension's describe documents: the CLI's own describer run against the
// cluster a kubeconfig names. A bundle of its own (dist/describe.js), loaded on first use, because the
// describer resolves kinds through the OpenAPI-backed kinds registry, which activation must not load.
import { Writable } from 'node:stream';
import { describe as describeCommand } from '../../cli/commands/describe';

/** `kubectl describe KIND NAME` against the cluster a kubeconfig names: the CLI's own describer. */
export async function describeObject(kubeconfigPath: string, kind: string, namespace: string | undefined, name: string): Promise<string> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
  const code = await describeCommand.run([kind.toLowerCase(), name, ...(namespace ? ['-n', namespace] : []), '--kubeconfig', kubeconfigPath], {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    cwd: process.cwd(),
  });
  if (code !== 0) throw new Error(err.trim() || `describe ${kind} ${name} failed`);
  return out;
}
