// Where a request sent inside the cluster goes, as kube-proxy, CoreDNS and an ingress controller
// would send it, computed from plain objects (Services, EndpointSlices, Ingresses, Pods, Nodes): the
// name resolved, the Service port and its ready endpoints taken in turn, and the pod and port the
// connection reaches — or why nothing answers. `ServiceProxy` keeps only the round-robin positions.
import type { Node, Pod, Service, ServicePort } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';
import { statusErrors } from '../api/errors';
import { clusterIPsOf, externallyAccessible, needsNodePort } from '../api/meta/services';
import { answer, type Corefile, CorefileError, kubeadmCorefile, type KubernetesPlugin, parseCorefile, tryParseCorefile } from './corefile';
import { controllerAnswer, type ControllerAnswer, ingressServesHost, matchIngresses } from './ingressRouter';
import { formatIPv4, parseIPv4 } from './ipv4';

/** The cluster's DNS domain (the kubelet's --cluster-domain). */
export const clusterDomain = 'cluster.local';
/** The cluster DNS Service's IP (kube-dns in kube-system), as --cluster-dns gives the kubelet. */
export const clusterDNS = '10.96.0.10';
const defaultCorefileText = kubeadmCorefile(clusterDomain);
let defaultCorefile: Corefile | undefined;
/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** The objects routing reads, as an informer cache or the API answers them. */
export interface NetworkObjects {
  service(namespace: string, name: string): Service | undefined;
  services(): readonly Service[];
  /** The EndpointSlices of a Service (label `kubernetes.io/service-name`). */
  endpointSlices(namespace: string, service: string): readonly EndpointSlice[];
  ingresses(): readonly Ingress[];
  pod(namespace: string, name: string): Pod | undefined;
  podByIP(ip: string): Pod | undefined;
  nodes(): readonly Node[];
  /** CoreDNS's Corefile (the `coredns` ConfigMap in kube-system); undefined: kubeadm's. */
  corefile?(): string | undefined;
}

/** NetworkObjects over plain lists, indexed once. */
export function networkObjects(lists: { services?: readonly Service[]; endpointSlices?: readonly EndpointSlice[]; ingresses?: readonly Ingress[]; pods?: readonly Pod[]; nodes?: readonly Node[]; corefile?: string }): NetworkObjects {
  const key = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;
  const services = new Map((lists.services ?? []).map((s) => [key(s.metadata?.namespace, s.metadata?.name), s]));
  const pods = new Map((lists.pods ?? []).map((p) => [key(p.metadata?.namespace, p.metadata?.name), p]));
  const podIPs = new Map((lists.pods ?? []).filter((p) => p.status?.podIP && !p.spec?.hostNetwork).map((p) => [p.status!.podIP!, p]));
  const slices = new Map<string, EndpointSlice[]>();
  for (const s of lists.endpointSlices ?? []) {
    const k = key(s.metadata?.namespace, s.metadata?.labels?.[serviceNameLabel]);
    slices.set(k, [...(slices.get(k) ?? []), s]);
  }
  return {
    service: (namespace, name) => services.get(key(namespace, name)),
    services: () => lists.services ?? [],
    endpointSlices: (namespace, service) => slices.get(key(namespace, service)) ?? [],
    ingresses: () => lists.ingresses ?? [],
    pod: (namespace, name) => pods.get(key(namespace, name)),
    podByIP: (ip) => podIPs.get(ip),
    nodes: () => lists.nodes ?? [],
    corefile: () => lists.corefile,
  };
}

/**
 * The Services and EndpointSlices a node's kube-proxy programmed: what its rules still say once it
 * has stopped (kube-proxy leaves its IPVS and iptables rules behind, and the node goes on routing
 * by them). A Service created since has no rule there; an endpoint gone since is still a target.
 */
export interface ProgrammedRules {
  services(): readonly Service[];
  endpointSlices(namespace: string, service: string): readonly EndpointSlice[];
  /** True for a node where no kube-proxy has run yet: nothing is programmed there at all. */
  readonly never?: boolean;
}

/**
 * A node's rules when they are not the current objects': those its stopped kube-proxy left, or none
 * (`never`) where no kube-proxy has run; undefined while its kube-proxy runs.
 */
export type RulesOf = (node: string) => ProgrammedRules | undefined;

/** One step of a request's way, in the order it was taken. */
export interface Hop {
  readonly kind: 'Ingress' | 'Service' | 'Node' | 'Pod';
  readonly namespace: string;
  readonly name: string;
  /** What happened there: the name resolved, the rule or port chosen, the endpoint picked. */
  readonly detail: string;
}

