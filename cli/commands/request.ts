// `kubeside request [-X METHOD] URL`: sends a simulated HTTP request through the running cluster's
// network (Ingress, Service, node port) and prints the way it went and the answer, as `curl -i` would
// print it from inside the cluster, ending with the pod that answered. With --count or --rate it
// sends many and tallies who answered: the Service's load balancing, or load for an autoscaler.
import { parseDuration } from '../../engine/api/cron';
import { type Command, UsageError } from '../command';
import { type ServiceRequestBody, serviceRequestPath } from '../../engine/http/index';
import type { ServiceResponse } from '../../engine/cluster/request';
import { flag, parseArgs, withCluster } from '../rest/verb';

export const request: Command = {
  name: 'request',
  summary: 'Send an HTTP request through the cluster network and show which pod answered',
  usage: `Usage: kubeside request [-X METHOD] URL [--from NS/POD | --from-node NODE] [--count N] [--rate R [--duration D]]

Sends URL (http:// only) as a client on the cluster network would, and prints each hop it took
(Ingress rule, Service and endpoint, node port, pod), the response with its headers as curl -i
prints it, and the pod that answered. Names resolve as a pod's DNS resolver finds them: web,
web.shop, web.shop.svc, web.shop.svc.cluster.local (relative to the caller's namespace), a
headless Service's pod (db-0.db.shop.svc.cluster.local), a cluster IP, a pod IP, a node's
InternalIP and node port, or a host an Ingress has a rule for. Only admins may send requests.

Examples:
  kubeside request http://web.shop/
  kubeside request http://shop.example.com/api/orders
  kubeside request http://web/ --from shop/api-7c9d8-x2x8q
  kubeside request -X HEAD http://172.18.0.3:30080/
  kubeside request http://web.shop/ --count 100
  kubeside request http://web.shop/ --rate 20 --duration 2m    # load for a HorizontalPodAutoscaler

Options:
  -X, --request METHOD   the HTTP method (default GET)
  --from NS/POD          send from this pod: its namespace for short names, its node's endpoints first
  --from-node NODE       send from this node (names relative to "default")
  --count N              send N requests, one after another (or at --rate), and print how many
                         each pod answered instead of each response
  --rate R               send R requests a second (real time), each whether or not the last was
                         answered; with --duration D (30s, 2m, 1h30m) for that long, else --count
  --state DIR            the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE      use this kubeconfig instead of the state directory's

Exits 1 when no HTTP answer came (no such host, connection refused, timeout), or with --count or
--rate when any request got none.`,
  async run(args, io) {
    const a = parseArgs(args, {
      method: { names: ['-X', '--request'], kind: 'value' },
      from: { names: ['--from'], kind: 'value' },
      fromNode: { names: ['--from-node'], kind: 'value' },
      count: { names: ['--count'], kind: 'value' },
      rate: { names: ['--rate'], kind: 'value' },
      duration: { names: ['--duration'], kind: 'value' },
    });
    const [url, ...rest] = a.positional;
    if (!url) throw new UsageError('expected the URL to send the request to');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const method = (flag(a, 'method') ?? 'GET').toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new UsageError(`invalid method "${method}"`);
    const from = flag(a, 'from');
    const fromNode = flag(a, 'fromNode');
    if (from && fromNode) throw new UsageError('--from and --from-node exclude each other');
    const pod = from?.split('/');
    if (pod && (pod.length !== 2 || !pod[0] || !pod[1])) throw new UsageError(`--from takes NAMESPACE/POD, got "${from}"`);
    const body: ServiceRequestBody = { method, url, ...(pod ? { from: { namespace: pod[0]!, name: pod[1]! } } : fromNode ? { from: { node: fromNode } } : {}) };
    const load = loadOptions(flag(a, 'count'), flag(a, 'rate'), flag(a, 'duration'));
    if (load) {
      return withCluster(a, io, async ({ client }) => {
        const send = () => client.json<ServiceResponse>('POST', serviceRequestPath, { body: JSON.stringify(body) });
        const tally = await sendMany(send, load);
        io.stdout.write(formatTally(`${method} ${url}`, tally));
        return tally.failed > 0 ? 1 : 0;
      });
    }
    return withCluster(a, io, async ({ client }) => {
      const response = await client.json<ServiceResponse>('POST', serviceRequestPath, { body: JSON.stringify(body) });
      io.stdout.write(formatResponse(response));
      if (response.error !== undefined) {
        io.stderr.write(`error: ${response.error}\n`);
        return 1;
      }
      return 0;
    });
  },
};

