// Where a request sent to an Ingress or a Service would go, in the Topology panel's words: the
// engine's ingress controller and service proxy (engine/network) choose the Ingress rule, the Service
// port and the ready endpoint; this only phrases each step. Free of `vscode`.
import { findServicePort, matchIngresses, parseTarget, ServiceProxy } from '../../engine/network/index';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KubeObj } from '../backend/clusterBackend';

export { parseTarget, pathMatches } from '../../engine/network/index';

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

/** The backend an Ingress sends `host` + `path` to (the engine's ingress controller rules); undefined: it answers 404. */
export function matchIngress(ingress: KubeObj, host: string, path: string): { matched: string; backend: KubeObj } | undefined {
  const match = matchIngresses([ingress], host, path);
  return match && { matched: match.matched, backend: match.backend };
}

export class RequestRouter {
  /** The round-robin position of each Service port, kept across requests. */
  private readonly proxy = new ServiceProxy();

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
    const servicePort = findServicePort(svc, wantedPort);
    if (!servicePort) return { request, hops, ok: false, message: `${via}Service ${name} has no port ${wantedPort}${viaIngress ? ': 503 Service Unavailable' : ''}` };
    const portText = servicePort.name || String(servicePort.port);
    // The cache holds the slices as the API served them: EndpointSlices, typed loosely.
    const picked = this.proxy.pick(svc, servicePort, this.source.endpointSlices(namespace, name) as readonly EndpointSlice[]);
    if (typeof picked === 'string') {
      // kube-proxy refuses a client at once; an ingress controller, which sends to endpoints itself,
      // answers 503; a headless Service has no virtual IP at all, its DNS name then has no address.
      const why = viaIngress
        ? '503 Service Unavailable: the ingress controller found no ready endpoints'
        : svc.spec?.clusterIP === 'None'
          ? 'no ready endpoints: the headless Service name resolves to no address'
          : 'connection refused: no endpoints';
      return { request, hops, ok: false, message: `${via}Service ${name} port ${portText} → ${why}` };
    }
    const { endpoint, index, of } = picked;
    const address = `${endpoint.address}${endpoint.port ? `:${endpoint.port}` : ''}`;
    return {
      request,
      // An endpoint without a pod (a selector-less Service's) ends the way at the Service.
      hops: endpoint.pod ? [...hops, { kind: 'Pod', namespace, name: endpoint.pod }] : hops,
      ok: true,
      message: `${via}Service ${name} port ${portText} → ${endpoint.pod ? `pod ${endpoint.pod} at ` : ''}${address} (${index + 1} of ${of} ready)`,
    };
  }
}
