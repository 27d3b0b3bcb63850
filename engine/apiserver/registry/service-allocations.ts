// What kube-apiserver's Service REST storage does beside storing a Service: give it a cluster IP
// from the service CIDR (unless headless or ExternalName) and node ports from 30000-32767 (NodePort
// and LoadBalancer), and free them when the Service goes. Each allocation is a key of its own in the
// store, written in the same transaction as the Service, so two API server replicas can never hand
// out the same address (as KEP-1880's IPAddress objects guarantee).
import { fieldError, statusErrors } from '../../api/errors';
import { ClusterIPAllocator } from '../../network/clusterIPAllocator';
import { parseIPv4 } from '../../network/ipv4';
import type { RequestOp, Store, TxnRequest } from '../../store/index';
import type { Random } from '../../util/random';
import { clusterIPsOf, needsClusterIP, needsHealthCheckNodePort, needsNodePort } from '../../api/meta/services';
import type { Obj } from './strategy';

const ipPrefix = '/registry/kubeside/serviceips/';
const portPrefix = '/registry/kubeside/servicenodeports/';
export const nodePortRange = { first: 30000, last: 32767 };

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

export class ServiceAllocator {
  constructor(private readonly store: Store, private readonly random: Random) {}

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

  /** Gives the Service the cluster IP it asks for, or the next free one. */
  private allocateClusterIP(service: Obj, out: ServiceAllocations): void {
    const spec = (service.spec ??= {});
    const name = service.metadata?.name ?? '';
    const ips = new ClusterIPAllocator(this.random);
    for (const kv of this.store.range(ipPrefix, { end: `${ipPrefix}\uffff` }).kvs) ips.allocate(kv.key.slice(ipPrefix.length));
    const ip = spec.clusterIP ? ips.allocate(spec.clusterIP, name) : ips.allocateNext(name);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    out.reserve.push({ type: 'put', key: `${ipPrefix}${ip}`, value: ownerOf(service) });
    out.guards.push(`${ipPrefix}${ip}`);
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
      return [{ type: 'delete', key: `${ipPrefix}${ip}` }];
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
