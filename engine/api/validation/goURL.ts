// Go's url.Parse, as far as Kubernetes' validation reads a URL (a webhook's clientConfig.url): its
// scheme, host, user information, query and fragment, or the error text Go gives, which the API
// server's messages quote (`parse "https://a b": invalid character " " in host name`).
export interface GoURL {
  scheme: string;
  host: string;
  /** Userinfo.String(): the user and password, escaped again; undefined when the URL has none. */
  user?: string;
  rawQuery: string;
  fragment: string;
}

/** strconv.Quote for the texts URL errors quote (control characters as Go escapes them). */
function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += named[ch] ?? (c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch);
  }
  return `"${out}"`;
}

type Mode = 'host' | 'zone' | 'userinfo' | 'path' | 'fragment';

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go's shouldEscape for the modes parsing uses: whether the ASCII character c must be %-escaped. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userinfo') return '@/?:'.includes(c);
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

/** Go's unescape: the decoded text, or the error text for a bad escape or (in a host) a bad character. */
function unescape(s: string, mode: Mode): { value: string } | { error: string } {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = String.fromCodePoint(s.codePointAt(i)!);
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return { error: `invalid URL escape ${goQuote(s.slice(i, i + 3))}` };
      const escape = s.slice(i, i + 3);
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      // Only non-ASCII bytes may be escaped in a host; %25 introduces an IPv6 zone.
      if (mode === 'host' && byte < 0x80 && escape !== '%25') return { error: `invalid URL escape ${goQuote(escape)}` };
      if (mode === 'zone' && escape !== '%25' && byte !== 0x20 && shouldEscape(String.fromCharCode(byte), 'host'))
        return { error: `invalid URL escape ${goQuote(escape)}` };
      bytes.push(byte);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) return { error: `invalid character ${goQuote(c)} in host name` };
    bytes.push(...Buffer.from(c, 'utf8'));
    i += c.length;
  }
  return { value: Buffer.from(bytes).toString('utf8') };
}

/** escape(s, encodeUserPassword), byte by byte as Go does. */
function escapeUserinfo(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, 'userinfo') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);
const validUserinfo = (s: string): boolean => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);

/** parseHost: host[:port], or an IPv6 literal in brackets (which must hold an IPv6 address). */
function parseHost(scheme: string, host: string): string | { error: string } {
  const open = host.lastIndexOf('[');
  if (open > 0) return { error: 'invalid IP-literal' };
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const parts = zone < 0 ? [unescape(hostname, 'host')] : [unescape(hostname.slice(0, zone), 'host'), unescape(hostname.slice(zone), 'zone')];
    let address = '';
    for (const p of parts) {
      if ('error' in p) return p;
      address += p.value;
    }
    return bracketedAddressError(address) ?? `[${address}]${colonPort}`;
  }
  const first = host.indexOf(':');
  if (first >= 0) {
    // Several colons are refused for http and https; other schemes take the port after the last one.
    const at = scheme === 'http' || scheme === 'https' ? first : host.lastIndexOf(':');
    const colonPort = host.slice(at);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
  }
  const h = unescape(host, 'host');
  return 'error' in h ? h : h.value;
}

/** netip.ParseAddr's verdict on a bracketed host: Go accepts only IPv6 there (IPv4-mapped included). */
function bracketedAddressError(address: string): { error: string } | undefined {
  const parsed = parseAddr(address);
  if ('error' in parsed) return { error: `invalid host: ${parsed.error}` };
  return parsed.family === 'IPv4' ? { error: 'invalid IP-literal' } : undefined;
}

/** ParseAddr's error text for `input`, with the unparsed rest it stopped at. */
const addrError = (input: string, msg: string, rest = ''): string => `ParseAddr(${goQuote(input)}): ${msg}${rest ? ` (at ${goQuote(rest)})` : ''}`;

/** netip.ParseAddr: which family the text is, or the error text Go gives for it. */
function parseAddr(s: string): { family: 'IPv4' | 'IPv6' } | { error: string } {
  const first = /[.:%]/.exec(s)?.[0];
  const error = first === '.' ? parseIPv4(s) : first === ':' ? parseIPv6(s) : addrError(s, first === '%' ? 'missing IPv6 address' : 'unable to parse IP');
  if (error !== undefined) return { error };
  return { family: first === '.' ? 'IPv4' : 'IPv6' };
}

