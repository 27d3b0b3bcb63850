// `kubeside describe TYPE NAME`: one object in words, as kubectl describe prints it: its metadata,
// the fields that matter for its kind (pods, deployments, services, nodes), then its events.
import { type Command, UsageError } from '../command';
import { RealClock } from '../../engine/util/clock';
import { ApiError, type RestClient } from '../rest/client';
import { byLastSeen, eventAge, eventSource } from '../rest/events';
import { resourcePath } from '../rest/resources';
import { flag, formatRows, namespaceFlag, parseArgs, withCluster } from '../rest/verb';

type Obj = Record<string, any>;
/** A described field: its label and its value lines (the first beside the label). */
type Line = [label: string, value: string | string[]];
/** A description: fields, aligned as one column while they follow each other, and raw sections between them. */
type Part = Line | string;

/** Go's time.RFC1123Z in UTC, as kubectl describe prints timestamps. */
export function rfc1123(timestamp: string | undefined): string {
  if (!timestamp) return '<unset>';
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const pairs = (m: Record<string, string> | undefined, sep = '='): string[] => {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}${sep}${m![k]}`) : ['<none>'];
};

/** Lines `Label:  value`, labels padded to one column, further values of a field aligned under the first. */
function block(lines: readonly Line[], indent = ''): string {
  const width = Math.max(...lines.map(([l]) => l.length + 1)) + 2;
  let out = '';
  for (const [label, value] of lines) {
    const values = Array.isArray(value) ? value : [value];
    out += `${indent}${`${label}:`.padEnd(width)}${values[0] ?? ''}`.trimEnd() + '\n';
    for (const v of values.slice(1)) out += `${indent}${' '.repeat(width)}${v}\n`;
  }
  return out;
}

/** Parts in order: each run of fields is one aligned block (as kubectl's tabwriter aligns consecutive lines). */
function render(parts: readonly Part[]): string {
  let out = '';
  let run: Line[] = [];
  const flush = () => {
    if (run.length) out += block(run);
    run = [];
  };
  for (const p of parts) {
    if (typeof p === 'string') {
      flush();
      out += p;
    } else run.push(p);
  }
  flush();
  return out;
}

function conditions(list: Obj[] | undefined, withReason: boolean): string {
  if (!list?.length) return '';
  const rows = list.map((c) => (withReason ? [c.type ?? '', c.status ?? '', c.reason ?? ''] : [c.type ?? '', c.status ?? '']));
  const header = withReason ? ['Type', 'Status', 'Reason'] : ['Type', 'Status'];
  const dashes = header.map((h) => '-'.repeat(h.length));
  return 'Conditions:\n' + indentLines(formatRows([header, dashes, ...rows], 2), '  ');
}

const indentLines = (text: string, indent: string) =>
  text
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');

/** `80/TCP (http)`: a container's ports, named ones with their name. */
const containerPorts = (c: Obj): string => (c.ports ?? []).map((p: Obj) => `${p.containerPort}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`).join(', ');

function containerState(s: Obj | undefined): Line[] {
  if (s?.running) return [['State', 'Running'], ['  Started', rfc1123(s.running.startedAt)]];
  if (s?.waiting) return [['State', 'Waiting'], ['  Reason', s.waiting.reason ?? '']];
  if (s?.terminated) return [['State', 'Terminated'], ['  Reason', s.terminated.reason ?? ''], ['  Exit Code', String(s.terminated.exitCode ?? '')]];
  return [['State', 'Waiting']];
}

async function describePod(pod: Obj): Promise<Part[]> {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const parts: Part[] = [
    ['Node', spec.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>'],
    ['Start Time', status.startTime ? rfc1123(status.startTime) : '<unset>'],
    ['Status', pod.metadata?.deletionTimestamp ? 'Terminating' : (status.phase ?? 'Pending')],
    ['IP', status.podIP ?? ''],
    ['Controlled By', controller(pod)],
  ];
  let out = 'Containers:\n';
  for (const c of spec.containers ?? []) {
    const cs = (status.containerStatuses ?? []).find((s: Obj) => s.name === c.name) ?? {};
    out += `  ${c.name}:\n`;
    out += block(
      [
        ['Image', c.image ?? ''],
        ['Port', containerPorts(c) || '<none>'],
        ...containerState(cs.state),
        ['Ready', cs.ready ? 'True' : 'False'],
        ['Restart Count', String(cs.restartCount ?? 0)],
      ],
      '    ',
    );
    for (const [title, list] of [['Limits', c.resources?.limits], ['Requests', c.resources?.requests]] as const) {
      if (list && Object.keys(list).length) out += `    ${title}:\n` + block(Object.entries(list).map(([k, v]) => [k, String(v)] as Line), '      ');
    }
  }
  out += conditions(status.conditions, false);
  return [
    ...parts,
    out,
    ['Node-Selectors', pairs(spec.nodeSelector)],
    ['Tolerations', (spec.tolerations ?? []).map((t: Obj) => `${t.key ?? ''}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect ?? ''}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ''}`).concat((spec.tolerations ?? []).length ? [] : ['<none>'])],
  ];
}

function controller(obj: Obj): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : '<none>';
}

/** The `Pod Template:` section of a workload: its labels and each container's image and ports. */
function podTemplate(template: Obj | undefined): string {
  let out = 'Pod Template:\n' + block([['Labels', pairs(template?.metadata?.labels)]], '  ') + '  Containers:\n';
  for (const c of template?.spec?.containers ?? []) {
    out += `   ${c.name}:\n` + block([['Image', c.image ?? ''], ['Port', containerPorts(c) || '<none>']], '    ');
  }
  return out;
}

/** `2 Running / 0 Waiting / 0 Succeeded / 0 Failed`: the phases of the pods a workload selects. */
async function podsStatus(obj: Obj, client: RestClient): Promise<string> {
  const selector = Object.entries(obj.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods: Obj = await client.json('GET', `/api/v1/namespaces/${encodeURIComponent(obj.metadata?.namespace ?? '')}/pods`, { query: { labelSelector: selector } });
  const owned = ((pods.items ?? []) as Obj[]).filter((p) => (p.metadata?.ownerReferences ?? []).some((r: Obj) => r.controller && r.uid === obj.metadata?.uid));
  const count = (phase: string) => owned.filter((p) => (p.status?.phase ?? 'Pending') === phase).length;
  return `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed`;
}

async function describeReplicaSet(rs: Obj, client: RestClient): Promise<Part[]> {
  return [
    ['Selector', Object.entries(rs.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    ['Controlled By', controller(rs)],
    ['Replicas', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`],
    ['Pods Status', await podsStatus(rs, client)],
    podTemplate(rs.spec?.template),
  ];
}

