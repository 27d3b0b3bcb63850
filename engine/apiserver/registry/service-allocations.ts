// What kube-apiserver's Service REST storage does beside storing a Service: give it a cluster IP
// from the service CIDRs (unless headless or ExternalName) and node ports from 30000-32767 (NodePort
// and LoadBalancer), and free them when the Service goes. Each allocation is a key of its own in the
// store, written in the same transaction as the Service, so two API server replicas can never hand
// out the same address. A cluster IP's key is its IPAddress object (networking.k8s.io/v1, KEP-1880),
// as kube-apiserver stores it since 1.33, so `kubectl get ipaddresses` lists them; the ranges are
// the ServiceCIDR objects (`kubernetes`, the default, then any a user adds, in name order).
import { createHash } from 'node:crypto';
import { fieldError, statusErrors } from '../../api/errors';
import { ClusterIPAllocator, defaultServiceCIDR } from '../../network/clusterIPAllocator';
import { parseIPv4 } from '../../network/ipv4';
import type { RequestOp, Store, TxnRequest } from '../../store/index';
import type { Random } from '../../util/random';
import { clusterIPsOf, needsClusterIP, needsHealthCheckNodePort, needsNodePort } from '../../api/meta/services';
import type { Obj } from './strategy';

const ipPrefix = '/registry/ipaddresses/';
/** Where cluster IPs were recorded before they were IPAddress objects: still read and freed. */
const legacyIPPrefix = '/registry/kubeside/serviceips/';
const serviceCIDRPrefix = '/registry/servicecidrs/';
const portPrefix = '/registry/kubeside/servicenodeports/';
export const nodePortRange = { first: 30000, last: 32767 };
/** The ServiceCIDR kube-apiserver creates for its --service-cluster-ip-range. */
export const defaultServiceCIDRName = 'kubernetes';

export interface ServiceAllocations {
  /** Puts to run in the Service's create transaction, with the keys that must not exist yet. */
  reserve: RequestOp[];
  guards: string[];
  /** For an update: the deletes of what the Service no longer holds. */
  release?: RequestOp[];
}

function nodePortsOf(svc: Obj): number[] {
  const ports: number[] = (svc.spec?.ports ?? []).map((p: Obj) => p.nodePort).filter((p: unknown): p is number => typeof p === 'number' && p !== 0);
  if (svc.spec?.healthCheckNodePort) ports.push(svc.spec.healthCheckNodePort);
  return ports;
}

/** The creation time a new IPAddress object gets. */
export type Stamp = () => string;

export class ServiceAllocator {
  constructor(
    private readonly store: Store,
    private readonly random: Random,
    private readonly stamp: Stamp,
  ) {}

  /**
   * Fills spec.clusterIP(s) and node ports of a new Service (in place) and returns the reservations
   * its create must make atomically. Requested values are honoured or refused with 422.
   */
  allocate(service: Obj): ServiceAllocations {
    const out: ServiceAllocations = { reserve: [], guards: [] };
    if (needsClusterIP(service.spec) && service.spec?.clusterIP !== 'None') this.allocateClusterIP(service, out);
    if (needsNodePort(service.spec)) this.allocateNodePorts(service, new Set(), out);
    return out;
  }

  /**
   * What kube-apiserver's Service storage does before an update (beginUpdate), in place on
   * `service`: the values it allocated and the request left out are kept (patchAllocatedValues),
   * clusterIP and clusterIPs are brought in step (NormalizeClusterIPs), what the Service now needs
   * and lacks is allocated, and what it no longer holds is released, in the update's transaction.
   * The strategy has already dropped what the new type does not use.
   */
  allocateUpdate(service: Obj, old: Obj): ServiceAllocations {
    patchAllocatedValues(service, old);
    normalizeClusterIPs(service, old);
    const out: ServiceAllocations = { reserve: [], guards: [], release: [] };
    const oldIPs = clusterIPsOf(old.spec);
    // A Service that had none (it was ExternalName) gets its cluster IP; a changed one is validation's to refuse.
    if (needsClusterIP(service.spec) && service.spec?.clusterIP !== 'None' && oldIPs.length === 0) this.allocateClusterIP(service, out);
    const kept = new Set(nodePortsOf(old));
    if (needsNodePort(service.spec)) this.allocateNodePorts(service, kept, out);
    const newIPs = new Set(clusterIPsOf(service.spec));
    for (const ip of oldIPs) if (!newIPs.has(ip)) out.release!.push(...this.releaseIP(ip));
    const newPorts = new Set(nodePortsOf(service));
    for (const port of kept) if (!newPorts.has(port)) out.release!.push({ type: 'delete', key: `${portPrefix}${port}` });
    return out;
  }

