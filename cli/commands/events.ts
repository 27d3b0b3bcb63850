// `kubeside events`: the events of a namespace (or all), oldest first, in kubectl events' columns.
import { type Command, UsageError } from '../command';
import { RealClock } from '../../engine/util/clock';
import { byLastSeen, eventAge } from '../rest/events';
import { bool, flag, formatRows, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

export const events: Command = {
  name: 'events',
  summary: 'List the events of a namespace, oldest first',
  usage: `Usage: kubeside events [-n NS | -A]

Options:
  -n, --namespace NS     the namespace (default: "default")
  -A, --all-namespaces   every namespace
  --state DIR            the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE      use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, { namespace: namespaceFlag, all: { names: ['-A', '--all-namespaces'], kind: 'bool' } });
    if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}"`);
    const all = bool(a, 'all');
    const namespace = flag(a, 'namespace') ?? 'default';
    const clock = new RealClock();
    return withCluster(a, io, async ({ client }) => {
      const list = await client.json('GET', all ? '/api/v1/events' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`);
      const items = [...((list.items ?? []) as Record<string, any>[])].sort(byLastSeen);
      if (!items.length) {
        io.stderr.write(all ? 'No events found.\n' : `No events found in ${namespace} namespace.\n`);
        return 0;
      }
      const now = clock.now();
      const header = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      if (all) header.unshift('NAMESPACE');
      const rows = items.map((e) => {
        const row = [eventAge(e, now), e.type ?? '', e.reason ?? '', `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`, String(e.message ?? '').trim()];
        if (all) row.unshift(e.metadata?.namespace ?? '');
        return row;
      });
      io.stdout.write(formatRows([header, ...rows]));
      return 0;
    });
  },
};
