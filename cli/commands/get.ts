// `kubeside get TYPE[,TYPE…] [NAME…]`: lists objects as kubectl prints them, from the server's Table
// rendering (the server's printers decide the columns), or as YAML, JSON or kind/name lines.
import { stringify } from 'yaml';
import { type Command, UsageError } from '../command';
import { ApiError, errorOf, type RestClient } from '../rest/client';
import { allCategory, type ApiResource, qualifiedKind, resourcePath } from '../rest/resources';
import { bool, flag, formatRows, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

const tableAccept = 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json';
const outputs = ['wide', 'yaml', 'json', 'name'] as const;
type Output = (typeof outputs)[number] | 'table';

interface Request {
  resource: ApiResource;
  names: string[];
}

/** `-o yaml`/`-o json` of one object, or of several as a v1 List, with kind and apiVersion on each item as kubectl sets them. */
export function render(objects: Record<string, any>[], single: boolean, output: 'yaml' | 'json'): string {
  const doc = single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  return output === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc);
}

function withType(obj: Record<string, any>, r: ApiResource): Record<string, any> {
  return { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, ...obj };
}

/** The objects (or tables) a request names; a name that is not found is an error printed after what was. */
async function fetch(client: RestClient, req: Request, namespace: string | undefined, selector: string | undefined, accept: string, errors: ApiError[]): Promise<Record<string, any>[]> {
  if (!req.names.length) return [await client.json('GET', resourcePath(req.resource, namespace), { accept, query: { labelSelector: selector } })];
  const lists: Record<string, any>[] = [];
  for (const name of req.names) {
    try {
      lists.push(await client.json('GET', resourcePath(req.resource, namespace, name), { accept }));
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 404) throw err;
      errors.push(err);
    }
  }
  return lists;
}