/** Dotted decimal, no leading zeros: the error text, or undefined when it is an IPv4 address. */
function parseIPv4(s: string): string | undefined {
  let octets = 0;
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) return addrError(s, 'IPv4 field has octet with leading zero');
      val = val * 10 + Number(c);
      digits++;
      if (val > 255) return addrError(s, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return addrError(s, 'IPv4 field must have at least one digit', s.slice(i));
      if (octets === 3) return addrError(s, 'IPv4 address too long');
      octets++;
      val = 0;
      digits = 0;
    } else {
      return addrError(s, 'unexpected character', s.slice(i));
    }
  }
  return octets < 3 ? addrError(s, 'IPv4 address too short') : undefined;
}

/** Colon-separated hex fields, one `::`, an optional IPv4 tail and `%zone`: the error text, or undefined. */
function parseIPv6(input: string): string | undefined {
  const percent = input.indexOf('%');
  let s = percent < 0 ? input : input.slice(0, percent);
  if (percent >= 0 && percent === input.length - 1) return addrError(input, 'zone must be a non-empty string');
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (!s) return undefined;
  }
  // `bytes` counts the address's bytes parsed so far, as Go's index into its 16-byte array.
  let bytes = 0;
  while (bytes < 16) {
    const field = /^[0-9A-Fa-f]*/.exec(s)![0];
    // Go stops at the first digit that takes the field past 16 bits.
    let acc = 0;
    for (const d of field) {
      acc = acc * 16 + parseInt(d, 16);
      if (acc > 0xffff) return addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (!field) return addrError(input, 'each colon-separated field must have at least one digit', s);
    if (s[field.length] === '.') {
      if (ellipsis < 0 && bytes !== 12) return addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (bytes + 4 > 16) return addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const v4 = parseIPv4(s);
      if (v4 !== undefined) return addrError(input, v4, s);
      s = '';
      bytes += 4;
      break;
    }
    bytes += 2;
    s = s.slice(field.length);
    if (!s) break;
    if (s[0] !== ':') return addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) return addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return addrError(input, 'multiple :: in address', s);
      ellipsis = bytes;
      s = s.slice(1);
      if (!s) break;
    }
  }
  if (s) return addrError(input, 'trailing garbage after address', s);
  if (bytes < 16 && ellipsis < 0) return addrError(input, 'address string too short');
  if (bytes === 16 && ellipsis >= 0) return addrError(input, 'the :: must expand to at least one field of zeros');
  return undefined;
}

/** url.Parse: the parts ValidateWebhookURL reads, or Go's error text (`parse "…": …`). */
export function parseGoURL(raw: string): GoURL | string {
  const hash = raw.indexOf('#');
  const head = hash < 0 ? raw : raw.slice(0, hash);
  const u = parseWithoutFragment(head);
  if ('error' in u) return `parse ${goQuote(head)}: ${u.error}`;
  if (hash >= 0) {
    const f = unescape(raw.slice(hash + 1), 'fragment');
    if ('error' in f) return `parse ${goQuote(raw)}: ${f.error}`;
    u.fragment = f.value;
  }
  return u;
}

function parseWithoutFragment(raw: string): GoURL | { error: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: 'net/url: invalid control character in URL' };
  const url: GoURL = { scheme: '', host: '', rawQuery: '', fragment: '' };
  if (raw === '*') return url;
  // A scheme is [A-Za-z][A-Za-z0-9+.-]* before a ':'; anything else means there is none.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*)?:/.exec(raw);
  if (m && !m[1]) return { error: 'missing protocol scheme' };
  let rest = raw;
  if (m) {
    url.scheme = m[1].toLowerCase();
    rest = raw.slice(m[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    // The query is all after the first '?' (a lone trailing '?' only forces an empty one).
    url.rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (url.scheme) return url; // an opaque URL (`https:host`): no host
    if (rest.split('/')[0].includes(':')) return { error: 'first path segment in URL cannot contain colon' };
  }
  if ((url.scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash < 0 ? '' : authority.slice(slash);
    if (slash >= 0) authority = authority.slice(0, slash);
    const parsed = parseAuthority(url.scheme, authority);
    if ('error' in parsed) return parsed;
    url.host = parsed.host;
    if (parsed.user !== undefined) url.user = parsed.user;
  }
  const path = unescape(rest, 'path');
  return 'error' in path ? path : url;
}

function parseAuthority(scheme: string, authority: string): { host: string; user?: string } | { error: string } {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (typeof host !== 'string') return host;
  if (at < 0) return { host };
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) return { error: 'net/url: invalid userinfo' };
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  const decoded: string[] = [];
  for (const p of parts) {
    const d = unescape(p, 'userinfo');
    if ('error' in d) return d;
    decoded.push(escapeUserinfo(d.value));
  }
  return { host, user: decoded.join(':') };
}
