// A simulated request through the cluster network, for `Cluster.request`: the ServiceProxy routes it
// over the objects the API holds now, then one HTTP/1.1 exchange with the answering pod's container
// through its node's kubelet — the same simulated server a port-forward reaches, so the answers match.
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';
import type { PodConnection } from '../apiserver/apiserver';
import type { ApiClient } from '../apiserver/client';
import { type Hop, type NetworkObjects, parseRequestURL, type Route, serviceNameLabel } from '../network/serviceProxy';

/** What a client of the cluster network sees: an HTTP answer, or the error its connection ended with. */
export interface ServiceResponse {
  /** The HTTP status, absent when no HTTP answer came (`error` says why). */
  readonly status?: number;
  readonly reason?: string;
  /** Response headers, in the order the server sent them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** As a Go client reports it: `dial tcp 10.96.0.12:80: connect: connection refused`, `dial tcp: lookup x: no such host`. */
  readonly error?: string;
  readonly hops: readonly Hop[];
  /** The address the client connected to (a Service's cluster IP, a pod's IP), once the name resolved. */
  readonly address?: string;
  /** The pod that answered, at the address and port the connection reached. */
  readonly pod?: { readonly namespace: string; readonly name: string; readonly ip: string; readonly port: number };
  /** The node of that pod. */
  readonly node?: string;
}

type RoutedPod = Extract<Route, { outcome: 'pod' }>['pod'];

/** Opens a connection to a pod's port; undefined when its node does not answer; throws when nothing listens. */
export type PodDialer = (pod: RoutedPod, onData: (data: Buffer) => void, onEnd: () => void) => PodConnection | undefined;

const resources = {
  services: { group: '', version: 'v1', resource: 'services' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
} as const;

/** The objects a route reads, fetched through `client` when first asked for and kept for this one request. */
export function clientNetworkObjects(client: ApiClient): NetworkObjects {
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, read: () => T): T => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as T;
  };
  const items = <T>(list: { items?: unknown[] }) => (list.items ?? []) as T[];
  return {
    service: (namespace, name) => once(`svc/${namespace}/${name}`, () => client.tryGet(resources.services, namespace, name) as Service | undefined),
    services: () => once('services', () => items<Service>(client.list(resources.services))),
    endpointSlices: (namespace, service) => once(`slices/${namespace}/${service}`, () => items<EndpointSlice>(client.list(resources.endpointslices, namespace, { labelSelector: `${serviceNameLabel}=${service}` }))),
    ingresses: () => once('ingresses', () => items<Ingress>(client.list(resources.ingresses))),
    pod: (namespace, name) => once(`pod/${namespace}/${name}`, () => client.tryGet(resources.pods, namespace, name) as Pod | undefined),
    podByIP: (ip) => once(`podIP/${ip}`, () => items<Pod>(client.list(resources.pods, undefined, { fieldSelector: `status.podIP=${ip}` })).find((p) => !p.spec?.hostNetwork)),
    nodes: () => once('nodes', () => items<Node>(client.list(resources.nodes))),
    corefile: () => once('corefile', () => {
      const corefile = (client.tryGet(resources.configmaps, 'kube-system', 'coredns') as { data?: Record<string, string> } | undefined)?.data?.Corefile;
      return typeof corefile === 'string' ? corefile : undefined;
    }),
  };
}

/** A request's body, sent with its Content-Type and Content-Length. */
export interface RequestBody {
  readonly contentType?: string;
  /** Text is sent as UTF-8. */
  readonly data: string | Uint8Array;
}

/** The response to `method url` along `route`: the ingress controller's own answer, a network error, or the pod's. */
export function respond(route: Route, method: string, url: string, dial: PodDialer, body?: RequestBody): ServiceResponse {
  const response = exchange(route, method, url, dial, body);
  return route.address ? { ...response, address: route.address } : response;
}

