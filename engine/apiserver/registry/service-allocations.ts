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
import type { Obj } from './strategy';

const ipPrefix = '/registry/kubeside/serviceips/';
const portPrefix = '/registry/kubeside/servicenodeports/';
export const nodePortRange = { first: 30000, last: 32767 };

export interface ServiceAllocations {
  /** Puts to run in the Service's create transaction, with the keys that must not exist yet. */
  reserve: RequestOp[];
  guards: string[];
}

export class ServiceAllocator {
  constructor(private readonly store: Store, private readonly random: Random) {}

  /**
   * Fills spec.clusterIP(s) and node ports of a new Service (in place) and returns the reservations
   * its create must make atomically. Requested values are honoured or refused with 422.
   */
  allocate(service: Obj): ServiceAllocations {
    const spec = (service.spec ??= {});
    const name = service.metadata?.name ?? '';
    const owner = `${service.metadata?.namespace}/${name}`;
    const out: ServiceAllocations = { reserve: [], guards: [] };
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const ips = new ClusterIPAllocator(this.random);
      for (const kv of this.store.range(ipPrefix, { end: `${ipPrefix}\uffff` }).kvs) ips.allocate(kv.key.slice(ipPrefix.length));
      const ip = spec.clusterIP ? ips.allocate(spec.clusterIP, name) : ips.allocateNext(name);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      out.reserve.push({ type: 'put', key: `${ipPrefix}${ip}`, value: owner });
      out.guards.push(`${ipPrefix}${ip}`);
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const used = new Set(this.store.range(portPrefix, { end: `${portPrefix}\uffff` }).kvs.map((kv) => Number(kv.key.slice(portPrefix.length))));
      (spec.ports ?? []).forEach((port: Obj, i: number) => {
        let nodePort = port.nodePort;
        if (nodePort) {
          if (used.has(nodePort)) throw statusErrors.invalid('Service', '', name, [fieldError.invalid(`spec.ports[${i}].nodePort`, nodePort, 'provided port is already allocated')]);
        } else {
          nodePort = this.freePort(used);
          if (nodePort === undefined) throw statusErrors.internal('failed to allocate a nodePort: range is full');
          port.nodePort = nodePort;
        }
        used.add(nodePort);
        out.reserve.push({ type: 'put', key: `${portPrefix}${nodePort}`, value: owner });
        out.guards.push(`${portPrefix}${nodePort}`);
      });
    }
    return out;
  }

  /** The deletes that free a Service's allocations, to run with its deletion. */
  release(service: Obj): RequestOp[] {
    const ops: RequestOp[] = [];
    for (const ip of service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : [])) {
      if (ip === 'None') continue;
      try {
        parseIPv4(ip);
        ops.push({ type: 'delete', key: `${ipPrefix}${ip}` });
      } catch {
        // Not an address this allocator handed out.
      }
    }
    for (const port of service.spec?.ports ?? []) if (port.nodePort) ops.push({ type: 'delete', key: `${portPrefix}${port.nodePort}` });
    return ops;
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
