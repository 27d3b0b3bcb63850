// `kubeside serve`: runs the embedded cluster and its API server on 127.0.0.1 over a state directory
// that persists between runs, so kubectl (or any Kubernetes client) can use it through a kubeconfig.
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError, type Command, type CommandIO } from '../command';
import { applyManifests, mergeKubeconfig, startServer } from '../../engine/http/index';

interface Options {
  port?: number;
  state: string;
  manifests: string[];
  kubeconfig?: string;
  merge: boolean;
  nodes?: number;
}

function parseArgs(args: string[], cwd: string): Options {
  const o: Options = { state: path.join(cwd, '.kubeside', 'cluster'), manifests: [], merge: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${v}"`);
        o.port = n;
        break;
      }
      case '--nodes': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--nodes must be a number of worker nodes, got "${v}"`);
        o.nodes = Number(v);
        break;
      }
      case '--state':
        o.state = path.resolve(cwd, value());
        break;
      case '-f':
      case '--filename':
        o.manifests.push(path.resolve(cwd, value()));
        break;
      case '--kubeconfig':
        o.kubeconfig = path.resolve(cwd, value());
        break;
      case '--merge-kubeconfig':
        o.merge = true;
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return o;
}

export const serve: Command = {
  name: 'serve',
  summary: 'Run the cluster and serve its Kubernetes API on 127.0.0.1 (for kubectl)',
  usage: `Usage: kubeside serve [--nodes N] [--port N] [--state DIR] [-f FILE|DIR]... [--kubeconfig FILE] [--merge-kubeconfig]

Runs the embedded cluster — API server, scheduler, controllers and a kubelet per node — and serves
its Kubernetes API over HTTPS on 127.0.0.1, with a kubeconfig for it. The cluster's state (store,
certificates, admin token) persists in the state directory.

Options:
  --nodes N             worker nodes (default 3), beside one control-plane node
  --port N              listen on this port (default: the last run's if free, else a free one)
  --state DIR           state directory (default: .kubeside/cluster)
  -f, --filename PATH   apply these manifests (server-side, field manager "kubeside") once serving
  --kubeconfig FILE     where to write the kubeconfig (default: <state>/kubeconfig)
  --merge-kubeconfig    also add a "kubeside" context to ~/.kube/config (or $KUBECONFIG)

Stops on Ctrl-C (SIGINT) or SIGTERM, with the state saved.`,
  async run(args: string[], io: CommandIO): Promise<number> {
    const o = parseArgs(args, io.cwd);
    const started = await startServer({
      stateDir: o.state,
      ...(o.nodes !== undefined ? { workers: o.nodes } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.kubeconfig ? { kubeconfigPath: o.kubeconfig } : {}),
      onInternalError: (err) => io.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
    });
    io.stdout.write(`Kubernetes API at ${started.url}\nkubeconfig: ${started.kubeconfigPath}\n`);
    if (o.manifests.length) {
      let failed = 0;
      for (const r of await applyManifests(started.client, o.manifests, 'kubeside')) {
        if (r.error) {
          failed++;
          io.stderr.write(`error: ${r.name} (${path.relative(io.cwd, r.file)}): ${r.error}\n`);
        } else io.stdout.write(`${r.name} serverside-applied\n`);
      }
      if (failed) io.stderr.write(`${failed} object(s) were not applied\n`);
    }
    if (o.merge) {
      const target = process.env.KUBECONFIG?.split(path.delimiter)[0] || path.join(os.homedir(), '.kube', 'config');
      await mergeKubeconfig(target, { name: 'kubeside', server: started.url, caCert: Buffer.from(started.caData, 'base64').toString(), token: started.token, user: 'kubeside-admin' });
      io.stdout.write(`context "kubeside" merged into ${target}\n`);
    }
    io.stdout.write('ready\n');
    return new Promise<number>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stdout.write(`${signal}: stopping\n`);
        started.close().then(
          () => resolve(0),
          (err) => {
            io.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
            resolve(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
