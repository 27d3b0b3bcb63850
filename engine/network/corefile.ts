// CoreDNS's configuration, the Corefile the kubeadm addon keeps in the `coredns` ConfigMap, and how
// a CoreDNS server configured by it answers a name. The Corefile is Caddy's syntax: server blocks
// (`zone[:port] … {`) holding directive lines, a directive's own block in braces, `#` comments and
// quoted arguments. A server answers a query in the block whose zone is the longest suffix of the
// name, its plugins running in CoreDNS's compiled-in order whatever the order of the lines (rewrite,
// then hosts, then kubernetes, then forward). Modelled: `rewrite name` (exact, prefix, suffix,
// substring, regex), `hosts` inline entries, `kubernetes` (zones, pods, namespaces, fallthrough,
// endpoint_pod_names) and `forward`, whose upstream (the node's resolver, or another server) knows
// no name in this cluster-only network. The other plugins are accepted and change no answer: those
// of kubeadm's Corefile (errors, health, ready, prometheus, cache, loop, reload, loadbalance) shape
// nothing a simulated request sees; the rest (template, file, etcd…) are not simulated. A directive
// CoreDNS does not know, or a plugin line it would refuse, is an error in CoreDNS's words.

/**
 * A query's fate in one server: an address (the hosts plugin), a record the kubernetes plugin found,
 * no such name, or no server or plugin that takes it. `label` is the name as a trace shows it,
 * with the rewrite or hosts entry that answered.
 */
export type DnsAnswer<T> =
  | { kind: 'address'; ip: string; label: string }
  | { kind: 'record'; record: T; label: string }
  | { kind: 'nxdomain' }
  | { kind: 'refused' };

export class CorefileError extends Error {
  override readonly name = 'CorefileError';
}

/** The `kubernetes` plugin's settings. */
export interface KubernetesPlugin {
  zones: string[];
  /** How `a-b-c-d.<ns>.pod.<zone>` answers: any address (insecure), a pod's only (verified), or not at all. */
  pods: 'disabled' | 'insecure' | 'verified';
  /** Namespaces exposed (all when empty). */
  namespaces: string[];
  /** Zones where a name it does not know goes on to the next plugin; undefined: nowhere. */
  fallthrough?: string[];
  endpointPodNames: boolean;
}

interface RewriteRule {
  match: 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';
  from: string;
  to: string;
  regex?: RegExp;
  /** `continue`: the next rewrite rule may apply too; `stop` (the default): it is the last. */
  next: 'stop' | 'continue';
  line: number;
}

interface HostsPlugin {
  zones: string[];
  entries: Map<string, string[]>;
  fallthrough?: string[];
}

interface ForwardPlugin {
  from: string;
  to: string[];
}

/** One server block: its zones on one port, and the plugins that shape answers. */
export interface ServerBlock {
  keys: string[];
  zones: string[];
  port: number;
  rewrites: RewriteRule[];
  hosts?: HostsPlugin;
  kubernetes?: KubernetesPlugin;
  forward?: ForwardPlugin;
}

export interface Corefile {
  servers: ServerBlock[];
}

/** Every directive CoreDNS's default build knows (plugin.cfg). */
const directives = new Set([
  'root', 'metadata', 'geoip', 'cancel', 'tls', 'timeouts', 'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace',
  'ready', 'health', 'pprof', 'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'acl', 'any', 'chaos', 'loadbalance',
  'tsig', 'cache', 'rewrite', 'header', 'dnssec', 'autopath', 'minimal', 'template', 'transfer', 'hosts', 'route53', 'azure',
  'clouddns', 'k8s_external', 'kubernetes', 'file', 'auto', 'secondary', 'etcd', 'loop', 'forward', 'grpc', 'erratic',
  'whoami', 'on', 'sign', 'view',
]);

/** Directives that may appear once per server block (CoreDNS refuses a second). */
const once = new Set(['kubernetes', 'hosts', 'forward', 'cache', 'health', 'ready', 'reload', 'errors', 'loop', 'prometheus', 'loadbalance']);

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

