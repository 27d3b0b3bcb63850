// `kubeside audit`: the API server's audit log — who changed what, and how it ended — oldest first.
import { type Command, UsageError } from '../command';
import { flag, formatRows, parseArgs, withCluster } from '../rest/verb';

export const audit: Command = {
  name: 'audit',
  summary: 'Show the audit log of the cluster: every create, update, patch and delete, who made it and its result',
  usage: `Usage: kubeside audit [--tail N] [-o json]

Prints the API server's audit log (audit.k8s.io/v1 Events) oldest first: TIME USER VERB RESOURCE
NAME CODE. Only admins (system:masters) may read it.

Options:
  --tail N               only the last N entries
  -o json                the audit events as JSON
  --state DIR            the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE      use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, { tail: { names: ['--tail'], kind: 'value' }, output: { names: ['-o', '--output'], kind: 'value' } });
    if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}"`);
    const output = flag(a, 'output');
    if (output !== undefined && output !== 'json') throw new UsageError(`unsupported output format "${output}": use -o json`);
    const tailText = flag(a, 'tail');
    if (tailText !== undefined && !/^\d+$/.test(tailText)) throw new UsageError(`--tail must be a number, got "${tailText}"`);
    return withCluster(a, io, async ({ client }) => {
      const log = await client.json('GET', '/kubeside/v1/audit');
      let items = (log.items ?? []) as Record<string, any>[];
      if (tailText !== undefined) items = items.slice(-Number(tailText));
      if (output === 'json') {
        io.stdout.write(`${JSON.stringify({ ...log, items }, null, 2)}\n`);
        return 0;
      }
      if (!items.length) {
        io.stderr.write('No audit events.\n');
        return 0;
      }
      const rows = items.map((e) => {
        const ref = e.objectRef ?? {};
        const resource = `${ref.resource ?? ''}${ref.apiGroup ? `.${ref.apiGroup}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
        const name = ref.namespace ? `${ref.namespace}/${ref.name ?? ''}` : (ref.name ?? '');
        const code = e.responseStatus?.code ?? '';
        const result = e.responseStatus?.reason ? `${code} ${e.responseStatus.reason}` : String(code);
        return [e.stageTimestamp ?? '', e.user?.username ?? '', e.verb ?? '', resource, name, result];
      });
      io.stdout.write(formatRows([['TIME', 'USER', 'VERB', 'RESOURCE', 'NAME', 'CODE'], ...rows]));
      return 0;
    });
  },
};