async function describeStatefulSet(sts: Obj, client: RestClient): Promise<Part[]> {
  const spec = sts.spec ?? {};
  return [
    ['Selector', Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    ['Replicas', `${spec.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total`],
    ['Update Strategy', spec.updateStrategy?.type ?? 'RollingUpdate'],
    ['Pods Status', await podsStatus(sts, client)],
    podTemplate(spec.template),
    ['Volume Claims', ((spec.volumeClaimTemplates ?? []) as Obj[]).map((c) => `${c.metadata?.name} (${c.spec?.resources?.requests?.storage ?? ''} ${(c.spec?.accessModes ?? []).join(',')})`).concat((spec.volumeClaimTemplates ?? []).length ? [] : ['<none>'])],
  ];
}

/** `web-5d8f (2/2 replicas created)`, as kubectl names a Deployment's replica sets. */
const replicaSetLine = (rs: Obj) => `${rs.metadata?.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;

async function describeDeployment(d: Obj, client: RestClient): Promise<Part[]> {
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  const strategy = spec.strategy ?? {};
  const ru = strategy.rollingUpdate ?? {};
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const replicas = spec.replicas ?? 1;
  const total = st.replicas ?? 0;
  const parts: Part[] = [
    ['Selector', selector || '<none>'],
    ['Replicas', `${replicas} desired | ${st.updatedReplicas ?? 0} updated | ${total} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`],
    ['StrategyType', strategy.type ?? 'RollingUpdate'],
    ['MinReadySeconds', String(spec.minReadySeconds ?? 0)],
    ...(strategy.type === 'Recreate' ? [] : ([['RollingUpdateStrategy', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`]] as Line[])),
  ];
  let out = podTemplate(spec.template);
  out += conditions(st.conditions, true);
  // The replica sets this Deployment controls; the new one is at its revision (deployment.kubernetes.io/revision).
  const revision = 'deployment.kubernetes.io/revision';
  const sets: Obj = await client.json('GET', `/apis/apps/v1/namespaces/${encodeURIComponent(d.metadata?.namespace ?? '')}/replicasets`);
  const owned = ((sets.items ?? []) as Obj[]).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((r: Obj) => r.controller && r.uid === d.metadata?.uid));
  const current = owned.find((rs) => rs.metadata?.annotations?.[revision] === d.metadata?.annotations?.[revision]);
  const old = owned.filter((rs) => rs !== current && (rs.spec?.replicas ?? 0) > 0);
  return [...parts, out, ['OldReplicaSets', old.length ? old.map(replicaSetLine).join(', ') : '<none>'], ['NewReplicaSet', current ? replicaSetLine(current) : '<none>']];
}

