// The cluster's ingress controller, as ingress-nginx routes: the Ingress rule that matches a request's
// host and path (https://kubernetes.io/docs/concepts/services-networking/ingress/), its backend
// Service and port, and the pages the controller answers itself when there is nowhere to send it.
import type { HTTPIngressPath, Ingress, IngressBackend, IngressRule } from 'kubernetes-types/networking/v1';

/** A request target as typed: `/api`, `shop.example.com/api`, `http://shop.example.com/api?q=1`. */
export function parseTarget(target: string | undefined): { host?: string; path: string } {
  // The query and fragment play no part in Ingress routing.
  const text = (target ?? '').trim().replace(/^[a-z]+:\/\//i, '').replace(/[?#].*$/, '');
  if (text === '' || text.startsWith('/')) return { path: text || '/' };
  const slash = text.indexOf('/');
  const host = (slash < 0 ? text : text.slice(0, slash)).replace(/:\d+$/, '').toLowerCase();
  return { host, path: slash < 0 ? '/' : text.slice(slash) };
}

/**
 * Whether an Ingress path matches a request path, by pathType: `Exact` compares the whole path;
 * `Prefix` compares element by element split on `/` (`/foo` matches `/foo/bar`, not `/foobar`; a
 * trailing slash is ignored). `ImplementationSpecific` is left to the ingress class; it is read as
 * `Prefix` here, as ingress-nginx does for a path without regex characters.
 */
export function pathMatches(pathType: string | undefined, rulePath: string, requestPath: string): boolean {
  if (pathType === 'Exact') return rulePath === requestPath;
  const rule = rulePath.split('/').filter(Boolean);
  const request = requestPath.split('/').filter(Boolean);
  return rule.length <= request.length && rule.every((element, i) => element === request[i]);
}

/** A rule's host against the request's: exact, or a `*.` wildcard covering exactly one DNS label. */
export function hostMatches(ruleHost: string, host: string): boolean {
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const suffix = ruleHost.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
}

export interface IngressMatch {
  readonly ingress: Ingress;
  /** The rule path that matched, with its type (`/api (Prefix)`), or `default backend`. */
  readonly matched: string;
  readonly backend: IngressBackend;
}

/**
 * The backend the ingress controller sends `host` + `path` to, over every Ingress it serves: among
 * the rules for the host (its own rules before wildcard ones, and those before the host-less ones,
 * as the controller's server blocks are chosen), the longest matching path, `Exact` before `Prefix`
 * at equal length, the oldest Ingress on a tie (ingress-nginx's rule); else a default backend, of an
 * Ingress with rules for the host first. Undefined when nothing matches (the controller answers 404).
 */
export function matchIngresses(ingresses: readonly Ingress[], host: string, path: string): IngressMatch | undefined {
  const ordered = [...ingresses].sort(oldestFirst);
  const rules = ordered.flatMap((ingress) => (ingress.spec?.rules ?? []).filter((r) => r.http?.paths?.length).map((rule) => ({ ingress, rule })));
  const exact = rules.filter(({ rule }) => rule.host && !rule.host.startsWith('*.') && rule.host === host);
  const wildcard = rules.filter(({ rule }) => rule.host?.startsWith('*.') && hostMatches(rule.host, host));
  const chosen = exact.length ? exact : wildcard.length ? wildcard : rules.filter(({ rule }) => !rule.host);
  let best: { ingress: Ingress; path: HTTPIngressPath; length: number; exact: boolean } | undefined;
  for (const { ingress, rule } of chosen) {
    for (const candidate of (rule as Required<IngressRule>).http.paths) {
      const rulePath = candidate.path ?? '/';
      if (!pathMatches(candidate.pathType, rulePath, path)) continue;
      const length = rulePath.replace(/\/+$/, '').length;
      const isExact = candidate.pathType === 'Exact';
      if (!best || length > best.length || (length === best.length && isExact && !best.exact)) best = { ingress, path: candidate, length, exact: isExact };
    }
  }
  if (best) return { ingress: best.ingress, matched: `${best.path.path ?? '/'} (${best.path.pathType ?? 'ImplementationSpecific'})`, backend: best.path.backend };
  const withDefault = [...chosen.map((c) => c.ingress), ...ordered].find((i) => i.spec?.defaultBackend);
  return withDefault && { ingress: withDefault, matched: 'default backend', backend: withDefault.spec!.defaultBackend! };
}

/** One Ingress's backend for `host` + `path` (see matchIngresses). */
export function matchIngress(ingress: Ingress, host: string, path: string): IngressMatch | undefined {
  return matchIngresses([ingress], host, path);
}

/** Whether some Ingress has a rule for this host, so its name leads to the ingress controller. */
export function ingressServesHost(ingresses: readonly Ingress[], host: string): boolean {
  return ingresses.some((i) => (i.spec?.rules ?? []).some((r) => r.host !== undefined && hostMatches(r.host, host)));
}

function oldestFirst(a: Ingress, b: Ingress): number {
  const at = a.metadata?.creationTimestamp ?? '';
  const bt = b.metadata?.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  const an = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const bn = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** What the controller answers itself: ingress-nginx's own error pages (`server_tokens off`, so no version). */
export interface ControllerAnswer {
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const nginxReasons: Record<number, string> = { 404: 'Not Found', 503: 'Service Temporarily Unavailable' };

/** 404 for a request no rule matches; 503 for a backend without ready endpoints (or one it cannot route to). */
export function controllerAnswer(status: 404 | 503, now: number): ControllerAnswer {
  const reason = nginxReasons[status]!;
  const title = `${status} ${reason}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, reason, headers: { Date: new Date(now).toUTCString(), 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(body)) }, body };
}
