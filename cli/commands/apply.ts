// `kubeside apply -f FILE|DIR`: server-side apply of every object of the manifests to the running
// cluster, as `kubectl apply --server-side` does (field manager "kubeside", conflicts not forced).
import { type Command, UsageError } from '../command';
import { ApiError, ClusterUnreachable, errorOf } from '../rest/client';
import { readManifests } from '../rest/manifests';
import { qualifiedKind, resourcePath } from '../rest/resources';
import { flag, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

export const fieldManager = 'kubeside';

/** The texts of a response's Warning headers (`299 - "text"`), as kubectl prints them. */
export function warnings(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values.flatMap((v) => [...v.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1')));
}

export const apply: Command = {
  name: 'apply',
  summary: 'Apply manifests to the running cluster (server-side apply)',
  usage: `Usage: kubeside apply -f FILE|DIR [-f ...] [-n NAMESPACE] [--state DIR | --kubeconfig FILE]

Server-side applies every object of the files (folders in name order; namespaces and
CustomResourceDefinitions first) with the field manager "kubeside", as
"kubectl apply --server-side" does. Conflicts with other managers are reported, not forced.

Options:
  -f, --filename PATH   a manifest file or folder (repeatable)
  -n, --namespace NS    namespace of objects that name none (default: "default")
  --state DIR           the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE     use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, { filename: { names: ['-f', '--filename'], kind: 'list' }, namespace: namespaceFlag });
    const files = a.flags.get('filename') ?? [];
    if (!files.length) throw new UsageError('must specify one of -f');
    if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}"`);
    const namespace = flag(a, 'namespace');
    return withCluster(a, io, async ({ client, resources }) => {
      const objects = await readManifests(files, io.cwd);
      const first = (o: Record<string, any>) => (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' ? 0 : 1);
      const ordered = objects.map((o, i) => ({ ...o, i })).sort((x, y) => first(x.object) - first(y.object) || x.i - y.i);
      let failed = 0;
      for (const { file, object } of ordered) {
        try {
          const r = await resources.forKind(String(object.apiVersion ?? ''), String(object.kind ?? ''));
          const name = object.metadata?.name;
          if (!name) throw new Error(`error when applying "${file}": resource name may not be empty`);
          let ns: string | undefined;
          if (r.namespaced) {
            const own = object.metadata?.namespace as string | undefined;
            if (own && namespace && own !== namespace) {
              throw new Error(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`);
            }
            ns = own ?? namespace ?? 'default';
            object.metadata = { ...object.metadata, namespace: ns };
          }
          const res = await client.request('PATCH', resourcePath(r, ns, name), {
            query: { fieldManager },
            body: JSON.stringify(object),
            contentType: 'application/apply-patch+yaml',
          });
          for (const w of warnings(res.headers.warning)) io.stderr.write(`Warning: ${w}\n`);
          if (res.status >= 300) {
            const err = errorOf(res.status, res.body.toString('utf8'));
            throw new ApiError(err.code, err.reason, `error when applying "${file}": ${err.message}`);
          }
          io.stdout.write(`${qualifiedKind(r)}/${name} serverside-applied\n`);
          // Custom resources defined just now are served from now on: discover them again.
          if (object.kind === 'CustomResourceDefinition') resources.refresh();
        } catch (err) {
          if (err instanceof ClusterUnreachable) throw err;
          failed++;
          io.stderr.write(err instanceof ApiError ? `${err.display}\n` : `error: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
      return failed ? 1 : 0;
    });
  },
};
