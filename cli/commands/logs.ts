// `kubeside logs POD`: a container's log, read by the API server from the kubelet of the pod's node;
// with -f the response streams until the container ends or the user stops it.
import { type Command, UsageError } from '../command';
import { ApiError } from '../rest/client';
import { bool, flag, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

export const logs: Command = {
  name: 'logs',
  summary: "Print a pod's container log (-f to follow it)",
  usage: `Usage: kubeside logs POD [-c CONTAINER] [-n NS] [-f] [--tail N] [--previous] [--timestamps]

Options:
  -c, --container NAME  the container (required when the pod has several)
  -n, --namespace NS    the namespace (default: "default")
  -f, --follow          stream the log until the container ends (or Ctrl-C)
  --tail N              only the last N lines
  -p, --previous        the log of the previous, terminated run of the container
  --timestamps          prefix each line with its RFC3339 timestamp
  --state DIR           the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE     use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, {
      namespace: namespaceFlag,
      container: { names: ['-c', '--container'], kind: 'value' },
      follow: { names: ['-f', '--follow'], kind: 'bool' },
      tail: { names: ['--tail'], kind: 'value' },
      previous: { names: ['-p', '--previous'], kind: 'bool' },
      timestamps: { names: ['--timestamps'], kind: 'bool' },
    });
    const [target, ...rest] = a.positional;
    if (!target) throw new UsageError('expected POD');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const pod = target.startsWith('pod/') ? target.slice(4) : target.startsWith('pods/') ? target.slice(5) : target;
    const tail = flag(a, 'tail');
    if (tail !== undefined && !/^-?\d+$/.test(tail)) throw new UsageError(`invalid argument "${tail}" for "--tail": must be a number`);
    const namespace = flag(a, 'namespace') ?? 'default';
    return withCluster(a, io, async ({ client }) => {
      const query = {
        container: flag(a, 'container'),
        follow: bool(a, 'follow') || undefined,
        // kubectl's --tail -1 means all lines.
        tailLines: tail !== undefined && Number(tail) >= 0 ? Number(tail) : undefined,
        previous: bool(a, 'previous') || undefined,
        timestamps: bool(a, 'timestamps') || undefined,
      };
      const p = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
      try {
        if (query.follow) await client.text(p, query, (text) => io.stdout.write(text));
        else io.stdout.write(await client.text(p, query));
      } catch (err) {
        // kubectl names the namespace it looked in when the pod is not there.
        if (!(err instanceof ApiError) || err.code !== 404) throw err;
        io.stderr.write(`error: error from server (NotFound): ${err.message} in namespace "${namespace}"\n`);
        return 1;
      }
      return 0;
    });
  },
};