function exchange(route: Route, method: string, url: string, dial: PodDialer, body?: RequestBody): ServiceResponse {
  const hops = route.hops;
  if (route.outcome === 'error') return { headers: {}, body: '', error: route.error, hops };
  if (route.outcome === 'answer') {
    const { status, reason, headers, body } = route.answer;
    return { status, reason, headers, body: method === 'HEAD' ? '' : body, hops };
  }
  const { pod } = route;
  const target = `${pod.ip}:${pod.port}`;
  const answered = { pod: { namespace: pod.namespace, name: pod.name, ip: pod.ip, port: pod.port }, ...(pod.node ? { node: pod.node } : {}) };
  const chunks: Buffer[] = [];
  let connection: PodConnection | undefined;
  try {
    connection = dial(pod, (data) => chunks.push(data), () => {});
  } catch {
    // The kubelet found no container listening on that port in the pod's network namespace.
    return { headers: {}, body: '', error: `dial tcp ${target}: connect: connection refused`, hops };
  }
  // A node that is down drops what is sent to its pods.
  if (!connection) return { headers: {}, body: '', error: `dial tcp ${target}: i/o timeout`, hops };
  const { host, port, path } = parseRequestURL(url);
  const hostHeader = port === 80 ? host : `${host}:${port}`;
  const data = body ? (typeof body.data === 'string' ? Buffer.from(body.data, 'utf8') : Buffer.from(body.data)) : undefined;
  const entity = data ? `${body?.contentType ? `Content-Type: ${body.contentType}\r\n` : ''}Content-Length: ${data.length}\r\n` : '';
  connection.write(Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: kubeside\r\nAccept: */*\r\n${entity}Connection: close\r\n\r\n`, 'latin1'));
  if (data) connection.write(data);
  connection.end();
  const parsed = parseResponse(Buffer.concat(chunks));
  if (!parsed) return { headers: {}, body: '', error: `${method.charAt(0)}${method.slice(1).toLowerCase()} "${url}": EOF`, hops, ...answered };
  return { ...parsed, hops, ...answered };
}

/** An HTTP/1.1 response as the simulated server writes it (status line, headers, a Content-Length body). */
function parseResponse(raw: Buffer): { status: number; reason: string; headers: Record<string, string>; body: string } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status[1]), reason: status[2] ?? '', headers, body: raw.subarray(end + 4).toString('utf8') };
}

/**
 * Where kube-apiserver's proxy subresource sends a request (services/<name>[:port]/proxy/…,
 * pods/<name>[:port]/proxy/…): straight to a pod, never through a cluster IP. A Service's port is
 * named by its name or number (its first port by default) and one of its ready endpoints answers,
 * taken in turn (`turn` counts the requests); a pod is reached at its IP, on port 80 by default.
 * Undefined when the object is not there (the caller answers 404); an error route when nothing can
 * answer, in kube-apiserver's words.
 */
export function proxyRoute(objects: NetworkObjects, resource: 'services' | 'pods', namespace: string, target: string, turn: number): Route | undefined {
  // `[scheme:]name[:port]`: only plain HTTP is simulated, so a scheme is read and set aside.
  const parts = target.split(':');
  const [name = '', port = ''] = parts.length === 3 ? parts.slice(1) : parts;
  const hops: Hop[] = [];
  if (resource === 'pods') {
    const pod = objects.pod(namespace, name);
    if (!pod) return undefined;
    const ip = pod.status?.podIP;
    if (!ip) return { outcome: 'error', hops, error: `pod ${JSON.stringify(name)} has no IP address yet` };
    const number = port ? Number(port) : 80;
    const named = Number.isInteger(number) ? undefined : (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === port);
    const chosen = named?.containerPort ?? number;
    if (!Number.isInteger(chosen)) return { outcome: 'error', hops, error: `no such port ${JSON.stringify(port)} on pod ${JSON.stringify(name)}` };
    return { outcome: 'pod', hops, pod: { namespace, name, ip, port: chosen, ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}) } };
  }
  const service = objects.service(namespace, name);
  if (!service) return undefined;
  const ports = service.spec?.ports ?? [];
  const servicePort = port ? ports.find((p) => p.name === port || String(p.port) === port) : ports[0];
  if (!servicePort) return { outcome: 'error', hops, error: `no service port ${JSON.stringify(port)} found for service ${JSON.stringify(name)}` };
  const ready: { ip: string; port: number; pod?: string; node?: string }[] = [];
  for (const slice of objects.endpointSlices(namespace, name)) {
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? ''));
    if (!slicePort?.port) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) continue;
      for (const ip of e.addresses) ready.push({ ip, port: slicePort.port, ...(e.targetRef?.kind === 'Pod' && e.targetRef.name ? { pod: e.targetRef.name } : {}), ...(e.nodeName ? { node: e.nodeName } : {}) });
    }
  }
  if (!ready.length) return { outcome: 'error', hops, error: `no endpoints available for service ${JSON.stringify(name)}` };
  const chosen = ready[turn % ready.length]!;
  return { outcome: 'pod', hops, pod: { namespace, name: chosen.pod ?? '', ip: chosen.ip, port: chosen.port, ...(chosen.node ? { node: chosen.node } : {}) } };
}