/** Caddy's lexer: words, quoted strings, braces; `#` to the end of a line is a comment. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = line;
      let word = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && text[i + 1] === '"') i++;
        if (text[i] === '\n') line++;
        word += text[i];
        i++;
      }
      if (i >= text.length) throw parseError(start, 'Unexpected EOF');
      i++;
      tokens.push({ text: word, line: start, quoted: true });
    } else {
      let word = '';
      while (i < text.length && !/\s/.test(text[i]!)) word += text[i++];
      tokens.push({ text: word, line, quoted: false });
    }
  }
  return tokens;
}

function parseError(line: number, message: string): CorefileError {
  return new CorefileError(`Corefile:${line} - Error during parsing: ${message}`);
}

function pluginError(plugin: string, line: number, message: string): CorefileError {
  return new CorefileError(`plugin/${plugin}: Corefile:${line} - Error during parsing: ${message}`);
}

const isBrace = (t: Token | undefined, b: '{' | '}') => t !== undefined && !t.quoted && t.text === b;

/** A directive line: its name, arguments, and the lines of its block, if any. */
interface Directive {
  name: string;
  args: Token[];
  block?: Token[][];
  line: number;
}

/**
 * The Corefile's server blocks, or a CorefileError naming the line, in CoreDNS's words: an unknown
 * directive, a plugin's wrong arguments or properties, an unclosed block.
 */
export function parseCorefile(text: string, file = 'Corefile'): Corefile {
  try {
    return parseServers(text);
  } catch (e) {
    // CoreDNS names the file it read (`-conf /etc/coredns/Corefile`) where the line is given.
    if (e instanceof CorefileError && file !== 'Corefile') throw new CorefileError(e.message.replace(/(^|: )Corefile:(\d+) - /, `$1${file}:$2 - `));
    throw e;
  }
}

/** parseCorefile, with the error CoreDNS would refuse the text with returned instead of thrown. */
export function tryParseCorefile(text: string, file?: string): Corefile | CorefileError {
  try {
    return parseCorefile(text, file);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
}

function parseServers(text: string): Corefile {
  const tokens = tokenize(text);
  let i = 0;
  const servers: ServerBlock[] = [];
  while (i < tokens.length) {
    const keys: Token[] = [];
    while (i < tokens.length && !isBrace(tokens[i], '{')) {
      if (isBrace(tokens[i], '}')) throw parseError(tokens[i]!.line, "Unexpected '}' because no matching opening brace");
      for (const k of tokens[i]!.text.split(',')) if (k) keys.push({ ...tokens[i]!, text: k });
      i++;
    }
    if (i >= tokens.length) throw parseError(tokens[tokens.length - 1]?.line ?? 1, 'Unexpected EOF');
    const open = tokens[i++]!;
    if (keys.length === 0) throw parseError(open.line, "Unexpected '{', expecting a server block key");
    // The block's lines: tokens grouped by line, a `{ … }` after a directive's arguments being its block.
    const body: Token[] = [];
    let depth = 1;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (isBrace(t, '{')) depth++;
      else if (isBrace(t, '}') && --depth === 0) break;
      body.push(t);
    }
    if (depth !== 0) throw parseError(open.line, 'Unexpected EOF');
    i++;
    servers.push(serverBlock(keys, directivesOf(body)));
  }
  if (servers.length === 0) throw new CorefileError('Corefile is empty: no server block');
  return { servers };
}

/** Groups a block's tokens into directive lines. */
function directivesOf(body: Token[]): Directive[] {
  const out: Directive[] = [];
  let j = 0;
  while (j < body.length) {
    const head = body[j]!;
    if (isBrace(head, '{') || isBrace(head, '}')) throw parseError(head.line, `Unexpected '${head.text}'`);
    const args: Token[] = [];
    j++;
    while (j < body.length && body[j]!.line === head.line && !isBrace(body[j], '{')) args.push(body[j++]!);
    let block: Token[][] | undefined;
    if (isBrace(body[j], '{') && body[j]!.line === head.line) {
      j++;
      const inner: Token[] = [];
      let depth = 1;
      for (; j < body.length; j++) {
        if (isBrace(body[j], '{')) depth++;
        else if (isBrace(body[j], '}') && --depth === 0) break;
        inner.push(body[j]!);
      }
      j++;
      block = [];
      for (const t of inner) {
        const last = block[block.length - 1];
        if (last && last[last.length - 1]!.line === t.line) last.push(t);
        else block.push([t]);
      }
    }
    out.push({ name: head.text, args, ...(block ? { block } : {}), line: head.line });
  }
  return out;
}

