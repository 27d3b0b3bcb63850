// `kubeside snapshot save FILE` asks the running cluster for a snapshot of its store (admins only);
// `kubeside snapshot restore FILE` puts one in place of a stopped cluster's store, as
// `etcdctl snapshot save` and `etcdutl snapshot restore` do for a kubeadm cluster's etcd.
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Command, UsageError } from '../command';
import { restoreStateDir, snapshotPath, snapshotRevisionHeader } from '../../engine/http/index';
import { RealClock } from '../../engine/util/clock';
import { errorOf } from '../rest/client';
import { flag, parseArgs, withCluster } from '../rest/verb';

export const snapshot: Command = {
  name: 'snapshot',
  summary: "Save the running cluster's state to a file, or restore a stopped cluster from one",
  usage: `Usage: kubeside snapshot save FILE [--state DIR | --kubeconfig FILE]
       kubeside snapshot restore FILE [--state DIR]

save     writes a snapshot of the running cluster's store (every object, with its history
         since the last compaction) to FILE. It holds Secrets: only an admin may take one.
restore  replaces the store of the stopped cluster in the state directory with FILE's
         contents; the previous store is kept as <state>/store.bak-<timestamp>.

Options:
  --state DIR           the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE     (save) use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, {});
    const [action, file, ...rest] = a.positional;
    if (action !== 'save' && action !== 'restore') throw new UsageError('expected "save" or "restore"');
    if (!file) throw new UsageError(`expected the snapshot FILE to ${action}`);
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const target = path.resolve(io.cwd, file);

    if (action === 'restore') {
      if (flag(a, 'kubeconfig')) throw new UsageError('restore works on a state directory: use --state DIR');
      const state = path.resolve(io.cwd, flag(a, 'state') ?? path.join('.kubeside', 'cluster'));
      try {
        const { revision } = await restoreStateDir(state, target, new RealClock());
        io.stdout.write(`Snapshot restored into ${state} (revision ${revision}); start it with "kubeside serve"\n`);
        return 0;
      } catch (err) {
        io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
    }

    return withCluster(a, io, async ({ client }) => {
      // Into a temporary file first, so an interrupted transfer never leaves a truncated snapshot at FILE.
      const partial = `${target}.part`;
      await fs.mkdir(path.dirname(target), { recursive: true });
      const out = createWriteStream(partial, { mode: 0o600 });
      let res;
      try {
        res = await client.request('GET', snapshotPath, { accept: 'application/octet-stream' }, (chunk) => out.write(chunk));
      } finally {
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
      if (res.status >= 300) {
        await fs.rm(partial, { force: true });
        throw errorOf(res.status, res.body.toString('utf8'));
      }
      await fs.rename(partial, target);
      io.stdout.write(`Snapshot saved at ${file} (revision ${res.headers[snapshotRevisionHeader]})\n`);
      return 0;
    });
  },
};
