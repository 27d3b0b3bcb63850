// Where a request sent to an Ingress or a Service would go, computed from the objects alone: the
// Ingress rule that matches the host and path, the Service port of its backend, and the ready
// endpoint that load balancing picks. Free of `vscode`; the Topology panel draws the result hop by hop.
import type { KubeObj } from '../backend/clusterBackend';

export interface Hop {
  readonly kind: 'Ingress' | 'Service' | 'Pod';
  readonly namespace: string;
  readonly name: string;
}

export interface RequestPath {
  /** What was sent: `GET http://shop.example.com/api`. */
  readonly request: string;
  /** The objects the request went through, in order; the last is where it ended. */
  readonly hops: readonly Hop[];
  /** Whether it reached a pod (or left the cluster through an ExternalName Service). */
  readonly ok: boolean;
  readonly message: string;
}

/** The objects routing reads, as the informer cache holds them. */
export interface RoutingSource {
  ingress(namespace: string, name: string): KubeObj | undefined;
  service(namespace: string, name: string): KubeObj | undefined;
  /** The EndpointSlices of a Service (label `kubernetes.io/service-name`). */
  endpointSlices(namespace: string, service: string): readonly KubeObj[];
}

/** A request target as typed: `/api`, `shop.example.com/api`, `http://shop.example.com/api?q=1`. */
export function parseTarget(target: string | undefined): { host?: string; path: string } {
  // The query and fragment play no part in Ingress routing.
  const text = (target ?? '').trim().replace(/^[a-z]+:\/\//i, '').replace(/[?#].*$/, '');
  if (text === '' || text.startsWith('/')) return { path: text || '/' };
  const slash = text.indexOf('/');
  const host = (slash < 0 ? text : text.slice(0, slash)).replace(/:\d+$/, '').toLowerCase();
  return { host, path: slash < 0 ? '/' : text.slice(slash) };
}

/**
 * Whether an Ingress path matches a request path, by pathType
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types): `Exact` compares the
 * whole path; `Prefix` compares element by element split on `/` (`/foo` matches `/foo/bar`, not
 * `/foobar`; a trailing slash is ignored). `ImplementationSpecific` is left to the ingress class;
 * it is read as `Prefix` here, as ingress-nginx does for a path without regex characters.
 */
export function pathMatches(pathType: string | undefined, rulePath: string, requestPath: string): boolean {
  if (pathType === 'Exact') return rulePath === requestPath;
  const rule = rulePath.split('/').filter(Boolean);
  const request = requestPath.split('/').filter(Boolean);
  return rule.length <= request.length && rule.every((element, i) => element === request[i]);
}

/** A rule's host against the request's: exact, or a `*.` wildcard covering exactly one DNS label. */
function hostMatches(ruleHost: string, host: string): boolean {
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const suffix = ruleHost.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
}

export interface IngressMatch {
  /** The rule path that matched, with its type (`/api (Prefix)`), or `default backend`. */
  readonly matched: string;
  readonly backend: KubeObj;
}

/**
 * The backend an Ingress sends `host` + `path` to: among the rules for the host (its own rules
 * before wildcard ones, and those before the host-less ones, as an ingress controller's server
 * blocks are chosen), the longest matching path, `Exact` before `Prefix` at equal length; else the
 * default backend. Undefined when nothing matches (the controller answers 404).
 */
export function matchIngress(ingress: KubeObj, host: string, path: string): IngressMatch | undefined {
  const rules: KubeObj[] = (ingress.spec?.rules ?? []).filter((r: KubeObj) => r.http?.paths?.length);
  const exact = rules.filter((r) => r.host && !r.host.startsWith('*.') && r.host === host);
  const wildcard = rules.filter((r) => r.host?.startsWith('*.') && hostMatches(r.host, host));
  const chosen = exact.length ? exact : wildcard.length ? wildcard : rules.filter((r) => !r.host);
  let best: { path: KubeObj; length: number; exact: boolean } | undefined;
  for (const rule of chosen) {
    for (const candidate of rule.http.paths as KubeObj[]) {
      const rulePath: string = candidate.path ?? '/';
      if (!pathMatches(candidate.pathType, rulePath, path)) continue;
      const length = rulePath.replace(/\/+$/, '').length;
      const isExact = candidate.pathType === 'Exact';
      if (!best || length > best.length || (length === best.length && isExact && !best.exact)) best = { path: candidate, length, exact: isExact };
    }
  }
  if (best) return { matched: `${best.path.path ?? '/'} (${best.path.pathType ?? 'ImplementationSpecific'})`, backend: best.path.backend };
  if (ingress.spec?.defaultBackend) return { matched: 'default backend', backend: ingress.spec.defaultBackend };
  return undefined;
}

interface ReadyEndpoint {
  readonly pod: string;
  readonly address: string;
  readonly port: number | undefined;
}

export class RequestRouter {
  /** The next endpoint to use, per Service port: the round-robin position. */
  private readonly turns = new Map<string, number>();

  constructor(private readonly source: RoutingSource) {}

  /** A request to an Ingress: `target` is a path, or host and path (default: the Ingress's first host). */
  toIngress(namespace: string, name: string, target?: string): RequestPath {
    const ingress = this.source.ingress(namespace, name);
    const parsed = parseTarget(target);
    const firstHost: string | undefined = (ingress?.spec?.rules ?? []).find((r: KubeObj) => r.host && !r.host.startsWith('*.'))?.host;
    const host = parsed.host ?? firstHost ?? '';
    const request = `GET http://${host || '<ingress address>'}${parsed.path}`;
    const hops: Hop[] = [{ kind: 'Ingress', namespace, name }];
    if (!ingress) return { request, hops: [], ok: false, message: `Ingress ${namespace}/${name} not found` };
    const match = matchIngress(ingress, host, parsed.path);
    if (!match) return { request, hops, ok: false, message: `404 Not Found: no rule of Ingress ${name} matches ${host}${parsed.path}, and it has no default backend` };
    const service = match.backend?.service;
    if (!service?.name) return { request, hops, ok: false, message: `${match.matched} → a resource backend, which is not routed to pods` };
    const port = service.port?.name ?? service.port?.number;
    return this.throughService(namespace, service.name, port, { request, hops, via: `${match.matched} → ` });
  }

  /** A request to a Service's first port, as from a pod in the cluster (through its cluster IP). */
  toService(namespace: string, name: string, target?: string): RequestPath {
    const svc = this.source.service(namespace, name);
    const path = parseTarget(target).path;
    const port = svc?.spec?.ports?.[0];
    const request = `GET http://${name}.${namespace}.svc${port?.port ? `:${port.port}` : ''}${path}`;
    return this.throughService(namespace, name, port?.name || port?.port, { request, hops: [], via: '' });
  }

  private throughService(namespace: string, name: string, wantedPort: string | number | undefined, start: { request: string; hops: Hop[]; via: string }): RequestPath {
    const { request, via } = start;
    const viaIngress = start.hops.length > 0;
    const svc = this.source.service(namespace, name);
    if (!svc) return { request, hops: start.hops, ok: false, message: `${via}Service ${name} not found${viaIngress ? ': 503 Service Unavailable' : ''}` };
    const hops: Hop[] = [...start.hops, { kind: 'Service', namespace, name }];
    if (svc.spec?.type === 'ExternalName') return { request, hops, ok: true, message: `${via}Service ${name} is an alias of ${svc.spec.externalName}: the request leaves the cluster` };
    const ports: KubeObj[] = svc.spec?.ports ?? [];
    const servicePort = ports.find((p) => (typeof wantedPort === 'number' ? p.port === wantedPort : (p.name ?? '') === (wantedPort ?? '')) || wantedPort === undefined);
    if (!servicePort) return { request, hops, ok: false, message: `${via}Service ${name} has no port ${wantedPort}${viaIngress ? ': 503 Service Unavailable' : ''}` };
    const portText = servicePort.name || String(servicePort.port);
    const ready = this.readyEndpoints(namespace, name, servicePort.name ?? '');
    if (!ready.length) {
      // kube-proxy installs a REJECT rule for a Service without ready endpoints, so a client is
      // refused at once; an ingress controller, which sends to endpoints itself, answers 503; a
      // headless Service has no virtual IP at all, its DNS name then has no address.
      const why = viaIngress
        ? '503 Service Unavailable: the ingress controller found no ready endpoints'
        : svc.spec?.clusterIP === 'None'
          ? 'no ready endpoints: the headless Service name resolves to no address'
          : 'connection refused: no endpoints';
      return { request, hops, ok: false, message: `${via}Service ${name} port ${portText} → ${why}` };
    }
    // One endpoint per request, in turn. kube-proxy's IPVS mode balances round-robin (its default
    // `rr` scheduler); iptables mode picks at random. Round-robin makes repeated requests visibly
    // walk the endpoints, and keeps the answer deterministic.
    const key = `${namespace}/${name}:${portText}`;
    const turn = this.turns.get(key) ?? 0;
    const endpoint = ready[turn % ready.length]!;
    this.turns.set(key, (turn + 1) % ready.length);
    return {
      request,
      hops: [...hops, { kind: 'Pod', namespace, name: endpoint.pod }],
      ok: true,
      message: `${via}Service ${name} port ${portText} → pod ${endpoint.pod} at ${endpoint.address}${endpoint.port ? `:${endpoint.port}` : ''} (${turn % ready.length + 1} of ${ready.length} ready)`,
    };
  }

  /** The Service port's ready pod endpoints, in pod name order. An unset Ready condition means ready (EndpointConditions). */
  private readyEndpoints(namespace: string, service: string, portName: string): ReadyEndpoint[] {
    const byPod = new Map<string, ReadyEndpoint>();
    for (const slice of this.source.endpointSlices(namespace, service)) {
      const port: number | undefined = (slice.ports ?? []).find((p: KubeObj) => (p.name ?? '') === portName)?.port;
      if (slice.ports?.length && port === undefined) continue;
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready === false || endpoint.targetRef?.kind !== 'Pod') continue;
        byPod.set(endpoint.targetRef.name, { pod: endpoint.targetRef.name, address: endpoint.addresses?.[0] ?? '', port });
      }
    }
    return [...byPod.values()].sort((a, b) => collator.compare(a.pod, b.pod));
  }
}

const collator = new Intl.Collator('en', { numeric: true });