/** Where a request goes: a pod's port, an answer of the ingress controller, or a network error. */
export type Route = (
  | { readonly outcome: 'pod'; readonly hops: readonly Hop[]; readonly pod: { readonly namespace: string; readonly name: string; readonly ip: string; readonly port: number; readonly node?: string } }
  | { readonly outcome: 'answer'; readonly hops: readonly Hop[]; readonly answer: ControllerAnswer }
  | { readonly outcome: 'error'; readonly hops: readonly Hop[]; readonly error: string }
) & {
  /** The address the client connects to, once its name resolved: a Service's cluster IP, a pod's IP, a node's. */
  readonly address?: string;
};

/** Where a request comes from: a pod (its namespace for names, its node for local endpoints), a node, or outside the cluster. */
export type Caller = { readonly namespace: string; readonly name: string } | { readonly node: string };

/** What routing reads of a request: its URL (the method plays no part in where it goes) and its caller. */
export interface ProxyRequest {
  readonly url: string;
  readonly from?: Caller;
}

/** An http:// URL as a client reads it: host (lower case), port (80 by default), path with query. */
export function parseRequestURL(url: string): { host: string; port: number; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
  } catch {
    throw statusErrors.badRequest(`invalid URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:') throw statusErrors.badRequest(`unsupported protocol scheme ${JSON.stringify(parsed.protocol.slice(0, -1))}: only http:// requests are simulated`);
  return { host: parsed.hostname.toLowerCase(), port: parsed.port ? Number(parsed.port) : 80, path: `${parsed.pathname}${parsed.search}` };
}

/** A Service port by number (`port`) or name; the first port when none is asked for. */
export function findServicePort(service: Service, wanted: string | number | undefined): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  if (wanted === undefined) return ports[0];
  return ports.find((p) => (typeof wanted === 'number' ? p.port === wanted : (p.name ?? '') === wanted));
}

/** An endpoint a Service port can send to: the address and the port its targetPort resolved to on that pod. */
export interface ServiceEndpoint {
  readonly address: string;
  readonly port: number | undefined;
  /** The pod behind it; endpoints without one (the `kubernetes` Service's API servers) have none. */
  readonly pod?: string;
  readonly node?: string;
}

/** Why a Service port has no endpoint to send to. */
export type NoEndpoint = 'none' | 'none-local';

export interface EndpointPick {
  readonly endpoint: ServiceEndpoint;
  /** Its position among the candidates (0-based), and how many there were. */
  readonly index: number;
  readonly of: number;
}

export interface EndpointChoice {
  /** Whose round-robin state to use: each node's kube-proxy and the ingress controller balance on their own. */
  readonly balancer?: string;
  /** Endpoints on this node first, when it has any. */
  readonly preferNode?: string;
  /** Only endpoints on this node (internalTrafficPolicy or externalTrafficPolicy `Local`). */
  readonly requireNode?: string;
}

/**
 * The endpoints of one Service port from its EndpointSlices, in a stable order (pod name, numbers
 * compared as numbers): the ready ones; when none is ready, those still serving while they terminate,
 * as kube-proxy falls back to them (KEP-1669). The port is what the EndpointSlice controller resolved
 * the Service's targetPort to on each pod (a named targetPort looked up in the pod's container ports);
 * without `portName`, the endpoints of every port.
 */
export function serviceEndpoints(slices: readonly EndpointSlice[], portName: string | undefined): ServiceEndpoint[] {
  const ready = new Map<string, ServiceEndpoint>();
  const terminating = new Map<string, ServiceEndpoint>();
  for (const slice of slices) {
    // Without a port name, any endpoint counts (a headless Service's DNS records name no port).
    const port = portName === undefined ? undefined : (slice.ports ?? []).find((p) => (p.name ?? '') === portName)?.port;
    if (portName !== undefined && slice.ports?.length && port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses?.[0];
      if (!address) continue;
      const entry: ServiceEndpoint = { address, port, ...(endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name ? { pod: endpoint.targetRef.name } : {}), ...(endpoint.nodeName ? { node: endpoint.nodeName } : {}) };
      // An unset Ready condition means ready (EndpointConditions).
      if (endpoint.conditions?.ready !== false) ready.set(entry.pod ?? address, entry);
      else if (servingWhileTerminating(endpoint)) terminating.set(entry.pod ?? address, entry);
    }
  }
  const chosen = ready.size ? ready : terminating;
  return [...chosen.values()].sort((a, b) => collator.compare(a.pod ?? a.address, b.pod ?? b.address));
}

function servingWhileTerminating(endpoint: Endpoint): boolean {
  return endpoint.conditions?.terminating === true && endpoint.conditions.serving === true;
}

const collator = new Intl.Collator('en', { numeric: true });

/** How a host name of a request was resolved, through the cluster DNS or as an address. */
type Destination =
  | { kind: 'service'; service: Service; fqdn?: string }
  | { kind: 'podRecord'; service: Service; pod: Pod; fqdn: string }
  | { kind: 'pod'; pod: Pod; fqdn?: string }
  | { kind: 'externalName'; service: Service; fqdn: string }
  | { kind: 'node'; node: Node; ip: string }
  | { kind: 'loadBalancer'; service: Service; ip: string; via: 'load balancer' | 'external IP' }
  | { kind: 'ingress'; host: string }
  | { kind: 'unreachable'; ip: string }
  | { kind: 'noDNS'; host: string; service: Service | undefined };

