// `kubeside delete TYPE NAME… | -f FILE|DIR`: deletes objects of the running cluster; the API server
// runs finalizers, graceful termination and garbage collection (propagation as it defaults).
import { type Command, UsageError } from '../command';
import { ApiError } from '../rest/client';
import { readManifests } from '../rest/manifests';
import { type ApiResource, qualifiedKind, resourcePath } from '../rest/resources';
import { flag, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

export const del: Command = {
  name: 'delete',
  summary: 'Delete objects of the running cluster by type and name or by manifest',
  usage: `Usage: kubeside delete TYPE NAME... [-n NS] | -f FILE|DIR [-f ...]

Options:
  -f, --filename PATH   delete the objects these manifests describe (repeatable)
  -n, --namespace NS    the namespace (default: "default")
  --state DIR           the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE     use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, { filename: { names: ['-f', '--filename'], kind: 'list' }, namespace: namespaceFlag });
    const files = a.flags.get('filename') ?? [];
    if (files.length && a.positional.length) throw new UsageError('name cannot be provided when a path is specified');
    if (!files.length && a.positional.length < 2 && !a.positional[0]?.includes('/')) throw new UsageError('You must provide one or more resources by argument or filename.');
    const namespace = flag(a, 'namespace');
    return withCluster(a, io, async ({ client, resources }) => {
      const targets: { resource: ApiResource; namespace: string | undefined; name: string; file?: string }[] = [];
      if (files.length) {
        for (const { file, object } of await readManifests(files, io.cwd)) {
          const r = await resources.forKind(String(object.apiVersion ?? ''), String(object.kind ?? ''));
          targets.push({ resource: r, namespace: r.namespaced ? (object.metadata?.namespace ?? namespace ?? 'default') : undefined, name: String(object.metadata?.name ?? ''), file });
        }
      } else if (a.positional[0]!.includes('/')) {
        for (const p of a.positional) {
          const [type, name = ''] = p.split('/', 2);
          const r = await resources.forType(type!);
          targets.push({ resource: r, namespace: r.namespaced ? (namespace ?? 'default') : undefined, name });
        }
      } else {
        const [types, ...names] = a.positional;
        for (const t of types!.split(',')) {
          const r = await resources.forType(t);
          for (const name of names) targets.push({ resource: r, namespace: r.namespaced ? (namespace ?? 'default') : undefined, name });
        }
      }
      let failed = 0;
      for (const t of targets) {
        try {
          await client.json('DELETE', resourcePath(t.resource, t.namespace, t.name));
          // kubectl (since 1.34) names the namespace of what it deleted.
          io.stdout.write(`${qualifiedKind(t.resource)} "${t.name}" deleted${t.namespace ? ` from ${t.namespace} namespace` : ''}\n`);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          failed++;
          io.stderr.write(`${err.display}\n`);
        }
      }
      return failed ? 1 : 0;
    });
  },
};
