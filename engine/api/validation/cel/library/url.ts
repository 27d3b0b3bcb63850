// Kubernetes' URL library (k8s.io/apiserver/pkg/cel/library/urls.go): `url(<string>)` and `isURL`, which
// take an absolute URI or an absolute path (Go's url.ParseRequestURI), and getScheme, getHost,
// getHostname, getPort, getEscapedPath and getQuery on a URL.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-url-library
import type { Environment } from '@marcbachmann/cel-js';
import { fail } from './errors';
import { escapedPath, hostname, parseRequestURI, parseURL, port, query, urlString, type URL } from '../../go/url';
import type { LibraryValue } from './values';

export class CelURL implements LibraryValue {
  get celTypeName(): string {
    return 'kubernetes.URL';
  }

  constructor(readonly url: URL) {}

  /** URLs are equal when they print the same. */
  equals(other: unknown): boolean {
    return other instanceof CelURL && urlString(this.url) === urlString(other.url);
  }

  /**
   * The string is checked with ParseRequestURI, then parsed again with Parse: ParseRequestURI reads a
   * fragment into the path or query, where Parse splits it off.
   */
  static parse(s: string): CelURL {
    const checked = parseRequestURI(s);
    if (typeof checked === 'string') fail(`URL parse error during conversion from string: ${checked}`);
    const url = parseURL(s);
    if (typeof url === 'string') fail(`URL parse error during conversion from string: ${url}`);
    return new CelURL(url);
  }
}

export function registerURLLibrary(env: Environment): void {
  const U = 'kubernetes.URL';
  env
    .registerType(U, CelURL)
    .registerOperator(`${U} == ${U}`, (a: CelURL, b: CelURL) => a.equals(b))
    .registerFunction(`url(string): ${U}`, (s: string) => CelURL.parse(s))
    .registerFunction('isURL(string): bool', (s: string) => typeof parseRequestURI(s) !== 'string')
    .registerFunction(`${U}.getScheme(): string`, (u: CelURL) => u.url.scheme)
    .registerFunction(`${U}.getHost(): string`, (u: CelURL) => u.url.host)
    .registerFunction(`${U}.getHostname(): string`, (u: CelURL) => hostname(u.url))
    .registerFunction(`${U}.getPort(): string`, (u: CelURL) => port(u.url))
    .registerFunction(`${U}.getEscapedPath(): string`, (u: CelURL) => escapedPath(u.url))
    .registerFunction(`${U}.getQuery(): map<string, list<string>>`, (u: CelURL) => query(u.url));
}
