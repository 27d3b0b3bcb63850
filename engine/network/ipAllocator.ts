// An address range that hands out IPs the way the CNI host-local IPAM plugin does: the next free
// address after the last one given (round-robin), so a re-created pod gets a new IP rather than
// the one its predecessor just released.
import { type Cidr, cidrContains, formatIPv4, parseCidr, parseIPv4 } from './ipv4';

export class IPAllocator {
  readonly cidr: Cidr;
  private readonly used = new Set<number>();
  private last: number;
  private readonly first: number;
  private readonly end: number;

  /** `reserved` leading host addresses are never given out (host-local keeps `.1` for the gateway). */
  constructor(cidr: string, reserved = 1) {
    this.cidr = parseCidr(cidr);
    // The network and broadcast addresses are never a host's.
    this.first = this.cidr.base + 1 + reserved;
    this.end = this.cidr.base + this.cidr.size - 1;
    this.last = this.first - 1;
  }

  get capacity(): number {
    return Math.max(0, this.end - this.first);
  }

  get allocated(): number {
    return this.used.size;
  }

  /** The next free address after the last one allocated; throws when the range is full. */
  allocateNext(): string {
    const span = this.end - this.first;
    for (let i = 1; i <= span; i++) {
      const ip = this.first + ((this.last - this.first + i) % span);
      if (this.used.has(ip)) continue;
      this.used.add(ip);
      this.last = ip;
      return formatIPv4(ip);
    }
    throw new Error(`no IP addresses available in range set: ${formatIPv4(this.first)}-${formatIPv4(this.end - 1)}`);
  }

  /** Marks an address as taken (an address found in use after a restart); false if it is taken or outside. */
  allocate(ip: string): boolean {
    const n = parseIPv4(ip);
    if (!cidrContains(this.cidr, n) || n < this.first || n >= this.end || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    this.used.delete(parseIPv4(ip));
  }

  has(ip: string): boolean {
    return this.used.has(parseIPv4(ip));
  }
}