/** The IP a client connects to for a destination, when it has one. */
function addressOf(d: Destination): string | undefined {
  switch (d.kind) {
    case 'service':
      return d.service.spec?.clusterIP && d.service.spec.clusterIP !== 'None' ? d.service.spec.clusterIP : undefined;
    case 'pod':
    case 'podRecord':
      return d.pod.status?.podIP;
    case 'node':
    case 'loadBalancer':
    case 'unreachable':
      return d.ip;
    default:
      return undefined;
  }
}

/** A pod's resolv.conf as the kubelet writes it: search domains and ndots, through the cluster DNS. */
interface Resolver {
  readonly search: readonly string[];
  readonly ndots: number;
}

/** Who sends a request: its namespace and node, and its resolver (undefined: the node's own, which knows no cluster name). */
interface CallerContext {
  readonly namespace: string;
  readonly node?: string;
  readonly outside: boolean;
  readonly resolver: Resolver | undefined;
}

/** ClusterFirst's resolv.conf: the pod's namespace, `svc` and the cluster domain searched, ndots 5. */
function clusterResolver(namespace: string, extraSearches: readonly string[] = [], ndots = 5): Resolver {
  return { search: [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...extraSearches], ndots };
}

/**
 * The resolver a pod's dnsPolicy gives it (the kubelet's DNS configurer). ClusterFirst asks the
 * cluster DNS, but a pod on the host network gets Default instead (ClusterFirstWithHostNet is the
 * policy that keeps the cluster DNS there). Default is the node's resolver. None is what dnsConfig
 * says, which reaches cluster names only when it names the cluster DNS. Under the other policies,
 * dnsConfig's searches and ndots option add to the usual ones.
 */
function podResolver(pod: Pod, namespace: string): Resolver | undefined {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const config = pod.spec?.dnsConfig;
  const ndotsOption = config?.options?.find((o) => o.name === 'ndots')?.value;
  const ndots = ndotsOption !== undefined && /^\d+$/.test(ndotsOption) ? Number(ndotsOption) : undefined;
  const searches = config?.searches ?? [];
  if (policy === 'None') return config?.nameservers?.includes(clusterDNS) ? { search: searches, ndots: ndots ?? 1 } : undefined;
  if (policy === 'Default' || (policy === 'ClusterFirst' && pod.spec?.hostNetwork)) return undefined;
  return clusterResolver(namespace, searches, ndots ?? 5);
}

/**
 * kube-proxy (Service virtual IPs, NodePorts), CoreDNS (cluster names) and the ingress controller in
 * one: routes a request from its URL and caller to a pod's port. Holds only the round-robin position
 * of each balancer and Service port, so the same objects always route the same way in turn.
 */
export class ServiceProxy {
  private readonly turns = new Map<string, number>();
  /** The Corefile CoreDNS runs by, with its text; and the last text it refused. */
  private configured: { text: string; corefile: Corefile } | undefined;
  private rejected: string | undefined;

  /**
   * One of a Service port's endpoints, in turn. kube-proxy's IPVS mode balances round-robin (its
   * default `rr` scheduler); iptables mode picks at random. Round-robin makes repeated requests
   * visibly walk the endpoints, and keeps the answer deterministic. Endpoints on `preferNode` come
   * first when it has any, so a caller reaches a pod on its own node without crossing the network.
   */
  pick(service: Service, port: ServicePort, slices: readonly EndpointSlice[], choice: EndpointChoice = {}): EndpointPick | NoEndpoint {
    const all = serviceEndpoints(slices, port.name ?? '');
    if (!all.length) return 'none';
    let candidates = all;
    if (choice.requireNode !== undefined) {
      candidates = all.filter((e) => e.node === choice.requireNode);
      if (!candidates.length) return 'none-local';
    } else if (choice.preferNode !== undefined) {
      const local = all.filter((e) => e.node === choice.preferNode);
      if (local.length) candidates = local;
    }
    const key = `${choice.balancer ?? ''}|${service.metadata?.namespace}/${service.metadata?.name}:${port.name || port.port}|${candidates === all ? '' : choice.requireNode ?? choice.preferNode}`;
    return this.next(key, candidates);
  }

  /** The next of `endpoints` for this round-robin key. */
  private next(key: string, endpoints: readonly ServiceEndpoint[]): EndpointPick {
    const turn = (this.turns.get(key) ?? 0) % endpoints.length;
    this.turns.set(key, (turn + 1) % endpoints.length);
    return { endpoint: endpoints[turn]!, index: turn, of: endpoints.length };
  }

