// IPv4 addresses and CIDR blocks as numbers, for the cluster's address allocators.

/** `10.244.1.0/24` parsed: the network address as a uint32 and the prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
  /** How many addresses the block holds, network and broadcast addresses included. */
  readonly size: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address ${JSON.stringify(text)}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  const prefix = Number(bits);
  if (ip === undefined || !/^\d{1,2}$/.test(bits ?? '') || prefix > 32) throw new Error(`invalid CIDR address: ${text}`);
  const size = 2 ** (32 - prefix);
  const base = parseIPv4(ip) - (parseIPv4(ip) % size);
  return { base, prefix, size };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}
