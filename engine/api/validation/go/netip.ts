// Go's net/netip, as far as Kubernetes' IP and CIDR libraries use it: ParseAddr and ParsePrefix with
// their error texts (`ParseAddr("1.2.3"): IPv4 address too short`), the canonical text of an address
// (RFC 5952 for IPv6), masking, containment and the address classes (loopback, link-local, …).
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-ip-address-library
import { goQuote } from './quote';

/** An IP address: 4 bytes for IPv4, 16 for IPv6 (with an optional zone). */
export interface Addr {
  readonly bytes: readonly number[];
  readonly zone: string;
}

export interface Prefix {
  readonly addr: Addr;
  readonly bits: number;
}

export const is4 = (a: Addr): boolean => a.bytes.length === 4;
export const bitLen = (a: Addr): number => a.bytes.length * 8;

/** An IPv4 address written as IPv6 (`::ffff:1.2.3.4`). */
export const is4In6 = (a: Addr): boolean =>
  a.bytes.length === 16 && a.bytes.slice(0, 10).every((b) => b === 0) && a.bytes[10] === 0xff && a.bytes[11] === 0xff;

const unmap = (a: Addr): Addr => (is4In6(a) ? { bytes: a.bytes.slice(12), zone: '' } : a);

const addrError = (input: string, msg: string, at?: string): string =>
  `ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ''}`;

/** parseIPv4Fields: the 4 bytes of in[from:to], or the error text. */
function parseIPv4Fields(input: string, from: number, to: number): number[] | string {
  const s = input.slice(from, to);
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) return addrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + Number(c);
      digits++;
      if (val > 255) return addrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return addrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      if (fields.length === 3) return addrError(input, 'IPv4 address too long');
      fields.push(val);
      val = 0;
      digits = 0;
    } else {
      return addrError(input, 'unexpected character', s.slice(i));
    }
  }
  if (fields.length < 3) return addrError(input, 'IPv4 address too short');
  fields.push(val);
  return fields;
}

/** One hex field at the start of s: its value and length, or an error text. */
function hexField(input: string, s: string): { value: number; length: number } | string {
  let value = 0;
  let length = 0;
  for (; length < s.length && /[0-9a-fA-F]/.test(s[length]!); length++) {
    value = value * 16 + parseInt(s[length]!, 16);
    if (length > 3) return addrError(input, 'each group must have 4 or less digits', s);
    if (value > 0xffff) return addrError(input, 'IPv6 field has value >=2^16', s);
  }
  if (length === 0) return addrError(input, 'each colon-separated field must have at least one digit', s);
  return { value, length };
}

function parseIPv6(input: string): Addr | string {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') return addrError(input, 'zone must be a non-empty string');
  }
  const ip: number[] = new Array(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    const field = hexField(input, s);
    if (typeof field === 'string') return field;
    if (s[field.length] === '.') {
      // An embedded IPv4 address, which must fill the last four bytes.
      if (ellipsis < 0 && i !== 12) return addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) return addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const end = input.length - (zone ? zone.length + 1 : 0);
      const v4 = parseIPv4Fields(input, end - s.length, end);
      if (typeof v4 === 'string') return v4;
      ip.splice(i, 4, ...v4);
      s = '';
      i += 4;
      break;
    }
    ip[i] = field.value >> 8;
    ip[i + 1] = field.value & 0xff;
    i += 2;
    s = s.slice(field.length);
    if (s === '') break;
    if (s[0] !== ':') return addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) return addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) return addrError(input, 'address string too short');
    // Expand the `::` into the zero bytes it stands for.
    const tail = ip.slice(ellipsis, i);
    ip.fill(0, ellipsis);
    ip.splice(16 - tail.length, tail.length, ...tail);
  } else if (ellipsis >= 0) {
    return addrError(input, 'the :: must expand to at least one field of zeros');
  }
  return { bytes: ip, zone };
}

/** netip.ParseAddr: the address, or Go's error text. */
export function parseAddr(s: string): Addr | string {
  const first = /[.:%]/.exec(s)?.[0];
  if (first === '.') {
    const v4 = parseIPv4Fields(s, 0, s.length);
    return typeof v4 === 'string' ? v4 : { bytes: v4, zone: '' };
  }
  if (first === ':') return parseIPv6(s);
  return addrError(s, first === '%' ? 'missing IPv6 address' : 'unable to parse IP');
}