export const get: Command = {
  name: 'get',
  summary: 'List objects of the running cluster, as kubectl get prints them',
  usage: `Usage: kubeside get TYPE[,TYPE...] [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name] [-w]

TYPE is a resource as kubectl takes it: plural, singular, short name or kind ("deploy",
"pods", "deployment.apps"), or "all" (pods, services, deployments, replicasets,
statefulsets, daemonsets, jobs and cronjobs). TYPE/NAME is accepted too.

Options:
  -n, --namespace NS       the namespace (default: "default")
  -A, --all-namespaces     every namespace
  -l, --selector SELECTOR  only objects whose labels match
  -o, --output FORMAT      wide, yaml, json or name
  -w, --watch              after the list, print each change (one type; until Ctrl-C)
  --request-timeout N[s]   end a watch after N seconds
  --state DIR              the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE        use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, {
      namespace: namespaceFlag,
      all: { names: ['-A', '--all-namespaces'], kind: 'bool' },
      selector: { names: ['-l', '--selector'], kind: 'value' },
      output: { names: ['-o', '--output'], kind: 'value' },
      watch: { names: ['-w', '--watch'], kind: 'bool' },
      requestTimeout: { names: ['--request-timeout'], kind: 'value' },
    });
    const watch = bool(a, 'watch');
    const timeout = flag(a, 'requestTimeout');
    const timeoutSeconds = timeout === undefined ? undefined : /^(\d+)s?$/.exec(timeout)?.[1];
    if (timeout !== undefined && timeoutSeconds === undefined) throw new UsageError(`invalid --request-timeout "${timeout}": a number of seconds, e.g. 30s`);
    const o = flag(a, 'output');
    if (o !== undefined && !(outputs as readonly string[]).includes(o)) throw new UsageError(`unable to match a printer suitable for the output format "${o}", allowed formats are: ${outputs.join(',')}`);
    const output: Output = (o as Output | undefined) ?? 'table';
    if (!a.positional.length) throw new UsageError('You must specify the type of resource to get.');
    const allNamespaces = bool(a, 'all');
    const namespace = allNamespaces ? undefined : (flag(a, 'namespace') ?? 'default');
    const selector = flag(a, 'selector');
    return withCluster(a, io, async ({ client, resources }) => {
      // TYPE NAME… or TYPE/NAME…, as kubectl's resource builder takes them.
      const requests: Request[] = [];
      if (a.positional[0]!.includes('/')) {
        for (const p of a.positional) {
          const [type, name] = p.split('/', 2) as [string, string];
          if (!name) throw new UsageError(`arguments in resource/name form must have a single resource and name`);
          requests.push({ resource: await resources.forType(type), names: [name] });
        }
      } else {
        const types = a.positional[0]!.split(',').flatMap((t) => (t === 'all' ? allCategory : [t]));
        for (const t of types) requests.push({ resource: await resources.forType(t), names: a.positional.slice(1) });
      }
      const several = requests.length > 1;
      const notFound: ApiError[] = [];
      const finish = () => {
        for (const e of notFound) io.stderr.write(`${e.display}\n`);
        return notFound.length ? 1 : 0;
      };
      const single = !several && requests[0]!.names.length === 1;
      if (watch && (several || output !== 'table' && output !== 'wide')) throw new UsageError('watch is only supported on a single resource type, printed as a table');

      if (output === 'yaml' || output === 'json' || output === 'name') {
        const objects: Record<string, any>[] = [];
        for (const req of requests) {
          const lists = await fetch(client, req, namespace, selector, 'application/json', notFound);
          for (const l of lists) objects.push(...(Array.isArray(l.items) ? l.items.map((i: Record<string, any>) => withType(i, req.resource)) : [l]));
          if (output === 'name') for (const obj of objects.splice(0)) io.stdout.write(`${qualifiedKind(req.resource)}/${obj.metadata?.name}\n`);
        }
        if (output !== 'name' && (objects.length || !notFound.length)) io.stdout.write(render(objects, single, output));
        return finish();
      }

      let printed = 0;
      for (const req of requests) {
        const lists = await fetch(client, req, namespace, selector, tableAccept, notFound);
        const columns = (lists[0]?.columnDefinitions ?? []) as { name: string; priority?: number }[];
        const shown = columns.map((c, i) => [c, i] as const).filter(([c]) => output === 'wide' || !c.priority);
        const rows: string[][] = [];
        for (const table of lists) {
          for (const row of table.rows ?? []) {
            const cells = shown.map(([c, i]) => {
              const cell = row.cells?.[i];
              const text = cell === null || cell === undefined ? '<none>' : String(cell);
              return several && c.name === 'Name' ? `${qualifiedKind(req.resource)}/${text}` : text;
            });
            if (allNamespaces && req.resource.namespaced) cells.unshift(row.object?.metadata?.namespace ?? '');
            rows.push(cells);
          }
        }
        const header = shown.map(([c]) => c.name.toUpperCase());
        if (allNamespaces && req.resource.namespaced) header.unshift('NAMESPACE');
        if (watch) {
          // kubectl get -w: the list, then a row per change from a watch at the list's resourceVersion.
          let headerShown = rows.length > 0;
          if (rows.length) io.stdout.write(formatRows([header, ...rows]));
          const widths = [header, ...rows];
          const from = lists[0]?.metadata?.resourceVersion;
          const query = {
            watch: 'true',
            labelSelector: selector,
            ...(req.names.length === 1 ? { fieldSelector: `metadata.name=${req.names[0]}` } : {}),
            resourceVersion: from,
            timeoutSeconds: timeoutSeconds,
          };
          let buffered = '';
          const res = await client.request('GET', resourcePath(req.resource, namespace), { accept: tableAccept, query }, (chunk) => {
            buffered += chunk.toString('utf8');
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const line = buffered.slice(0, nl).trim();
              buffered = buffered.slice(nl + 1);
              if (!line) continue;
              const event = JSON.parse(line) as { type: string; object: Record<string, any> };
              if (event.type === 'ERROR' || event.type === 'BOOKMARK') continue;
              for (const row of event.object.rows ?? []) {
                const cells = shown.map(([, i]) => (row.cells?.[i] === null || row.cells?.[i] === undefined ? '<none>' : String(row.cells[i])));
                if (allNamespaces && req.resource.namespaced) cells.unshift(row.object?.metadata?.namespace ?? '');
                // Each change printed as it comes, padded like the rows above it; the header comes with the first row.
                if (!headerShown) io.stdout.write(formatRows([...widths, cells]).split('\n')[0] + '\n');
                headerShown = true;
                io.stdout.write(formatRows([...widths, cells]).split('\n').slice(-2)[0] + '\n');
              }
            }
          });
          if (res.status >= 300) throw errorOf(res.status, res.body.toString('utf8'));
          return finish();
        }
        if (!rows.length) continue;
        if (printed++) io.stdout.write('\n');
        io.stdout.write(formatRows([header, ...rows]));
      }
      if (!printed && !notFound.length) io.stderr.write(namespace && requests.some((r) => r.resource.namespaced) ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
      return finish();
    });
  },
};
