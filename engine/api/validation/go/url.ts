// Go's net/url, as Kubernetes reads URLs (a webhook's clientConfig.url, the CEL URL library):
// url.Parse and url.ParseRequestURI with their error texts (`parse "../a": invalid URI for
// request`), and a URL's Hostname, Port, EscapedPath, Query, Userinfo and String. Hosts are checked
// as recent Go releases check them (a bracketed host must be an IPv6 address); paths are kept both
// decoded and as written, since EscapedPath returns the written form when it is a valid encoding.
import { parseAddr, is4 } from './netip';
import { goQuote } from './quote';

export interface URL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'userinfo' | 'query' | 'fragment';

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isHex = (c: number | undefined): boolean => c !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(c));
const has = (set: string, c: number): boolean => c < 0x80 && set.includes(String.fromCharCode(c));

/** shouldEscape: whether byte c must be %-escaped in the given part of a URL. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && has(`!$&'()*+,;=:[]<>"`, c)) return false;
  if (has('-_.~', c)) return false;
  if (has('$&+,/:;=?@', c)) {
    if (mode === 'path') return c === 0x3f;
    if (mode === 'userinfo') return has('@/?:', c);
    if (mode === 'query') return true;
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && has('!()*', c)) return false;
  return true;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** unescape: the decoded text, or the error text for a bad escape or (in a host) a bad character. */
function unescape(s: string, mode: Mode): { value: string } | { error: string } {
  const b = utf8(s);
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c === 0x25) {
      if (i + 2 >= b.length || !isHex(b[i + 1]) || !isHex(b[i + 2])) return { error: `invalid URL escape ${goQuote(b.subarray(i, i + 3).toString('latin1'))}` };
      const escape = b.subarray(i, i + 3).toString('latin1');
      const v = parseInt(escape.slice(1), 16);
      // A host may escape only non-ASCII bytes, or a percent sign before an IPv6 zone.
      if (mode === 'host' && v < 0x80 && escape !== '%25') return { error: `invalid URL escape ${goQuote(escape)}` };
      if (mode === 'zone' && escape !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) return { error: `invalid URL escape ${goQuote(escape)}` };
      out.push(v);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) return { error: `invalid character ${goQuote(String.fromCharCode(c))} in host name` };
    out.push(mode === 'query' && c === 0x2b ? 0x20 : c);
    i++;
  }
  return { value: Buffer.from(out).toString('utf8') };
}

/** escape: s with every byte that should be escaped in this part written as %XX. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (const c of utf8(s)) {
    if (mode === 'query' && c === 0x20) out += '+';
    else out += shouldEscape(c, mode) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(c);
  }
  return out;
}

/** validEncoded: whether s is already a valid escaping for this part. */
function validEncoded(s: string, mode: Mode): boolean {
  return [...utf8(s)].every((c) => has(`!$&'()*+,;=:@[]%`, c) || !shouldEscape(c, mode));
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);
const validUserinfo = (s: string): boolean => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);

function parseHost(scheme: string, host: string): string | { error: string } {
  const open = host.lastIndexOf('[');
  if (open > 0) return { error: 'invalid IP-literal' };
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
    const inside = host.slice(1, close);
    const zone = inside.indexOf('%25');
    const parts = zone < 0 ? [unescape(inside, 'host')] : [unescape(inside.slice(0, zone), 'host'), unescape(inside.slice(zone), 'zone')];
    let address = '';
    for (const p of parts) {
      if ('error' in p) return p;
      address += p.value;
    }
    const addr = parseAddr(address);
    if (typeof addr === 'string') return { error: `invalid host: ${addr}` };
    if (is4(addr)) return { error: 'invalid IP-literal' };
    return `[${address}]${colonPort}`;
  }
  const colon = scheme === 'http' || scheme === 'https' ? host.indexOf(':') : host.lastIndexOf(':');
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) return { error: `invalid port ${goQuote(host.slice(colon))} after host` };
  const h = unescape(host, 'host');
  return 'error' in h ? h : h.value;
}

function parseAuthority(url: URL, authority: string): { error: string } | undefined {
  const at = authority.lastIndexOf('@');
  const host = parseHost(url.scheme, authority.slice(at + 1));
  if (typeof host !== 'string') return host;
  url.host = host;
  if (at < 0) return undefined;
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) return { error: 'net/url: invalid userinfo' };
  const colon = userinfo.indexOf(':');
  const username = unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userinfo');
  if ('error' in username) return username;
  if (colon < 0) {
    url.user = { username: username.value };
    return undefined;
  }
  const password = unescape(userinfo.slice(colon + 1), 'userinfo');
  if ('error' in password) return password;
  url.user = { username: username.value, password: password.value };
  return undefined;
}

