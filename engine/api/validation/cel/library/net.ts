// Kubernetes' IP and CIDR libraries (k8s.io/apiserver/pkg/cel/library/ip.go and cidr.go): `ip(<string>)`,
// `isIP`, `ip.isCanonical`, an address's family and classes; `cidr(<string>)`, `isCIDR`, containsIP,
// containsCIDR, ip, masked and prefixLength; and `string()` of either. Addresses with a zone and
// IPv4-mapped IPv6 addresses are refused, as Kubernetes refuses them.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-ip-address-library
import type { Environment } from '@marcbachmann/cel-js';
import { fail, noSuchOverload } from './errors';
import { registerNamespace } from './namespace';
import {
  addrEquals,
  addrString,
  is4,
  is4In6,
  isGlobalUnicast,
  isLinkLocalMulticast,
  isLinkLocalUnicast,
  isLoopback,
  isUnspecified,
  masked,
  parseAddr,
  parsePrefix,
  prefixContains,
  prefixEquals,
  prefixString,
  type Addr,
  type Prefix,
} from '../../go/netip';
import { goQuote, type LibraryValue } from './values';

export class CelIP implements LibraryValue {
  get celTypeName(): string {
    return 'net.IP';
  }

  constructor(readonly addr: Addr) {}

  equals(other: unknown): boolean {
    return other instanceof CelIP && addrEquals(this.addr, other.addr);
  }

  toString(): string {
    return addrString(this.addr);
  }
}

export class CelCIDR implements LibraryValue {
  get celTypeName(): string {
    return 'net.CIDR';
  }

  constructor(readonly prefix: Prefix) {}

  equals(other: unknown): boolean {
    return other instanceof CelCIDR && prefixEquals(this.prefix, other.prefix);
  }

  toString(): string {
    return prefixString(this.prefix);
  }
}

/** parseIPAddr: ParseAddr, then no zone and no IPv4-mapped IPv6. */
function parseIP(s: string): Addr | string {
  const addr = parseAddr(s);
  if (typeof addr === 'string') return `IP Address ${goQuote(s)} parse error during conversion from string: ${addr}`;
  if (addr.zone) return `IP address ${goQuote(s)} with zone value is not allowed`;
  if (is4In6(addr)) return `IPv4-mapped IPv6 address ${goQuote(s)} is not allowed`;
  return addr;
}

/** parseCIDR; its parse error is prefixed twice over in Kubernetes, and so here. */
function parseCIDR(s: string): Prefix | string {
  const prefix = parsePrefix(s);
  if (typeof prefix === 'string') return `network address parse error during conversion from string: network address parse error during conversion from string: ${prefix}`;
  if (is4In6(prefix.addr)) return `network address parse error during conversion from string: IPv4-mapped IPv6 address ${goQuote(s)} is not allowed`;
  return prefix;
}

function toIP(s: string): CelIP {
  const addr = parseIP(s);
  return typeof addr === 'string' ? fail(addr) : new CelIP(addr);
}

function toCIDR(s: string): CelCIDR {
  const prefix = parseCIDR(s);
  return typeof prefix === 'string' ? fail(prefix) : new CelCIDR(prefix);
}

/**
 * containsCIDR as Kubernetes computes it: the receiver's network address must equal the other
 * CIDR's address taken at the receiver's length (netip.PrefixFrom does not mask it), so only a
 * CIDR that starts where the receiver's network does is contained: `10.0.0.0/8` contains
 * `10.0.0.0/16` but not `10.1.0.0/16`.
 */
function containsCIDR(outer: Prefix, inner: Prefix): boolean {
  const sameStart = prefixEquals(masked(outer), { addr: inner.addr, bits: outer.bits });
  return sameStart && outer.bits <= inner.bits;
}

export function registerNetLibrary(env: Environment): void {
  const IP = 'net.IP';
  const CIDR = 'net.CIDR';
  const ipNamespace = registerNamespace(env, 'ip');
  env
    .registerType(IP, CelIP)
    .registerType(CIDR, CelCIDR)
    .registerOperator(`${IP} == ${IP}`, (a: CelIP, b: CelIP) => a.equals(b))
    .registerOperator(`${CIDR} == ${CIDR}`, (a: CelCIDR, b: CelCIDR) => a.equals(b))
    .registerFunction(`ip(string): ${IP}`, toIP)
    .registerFunction('isIP(string): bool', (s: string) => typeof parseIP(s) !== 'string')
    .registerFunction(`${ipNamespace}.isCanonical(string): bool`, (_: unknown, s: string) => toIP(s).toString() === s)
    .registerFunction(`string(${IP}): string`, (ip: CelIP) => ip.toString())
    .registerFunction(`${IP}.family(): int`, (ip: CelIP) => (is4(ip.addr) ? 4n : 6n))
    .registerFunction(`${IP}.isUnspecified(): bool`, (ip: CelIP) => isUnspecified(ip.addr))
    .registerFunction(`${IP}.isLoopback(): bool`, (ip: CelIP) => isLoopback(ip.addr))
    .registerFunction(`${IP}.isLinkLocalMulticast(): bool`, (ip: CelIP) => isLinkLocalMulticast(ip.addr))
    .registerFunction(`${IP}.isLinkLocalUnicast(): bool`, (ip: CelIP) => isLinkLocalUnicast(ip.addr))
    .registerFunction(`${IP}.isGlobalUnicast(): bool`, (ip: CelIP) => isGlobalUnicast(ip.addr))
    .registerFunction(`cidr(string): ${CIDR}`, toCIDR)
    .registerFunction('isCIDR(string): bool', (s: string) => typeof parseCIDR(s) !== 'string')
    .registerFunction(`string(${CIDR}): string`, (c: CelCIDR) => c.toString())
    .registerFunction(`${CIDR}.containsIP(${IP}): bool`, (c: CelCIDR, ip: CelIP) => prefixContains(c.prefix, ip.addr))
    .registerFunction(`${CIDR}.containsIP(string): bool`, (c: CelCIDR, s: string) => {
      // Kubernetes passes the failed conversion on as an argument no overload takes.
      const addr = parseIP(s);
      return typeof addr === 'string' ? fail(noSuchOverload) : prefixContains(c.prefix, addr);
    })
    .registerFunction(`${CIDR}.containsCIDR(${CIDR}): bool`, (c: CelCIDR, other: CelCIDR) => containsCIDR(c.prefix, other.prefix))
    .registerFunction(`${CIDR}.containsCIDR(string): bool`, (c: CelCIDR, s: string) => containsCIDR(c.prefix, toCIDR(s).prefix))
    .registerFunction(`${CIDR}.ip(): ${IP}`, (c: CelCIDR) => new CelIP(c.prefix.addr))
    .registerFunction(`${CIDR}.masked(): ${CIDR}`, (c: CelCIDR) => new CelCIDR(masked(c.prefix)))
    .registerFunction(`${CIDR}.prefixLength(): int`, (c: CelCIDR) => BigInt(c.prefix.bits));
  // The types themselves are named too, as `net.IP` and `net.CIDR` (`type(x) == net.IP`).
  const types = { IP: env.evaluate('type(ip("0.0.0.0"))'), CIDR: env.evaluate('type(cidr("0.0.0.0/0"))') };
  env.registerConstant('net', 'map<string, type>', types);
}

