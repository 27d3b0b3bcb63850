// `kubeside request [-X METHOD] URL`: sends a simulated HTTP request through the running cluster's
// network (Ingress, Service, node port) and prints the way it went and the answer, as `curl -i` would
// print it from inside the cluster, ending with the pod that answered.
import { type Command, UsageError } from '../command';
import { type ServiceRequestBody, serviceRequestPath } from '../../engine/http/index';
import type { ServiceResponse } from '../../engine/cluster/request';
import { flag, parseArgs, withCluster } from '../rest/verb';

export const request: Command = {
  name: 'request',
  summary: 'Send an HTTP request through the cluster network and show which pod answered',
  usage: `Usage: kubeside request [-X METHOD] URL [--from NS/POD | --from-node NODE]

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

Options:
  -X, --request METHOD   the HTTP method (default GET)
  --from NS/POD          send from this pod: its namespace for short names, its node's endpoints first
  --from-node NODE       send from this node (names relative to "default")
  --state DIR            the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE      use this kubeconfig instead of the state directory's

Exits 1 when no HTTP answer came (no such host, connection refused, timeout).`,
  async run(args, io) {
    const a = parseArgs(args, { method: { names: ['-X', '--request'], kind: 'value' }, from: { names: ['--from'], kind: 'value' }, fromNode: { names: ['--from-node'], kind: 'value' } });
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