  /**
   * Where `request` goes, hop by hop. `rulesOf` gives the rules a node's stopped kube-proxy left
   * behind (by default every node's kube-proxy runs). Throws a 400 Status for a URL that is not
   * http://, a 404 for a `from` pod or node that does not exist.
   */
  /**
   * A DNS query of `host` from a pod, as its resolver makes it (search domains, ndots, through the
   * cluster DNS): the name that answered and its address, `NXDOMAIN`, or a `timeout` while the
   * cluster DNS has no ready endpoint.
   */
  lookupName(objects: NetworkObjects, host: string, from: Caller, rulesOf: RulesOf = () => undefined): { fqdn: string; address: string } | { error: 'NXDOMAIN' | 'timeout' } {
    const destination = this.resolve(objects, host, this.caller(objects, from), rulesOf);
    if (!destination) return { error: 'NXDOMAIN' };
    if (destination.kind === 'noDNS') return { error: 'timeout' };
    const address = addressOf(destination);
    if (!address) return { error: 'NXDOMAIN' };
    const fqdn = 'fqdn' in destination && destination.fqdn ? destination.fqdn : host;
    return { fqdn, address };
  }

  route(objects: NetworkObjects, request: ProxyRequest, now: number, rulesOf: RulesOf = () => undefined): Route {
    const { host, port, path } = parseRequestURL(request.url);
    const caller = this.caller(objects, request.from);
    const destination = this.resolve(objects, host, caller, rulesOf);
    const address = destination && addressOf(destination);
    const routed = this.routeTo(objects, destination, host, port, path, caller, now, rulesOf);
    return address ? { ...routed, address } : routed;
  }

  private routeTo(objects: NetworkObjects, destination: Destination | undefined, host: string, port: number, path: string, caller: CallerContext, now: number, rulesOf: RulesOf): Route {
    const hops: Hop[] = [];
    if (!destination) return { outcome: 'error', hops, error: `dial tcp: lookup ${host}: no such host` };
    switch (destination.kind) {
      case 'noDNS': {
        // kube-proxy rejects a Service without endpoints: the resolver's query is refused. Without
        // the Service at all, the query goes unanswered until the resolver gives up.
        const svc = destination.service;
        if (svc) hops.push(serviceHop(svc, `${clusterDNS}:53 (the cluster DNS): no ready endpoints, so CoreDNS answers no query`));
        return { outcome: 'error', hops, error: `dial tcp: lookup ${destination.host} on ${clusterDNS}:53: ${svc ? 'read: connection refused' : 'i/o timeout'}` };
      }
      case 'unreachable':
        return { outcome: 'error', hops, error: `dial tcp ${destination.ip}:${port}: connect: no route to host` };
      case 'externalName': {
        const svc = destination.service;
        hops.push(serviceHop(svc, `${destination.fqdn} is a CNAME of ${svc.spec?.externalName}: the request leaves the cluster`));
        return { outcome: 'error', hops, error: `dial tcp: lookup ${svc.spec?.externalName}: no such host` };
      }
      case 'pod':
        return this.toPod(destination.pod, port, hops, destination.fqdn ? `${destination.fqdn} → ${destination.pod.status?.podIP}` : 'the pod IP, directly');
      case 'podRecord': {
        const ip = destination.pod.status?.podIP ?? '';
        hops.push(serviceHop(destination.service, `${destination.fqdn} → ${ip}: the pod's own record under the headless Service`));
        return this.toPod(destination.pod, port, hops, 'directly, no virtual IP');
      }
      case 'service':
        return this.toService(objects, destination.service, destination.fqdn, port, caller, hops, caller.node !== undefined ? rulesOf(caller.node) : undefined);
      case 'node':
        return this.toNodePort(objects, destination.node, destination.ip, port, hops, rulesOf(destination.node.metadata?.name ?? ''));
      case 'loadBalancer':
        return this.toLoadBalancer(objects, destination.service, destination.ip, destination.via, port, hops);
      case 'ingress':
        if (port !== 80) return { outcome: 'error', hops, error: `dial tcp ${destination.host}:${port}: connect: connection refused` };
        return this.toIngress(objects, host, path, now, hops);
    }
  }