/** A zone as CoreDNS normalizes it: lower case, fully qualified. */
export function normalizeZone(zone: string): string {
  const z = zone.toLowerCase();
  return z.endsWith('.') ? z : `${z}.`;
}

/** Whether `name` (fully qualified) is in `zone`. */
function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

function serverKey(key: Token): { zone: string; port: number } {
  let text = key.text.replace(/^dns:\/\//, '');
  let port = 53;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    const p = text.slice(colon + 1);
    if (!/^\d+$/.test(p) || Number(p) > 65535) throw parseError(key.line, `invalid port '${p}' in server block key '${key.text}'`);
    port = Number(p);
    text = text.slice(0, colon);
  }
  if (/^[a-z]+:\/\//i.test(text)) throw parseError(key.line, `unsupported scheme in server block key '${key.text}'`);
  return { zone: normalizeZone(text || '.'), port };
}

function serverBlock(keys: Token[], lines: Directive[]): ServerBlock {
  const parsed = keys.map(serverKey);
  const zones = parsed.map((k) => k.zone);
  const server: ServerBlock = { keys: keys.map((k) => k.text), zones, port: parsed[0]!.port, rewrites: [] };
  const seen = new Set<string>();
  for (const d of lines) {
    if (!directives.has(d.name)) throw parseError(d.line, `Unknown directive '${d.name}'`);
    if (once.has(d.name) && seen.has(d.name)) throw new CorefileError(`plugin/${d.name}: this plugin can only be used once per Server Block`);
    seen.add(d.name);
    switch (d.name) {
      case 'rewrite':
        server.rewrites.push(...rewriteRules(d));
        break;
      case 'hosts':
        server.hosts = hostsPlugin(d, zones);
        break;
      case 'kubernetes':
        server.kubernetes = kubernetesPlugin(d, zones);
        break;
      case 'forward':
        server.forward = forwardPlugin(d);
        break;
    }
  }
  return server;
}

/** `rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer …]`; other rewrites change no name. */
function rewriteRules(d: Directive): RewriteRule[] {
  const args = d.args.map((t) => t.text);
  let next: 'stop' | 'continue' = 'stop';
  if (args[0] === 'stop' || args[0] === 'continue') next = args.shift() as 'stop' | 'continue';
  if (args.length < 2) throw pluginError('rewrite', d.line, "Wrong argument count or unexpected line ending after 'rewrite'");
  const field = args.shift()!;
  const fields = ['name', 'class', 'type', 'ttl', 'edns0', 'rcode', 'cname'];
  if (!fields.includes(field)) throw pluginError('rewrite', d.line, `invalid rule type "${field}"`);
  if (field !== 'name') return [];
  const matchTypes = ['exact', 'prefix', 'suffix', 'substring', 'regex'];
  const match = (matchTypes.includes(args[0]!) ? args.shift() : 'exact') as RewriteRule['match'];
  if (args.length < 2) throw pluginError('rewrite', d.line, `too few arguments for a name rule: ${d.args.map((t) => t.text).join(' ')}`);
  const [from, to, ...rest] = args as [string, string, ...string[]];
  if (rest.length && rest[0] !== 'answer') throw pluginError('rewrite', d.line, `unexpected argument '${rest[0]}' for a name rule`);
  const rule: RewriteRule = { match, from: match === 'regex' ? from : from.toLowerCase(), to, next, line: d.line };
  if (match === 'regex') {
    try {
      rule.regex = new RegExp(from, 'i');
    } catch (e) {
      throw pluginError('rewrite', d.line, `invalid regex pattern in a name rule: ${from}: ${(e as Error).message}`);
    }
  }
  return [rule];
}

function hostsPlugin(d: Directive, serverZones: string[]): HostsPlugin {
  // `hosts [FILE [ZONES…]]`: the file is the container's own (its /etc/hosts names only itself).
  const zones = d.args.length > 1 ? d.args.slice(1).map((t) => normalizeZone(t.text)) : serverZones;
  const plugin: HostsPlugin = { zones, entries: new Map() };
  for (const line of d.block ?? []) {
    const [head, ...rest] = line;
    const word = head!.text;
    if (word === 'fallthrough') plugin.fallthrough = rest.length ? rest.map((t) => normalizeZone(t.text)) : ['.'];
    else if (word === 'ttl') {
      if (rest.length !== 1 || !/^\d+$/.test(rest[0]!.text) || Number(rest[0]!.text) > 65535) throw pluginError('hosts', head!.line, `ttl must be in range [0, 65535]: ${rest.map((t) => t.text).join(' ')}`);
    } else if (word === 'no_reverse' || word === 'reload') {
      // Reverse records and reloading the file change nothing a request sees.
    } else if (isIP(word)) {
      if (!rest.length) throw pluginError('hosts', head!.line, `an address needs a name: ${word}`);
      for (const name of rest) {
        const fqdn = normalizeZone(name.text);
        plugin.entries.set(fqdn, [...(plugin.entries.get(fqdn) ?? []), word]);
      }
    } else {
      throw pluginError('hosts', head!.line, `unknown property '${word}'`);
    }
  }
  return plugin;
}

function kubernetesPlugin(d: Directive, serverZones: string[]): KubernetesPlugin {
  const zones = d.args.length ? d.args.map((t) => normalizeZone(t.text)) : serverZones;
  const plugin: KubernetesPlugin = { zones, pods: 'disabled', namespaces: [], endpointPodNames: false };
  for (const line of d.block ?? []) {
    const [head, ...rest] = line;
    const args = rest.map((t) => t.text);
    const word = head!.text;
    const wrong = () => pluginError('kubernetes', head!.line, `Wrong argument count or unexpected line ending after '${word}'`);
    switch (word) {
      case 'pods':
        if (args.length !== 1) throw wrong();
        if (args[0] !== 'disabled' && args[0] !== 'insecure' && args[0] !== 'verified') throw pluginError('kubernetes', head!.line, `wrong value for pods: ${args[0]},  must be one of: disabled, verified, insecure`);
        plugin.pods = args[0];
        break;
      case 'namespaces':
        if (!args.length) throw wrong();
        plugin.namespaces = args;
        break;
      case 'fallthrough':
        plugin.fallthrough = args.length ? args.map(normalizeZone) : ['.'];
        break;
      case 'ttl':
        if (args.length !== 1) throw wrong();
        if (!/^\d+$/.test(args[0]!) || Number(args[0]) > 3600) throw pluginError('kubernetes', head!.line, `ttl must be in range [0, 3600]: ${args[0]}`);
        break;
      case 'endpoint_pod_names':
        plugin.endpointPodNames = true;
        break;
      // Settings of how CoreDNS reaches the API server, or of answers no simulated request asks for.
      case 'endpoint':
      case 'tls':
      case 'kubeconfig':
      case 'labels':
      case 'namespace_labels':
      case 'noendpoints':
      case 'ignore':
      case 'multicluster':
      case 'startup_timeout':
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        break;
      default:
        throw pluginError('kubernetes', head!.line, `unknown property '${word}'`);
    }
  }
  return plugin;
}

function forwardPlugin(d: Directive): ForwardPlugin {
  if (d.args.length < 2) throw pluginError('forward', d.line, "Wrong argument count or unexpected line ending after 'forward'");
  const [from, ...to] = d.args.map((t) => t.text) as [string, ...string[]];
  return { from: normalizeZone(from), to };
}

function isIP(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-f:.]+$/i.test(text));
}

