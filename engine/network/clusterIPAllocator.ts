// Service cluster IPs from the service CIDR (kube-apiserver's --service-cluster-ip-range, 10.96.0.0/12
// by default). As since KEP-3070, dynamic allocation draws at random from the upper band and keeps
// the lower band for Services that ask for a specific IP (10.96.0.1 is the `kubernetes` Service's,
// 10.96.0.10 is conventionally the DNS Service's).
import { GoValue, statusErrors } from '../api/errors';
import type { Random } from '../util/random';
import { type Cidr, cidrContains, formatCidr, formatIPv4, parseCidr, parseIPv4 } from './ipv4';

export const defaultServiceCIDR = '10.96.0.0/12';

export class ClusterIPAllocator {
  readonly cidr: Cidr;
  private readonly used = new Set<number>();
  /** Offsets below this are the static band (min(max(16, size/16), 256) addresses). */
  private readonly staticBand: number;

  constructor(private readonly random: Random, cidr = defaultServiceCIDR) {
    this.cidr = parseCidr(cidr);
    this.staticBand = Math.min(Math.max(16, Math.floor(this.cidr.size / 16)), 256);
  }

  get range(): string {
    return formatCidr(this.cidr);
  }

  /** The `kubernetes` Service's address: the first one of the range. */
  get apiServerServiceIP(): string {
    return formatIPv4(this.cidr.base + 1);
  }

  /** Reserves a requested IP; 422 as the Service REST storage reports it when taken or outside the range. */
  allocate(ip: string, serviceName = ''): string {
    let n: number;
    try {
      n = parseIPv4(ip);
    } catch {
      throw invalidClusterIP(serviceName, ip, 'must be a valid IP address');
    }
    if (!this.usable(n)) throw invalidClusterIP(serviceName, ip, `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.range}`);
    if (this.used.has(n)) throw invalidClusterIP(serviceName, ip, `failed to allocate IP ${ip}: provided IP is already allocated`);
    this.used.add(n);
    return ip;
  }

  /** A free IP, at random from the upper band first, then the lower band. */
  allocateNext(serviceName = ''): string {
    const first = this.cidr.base + 1;
    const last = this.cidr.base + this.cidr.size - 2;
    const upperStart = Math.min(first + this.staticBand, last);
    const n = this.pick(upperStart, last) ?? this.pick(first, upperStart - 1);
    if (n === undefined) throw statusErrors.internal(`failed to allocate a serviceIP: range is full${serviceName ? ` (service ${serviceName})` : ''}`);
    this.used.add(n);
    return formatIPv4(n);
  }

  release(ip: string): void {
    try {
      this.used.delete(parseIPv4(ip));
    } catch {
      // Nothing was allocated for a malformed address.
    }
  }

  /** Whether `ip` is an address of this range a Service may have. */
  contains(ip: string): boolean {
    try {
      return this.usable(parseIPv4(ip));
    } catch {
      return false;
    }
  }

  has(ip: string): boolean {
    return this.used.has(parseIPv4(ip));
  }

  private usable(n: number): boolean {
    return cidrContains(this.cidr, n) && n !== this.cidr.base && n !== this.cidr.base + this.cidr.size - 1;
  }

  /** A random free address in [from, to], scanning forward from a random start as the bitmap allocator does. */
  private pick(from: number, to: number): number | undefined {
    const span = to - from + 1;
    if (span <= 0) return undefined;
    const start = this.random.int(span);
    for (let i = 0; i < span; i++) {
      const n = from + ((start + i) % span);
      if (!this.used.has(n)) return n;
    }
    return undefined;
  }
}

function invalidClusterIP(name: string, ip: string, detail: string) {
  // Printed as Go prints the []string field value.
  return statusErrors.invalid('Service', '', name, [{ field: 'spec.clusterIPs', type: 'Invalid', value: new GoValue(`[]string{${JSON.stringify(ip)}}`), detail }]);
}