/** setPath: the decoded path, and the written one when it differs from the default encoding. */
function setPath(url: URL, p: string): { error: string } | undefined {
  const path = unescape(p, 'path');
  if ('error' in path) return path;
  url.path = path.value;
  url.rawPath = escape(path.value, 'path') === p ? '' : p;
  return undefined;
}

/** parse(rawURL, viaRequest): the URL, or the error (before `parse "…": ` is put in front of it). */
function parse(raw: string, viaRequest: boolean): URL | { error: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: 'net/url: invalid control character in URL' };
  if (raw === '' && viaRequest) return { error: 'empty url' };
  const url: URL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', forceQuery: false, rawQuery: '', fragment: '', rawFragment: '' };
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  // A scheme is [A-Za-z][A-Za-z0-9+.-]* before a ':'.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*)?:/.exec(raw);
  if (scheme && !scheme[1]) return { error: 'missing protocol scheme' };
  let rest = raw;
  if (scheme) {
    url.scheme = scheme[1]!.toLowerCase();
    rest = raw.slice(scheme[0].length);
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    url.rawQuery = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    if (url.scheme) {
      // A rootless path after a scheme is opaque (`mailto:a@b`).
      url.opaque = rest;
      return url;
    }
    if (viaRequest) return { error: 'invalid URI for request' };
    if (rest.split('/')[0]!.includes(':')) return { error: 'first path segment in URL cannot contain colon' };
  }
  if ((url.scheme || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const failed = parseAuthority(url, authority);
    if (failed) return failed;
  }
  return setPath(url, rest) ?? url;
}

const parseError = (raw: string, error: string): string => `parse ${goQuote(raw)}: ${error}`;

/** url.Parse: a URL reference, its fragment after the first `#`. */
export function parseURL(raw: string): URL | string {
  const hash = raw.indexOf('#');
  const head = hash < 0 ? raw : raw.slice(0, hash);
  const url = parse(head, false);
  if ('error' in url) return parseError(head, url.error);
  if (hash < 0) return url;
  const f = raw.slice(hash + 1);
  const frag = unescape(f, 'fragment');
  if ('error' in frag) return parseError(raw, frag.error);
  url.fragment = frag.value;
  url.rawFragment = escape(frag.value, 'fragment') === f ? '' : f;
  return url;
}

/** url.ParseRequestURI: an absolute URI or an absolute path, with no fragment. */
export function parseRequestURI(raw: string): URL | string {
  const url = parse(raw, true);
  return 'error' in url ? parseError(raw, url.error) : url;
}

/** splitHostPort: a valid numeric port splits off; brackets around the host come off. */
function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

export const hostname = (u: URL): string => splitHostPort(u.host).host;
export const port = (u: URL): string => splitHostPort(u.host).port;

/** The written form of a decoded part, when it is a valid encoding of it. */
function writtenForm(decoded: string, raw: string, mode: Mode): string | undefined {
  if (!raw || !validEncoded(raw, mode)) return undefined;
  const u = unescape(raw, mode);
  return 'value' in u && u.value === decoded ? raw : undefined;
}

/** EscapedPath: the path as written if that is a valid encoding of it, else the default encoding. */
export function escapedPath(u: URL): string {
  return writtenForm(u.path, u.rawPath, 'path') ?? (u.path === '*' ? '*' : escape(u.path, 'path'));
}

/** Query: the query's values by key, in order; pairs that do not decode (or hold a `;`) are skipped. */
export function query(u: URL): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq), 'query');
    const value = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'query');
    if ('error' in key || 'error' in value) continue;
    values.set(key.value, [...(values.get(key.value) ?? []), value.value]);
  }
  return values;
}

/** Userinfo.String: the user, and the password if any, escaped again. */
export function userinfoString(user: NonNullable<URL['user']>): string {
  return `${escape(user.username, 'userinfo')}${user.password === undefined ? '' : `:${escape(user.password, 'userinfo')}`}`;
}

/** URL.String: the URL reassembled from its parts, each in its escaped form. */
export function urlString(u: URL): string {
  let out = u.scheme ? `${u.scheme}:` : '';
  if (u.opaque) {
    out += u.opaque;
  } else {
    if (u.scheme || u.host || u.user) {
      if (u.host || u.path || u.user) out += '//';
      if (u.user) out += `${userinfoString(u.user)}@`;
      out += escape(u.host, 'host');
    }
    const path = escapedPath(u);
    if (path && !path.startsWith('/') && u.host) out += '/';
    // A first segment with a colon would read as a scheme.
    if (out === '' && path.split('/')[0]!.includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery) out += `?${u.rawQuery}`;
  if (u.fragment) out += `#${writtenForm(u.fragment, u.rawFragment, 'fragment') ?? escape(u.fragment, 'fragment')}`;
  return out;
}