/** Applies a server's rewrite rules to a query name (fully qualified); undefined when none matches. */
function rewrite(rules: readonly RewriteRule[], name: string): { name: string; rule: RewriteRule } | undefined {
  let current = name;
  let last: RewriteRule | undefined;
  for (const rule of rules) {
    const from = rule.match === 'regex' ? rule.from : rule.match === 'exact' || rule.match === 'suffix' ? normalizeZone(rule.from) : rule.from;
    let to: string | undefined;
    switch (rule.match) {
      case 'exact':
        if (current === from) to = normalizeZone(rule.to);
        break;
      case 'prefix':
        if (current.startsWith(from)) to = rule.to.toLowerCase() + current.slice(from.length);
        break;
      case 'suffix':
        if (current.endsWith(from)) to = current.slice(0, current.length - from.length) + normalizeZone(rule.to);
        break;
      case 'substring':
        if (current.includes(from)) to = current.split(from).join(rule.to.toLowerCase());
        break;
      case 'regex': {
        const m = rule.regex!.exec(current);
        if (m) to = normalizeZone(rule.to.replace(/\{(\d+)\}/g, (_, n: string) => m[Number(n)] ?? ''));
        break;
      }
    }
    if (to === undefined) continue;
    current = normalizeZone(to);
    last = rule;
    if (rule.next === 'stop') break;
  }
  return last ? { name: current, rule: last } : undefined;
}