/** Addr.String: dotted IPv4, or IPv6 in lower case with the longest run of zero fields as `::`. */
export function addrString(a: Addr): string {
  if (is4(a)) return a.bytes.join('.');
  const zone = a.zone ? `%${a.zone}` : '';
  if (is4In6(a)) return `::ffff:${a.bytes.slice(12).join('.')}${zone}`;
  const fields = Array.from({ length: 8 }, (_, i) => (a.bytes[2 * i]! << 8) | a.bytes[2 * i + 1]!);
  // The first longest run of at least two zero fields.
  let start = -1;
  let length = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && fields[j] === 0) j++;
    if (j - i >= 2 && j - i > length) {
      start = i;
      length = j - i;
    }
  }
  const hex = (from: number, to: number) => fields.slice(from, to).map((f) => f.toString(16)).join(':');
  if (start < 0) return hex(0, 8) + zone;
  return `${hex(0, start)}::${hex(start + length, 8)}${zone}`;
}

const parsePrefixError = (input: string, msg: string): string => `netip.ParsePrefix(${goQuote(input)}): ${msg}`;

/** netip.ParsePrefix: an address and prefix length, not masked, or Go's error text. */
export function parsePrefix(s: string): Prefix | string {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return parsePrefixError(s, "no '/'");
  const addr = parseAddr(s.slice(0, slash));
  if (typeof addr === 'string') return parsePrefixError(s, addr);
  if (!is4(addr) && addr.zone) return parsePrefixError(s, 'IPv6 zones cannot be present in a prefix');
  const bitsText = s.slice(slash + 1);
  // strconv.Atoi would take a sign or leading zeros; ParsePrefix does not.
  if (!/^(0|[1-9][0-9]*)$/.test(bitsText)) return parsePrefixError(s, `bad bits after slash: ${goQuote(bitsText)}`);
  const bits = Number(bitsText);
  if (bits > bitLen(addr)) return parsePrefixError(s, 'prefix length out of range');
  return { addr, bits };
}

export const prefixString = (p: Prefix): string => `${addrString(p.addr)}/${p.bits}`;

function maskBytes(bytes: readonly number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    return b & (0xff << (8 - keep)) & 0xff;
  });
}

/** Prefix.Masked: the network address, host bits cleared. */
export const masked = (p: Prefix): Prefix => ({ addr: { bytes: maskBytes(p.addr.bytes, p.bits), zone: '' }, bits: p.bits });

export const addrEquals = (a: Addr, b: Addr): boolean => a.zone === b.zone && a.bytes.length === b.bytes.length && a.bytes.every((x, i) => x === b.bytes[i]);

export const prefixEquals = (a: Prefix, b: Prefix): boolean => a.bits === b.bits && addrEquals(a.addr, b.addr);

/** Prefix.Contains: same family, no zone, and the same network bits. */
export function prefixContains(p: Prefix, a: Addr): boolean {
  if (a.zone || bitLen(a) !== bitLen(p.addr)) return false;
  return addrEquals(masked(p).addr, { bytes: maskBytes(a.bytes, p.bits), zone: '' });
}

const isMulticast = (a: Addr): boolean => (is4(a) ? (a.bytes[0]! & 0xf0) === 0xe0 : a.bytes[0] === 0xff);

export const isLoopback = (addr: Addr): boolean => {
  const a = unmap(addr);
  return is4(a) ? a.bytes[0] === 127 : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1;
};

export const isUnspecified = (a: Addr): boolean => a.bytes.every((b) => b === 0) && !a.zone;

export const isLinkLocalUnicast = (addr: Addr): boolean => {
  const a = unmap(addr);
  return is4(a) ? a.bytes[0] === 169 && a.bytes[1] === 254 : a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80;
};

export const isLinkLocalMulticast = (addr: Addr): boolean => {
  const a = unmap(addr);
  return is4(a) ? a.bytes[0] === 224 && a.bytes[1] === 0 && a.bytes[2] === 0 : a.bytes[0] === 0xff && (a.bytes[1]! & 0x0f) === 0x02;
};

/** IsGlobalUnicast, as package net judges it: private and ULA addresses count as global. */
export const isGlobalUnicast = (addr: Addr): boolean => {
  const a = unmap(addr);
  if (is4(a) && (a.bytes.every((b) => b === 0) || a.bytes.every((b) => b === 255))) return false;
  return !(!is4(a) && a.bytes.every((b) => b === 0)) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);
};