  /**
   * Gives the Service the cluster IP it asks for, or the next free one: from the first ServiceCIDR
   * with room (the default `kubernetes` first). A requested IP must lie in one of them.
   */
  private allocateClusterIP(service: Obj, out: ServiceAllocations): void {
    const spec = (service.spec ??= {});
    const name = service.metadata?.name ?? '';
    const taken = [...this.store.range(ipPrefix, { end: `${ipPrefix}\uffff` }).kvs, ...this.store.range(legacyIPPrefix, { end: `${legacyIPPrefix}\uffff` }).kvs].map((kv) => kv.key.slice(kv.key.lastIndexOf('/') + 1));
    const ranges = this.serviceCIDRs().map((cidr) => {
      const ips = new ClusterIPAllocator(this.random, cidr);
      for (const ip of taken) if (ips.contains(ip)) ips.allocate(ip);
      return ips;
    });
    let ip: string | undefined;
    if (spec.clusterIP) {
      // Out of every range, the first one's message names it, as the allocator of the default range would.
      ip = (ranges.find((r) => r.contains(spec.clusterIP)) ?? ranges[0]!).allocate(spec.clusterIP, name);
    } else {
      for (const [i, range] of ranges.entries()) {
        try {
          ip = range.allocateNext(name);
          break;
        } catch (err) {
          if (i === ranges.length - 1) throw err;
        }
      }
    }
    spec.clusterIP = ip!;
    spec.clusterIPs = [ip!];
    out.reserve.push({ type: 'put', key: `${ipPrefix}${ip}`, value: JSON.stringify(this.ipAddress(ip!, service)) });
    out.guards.push(`${ipPrefix}${ip}`, `${legacyIPPrefix}${ip}`);
  }

  /** The ranges cluster IPs come from: the ServiceCIDRs, the default one first; the default alone before any exists. */
  private serviceCIDRs(): string[] {
    const cidrs = this.store
      .range(serviceCIDRPrefix, { end: `${serviceCIDRPrefix}\uffff` })
      .kvs.map((kv) => JSON.parse(String(typeof kv.value === 'string' ? kv.value : Buffer.from(kv.value).toString('utf8'))) as Obj)
      .filter((c) => !c.metadata?.deletionTimestamp)
      .sort((a, b) => (a.metadata.name === defaultServiceCIDRName ? -1 : b.metadata.name === defaultServiceCIDRName ? 1 : a.metadata.name < b.metadata.name ? -1 : 1))
      .flatMap((c) => (c.spec?.cidrs ?? []) as string[])
      .filter((cidr) => !cidr.includes(':'));
    return cidrs.length ? cidrs : [defaultServiceCIDR];
  }