/** The server of `corefile` that answers `name` (fully qualified) on port 53: the longest zone that holds it. */
function serverFor(corefile: Corefile, name: string): { server: ServerBlock; zone: string } | undefined {
  let best: { server: ServerBlock; zone: string } | undefined;
  for (const server of corefile.servers) {
    if (server.port !== 53) continue;
    for (const zone of server.zones) {
      if (inZone(name, zone) && (!best || zone.length > best.zone.length)) best = { server, zone };
    }
  }
  return best;
}

/**
 * How CoreDNS configured by `corefile` answers `query` (with or without its final dot): `lookup`
 * gives what the kubernetes plugin finds for a name (without its final dot) in one of its zones.
 */
export function answer<T>(corefile: Corefile, query: string, lookup: (name: string, plugin: KubernetesPlugin, zone: string) => T | undefined): DnsAnswer<T> {
  const name = normalizeZone(query);
  const found = serverFor(corefile, name);
  if (!found) return { kind: 'refused' };
  const { server } = found;
  const rewritten = rewrite(server.rewrites, name);
  const q = rewritten?.name ?? name;
  const shown = rewritten ? `${name.slice(0, -1)} → ${q.slice(0, -1)} (Corefile rewrite, line ${rewritten.rule.line})` : q.slice(0, -1);
  const hosts = server.hosts;
  if (hosts && hosts.zones.some((z) => inZone(q, z))) {
    const ips = hosts.entries.get(q);
    if (ips) return { kind: 'address', ip: ips[0]!, label: `${shown} (Corefile hosts)` };
    if (!hosts.fallthrough?.some((z) => inZone(q, z))) return { kind: 'nxdomain' };
  }
  const k8s = server.kubernetes;
  if (k8s) {
    const zone = k8s.zones.filter((z) => inZone(q, z)).sort((x, y) => y.length - x.length)[0];
    if (zone !== undefined) {
      const record = zone === '.' ? undefined : lookup(q.slice(0, -1), k8s, zone.slice(0, -1));
      if (record !== undefined) return { kind: 'record', record, label: shown };
      if (!k8s.fallthrough?.some((z) => inZone(q, z))) return { kind: 'nxdomain' };
    }
  }
  // forward: the upstream (the node's resolver, or a server outside this simulated network) knows
  // no name here. A name no plugin takes is refused, which a resolver reports the same way.
  if (server.forward && inZone(q, server.forward.from)) return { kind: 'nxdomain' };
  return { kind: 'refused' };
}

/** What CoreDNS prints for each server as it starts (`.:53`, `corp.example.:53`); undefined for a Corefile it refuses. */
export function serverAddresses(text: string): string[] | undefined {
  const corefile = tryParseCorefile(text);
  return corefile instanceof CorefileError ? undefined : corefile.servers.flatMap((s) => s.zones.map((z) => `${z}:${s.port}`));
}

/** kubeadm's Corefile, as its CoreDNS addon writes it, for `clusterDomain`. */
export function kubeadmCorefile(clusterDomain: string): string {
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '       max_concurrent 1000',
    '    }',
    '    cache 30 {',
    `       disable success ${clusterDomain}`,
    `       disable denial ${clusterDomain}`,
    '    }',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
}