  private caller(objects: NetworkObjects, from: Caller | undefined): CallerContext {
    if (!from) return { namespace: 'default', outside: true, resolver: clusterResolver('default') };
    if ('node' in from) {
      if (!objects.nodes().some((n) => n.metadata?.name === from.node)) throw statusErrors.notFound('nodes', '', from.node);
      return { namespace: 'default', node: from.node, outside: false, resolver: undefined };
    }
    const pod = objects.pod(from.namespace, from.name);
    if (!pod) throw statusErrors.notFound('pods', '', from.name);
    return { namespace: from.namespace, ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}), outside: false, resolver: podResolver(pod, from.namespace) };
  }

  /**
   * The host as a pod's resolver finds it (resolv.conf `search <ns>.svc.cluster.local svc.cluster.local
   * cluster.local`, `ndots:5`): an IP literal; a Service, a headless Service's pod record
   * (`db-0.db.shop.svc.cluster.local`) or a pod's dashed-IP record (`10-244-1-5.shop.pod.cluster.local`);
   * else a host some Ingress has a rule for, which leads to the ingress controller, as does
   * `localhost` from outside the cluster (where kind maps the controller's port 80).
   */
  private resolve(objects: NetworkObjects, host: string, caller: CallerContext, rulesOf: RulesOf): Destination | undefined {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return this.address(objects, host, caller.outside, caller.node !== undefined ? rulesOf(caller.node) : undefined);
    if (host === 'localhost' && caller.outside) return { kind: 'ingress', host };
    // The node's own resolver knows no cluster name (nor the hosts an Ingress serves).
    const resolver = caller.resolver;
    if (!resolver) return undefined;
    const absolute = host.endsWith('.');
    const name = host.replace(/\.$/, '');
    // Cluster names are CoreDNS's to answer, through the kube-dns Service. From outside, a host an
    // Ingress serves still reaches the ingress controller without it.
    // The query goes to the kube-dns Service's address, through the caller's node's kube-proxy.
    const rules = caller.node !== undefined ? rulesOf(caller.node) : undefined;
    const dns = this.clusterDNS(objects, rules);
    if (dns.ready) {
      const corefile = this.corefile(objects);
      const search = resolver.search.map((d) => `${name}.${d}`);
      const candidates = absolute ? [name] : name.split('.').length - 1 >= resolver.ndots ? [name, ...search] : [...search, name];
      for (const fqdn of candidates) {
        const found = this.lookup(objects, corefile, fqdn, rules);
        if (found) return found;
      }
    } else if (!caller.outside) {
      return { kind: 'noDNS', host, service: dns.service };
    }
    if (ingressServesHost(objects.ingresses(), name)) return { kind: 'ingress', host: name };
    return dns.ready ? undefined : { kind: 'noDNS', host, service: dns.service };
  }

  /**
   * The cluster DNS: the kube-dns Service in kube-system (at the kubelet's --cluster-dns address)
   * and whether its DNS port has a ready endpoint, a CoreDNS pod to answer. Scaled to zero, crashed
   * or deleted, CoreDNS answers nothing and no cluster name resolves.
   */
  private clusterDNS(objects: NetworkObjects, rules: ProgrammedRules | undefined): { ready: boolean; service: Service | undefined } {
    const service = rules ? programmedAt(rules, clusterDNS) : objects.service('kube-system', 'kube-dns');
    if (!service || service.metadata?.namespace !== 'kube-system' || service.metadata?.name !== 'kube-dns' || !clusterIPsOf(service.spec).includes(clusterDNS)) return { ready: false, service: undefined };
    const port = (service.spec?.ports ?? []).find((p) => p.port === 53 && p.protocol === 'UDP') ?? (service.spec?.ports ?? []).find((p) => p.port === 53);
    if (!port) return { ready: false, service };
    return { ready: serviceEndpoints((rules ?? objects).endpointSlices('kube-system', 'kube-dns'), port.name ?? '').length > 0, service };
  }

  /**
   * The Corefile CoreDNS runs by: the ConfigMap's once it parses. One that does not leaves CoreDNS
   * on the last that did, as its reload plugin keeps the running configuration (kubeadm's before any).
   */
  private corefile(objects: NetworkObjects): Corefile {
    const text = objects.corefile?.() ?? defaultCorefileText;
    if (this.configured?.text === text) return this.configured.corefile;
    if (this.rejected !== text) {
      const corefile = tryParseCorefile(text);
      if (!(corefile instanceof CorefileError)) {
        this.configured = { text, corefile };
        return corefile;
      }
      this.rejected = text;
    }
    return this.configured?.corefile ?? (defaultCorefile ??= parseCorefile(defaultCorefileText));
  }

  /** One query to CoreDNS: the record or address its Corefile's plugins answer, with how. */
  private lookup(objects: NetworkObjects, corefile: Corefile, fqdn: string, rules: ProgrammedRules | undefined): Destination | undefined {
    const found = answer(corefile, fqdn, (name, plugin, zone) => this.record(objects, name, plugin, zone));
    if (found.kind === 'record') return 'fqdn' in found.record ? { ...found.record, fqdn: found.label } : found.record;
    if (found.kind !== 'address') return undefined;
    const destination = this.address(objects, found.ip, false, rules);
    return destination.kind === 'service' || destination.kind === 'pod' ? { ...destination, fqdn: found.label } : destination;
  }

  /** One name in a zone of CoreDNS's kubernetes plugin, as it answers it. */
  private record(objects: NetworkObjects, fqdn: string, plugin: KubernetesPlugin, zone: string): Destination | undefined {
    const labels = fqdn.slice(0, -zone.length - 1).split('.');
    const exposed = (namespace: string) => plugin.namespaces.length === 0 || plugin.namespaces.includes(namespace);
    if (labels.length === 3 && labels[2] === 'svc' && exposed(labels[1]!)) {
      const service = objects.service(labels[1]!, labels[0]!);
      if (!service) return undefined;
      return service.spec?.type === 'ExternalName' ? { kind: 'externalName', service, fqdn } : { kind: 'service', service, fqdn };
    }
    if (labels.length === 4 && labels[3] === 'svc' && exposed(labels[2]!)) {
      const [hostname, subdomain, namespace] = labels as [string, string, string];
      const service = objects.service(namespace, subdomain);
      if (!service || service.spec?.clusterIP !== 'None') return undefined;
      // CoreDNS publishes each ready endpoint of a headless Service under its hostname, else (with
      // endpoint_pod_names) its pod's name, else its address with dashes.
      for (const slice of objects.endpointSlices(namespace, subdomain)) {
        for (const endpoint of slice.endpoints ?? []) {
          if (endpoint.conditions?.ready === false || endpoint.targetRef?.kind !== 'Pod' || !endpoint.targetRef.name) continue;
          const pod = objects.pod(namespace, endpoint.targetRef.name);
          if (!pod) continue;
          const named = (endpoint.hostname ?? pod.spec?.hostname) === hostname && pod.spec?.subdomain === subdomain;
          const byPodName = plugin.endpointPodNames && !endpoint.hostname && pod.metadata?.name === hostname;
          const byAddress = !endpoint.hostname && !plugin.endpointPodNames && endpoint.addresses.some((a) => a.replace(/\./g, '-') === hostname);
          if (named || byPodName || byAddress) return { kind: 'podRecord', service, pod, fqdn };
        }
      }
      return undefined;
    }
    if (labels.length === 3 && labels[2] === 'pod' && /^\d+-\d+-\d+-\d+$/.test(labels[0]!) && plugin.pods !== 'disabled' && exposed(labels[1]!)) {
      const ip = labels[0]!.replace(/-/g, '.');
      const pod = objects.podByIP(ip);
      // insecure answers any address; verified only a pod's in that namespace.
      if (plugin.pods === 'verified' && pod?.metadata?.namespace !== labels[1]) return undefined;
      return pod ? { kind: 'pod', pod, fqdn } : { kind: 'unreachable', ip };
    }
    return undefined;
  }

  /**
   * What an IP literal is: a Service's cluster IP or load balancer IP, a node's InternalIP, a pod IP.
   * From a node whose kube-proxy stopped, a cluster IP is what that node's rules say it is (a Service
   * deleted since still answers there, by its old endpoints).
   */
  private address(objects: NetworkObjects, ip: string, outside: boolean, rules: ProgrammedRules | undefined): Destination {
    if (outside && parseIPv4(ip) === parseIPv4('127.0.0.1')) return { kind: 'ingress', host: ip };
    const normal = formatIPv4(parseIPv4(ip));
    const programmed = rules && programmedAt(rules, normal);
    if (programmed) return { kind: 'service', service: programmed };
    for (const service of objects.services()) {
      if (clusterIPsOf(service.spec).includes(normal)) return { kind: 'service', service };
      if ((service.status?.loadBalancer?.ingress ?? []).some((i) => i.ip === normal)) return { kind: 'loadBalancer', service, ip: normal, via: 'load balancer' };
      // kube-proxy takes a Service's external IPs (routed to a node by the network) as it takes a load balancer's.
      if (externallyAccessible(service.spec) && (service.spec?.externalIPs ?? []).includes(normal)) return { kind: 'loadBalancer', service, ip: normal, via: 'external IP' };
    }
    const node = objects.nodes().find((n) => (n.status?.addresses ?? []).some((a) => a.type === 'InternalIP' && a.address === normal));
    if (node) return { kind: 'node', node, ip: normal };
    const pod = objects.podByIP(normal);
    return pod ? { kind: 'pod', pod } : { kind: 'unreachable', ip: normal };
  }

  private toPod(pod: Pod, port: number, hops: Hop[], how: string): Route {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const ip = pod.status?.podIP ?? '';
    const node = pod.spec?.nodeName;
    hops.push({ kind: 'Pod', namespace, name, detail: `${ip}:${port}${node ? ` on ${node}` : ''}, ${how}` });
    return { outcome: 'pod', hops, pod: { namespace, name, ip, port, ...(node ? { node } : {}) } };
  }

  /**
   * Through a Service's name or cluster IP: its virtual IP (kube-proxy on the caller's node, or the
   * rules `rules` it left when it stopped), or, headless, one of its pods' addresses.
   */
  private toService(objects: NetworkObjects, service: Service, fqdn: string | undefined, port: number, caller: { node?: string }, hops: Hop[], rules: ProgrammedRules | undefined): Route {
    const namespace = service.metadata?.namespace ?? '';
    const name = service.metadata?.name ?? '';
    if (service.spec?.clusterIP === 'None') {
      // No virtual IP: the name has an A record per ready endpoint, rotated by CoreDNS's loadbalance
      // plugin, and the client connects to the first straight at the port it asked for.
      const endpoints = serviceEndpoints(objects.endpointSlices(namespace, name), undefined);
      if (!endpoints.length) {
        hops.push(serviceHop(service, `${fqdn} has no address: the headless Service has no ready endpoints`));
        return { outcome: 'error', hops, error: `dial tcp: lookup ${fqdn}: no such host` };
      }
      const { endpoint } = this.next(`coredns|${namespace}/${name}`, endpoints);
      hops.push(serviceHop(service, `${fqdn} → ${endpoint.address} (headless: ${endpoints.length} A record${endpoints.length === 1 ? '' : 's'}, rotated)`));
      const pod = endpoint.pod ? objects.pod(namespace, endpoint.pod) : undefined;
      if (!pod) return { outcome: 'error', hops, error: `dial tcp ${endpoint.address}:${port}: connect: no route to host` };
      return this.toPod(pod, port, hops, 'directly, no virtual IP');
    }
    const clusterIP = service.spec?.clusterIP ?? '';
    const resolved = fqdn ? `${fqdn} → ${clusterIP}` : clusterIP;
    // The caller's node routes the address by the rules its kube-proxy programmed.
    const programmed = rules ? programmedAt(rules, clusterIP) : service;
    if (!programmed) {
      const why = rules?.never ? `no kube-proxy has run on ${caller.node}, so it has no rule for this address` : `the kube-proxy of ${caller.node} has stopped, and its rules have nothing for this address`;
      hops.push(serviceHop(service, `${resolved}:${port}: ${why}`));
      return { outcome: 'error', hops, error: `dial tcp ${clusterIP}:${port}: i/o timeout` };
    }
    const servicePort = (programmed.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
    if (!servicePort) {
      hops.push(serviceHop(service, `${resolved}: no port ${port} (the Service has ${describePorts(programmed)})`));
      return { outcome: 'error', hops, error: `dial tcp ${clusterIP}:${port}: connect: connection refused` };
    }
    const local = programmed.spec?.internalTrafficPolicy === 'Local';
    const choice: EndpointChoice = { balancer: caller.node ?? '', ...(caller.node ? (local ? { requireNode: caller.node } : { preferNode: caller.node }) : {}) };
    const slices = (rules ?? objects).endpointSlices(programmed.metadata?.namespace ?? '', programmed.metadata?.name ?? '');
    const stale = rules ? `, by the rules the stopped kube-proxy of ${caller.node} left` : '';
    return this.throughEndpoints(objects, programmed, servicePort, slices, choice, `${resolved}:${port} (port ${portName(servicePort)}${stale})`, `${clusterIP}:${port}`, hops);
  }

  /**
   * A NodePort from outside: the receiving node's kube-proxy (or the rules `rules` it left) sends it
   * on, only to its own endpoints with externalTrafficPolicy `Local`.
   */
  private toNodePort(objects: NetworkObjects, node: Node, ip: string, port: number, hops: Hop[], rules: ProgrammedRules | undefined): Route {
    const nodeName = node.metadata?.name ?? '';
    const match = (rules ?? objects).services().flatMap((service) => (needsNodePort(service.spec) ? (service.spec?.ports ?? []).filter((p) => p.nodePort === port).map((p) => ({ service, port: p })) : []))[0];
    if (!match) {
      const why = rules?.never ? `no kube-proxy has run on ${nodeName}, so no node port is open there` : `no Service has node port ${port}`;
      hops.push({ kind: 'Node', namespace: '', name: nodeName, detail: `${ip}:${port}: ${why}` });
      return { outcome: 'error', hops, error: `dial tcp ${ip}:${port}: connect: connection refused` };
    }
    const { service, port: servicePort } = match;
    const stale = rules ? `, by the rules its stopped kube-proxy left` : '';
    hops.push({ kind: 'Node', namespace: '', name: nodeName, detail: `${ip}:${port} → node port of Service ${service.metadata?.namespace}/${service.metadata?.name}${stale}` });
    const local = service.spec?.externalTrafficPolicy === 'Local';
    const slices = (rules ?? objects).endpointSlices(service.metadata?.namespace ?? '', service.metadata?.name ?? '');
    return this.throughEndpoints(objects, service, servicePort, slices, { balancer: nodeName, ...(local ? { requireNode: nodeName } : {}) }, `${service.spec?.type} port ${portName(servicePort)}${local ? ', externalTrafficPolicy Local' : ''}`, `${ip}:${port}`, hops);
  }

  /** A load balancer's IP: the balancer spreads connections over the nodes, whose kube-proxy sends them to the Service's endpoints. */
  private toLoadBalancer(objects: NetworkObjects, service: Service, ip: string, via: string, port: number, hops: Hop[]): Route {
    const servicePort = (service.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
    if (!servicePort) {
      hops.push(serviceHop(service, `${ip}: no port ${port} (the Service has ${describePorts(service)})`));
      return { outcome: 'error', hops, error: `dial tcp ${ip}:${port}: connect: connection refused` };
    }
    const slices = objects.endpointSlices(service.metadata?.namespace ?? '', service.metadata?.name ?? '');
    return this.throughEndpoints(objects, service, servicePort, slices, { balancer: 'loadbalancer' }, `${via} ${ip}:${port} (port ${portName(servicePort)})`, `${ip}:${port}`, hops);
  }

  /**
   * Through the ingress controller: the matching rule's backend Service, whose endpoints the
   * controller balances itself (no virtual IP); a 404 page when no rule matches, a 503 when the
   * backend cannot be reached — what ingress-nginx answers.
   */
  private toIngress(objects: NetworkObjects, host: string, path: string, now: number, hops: Hop[]): Route {
    const match = matchIngresses(objects.ingresses(), host, path.replace(/[?#].*$/, ''));
    if (!match) return { outcome: 'answer', hops, answer: controllerAnswer(404, now) };
    const namespace = match.ingress.metadata?.namespace ?? '';
    const backend = match.backend.service;
    hops.push({ kind: 'Ingress', namespace, name: match.ingress.metadata?.name ?? '', detail: `${host}${path} matches ${match.matched} → ${backend ? `Service ${backend.name} port ${backend.port?.name ?? backend.port?.number}` : 'a resource backend'}` });
    const service = backend && objects.service(namespace, backend.name);
    const servicePort = service && findServicePort(service, backend.port?.name ?? backend.port?.number);
    if (!service || !servicePort) return { outcome: 'answer', hops, answer: controllerAnswer(503, now) };
    const slices = objects.endpointSlices(namespace, backend.name);
    const route = this.throughEndpoints(objects, service, servicePort, slices, { balancer: 'ingress' }, `port ${portName(servicePort)}, balanced by the ingress controller`, '', hops);
    return route.outcome === 'error' ? { outcome: 'answer', hops: route.hops, answer: controllerAnswer(503, now) } : route;
  }

  /** The Service hop and the endpoint picked for it; a connection refused (kube-proxy's REJECT) or dropped when there is none. */
  private throughEndpoints(objects: NetworkObjects, service: Service, servicePort: ServicePort, slices: readonly EndpointSlice[], choice: EndpointChoice, via: string, dialed: string, hops: Hop[]): Route {
    const picked = this.pick(service, servicePort, slices, choice);
    if (picked === 'none' || picked === 'none-local') {
      // kube-proxy installs a REJECT rule for a Service without endpoints, so a client is refused at
      // once; with a `Local` traffic policy and none on this node, it drops the packets instead.
      const none = picked === 'none';
      hops.push(serviceHop(service, `${via}: ${none ? 'no ready endpoints' : `no ready endpoint on ${choice.requireNode}`}`));
      return { outcome: 'error', hops, error: none ? `dial tcp ${dialed}: connect: connection refused` : `dial tcp ${dialed}: i/o timeout` };
    }
    const { endpoint, index, of } = picked;
    const local = choice.preferNode !== undefined && endpoint.node === choice.preferNode;
    hops.push(serviceHop(service, `${via} → ${endpoint.address}:${endpoint.port ?? servicePort.port} (${index + 1} of ${of}${local ? ` on ${endpoint.node}, the caller's node` : ''})`));
    const pod = endpoint.pod ? objects.pod(service.metadata?.namespace ?? '', endpoint.pod) : objects.podByIP(endpoint.address);
    const port = endpoint.port ?? (pod && targetPortOn(pod, servicePort));
    if (!pod || port === undefined) return { outcome: 'error', hops, error: `dial tcp ${endpoint.address}:${port ?? servicePort.targetPort}: connect: no route to host` };
    return this.toPod(pod, port, hops, `targetPort ${servicePort.targetPort ?? servicePort.port}`);
  }
}

/** A Service port's targetPort on a pod, a name looked up in its containers' ports (podutil.FindPort), for a slice that lists no port. */
function targetPortOn(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** The Service whose virtual IP `ip` is, in a node's programmed rules. */
function programmedAt(rules: ProgrammedRules, ip: string): Service | undefined {
  return rules.services().find((s) => s.spec?.clusterIP !== 'None' && clusterIPsOf(s.spec).includes(ip));
}

function serviceHop(service: Service, detail: string): Hop {
  return { kind: 'Service', namespace: service.metadata?.namespace ?? '', name: service.metadata?.name ?? '', detail };
}

function portName(port: ServicePort): string {
  return port.name ? `${port.port} "${port.name}"` : String(port.port);
}

function describePorts(service: Service): string {
  const ports = service.spec?.ports ?? [];
  return ports.length ? ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ') : 'no ports';
}
