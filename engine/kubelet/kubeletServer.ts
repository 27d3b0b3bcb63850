// The kubelet's own HTTPS API on port 10250, as kube-apiserver reaches it through a node's proxy
// subresource (`kubectl get --raw /api/v1/nodes/worker-1/proxy/stats/summary`): its health check,
// the pods it runs (`/pods`), the summary API (`/stats/summary`, stats/v1alpha1) with the CPU and
// memory its simulated containers use, and the node log query (`/logs/?query=kubelet`, as with the
// NodeLogQuery feature on) over the kubelet's own journal. Paths it does not serve answer as Go's
// mux does.
import type { Obj } from '../apiserver/registry/strategy';
import { Quantity } from '../api/quantity';
import { rfc3339 } from '../util/clock';
import { type ComponentLog, klogLine, type Severity } from '../util/klog';
import type { NodeUsage } from './usage';

export const kubeletPort = 10250;

export interface KubeletAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What the kubelet's server reads of its kubelet. */
export interface KubeletView {
  readonly nodeName: string;
  readonly startedAt: number;
  readonly memoryCapacity: string;
  /** The pods bound to the node, as the kubelet's pod manager has them. */
  pods(): readonly Obj[];
  usage(): NodeUsage | undefined;
  /** What the kubelet logged, oldest first. */
  journal(): readonly JournalEntry[];
}

export interface JournalEntry {
  readonly at: number;
  readonly severity: Severity;
  readonly source: string;
  readonly message: string;
}

/** Entries the journal keeps of a kubelet's log: the newest, as journald rotates the oldest away. */
const journalEntries = 1_000;

/** The kubelet's log as journald keeps it on a kind node (`journalctl -u kubelet`): entries kept as written, formatted when read. */
export class KubeletJournal implements ComponentLog {
  private readonly entries: JournalEntry[] = [];

  constructor(private readonly now: () => number) {}

  write(severity: Severity, source: string, message: string): void {
    if (this.entries.push({ at: this.now(), severity, source, message }) > journalEntries) this.entries.shift();
  }

  lines(): readonly JournalEntry[] {
    return this.entries;
  }
}

const json = (value: unknown): KubeletAnswer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });
const notFound: KubeletAnswer = { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };

/** One request to the kubelet's server; `path` may carry a query. */
export function serveKubelet(view: KubeletView, method: string, path: string): KubeletAnswer {
  const route = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Method Not Allowed\n' };
  switch (route) {
    case '/healthz':
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
    case '/pods':
      return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: view.pods() });
    case '/stats/summary':
      return json(summary(view));
    case '/logs':
      return logQuery(view, new URLSearchParams(path.split('?')[1] ?? ''));
    default:
      return notFound;
  }
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** journalctl's short format: `Dec 06 04:38:46 worker-1 kubelet[1]: <the klog line>`. */
function journalLine(node: string, e: JournalEntry): string {
  const d = new Date(e.at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${node} kubelet[1]: ${klogLine(e.severity, e.at, e.source, e.message)}`;
}

/**
 * The node log query (KEP-2258): `query` names the service (only the kubelet's journal is kept
 * here; any other service has no entries), filtered by `sinceTime`, `untilTime` and `pattern`, the
 * last `tailLines`. Without a query, kube's file server would list /var/log, which is not simulated.
 */
function logQuery(view: KubeletView, q: URLSearchParams): KubeletAnswer {
  const text = (body: string, status = 200): KubeletAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body });
  const services = q.getAll('query');
  if (!services.length) return notFound;
  const since = q.get('sinceTime');
  const until = q.get('untilTime');
  const tail = q.get('tailLines');
  let pattern: RegExp | undefined;
  try {
    pattern = q.get('pattern') ? new RegExp(q.get('pattern')!) : undefined;
  } catch (err) {
    return text(`pattern: Invalid value: ${JSON.stringify(q.get('pattern'))}: ${(err as Error).message}`, 400);
  }
  const entries = services.includes('kubelet')
    ? view.journal().filter((e) => (!since || e.at >= Date.parse(since)) && (!until || e.at <= Date.parse(until))).map((e) => journalLine(view.nodeName, e)).filter((line) => !pattern || pattern.test(line))
    : [];
  const shown = tail !== null && /^\d+$/.test(tail) ? entries.slice(Math.max(0, entries.length - Number(tail))) : entries;
  return text(shown.length ? `${shown.join('\n')}\n` : '-- No entries --\n');
}

/**
 * The summary API's document: the node, then every pod with a whole window of usage. CPU is the
 * window's rate (usageNanoCores) and memory the working set; what the simulation does not keep
 * (cumulative CPU time, page faults, file systems, networks) is left out, as the API's optional
 * fields allow.
 */
function summary(view: KubeletView): Obj {
  const usage = view.usage();
  const node: Obj = { nodeName: view.nodeName, startTime: rfc3339(view.startedAt) };
  if (!usage) return { node, pods: [] };
  const time = rfc3339(usage.timestamp);
  const capacity = Quantity.parse(view.memoryCapacity).value();
  node.cpu = { time, usageNanoCores: Math.round(usage.cpuNanoCores) };
  node.memory = { time, availableBytes: Math.max(0, capacity - usage.memoryBytes), usageBytes: usage.memoryBytes, workingSetBytes: usage.memoryBytes };
  const byKey = new Map(view.pods().map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const pods = usage.pods.flatMap((p) => {
    const pod = byKey.get(`${p.namespace}/${p.name}`);
    if (!pod) return [];
    const started = (name: string) => (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === name)?.state?.running?.startedAt;
    const containers = p.containers.map((c) => {
      const spec = (pod.spec?.containers ?? []).find((s: Obj) => s.name === c.name);
      const limit = spec?.resources?.limits?.memory;
      const memory: Obj = { time, ...(limit ? { availableBytes: Math.max(0, Quantity.parse(limit).value() - c.memoryBytes) } : {}), usageBytes: c.memoryBytes, workingSetBytes: c.memoryBytes };
      return { name: c.name, ...(started(c.name) ? { startTime: started(c.name) } : {}), cpu: { time, usageNanoCores: Math.round(c.cpuNanoCores) }, memory };
    });
    const cpu = p.containers.reduce((n, c) => n + c.cpuNanoCores, 0);
    const memory = p.containers.reduce((n, c) => n + c.memoryBytes, 0);
    return [{
      podRef: { name: p.name, namespace: p.namespace, uid: pod.metadata.uid },
      ...(pod.status?.startTime ? { startTime: pod.status.startTime } : {}),
      containers,
      cpu: { time, usageNanoCores: Math.round(cpu) },
      memory: { time, usageBytes: memory, workingSetBytes: memory },
    }];
  });
  return { node, pods };
}