async function describeService(s: Obj, client: RestClient): Promise<Part[]> {
  const spec = s.spec ?? {};
  const lines: Line[] = [
    ['Selector', Object.entries(spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    ['Type', spec.type ?? 'ClusterIP'],
  ];
  if (spec.ipFamilyPolicy) lines.push(['IP Family Policy', spec.ipFamilyPolicy]);
  lines.push(['IP Families', (spec.ipFamilies ?? []).join(',') || '<none>'], ['IP', spec.clusterIP ?? ''], ['IPs', (spec.clusterIPs ?? []).join(',') || '<none>']);
  if (spec.externalIPs?.length) lines.push(['External IPs', spec.externalIPs.join(',')]);
  if (spec.loadBalancerIP) lines.push(['Desired LoadBalancer IP', spec.loadBalancerIP]);
  if (spec.externalName) lines.push(['External Name', spec.externalName]);
  const ingress: Obj[] = s.status?.loadBalancer?.ingress ?? [];
  if (ingress.length) lines.push(['LoadBalancer Ingress', ingress.map((i) => `${i.ip || i.hostname}${i.ipMode ? ` (${i.ipMode})` : ''}`).join(', ')]);
  for (const p of spec.ports ?? []) {
    lines.push(['Port', `${p.name || '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`]);
    lines.push(['TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`]);
    if (p.nodePort) lines.push(['NodePort', `${p.name || '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}`]);
    lines.push(['Endpoints', await endpoints(s, p, client)]);
  }
  lines.push(['Session Affinity', spec.sessionAffinity ?? 'None']);
  if (spec.externalTrafficPolicy) lines.push(['External Traffic Policy', spec.externalTrafficPolicy]);
  if (spec.internalTrafficPolicy) lines.push(['Internal Traffic Policy', spec.internalTrafficPolicy]);
  if (spec.healthCheckNodePort) lines.push(['HealthCheck NodePort', String(spec.healthCheckNodePort)]);
  if (spec.loadBalancerSourceRanges?.length) lines.push(['LoadBalancer Source Ranges', spec.loadBalancerSourceRanges.join(',')]);
  return lines;
}

/**
 * The ready `ip:port`s behind one port of a Service, from its Endpoints, as kubectl lists them:
 * nothing when it has none yet, `<none>` when nothing keeps endpoints for it (no selector).
 */
async function endpoints(s: Obj, port: Obj, client: RestClient): Promise<string> {
  let ep: Obj;
  try {
    ep = await client.json('GET', `/api/v1/namespaces/${encodeURIComponent(s.metadata?.namespace ?? '')}/endpoints/${encodeURIComponent(s.metadata?.name ?? '')}`);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return '<none>';
    throw err;
  }
  const out: string[] = [];
  for (const subset of ep.subsets ?? []) {
    const p = (subset.ports ?? []).find((x: Obj) => (x.name ?? '') === (port.name ?? '')) ?? (subset.ports ?? [])[0];
    if (!p) continue;
    for (const a of subset.addresses ?? []) out.push(`${a.ip}:${p.port}`);
  }
  return out.join(',');
}

async function describeNode(n: Obj): Promise<Part[]> {
  const st = n.status ?? {};
  const roles = Object.keys(n.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  const header = ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'];
  const rows = ((st.conditions ?? []) as Obj[]).map((c) => [c.type ?? '', c.status ?? '', rfc1123(c.lastHeartbeatTime), rfc1123(c.lastTransitionTime), c.reason ?? '', c.message ?? '']);
  const section = (title: string, lines: Line[]) => `${title}:\n` + (lines.length ? block(lines, '  ') : '');
  return [
    ['Roles', roles.join(',') || '<none>'],
    ['Taints', (n.spec?.taints ?? []).map((t: Obj) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).concat((n.spec?.taints ?? []).length ? [] : ['<none>'])],
    ['Unschedulable', n.spec?.unschedulable ? 'true' : 'false'],
    rows.length ? 'Conditions:\n' + indentLines(formatRows([header, header.map((h) => '-'.repeat(h.length)), ...rows], 2), '  ') : '',
    section('Addresses', ((st.addresses ?? []) as Obj[]).map((a) => [a.type, a.address] as Line)),
    section('Capacity', Object.entries(st.capacity ?? {}).map(([k, v]) => [k, String(v)] as Line)),
    section('Allocatable', Object.entries(st.allocatable ?? {}).map(([k, v]) => [k, String(v)] as Line)),
    ['PodCIDR', n.spec?.podCIDR ?? ''],
    ['PodCIDRs', (n.spec?.podCIDRs ?? []).join(',')],
  ];
}

/** A ConfigMap's data, each key then its value, as kubectl prints them (binary data by size). */
async function describeConfigMap(cm: Obj): Promise<Part[]> {
  let out = '\nData\n====\n';
  for (const key of Object.keys(cm.data ?? {}).sort()) out += `${key}:\n----\n${cm.data[key]}\n\n`;
  out += '\nBinaryData\n====\n';
  for (const key of Object.keys(cm.binaryData ?? {}).sort()) out += `${key}: ${Buffer.from(String(cm.binaryData[key]), 'base64').length} bytes\n`;
  return [out + '\n'];
}

/** A Secret's type and the size of each value, never the value: kubectl does not print secrets. */
async function describeSecret(secret: Obj): Promise<Part[]> {
  const keys = Object.keys(secret.data ?? {}).sort();
  const sizes: Line[] = keys.map((k) => [k, `${Buffer.from(String(secret.data[k]), 'base64').length} bytes`]);
  return ['\n', ['Type', secret.type ?? 'Opaque'], '\nData\n====\n' + (sizes.length ? block(sizes) : '')];
}

const describers: Record<string, (o: Obj, client: RestClient) => Promise<Part[]>> = {
  '/Pod': describePod,
  'apps/Deployment': describeDeployment,
  'apps/ReplicaSet': describeReplicaSet,
  'apps/StatefulSet': describeStatefulSet,
  '/Service': describeService,
  '/Node': describeNode,
  '/ConfigMap': describeConfigMap,
  '/Secret': describeSecret,
};

/** The Events section: this object's events, oldest first, or `<none>`. */
export function eventsSection(events: Obj[], now: number): string {
  if (!events.length) return 'Events:  <none>\n';
  const header = ['Type', 'Reason', 'Age', 'From', 'Message'];
  const rows = [...events].sort(byLastSeen).map((e) => [e.type ?? '', e.reason ?? '', eventAge(e, now), eventSource(e), String(e.message ?? '').trim()]);
  return 'Events:\n' + indentLines(formatRows([header, header.map((h) => '-'.repeat(Math.max(h.length, 4))), ...rows], 2), '  ');
}

export const describe: Command = {
  name: 'describe',
  summary: 'Show one object of the running cluster in detail, with its events',
  usage: `Usage: kubeside describe TYPE NAME [-n NS]

Options:
  -n, --namespace NS    the namespace (default: "default")
  --state DIR           the cluster's state directory (default: .kubeside/cluster)
  --kubeconfig FILE     use this kubeconfig instead of the state directory's`,
  async run(args, io) {
    const a = parseArgs(args, { namespace: namespaceFlag });
    let [type, name] = a.positional;
    if (type?.includes('/') && name === undefined) [type, name] = type.split('/', 2);
    if (!type || !name || a.positional.length > 2) throw new UsageError('expected TYPE NAME');
    const clock = new RealClock();
    return withCluster(a, io, async ({ client, resources }) => {
      const r = await resources.forType(type!);
      const namespace = r.namespaced ? (flag(a, 'namespace') ?? 'default') : undefined;
      const obj: Obj = await client.json('GET', resourcePath(r, namespace, name));
      const meta = obj.metadata ?? {};
      const specific = describers[`${r.group}/${r.kind}`];
      let out = render([
        ['Name', meta.name ?? ''],
        ...(r.namespaced ? ([['Namespace', meta.namespace ?? '']] as Line[]) : []),
        ['CreationTimestamp', rfc1123(meta.creationTimestamp)],
        ['Labels', pairs(meta.labels)],
        ['Annotations', pairs(meta.annotations, ': ')],
        ...(specific ? await specific(obj, client) : []),
      ]);
      // A namespaced object's events are in its namespace; a cluster-scoped one's may be in any. The
      // kubelet records a Node's events with the node's name as its uid, so kubectl looks them up so.
      const uid = r.kind === 'Node' && !r.group ? meta.name : meta.uid;
      const fieldSelector = `involvedObject.kind=${r.kind},involvedObject.name=${meta.name},involvedObject.uid=${uid}`;
      const eventsPath = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/events` : '/api/v1/events';
      const events = await client.json('GET', eventsPath, { query: { fieldSelector } });
      out += eventsSection(events.items ?? [], clock.now());
      io.stdout.write(out);
      return 0;
    });
  },
};