  /** The IPAddress object that records a Service's cluster IP. */
  private ipAddress(ip: string, service: Obj): Obj {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IPAddress',
      metadata: {
        name: ip,
        labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' },
        // Derived from the address and its Service, so recording it draws nothing from the seeded random source.
        uid: derivedUID(`ipaddress/${ip}/${service.metadata?.uid ?? ''}`),
        creationTimestamp: this.stamp(),
      },
      spec: { parentRef: { group: '', resource: 'services', namespace: service.metadata?.namespace ?? '', name: service.metadata?.name ?? '' } },
    };
  }

  /**
   * Gives each port without a node port a free one, and reserves the node ports asked for, except
   * the `kept` ones the Service already holds; a LoadBalancer with `externalTrafficPolicy: Local`
   * gets its health check port the same way.
   */
  private allocateNodePorts(service: Obj, kept: Set<number>, out: ServiceAllocations): void {
    const spec = service.spec;
    const name = service.metadata?.name ?? '';
    const used = new Set(this.store.range(portPrefix, { end: `${portPrefix}\uffff` }).kvs.map((kv) => Number(kv.key.slice(portPrefix.length))));
    const take = (requested: number | undefined, field: string): number => {
      let port = requested;
      if (port && kept.has(port)) return port;
      if (port) {
        if (used.has(port)) throw statusErrors.invalid('Service', '', name, [fieldError.invalid(field, port, 'provided port is already allocated')]);
      } else {
        port = this.freePort(used);
        if (port === undefined) throw statusErrors.internal('failed to allocate a nodePort: range is full');
      }
      used.add(port);
      out.reserve.push({ type: 'put', key: `${portPrefix}${port}`, value: ownerOf(service) });
      out.guards.push(`${portPrefix}${port}`);
      return port;
    };
    (spec.ports ?? []).forEach((port: Obj, i: number) => {
      port.nodePort = take(port.nodePort, `spec.ports[${i}].nodePort`);
    });
    if (needsHealthCheckNodePort(service.spec)) spec.healthCheckNodePort = take(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
  }

  /** The delete that frees a cluster IP this allocator handed out (none for `None` or another address). */
  private releaseIP(ip: string): RequestOp[] {
    if (ip === 'None') return [];
    try {
      parseIPv4(ip);
      return [{ type: 'delete', key: `${ipPrefix}${ip}` }, { type: 'delete', key: `${legacyIPPrefix}${ip}` }];
    } catch {
      return [];
    }
  }

  /** The deletes that free a Service's allocations, to run with its deletion. */
  release(service: Obj): RequestOp[] {
    const ops = clusterIPsOf(service.spec).flatMap((ip) => this.releaseIP(ip));
    for (const port of nodePortsOf(service)) ops.push({ type: 'delete', key: `${portPrefix}${port}` });
    return ops;
  }

  /** An update of `key` from `modRevision`, guarded by the new allocation keys and releasing the old ones, as one transaction. */
  updateTxn(key: string, value: string, modRevision: number, allocations: ServiceAllocations): TxnRequest {
    return {
      compare: [{ key, target: 'modRevision', result: '=', value: modRevision }, ...allocations.guards.map((g) => ({ key: g, target: 'modRevision' as const, result: '=' as const, value: 0 }))],
      success: [{ type: 'put', key, value }, ...allocations.reserve, ...(allocations.release ?? [])],
      failure: [{ type: 'range', key }],
    };
  }

  /** A create of `key` guarded by the allocation keys, as one transaction. */
  createTxn(key: string, value: string, allocations: ServiceAllocations): TxnRequest {
    return {
      compare: [{ key, target: 'modRevision', result: '=', value: 0 }, ...allocations.guards.map((g) => ({ key: g, target: 'modRevision' as const, result: '=' as const, value: 0 }))],
      success: [{ type: 'put', key, value }, ...allocations.reserve],
      failure: [{ type: 'range', key }],
    };
  }

  private freePort(used: Set<number>): number | undefined {
    const span = nodePortRange.last - nodePortRange.first + 1;
    const start = this.random.int(span);
    for (let i = 0; i < span; i++) {
      const p = nodePortRange.first + ((start + i) % span);
      if (!used.has(p)) return p;
    }
    return undefined;
  }
}

/** A version 5-style UUID (SHA-1 of `name`, version and variant bits set). */
function derivedUID(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function ownerOf(service: Obj): string {
  return `${service.metadata?.namespace}/${service.metadata?.name ?? ''}`;
}

/**
 * patchAllocatedValues: a request that leaves out what was allocated for the Service keeps it, so
 * the same manifest can be applied again: the cluster IPs, each port's node port (by port name,
 * unless another port now has it) and the health check port, while the type still uses them.
 */
function patchAllocatedValues(service: Obj, old: Obj): void {
  const spec = (service.spec ??= {});
  const before = old.spec ?? {};
  if (needsClusterIP(old.spec) && needsClusterIP(service.spec)) {
    if (!spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
    if (!spec.clusterIPs?.length && before.clusterIPs?.length) spec.clusterIPs = [...before.clusterIPs];
  }
  if (needsNodePort(old.spec) && needsNodePort(service.spec)) {
    const inNew = new Set((spec.ports ?? []).map((p: Obj) => p.nodePort).filter(Boolean));
    const taken = new Set((before.ports ?? []).map((p: Obj) => p.nodePort).filter((p: number) => p && inNew.has(p)));
    const byName = new Map<string, number>((before.ports ?? []).map((p: Obj) => [p.name ?? '', p.nodePort]));
    for (const port of spec.ports ?? []) {
      const was = byName.get(port.name ?? '');
      if (!port.nodePort && was && !taken.has(was)) port.nodePort = was;
    }
  }
  if (needsHealthCheckNodePort(old.spec) && needsHealthCheckNodePort(service.spec) && !spec.healthCheckNodePort && before.healthCheckNodePort) spec.healthCheckNodePort = before.healthCheckNodePort;
}

/** NormalizeClusterIPs on update: keeps clusterIPs in step with a clusterIP the request set or cleared alone. */
function normalizeClusterIPs(service: Obj, old: Obj): void {
  const spec = service.spec;
  const before = old.spec ?? {};
  const same = (a: string[] | undefined, b: string[] | undefined) => (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);
  // An old client that patched something else and sent no clusterIPs.
  if (before.clusterIPs?.length && !spec.clusterIPs?.length && before.clusterIP === spec.clusterIP) spec.clusterIPs = before.clusterIPs;
  if (before.clusterIP !== spec.clusterIP && same(before.clusterIPs, spec.clusterIPs)) {
    // Cleared: clear the list on the client's behalf; changed: the list follows (validation judges the change).
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    else if (before.clusterIP) delete spec.clusterIPs;
  }
}