/** Hops as `* Kind namespace/name: detail`, then the status line, headers, body and who answered. */
export function formatResponse(r: ServiceResponse): string {
  const lines = r.hops.map((h) => `* ${h.kind} ${h.namespace ? `${h.namespace}/` : ''}${h.name}: ${h.detail}\n`);
  if (r.status === undefined) return lines.join('');
  lines.push(`HTTP/1.1 ${r.status}${r.reason ? ` ${r.reason}` : ''}\n`);
  for (const [name, value] of Object.entries(r.headers)) lines.push(`${name}: ${value}\n`);
  lines.push('\n', r.body);
  if (r.body && !r.body.endsWith('\n')) lines.push('\n');
  if (r.pod) lines.push(`answered by pod ${r.pod.namespace}/${r.pod.name}${r.node ? ` on ${r.node}` : ''} (${r.pod.ip})\n`);
  else lines.push('answered by the ingress controller\n');
  return lines.join('');
}

/** How many requests to send and how fast: a count, or a rate for a count or a duration. */
export interface Load {
  count: number;
  /** Requests a second; undefined for one after another. */
  rate?: number;
}

function loadOptions(count: string | undefined, rate: string | undefined, duration: string | undefined): Load | undefined {
  if (count === undefined && rate === undefined) {
    if (duration !== undefined) throw new UsageError('--duration needs --rate');
    return undefined;
  }
  const positive = (name: string, text: string, integer: boolean) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${name} must be a positive ${integer ? 'whole ' : ''}number, got "${text}"`);
    return n;
  };
  const n = count !== undefined ? positive('--count', count, true) : undefined;
  const r = rate !== undefined ? positive('--rate', rate, false) : undefined;
  if (duration !== undefined) {
    if (r === undefined) throw new UsageError('--duration needs --rate');
    if (n !== undefined) throw new UsageError('--count and --duration exclude each other');
    let ns: bigint;
    try {
      ns = parseDuration(duration);
    } catch (err) {
      throw new UsageError(`invalid --duration: ${(err as Error).message}`);
    }
    if (ns <= 0n) throw new UsageError(`--duration must be positive, got "${duration}"`);
    return { count: Math.max(1, Math.round((Number(ns) / 1e9) * r)), rate: r };
  }
  if (n === undefined) throw new UsageError('--rate needs --count or --duration');
  return { count: n, ...(r !== undefined ? { rate: r } : {}) };
}

/** Who answered a run of requests. */
export interface Tally {
  sent: number;
  /** Requests without an HTTP answer, by the error. */
  failed: number;
  errors: Map<string, number>;
  /** Answers by status line. */
  statuses: Map<string, number>;
  /** Answers by pod (`ns/name on node`), or by the ingress controller. */
  answeredBy: Map<string, number>;
  elapsedMs: number;
}

/**
 * Sends `load.count` requests: one after another, or at `load.rate` a second on the real clock, each
 * on its own schedule whether or not the ones before were answered (as a load generator does).
 */
export async function sendMany(send: () => Promise<ServiceResponse>, load: Load, now: () => number = () => performance.now()): Promise<Tally> {
  const tally: Tally = { sent: 0, failed: 0, errors: new Map(), statuses: new Map(), answeredBy: new Map(), elapsedMs: 0 };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const record = (r: ServiceResponse) => {
    if (r.error !== undefined || r.status === undefined) {
      tally.failed++;
      bump(tally.errors, r.error ?? 'no answer');
      return;
    }
    bump(tally.statuses, `${r.status}${r.reason ? ` ${r.reason}` : ''}`);
    bump(tally.answeredBy, r.pod ? `${r.pod.namespace}/${r.pod.name}${r.node ? ` on ${r.node}` : ''}` : 'the ingress controller');
  };
  const start = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < load.count; i++) {
    if (load.rate !== undefined) {
      const due = start + (i * 1000) / load.rate;
      const wait = due - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send().then(record));
    } else {
      record(await send());
    }
    tally.sent++;
  }
  await Promise.all(inFlight);
  tally.elapsedMs = now() - start;
  return tally;
}

/** The tally as lines: a summary, then each pod with its count and share, most first. */
export function formatTally(what: string, t: Tally): string {
  const seconds = t.elapsedMs / 1000;
  const answered = t.sent - t.failed;
  const statuses = [...t.statuses].map(([s, n]) => `${s} ×${n}`).join(', ');
  const lines = [`${t.sent} requests ${what} in ${seconds.toFixed(1)} s (${(t.sent / Math.max(seconds, 0.001)).toFixed(1)}/s): ${answered} answered${statuses ? ` (${statuses})` : ''}, ${t.failed} without an answer\n`];
  const rows = [...t.answeredBy].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const width = Math.max(0, ...rows.map(([who]) => who.length));
  for (const [who, n] of rows) lines.push(`  ${who.padEnd(width)}  ${String(n).padStart(String(t.sent).length)}  ${((n / t.sent) * 100).toFixed(0).padStart(3)}%\n`);
  for (const [err, n] of t.errors) lines.push(`  error ×${n}: ${err}\n`);
  return lines.join('');
}
